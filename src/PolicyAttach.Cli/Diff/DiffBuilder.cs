using PolicyAttach.Binding;
using PolicyAttach.Cli.Describe;
using PolicyAttach.Cli.Explain;
using PolicyAttach.Cli.Output;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.Policies;

namespace PolicyAttach.Cli.Diff;

/// <summary>
/// Compares two evaluations through flat facts: (object, category, subject) → value. Objects present on one side only
/// show as added or removed, without their other facts. Categories: status (each condition's status and reason, per
/// object, listener, parentRef or ancestor), attachment (each route × listener verdict, leaving out listeners a
/// parentRef does not select by sectionName or port), routing (the hostnames a route serves on each listener; its
/// rules as match → backends, so that an edited rule is one removed and one added) and policy (each field of each
/// effective policy in every context: value and source, where it differs from the enclosing context's, so that a change
/// shows where it is made rather than in every context below).
/// </summary>
internal static class DiffBuilder
{
    private static readonly string[] Categories = ["object", "status", "attachment", "routing", "policy"];

    /// <summary>Compares the two sides.</summary>
    /// <param name="before">The evaluation of BEFORE.</param>
    /// <param name="after">The evaluation of AFTER.</param>
    /// <returns>The report.</returns>
    public static DiffReport Build(EvaluationResult before, EvaluationResult after)
    {
        var oldObjects = before.Snapshot.Objects.Select(o => o.Key).ToHashSet();
        var newObjects = after.Snapshot.Objects.Select(o => o.Key).ToHashSet();
        var changes = new List<(ResourceKey Object, DiffChange Change)>();
        foreach (var key in oldObjects.Except(newObjects))
        {
            changes.Add((key, new DiffChange("object", "removed", "object", string.Empty, null)));
        }

        foreach (var key in newObjects.Except(oldObjects))
        {
            changes.Add((key, new DiffChange("object", "added", "object", null, string.Empty)));
        }

        bool Whole(ResourceKey key) => oldObjects.Contains(key) != newObjects.Contains(key);
        Compare(Facts(before), Facts(after), Whole, changes);

        // A route's own facts (a verdict per listener: millions for 50,000 routes on a Gateway of 64 listeners) are
        // compared route by route, so that only one route's facts of each side are held at a time.
        var afterRoutes = after.Routes.ToDictionary(r => r.Route.Key);
        var names = new FactNames();
        List<RouteFact> old = [], now = [];
        foreach (var route in before.Routes)
        {
            var key = route.Route.Key;
            var found = afterRoutes.Remove(key, out var next);
            if (Whole(key))
            {
                // Added or removed: the object's one change says it all.
                continue;
            }

            // A rule's facts read only the route and its backend results: when both are equal on the two sides, so
            // are the rules' facts, and making their text for 50,000 unchanged routes is left out.
            var rules = !found || !route.Route.Equals(next!.Route) || !route.BackendRefs.Equals(next.BackendRefs);
            RouteFacts(route, names, old, rules);
            if (found)
            {
                RouteFacts(next!, names, now, rules);
            }
            else
            {
                now.Clear();
            }

            CompareRoute(key, old, now, changes);
        }

        old.Clear();
        foreach (var route in after.Routes.Where(r => afterRoutes.ContainsKey(r.Route.Key) && !Whole(r.Route.Key)))
        {
            RouteFacts(route, names, now, rules: true);
            CompareRoute(route.Route.Key, old, now, changes);
        }

        var objects = changes.GroupBy(c => c.Object).OrderBy(g => g.Key)
            .Select(g => new DiffObject(ObjectRef.From(g.Key), [.. g.Select(c => c.Change)
                .OrderBy(c => Array.IndexOf(Categories, c.Category)).ThenBy(c => c.Subject, StringComparer.Ordinal)
                .ThenBy(c => c.Change == "removed" ? 0 : 1)]))
            .ToList();
        var controllers = after.Options.ControllerNames.Concat(before.Options.ControllerNames).Distinct(StringComparer.Ordinal).ToList();
        return new DiffReport(objects.Count > 0, controllers, objects);
    }

