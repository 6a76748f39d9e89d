using PolicyAttach.Binding;
using PolicyAttach.Model;
using PolicyAttach.Policies;
using PolicyAttach.Status;

namespace PolicyAttach.Sessions;

/// <summary>
/// The differences between two results, read through the same surface a reader uses: each object's typed status
/// (<see cref="StatusModel"/>, compared as written: <see cref="StatusModel.SameWritten"/>), the routing inputs of each Gateway and mesh
/// Service, and the effective policies of each context. One owner for what "changed" means, for the session's
/// deltas and for the tests that check them against full evaluations.
/// </summary>
internal static class ResultDiff
{
    /// <summary>
    /// The keys whose status is new or differs (<see cref="StatusModel.SameWritten"/>), and those whose status is gone:
    /// over every status of both results, or only over the given keys (the objects a session evaluated again, and
    /// those their results name), looked up by key in both.
    /// </summary>
    public static (List<ResourceKey> Changed, List<ResourceKey> Removed) StatusDelta(EvaluationResult before, EvaluationResult after, IEnumerable<ResourceKey>? keys)
    {
        var (changed, removed) = (new List<ResourceKey>(), new List<ResourceKey>());
        if (keys is not null)
        {
            foreach (var key in keys.Distinct().Order())
            {
                Compare(key, StatusModel.Find(before, key), StatusModel.Find(after, key));
            }

            return (changed, removed);
        }

        // Both entry lists are sorted by key: one merge.
        using var a = StatusModel.Entries(before).GetEnumerator();
        using var b = StatusModel.Entries(after).GetEnumerator();
        var (hasA, hasB) = (a.MoveNext(), b.MoveNext());
        while (hasA || hasB)
        {
            var order = !hasA ? 1 : !hasB ? -1 : a.Current.Key.CompareTo(b.Current.Key);
            if (order < 0)
            {
                removed.Add(a.Current.Key);
                hasA = a.MoveNext();
            }
            else if (order > 0)
            {
                changed.Add(b.Current.Key);
                hasB = b.MoveNext();
            }
            else
            {
                Compare(a.Current.Key, a.Current.Build(), b.Current.Build());
                (hasA, hasB) = (a.MoveNext(), b.MoveNext());
            }
        }

        return (changed, removed);

        void Compare(ResourceKey key, ResourceStatus? was, ResourceStatus? now)
        {
            if (now is null)
            {
                if (was is not null)
                {
                    removed.Add(key);
                }
            }
            else if (!StatusModel.SameWritten(was, now))
            {
                changed.Add(key);
            }
        }
    }

    /// <summary>
    /// The Gateways and mesh Services among the candidates whose routing inputs differ, and the policy contexts under
    /// them whose effective policies differ. When only some routes can differ (a session's route step), only they are
    /// read: every other route's result and contexts are the same in both; and when only some ListenerSets can hold
    /// the candidates' listeners (the route step's owners), only they are read; the contexts above the routes are read
    /// only for the Gateways and ListenerSets that changed; and when only some of those routes can have other contexts
    /// (a session's Gateway step: the others attach where they did), only theirs are read, and only under the given
    /// owners when told (a listener step: a route's contexts through its other parents are kept).
    /// </summary>
    public static (List<ResourceKey> Routing, List<PolicyContext> Contexts) RoutingDelta(EvaluationResult before, EvaluationResult after, IEnumerable<ResourceKey> candidates,
        IReadOnlySet<ResourceKey>? routes = null, IReadOnlyCollection<ResourceKey>? sets = null, IReadOnlySet<ResourceKey>? changedOwners = null, IReadOnlySet<ResourceKey>? contextRoutes = null,
        IReadOnlySet<ResourceKey>? contextOwners = null)
    {
        var (a, b) = (new View(before, routes, sets, changedOwners, contextRoutes, contextOwners), new View(after, routes, sets, changedOwners, contextRoutes, contextOwners));
        var routing = new List<ResourceKey>();
        var contexts = new List<PolicyContext>();

        // Contexts share their effective policies (every context a fold reaches in one state): each pair is compared once.
        var same = new Dictionary<(EffectivePolicies, EffectivePolicies), bool>(SamePair.Instance);
        bool Same(EffectivePolicies x, EffectivePolicies y)
        {
            if (ReferenceEquals(x, y))
            {
                return true;
            }

            if (!same.TryGetValue((x, y), out var equal))
            {
                same[(x, y)] = equal = x.Kinds.Equals(y.Kinds);
            }

            return equal;
        }

        foreach (var candidate in candidates.Distinct().Order())
        {
            var changedContexts = Pairs(a.Contexts(candidate), b.Contexts(candidate))
                .Where(p => !Same(p.Before, p.After))
                .Select(p => p.Context)
                .ToList();
            contexts.AddRange(changedContexts);
            if (changedContexts.Count > 0 || !a.RoutingInputs(candidate).SequenceEqual(b.RoutingInputs(candidate)))
            {
                routing.Add(candidate);
            }
        }

        return (routing, contexts.Distinct().OrderBy(c => c.ToString(), StringComparer.Ordinal).ToList());
    }

    /// <summary>The Gateways and Services of a result: the candidates of <see cref="RoutingDelta"/> for a whole result.</summary>
    public static IEnumerable<ResourceKey> RoutingOwners(EvaluationResult result)
        => result.Gateways.Select(g => g.Gateway.Key).Concat(result.Snapshot.Services.Select(s => s.Key));

    /// <summary>
    /// Each context of either list with its policies in both (<see cref="EffectivePolicies.None"/> where absent). Lists
    /// built from equal inputs hold the same contexts in the same order: they are paired in place, without a lookup.
    /// </summary>
    private static IEnumerable<(PolicyContext Context, EffectivePolicies Before, EffectivePolicies After)> Pairs(
        List<(PolicyContext Context, EffectivePolicies Policies)> before, List<(PolicyContext Context, EffectivePolicies Policies)> after)
    {
        // A side with no context (the routes under a listener gained or lost every attachment) pairs the other with none.
        if (before.Count == 0 || after.Count == 0)
        {
            return before.Count == 0
                ? after.Select(p => (p.Context, EffectivePolicies.None, p.Policies))
                : before.Select(p => (p.Context, p.Policies, EffectivePolicies.None));
        }

        var aligned = before.Count == after.Count;
        for (var i = 0; aligned && i < before.Count; i++)
        {
            aligned = before[i].Context == after[i].Context;
        }

        return aligned ? before.Select((p, i) => (p.Context, p.Policies, after[i].Policies)) : before.FullOuterJoin(after);
    }

    private static IEnumerable<(PolicyContext Context, EffectivePolicies Before, EffectivePolicies After)> FullOuterJoin(
        this List<(PolicyContext Context, EffectivePolicies Policies)> before, List<(PolicyContext Context, EffectivePolicies Policies)> after)
    {
        // A context listed twice (a backend named twice in a rule) has the same policies both times.
        var old = new Dictionary<PolicyContext, EffectivePolicies>(before.Count);
        var now = new Dictionary<PolicyContext, EffectivePolicies>(after.Count);
        foreach (var (context, policies) in before)
        {
            old[context] = policies;
        }

        foreach (var (context, policies) in after)
        {
            now[context] = policies;
        }

        foreach (var context in old.Keys.Union(now.Keys))
        {
            yield return (context, old.GetValueOrDefault(context) ?? EffectivePolicies.None, now.GetValueOrDefault(context) ?? EffectivePolicies.None);
        }
    }

    /// <summary>A pair of effective policies by reference.</summary>
    private sealed class SamePair : IEqualityComparer<(EffectivePolicies, EffectivePolicies)>
    {
        public static SamePair Instance { get; } = new();