    private static void Compare(Dictionary<Fact, string> old, Dictionary<Fact, string> now, Func<ResourceKey, bool> whole, List<(ResourceKey Object, DiffChange Change)> changes)
    {
        foreach (var (fact, value) in old)
        {
            if (whole(fact.Object))
            {
                continue;
            }

            if (!now.TryGetValue(fact, out var next))
            {
                changes.Add((fact.Object, new DiffChange(fact.Category, "removed", fact.Subject, value, null)));
            }
            else if (next != value)
            {
                changes.Add((fact.Object, new DiffChange(fact.Category, "changed", fact.Subject, value, next)));
            }
        }

        foreach (var (fact, value) in now)
        {
            if (!whole(fact.Object) && !old.ContainsKey(fact))
            {
                changes.Add((fact.Object, new DiffChange(fact.Category, "added", fact.Subject, null, value)));
            }
        }
    }

    private readonly record struct Fact(ResourceKey Object, string Category, string Subject);

    /// <summary>Every fact but the routes' own (<see cref="RouteFacts"/>): statuses of classes, Gateways, ListenerSets and policies, and effective policies.</summary>
    private static Dictionary<Fact, string> Facts(EvaluationResult result)
    {
        var facts = new Dictionary<Fact, string>();
        void Conditions(ResourceKey key, string scope, IEnumerable<Condition> conditions) => AddConditions(facts, key, scope, conditions);

        foreach (var cls in result.GatewayClasses)
        {
            Conditions(cls.GatewayClass.Key, string.Empty, cls.Conditions);
        }

        void Listeners(ResourceKey key, IEnumerable<ListenerResult> listeners)
        {
            foreach (var listener in listeners)
            {
                Conditions(key, "listener " + listener.Name + " ", listener.Conditions);
                facts[new Fact(key, "status", "listener " + listener.Name + " attachedRoutes")] = Describe.Facts.Number(listener.AttachedRoutes);
            }
        }

        foreach (var gateway in result.Gateways)
        {
            Conditions(gateway.Gateway.Key, string.Empty, gateway.Conditions);
            facts[new Fact(gateway.Gateway.Key, "status", "attachedListenerSets")] = Describe.Facts.Number(gateway.AttachedListenerSets);
            Listeners(gateway.Gateway.Key, gateway.Listeners);
        }

        foreach (var set in result.ListenerSets)
        {
            Conditions(set.ListenerSet.Key, string.Empty, set.Conditions);
            Listeners(set.ListenerSet.Key, set.Listeners);
        }

        foreach (var policy in result.Policies.Statuses)
        {
            foreach (var ancestor in policy.Ancestors)
            {
                Conditions(policy.Resource.Key, "ancestor " + Output.ExplainRefs.Parent(ancestor.AncestorRef) + " ", ancestor.Conditions);
            }
        }

        Policies(result, facts);
        return facts;
    }

    private static string ConditionValue(Condition c) => c.Status + " (" + c.Reason + ")";

    private static void AddConditions(Dictionary<Fact, string> facts, ResourceKey key, string scope, IEnumerable<Condition> conditions)
    {
        foreach (var c in conditions)
        {
            facts[new Fact(key, "status", scope + "condition " + c.Type)] = ConditionValue(c);
        }
    }

    /// <summary>A fact of one route: the route itself is the object.</summary>
    private readonly record struct RouteFact(string Category, string Subject, string Value);

    /// <summary>
    /// Compares one route's facts. Both lists are made in the same order from the same names, so an unchanged route
    /// (nearly every route of a large diff) is one pass over equal pairs; only a route whose facts differ somewhere
    /// is compared by subject, where a subject given twice keeps its last value, as a fact table does.
    /// </summary>
    private static void CompareRoute(ResourceKey key, List<RouteFact> old, List<RouteFact> now, List<(ResourceKey Object, DiffChange Change)> changes)
    {
        if (old.Count == now.Count && Same(old, now))
        {
            return;
        }

        Compare(Table(key, old), Table(key, now), _ => false, changes);

        static bool Same(List<RouteFact> old, List<RouteFact> now)
        {
            for (var i = 0; i < old.Count; i++)
            {
                if (!old[i].Equals(now[i]))
                {
                    return false;
                }
            }

            return true;
        }

        static Dictionary<Fact, string> Table(ResourceKey key, List<RouteFact> facts)
        {
            var table = new Dictionary<Fact, string>(facts.Count);
            foreach (var fact in facts)
            {
                table[new Fact(key, fact.Category, fact.Subject)] = fact.Value;
            }

            return table;
        }
    }

    /// <summary>
    /// A route's own facts, in a fixed order: its parents' conditions, its verdict on each listener, the hostnames it
    /// serves, and (when <paramref name="rules"/>) its rules. <paramref name="facts"/> is cleared first.
    /// </summary>
    private static void RouteFacts(RouteResult route, FactNames names, List<RouteFact> facts, bool rules)
    {
        facts.Clear();
        foreach (var parent in route.Parents)
        {
            var scope = "parent " + Output.ExplainRefs.Parent(parent.ParentRef) + " ";
            foreach (var c in parent.Conditions)
            {
                facts.Add(new RouteFact("status", scope + "condition " + c.Type, ConditionValue(c)));
            }

            for (var i = 0; i < parent.ListenerCount; i++)
            {
                var verdict = parent.OutcomeAt(i);
                if (verdict.Cause is BindingCause.SectionNameMismatch or BindingCause.PortMismatch)
                {
                    continue;
                }

                var (where, hostnames) = names.Listener(verdict.Owner, verdict.ListenerName);
                facts.Add(new RouteFact("attachment", where, verdict.Attached ? "attached" : names.Refused(verdict.Cause)));
                if (verdict.Attached)
                {
                    facts.Add(new RouteFact("routing", hostnames, string.Join(", ", verdict.Hostnames)));
                }
            }
        }

        if (!rules)
        {
            return;
        }

        foreach (var group in Enumerable.Range(0, route.Route.RuleCount).Select(i => Rule(route, i)).GroupBy(r => r, StringComparer.Ordinal))
        {
            facts.Add(new RouteFact("routing", "rule " + group.Key, group.Count() == 1 ? string.Empty : group.Count() + " times"));
        }
    }

    /// <summary>
    /// The subjects and values that repeat for every route (a listener's name, a refusal's cause), made once: 50,000
    /// routes on 64 listeners would otherwise make millions of equal strings.
    /// </summary>
    private sealed class FactNames
    {
        private readonly Dictionary<ResourceKey, Dictionary<string, (string Where, string Hostnames)>> _listeners = [];
        private readonly Dictionary<BindingCause, string> _refused = [];
        private ResourceKey _lastOwner;
        private Dictionary<string, (string Where, string Hostnames)>? _lastNames;

        public (string Where, string Hostnames) Listener(ResourceKey owner, string listener)
        {
            // Consecutive verdicts nearly always share the owner: its names are kept at hand.
            if (_lastNames is null || !owner.Equals(_lastOwner))
            {
                if (!_listeners.TryGetValue(owner, out _lastNames))
                {
                    _listeners[owner] = _lastNames = new(StringComparer.Ordinal);
                }

                _lastOwner = owner;
            }

            if (!_lastNames.TryGetValue(listener, out var names))
            {
                var where = Describe.Facts.Name(owner) + " listener " + listener;
                _lastNames[listener] = names = (where, where + " hostnames");
            }

            return names;
        }

        public string Refused(BindingCause cause)
        {
            if (!_refused.TryGetValue(cause, out var value))
            {
                _refused[cause] = value = "refused: " + cause;
            }

            return value;
        }
    }