        public bool Equals((EffectivePolicies, EffectivePolicies) x, (EffectivePolicies, EffectivePolicies) y)
            => ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((EffectivePolicies, EffectivePolicies) pair)
            => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(pair.Item1), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(pair.Item2));
    }

    /// <summary>A result seen from its Gateways and mesh Services.</summary>
    private sealed class View
    {
        private readonly EvaluationResult _result;
        private readonly bool _routesOnly;
        private readonly IReadOnlySet<ResourceKey>? _changedOwners;
        private readonly IReadOnlySet<ResourceKey>? _contextRoutes;
        private readonly IReadOnlySet<ResourceKey>? _contextOwners;
        private readonly Dictionary<ResourceKey, List<RouteResult>> _routesByOwner = [];
        private readonly Dictionary<ResourceKey, List<RouteResult>> _routesByService = [];
        private readonly Dictionary<ResourceKey, List<ListenerSetResult>> _sets = [];

        public View(EvaluationResult result, IReadOnlySet<ResourceKey>? only, IReadOnlyCollection<ResourceKey>? sets, IReadOnlySet<ResourceKey>? changedOwners, IReadOnlySet<ResourceKey>? contextRoutes,
            IReadOnlySet<ResourceKey>? contextOwners)
        {
            _result = result;
            _contextRoutes = contextRoutes;
            _contextOwners = contextOwners;
            _routesOnly = only is not null;
            _changedOwners = changedOwners;
            foreach (var set in sets is null ? result.ListenerSets : sets.Order().Select(result.FindListenerSet).OfType<ListenerSetResult>())
            {
                Add(_sets, set.Parent, set);
            }

            foreach (var route in only is null ? result.Routes : only.Order().Select(result.FindRoute).OfType<RouteResult>())
            {
                foreach (var parent in route.Parents)
                {
                    if (parent.ParentRef.GroupKind == Kinds.Service)
                    {
                        Add(_routesByService, parent.ParentRef.TargetKey, route);
                    }

                    foreach (var verdict in parent.AttachedListeners)
                    {
                        Add(_routesByOwner, result.GatewayOf(verdict.Owner), route);
                    }
                }
            }
        }

        /// <summary>What the routing of a Gateway or mesh Service is compiled from.</summary>
        public List<object> RoutingInputs(ResourceKey key)
        {
            var inputs = new List<object>();
            if (_result.FindGateway(key) is { } gateway)
            {
                inputs.Add(gateway);
            }

            inputs.AddRange(_sets.GetValueOrDefault(key) ?? []);
            inputs.AddRange(Routes(_routesByOwner, key));
            inputs.AddRange(Routes(_routesByService, key));

            // A mesh parent that names a port by its name takes the number behind the name from the Service: a
            // renumbered port moves the routes without changing them or their statuses.
            if (_routesByService.ContainsKey(key) && _result.Snapshot.Find<Service>(key) is { } service)
            {
                inputs.Add(service.Ports);
            }

            return inputs;
        }

        /// <summary>
        /// Every policy context under a Gateway (its ListenerSets included) or a mesh Service, with its effective
        /// policies; a context can be listed twice (a backend named twice in a rule), with the same policies.
        /// </summary>
        public List<(PolicyContext Context, EffectivePolicies Policies)> Contexts(ResourceKey key)
        {
            var policies = _result.Policies;
            var contexts = new List<(PolicyContext, EffectivePolicies)>();
            var owners = new List<(ResourceKey Owner, IEnumerable<ListenerResult> Listeners)>();
            if (_result.FindGateway(key) is { } gateway)
            {
                owners.Add((key, gateway.Listeners));
            }

            owners.AddRange((_sets.GetValueOrDefault(key) ?? []).Select(s => (s.ListenerSet.Key, (IEnumerable<ListenerResult>)s.Listeners)));

            // When only some routes can differ (a route step), the contexts above them are answered by the same
            // resolution in both results, except under a Gateway or ListenerSet the step judged again: only those are read.
            if (_routesOnly)
            {
                owners.RemoveAll(o => _changedOwners?.Contains(o.Owner) != true);
            }

            foreach (var (owner, listeners) in owners)
            {
                var top = PolicyContext.ForGateway(owner);
                contexts.Add((top, policies.For(top)));
                foreach (var listener in listeners)
                {
                    var onListener = top.WithListener(listener.Name);
                    contexts.Add((onListener, policies.For(onListener)));
                }
            }

            foreach (var route in _contextOwners?.Contains(key) == false ? [] : Routes(_routesByOwner, key))
            {
                if (_contextRoutes?.Contains(route.Route.Key) == false)
                {
                    continue;
                }

                foreach (var verdict in route.Parents.SelectMany(p => p.AttachedListeners).DistinctBy(v => (v.Owner, v.ListenerName)))
                {
                    if (_result.GatewayOf(verdict.Owner) != key)
                    {
                        continue;
                    }

                    var (owner, listener, routeKey) = (verdict.Owner, verdict.ListenerName, route.Route.Key);
                    var onRoute = PolicyContext.ForGateway(owner).WithListener(listener).WithRoute(routeKey);
                    AddRouteContexts(contexts, policies, onRoute, route);
                }
            }

            if (key.GroupKind == Kinds.Service)
            {
                var service = PolicyContext.ForMeshService(key);
                contexts.Add((service, policies.For(service)));
            }

            foreach (var route in Routes(_routesByService, key))
            {
                if (_contextRoutes?.Contains(route.Route.Key) == false)
                {
                    continue;
                }

                var routeKey = route.Route.Key;
                var onRoute = PolicyContext.ForMeshService(key).WithRoute(routeKey);
                AddRouteContexts(contexts, policies, onRoute, route);
            }

            return contexts;
        }

        /// <summary>
        /// The routes listed under a key, each once, in key order: the lists are filled route by route in key order (the
        /// routes of a result, or the keys given, sorted), a route once per attachment, so a repeat follows its first.
        /// </summary>
        private static IEnumerable<RouteResult> Routes(Dictionary<ResourceKey, List<RouteResult>> map, ResourceKey key)
        {
            if (!map.TryGetValue(key, out var list))
            {
                yield break;
            }

            RouteResult? last = null;
            foreach (var route in list)
            {
                if (!ReferenceEquals(route, last))
                {
                    yield return route;
                }

                last = route;
            }
        }

        /// <summary>A route's context and, below it, each rule's and each backend's, gateway and mesh alike.</summary>
        private void AddRouteContexts(List<(PolicyContext, EffectivePolicies)> contexts, PolicyResolution policies, PolicyContext onRoute, RouteResult route)
        {
            contexts.Add((onRoute, policies.For(onRoute)));
            for (var i = 0; i < route.Route.RuleCount; i++)
            {
                var onRule = onRoute.WithRule(route.Route.RuleName(i));
                contexts.Add((onRule, policies.For(onRule)));
                foreach (var (service, port) in Backends(route, i))
                {
                    var onBackend = onRule.WithBackend(service, port);
                    contexts.Add((onBackend, policies.For(onBackend)));
                }
            }
        }

        private IEnumerable<(ResourceKey Service, string? Port)> Backends(RouteResult route, int rule)
        {
            foreach (var backend in route.BackendRefs)
            {
                if (backend.RuleIndex == rule && backend.BackendRef.GroupKind == Kinds.Service)
                {
                    var port = backend.BackendRef.Port is { } p ? _result.Snapshot.Find<Service>(backend.BackendRef.TargetKey)?.FindPort(p)?.Name : null;
                    yield return (backend.BackendRef.TargetKey, port);
                }
            }
        }

        private static void Add<T>(Dictionary<ResourceKey, List<T>> map, ResourceKey key, T value)
        {
            if (!map.TryGetValue(key, out var list))
            {
                map[key] = list = [];
            }

            list.Add(value);
        }
    }
}