    private static string Rule(RouteResult route, int index)
    {
        var name = route.Route.RuleName(index);
        var backends = route.BackendRefs.Where(b => b.RuleIndex == index).OrderBy(b => b.IsMirror).ThenBy(b => b.BackendIndex)
            .Select(b => (b.IsMirror ? "mirror " : string.Empty) + Describe.Facts.Name(b.BackendRef.TargetKey)
                + (b.BackendRef.Port is { } p ? ":" + Describe.Facts.Number(p) : string.Empty)
                + (b.IsMirror ? string.Empty : " weight " + Describe.Facts.Number(b.BackendRef.Weight)))
            .ToList();
        return (name is null ? string.Empty : name + ": ") + Describe.Facts.RuleMatches(route.Route, index)
            + " -> " + (backends.Count == 0 ? "no backend" : string.Join(", ", backends));
    }

    private static void Policies(EvaluationResult result, Dictionary<Fact, string> facts)
    {
        // Effective policies come from the snapshot's policies only: without one, every context below is empty, and
        // walking 50,000 routes' contexts to find that out is most of a large diff.
        if (result.Snapshot.Policies.Count == 0)
        {
            return;
        }

        var policies = result.Policies;
        Dictionary<string, string> Add(ResourceKey key, string context, EffectivePolicies effective, Dictionary<string, string>? parent)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var kind in effective.Kinds)
            {
                foreach (var field in kind.Fields)
                {
                    var path = kind.Kind + " " + (field.Path.Length == 0 ? "(document)" : field.Path);
                    var source = field.Source;
                    var stanza = source.Stanza == StanzaKind.Override ? "override" : "default";
                    var value = Describe.Facts.Json(field.Value.Element) + " from " + Describe.Facts.Name(source.Policy) + " (" + source.Level + ", " + stanza + ")";
                    values[path] = value;
                    if (parent is null || !parent.TryGetValue(path, out var inherited) || inherited != value)
                    {
                        facts[new Fact(key, "policy", path + " " + context)] = value;
                    }
                }
            }

            return values;
        }

        var attached = new ListenerRoutes(result);
        void Owner(ResourceKey owner, IEnumerable<ListenerResult> listeners)
        {
            var top = Add(owner, "at " + Describe.Facts.Name(owner), policies.For(PolicyContext.ForGateway(owner)), null);
            foreach (var listener in listeners)
            {
                var at = "at " + Describe.Facts.Name(owner) + " listener " + listener.Name;
                var onListener = Add(owner, at, policies.For(PolicyContext.ForGateway(owner).WithListener(listener.Name)), top);
                foreach (var (route, _, _) in attached.Of(owner, listener.Name))
                {
                    var key = route.Route.Key;
                    var via = "via " + Describe.Facts.Name(owner) + " listener " + listener.Name;
                    var onRoute = Add(key, via, policies.For(PolicyContext.ForGateway(owner).WithListener(listener.Name).WithRoute(key)), onListener);
                    for (var i = 0; i < route.Route.RuleCount; i++)
                    {
                        var name = route.Route.RuleName(i);
                        var onRule = name is null ? onRoute : Add(key, "rule " + name + " " + via, policies.For(PolicyContext.ForGateway(owner).WithListener(listener.Name).WithRoute(key).WithRule(name)), onRoute);

                        foreach (var backend in route.BackendRefs.Where(b => b.RuleIndex == i && b.IsValid && !b.IsMirror))
                        {
                            if (result.Snapshot.Find(backend.BackendRef.TargetKey) is Service service)
                            {
                                var portName = backend.BackendRef.Port is { } p ? service.FindPort(p)?.Name : null;
                                Add(service.Key, "via " + Describe.Facts.Name(key) + " rule " + Describe.Facts.Number(i) + " " + via,
                                    policies.For(PolicyContext.ForGateway(owner).WithListener(listener.Name).WithRoute(key).WithRule(name).WithBackend(service.Key, portName)), onRule);
                            }
                        }
                    }
                }
            }
        }

        foreach (var gateway in result.Gateways)
        {
            Owner(gateway.Gateway.Key, gateway.Listeners);
        }

        foreach (var set in result.ListenerSets)
        {
            Owner(set.ListenerSet.Key, set.Listeners);
        }
    }
}
