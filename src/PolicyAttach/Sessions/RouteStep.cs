using System.Collections.Immutable;
using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.Policies;

namespace PolicyAttach.Sessions;

/// <summary>
/// A batch of route changes evaluated below the unit: the changed routes are bound again against their parents'
/// listeners (which no route changes), with the evaluator itself on the few objects a route reads (its old and new
/// parents with their ListenerSets, its backends, the policies whose folding reaches its contexts, and the shared
/// objects); the parents' attachedRoutes counts move by the old and new routes' attachments, the policies on the
/// routes get their statuses again, and the effective policies of the contexts under the routes are answered by that
/// evaluation. Everything else is kept. A batch this cannot bound exactly (a route with a Service parent or default
/// Gateways, an HTTPRoute and a GRPCRoute on one parent, a policy whose status or folding reads other routes: a
/// Namespace or Service target the route reaches, a selector of its kind, a kind that reports overrides or merges, a
/// route policy that also targets something else) returns null and the batch goes to the unit path. A policy whose old
/// and new targets are all routes is taken the same way: its target routes are evaluated again as if they had changed
/// (their results stay equal), which resolves its contexts, its status and those of the other policies on its targets
/// (its conflict set) with the policy stage's own rules.
/// </summary>
internal static class RouteStep
{
    /// <summary>
    /// Applies a batch of route changes, or returns null: with why when the batch changes only routes but cannot be
    /// bounded below the unit, without when it changes other objects.
    /// </summary>
    public static RouteStepResult? TryApply(EvaluationResult previous, Snapshot snapshot, List<KeyValuePair<ResourceKey, KubeObject?>> changes, EvaluationOptions options, out string? why)
    {
        why = null;
        var old = previous.Snapshot;
        var routes = new List<(ResourceKey Key, RouteBase? Before, RouteBase? After)>();
        var changedKeys = new HashSet<ResourceKey>();
        var changedPolicies = new HashSet<ResourceKey>();
        var policyTargets = new SortedSet<ResourceKey>();
        foreach (var (key, obj) in changes)
        {
            var before = old.Find(key);
            if (obj is null && before is null)
            {
                return null;
            }

            if (obj is (null or RouteBase) && before is (null or RouteBase))
            {
                routes.Add((key, (RouteBase?)before, (RouteBase?)obj));
                changedKeys.Add(key);
                continue;
            }

            if (obj is not (null or IPolicyObject) || before is not (null or IPolicyObject))
            {
                return null;
            }

            // A policy whose old and new targets are routes changes only the contexts under them, the statuses of the
            // policies on them and their target conditions: the routes are evaluated again as if they had changed.
            changedPolicies.Add(key);
            foreach (var policy in new[] { (IPolicyObject?)before, (IPolicyObject?)obj })
            {
                if (policy is null)
                {
                    continue;
                }

                if (!policy.TargetSelectors.IsEmpty)
                {
                    why = $"{key} selects targets by label";
                    return null;
                }

                foreach (var target in policy.TargetRefs)
                {
                    if (RouteKindTable.Find(target.GroupKind) is null)
                    {
                        why = $"{key} targets a {target.Kind}";
                        return null;
                    }

                    policyTargets.Add(target.TargetKey);
                }
            }
        }

        foreach (var target in policyTargets)
        {
            if (changedKeys.Add(target) && snapshot.Find(target) is RouteBase route)
            {
                routes.Add((target, route, route));
            }
        }

        var owners = new HashSet<ResourceKey>();
        var backends = new HashSet<ResourceKey>();
        var namespaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, before, after) in routes)
        {
            foreach (var route in new[] { before, after })
            {
                if (route is null)
                {
                    continue;
                }

                if (route.UseDefaultGateways is not null)
                {
                    why = $"{route.Key} uses default Gateways";
                    return null;
                }

                namespaces.Add(route.Namespace);
                foreach (var parentRef in route.ParentRefs)
                {
                    if (parentRef.GroupKind == Kinds.Gateway)
                    {
                        owners.Add(parentRef.TargetKey);
                    }
                    else if (parentRef.GroupKind == Kinds.ListenerSet)
                    {
                        owners.Add(parentRef.TargetKey);
                        foreach (var s in new[] { old, snapshot })
                        {
                            if (s.Find<ListenerSet>(parentRef.TargetKey) is { } set && set.ParentRef.GroupKind == Kinds.Gateway)
                            {
                                owners.Add(set.ParentRef.TargetKey);
                            }
                        }
                    }
                    else
                    {
                        why = $"{route.Key} has a {parentRef.Kind} parent";
                        return null;
                    }
                }

                foreach (var entry in route.EnumerateBackendRefs().Concat(route.EnumerateMirrorBackendRefs()))
                {
                    backends.Add(entry.BackendRef.TargetKey);
                    namespaces.Add(entry.BackendRef.Namespace);
                }
            }
        }

        // The ListenerSets of every Gateway involved: their listeners and the Gateway's are judged together.
        foreach (var set in snapshot.ListenerSets)
        {
            if (set.ParentRef.GroupKind == Kinds.Gateway && owners.Contains(set.ParentRef.TargetKey))
            {
                owners.Add(set.Key);
            }
        }

        if (snapshot.GatewayClasses.Any(c => c.ParametersRef is { } p && changedKeys.Any(k => k.Kind == p.Kind && k.Name == p.Name)))
        {
            why = "a changed route is a GatewayClass's parametersRef";
            return null;
        }

        // An HTTPRoute and a GRPCRoute on one listener: the older is accepted, so the binding of one reads the other.
        foreach (var kind in RouteKindTable.All.Where(k => k.SharesHttpListener))
        {
            if (!routes.Any(r => (r.After ?? r.Before)!.Definition.SharesHttpListener && (r.After ?? r.Before)!.Definition.Kind != kind.Kind))
            {
                continue;
            }

            foreach (var other in snapshot.OfKind(kind.Kind))
            {
                if (other is RouteBase r && r.ParentRefs.Any(p => owners.Contains(p.TargetKey)))
                {
                    why = $"{kind.Kind.Kind} {r.Namespace}/{r.Name} shares a parent with a changed route of the other kind";
                    return null;
                }
            }
        }

        // The policies whose folding reaches the contexts under the routes, and those whose status reads the routes.
        var gatewayNamespaces = owners.Select(o => o.Namespace).ToHashSet(StringComparer.Ordinal);
        var routeKinds = routes.Select(r => (r.After ?? r.Before)!.Definition.Kind).ToHashSet();
        var registry = options.EffectivePolicyKinds;
        var included = new List<KubeObject>();
        var routePolicies = new HashSet<ResourceKey>();
        foreach (var policy in snapshot.Policies)
        {
            var obj = (KubeObject)policy;
            var kind = new GroupKind(obj.Group, obj.Kind);
            if (policy.TargetSelectors.Any(s => routeKinds.Contains(new GroupKind(s.Group, s.Kind)) || s.Kind == Kinds.Gateway.Kind || s.Kind == Kinds.ListenerSet.Kind || s.Kind == Kinds.Service.Kind))
            {
                why = $"{obj.Key} selects targets by label";
                return null;
            }

            var onRoute = false;
            var elsewhere = false;
            var include = false;
            foreach (var target in policy.TargetRefs)
            {
                var group = target.GroupKind;
                if (changedKeys.Contains(target.TargetKey))
                {
                    onRoute = true;
                    include = true;
                }
                else if (group == Kinds.Namespace)
                {
                    if (namespaces.Contains(target.Name))
                    {
                        why = $"{obj.Key} targets Namespace {target.Name}, where a changed route or its backend lives";
                        return null;
                    }

                    include |= gatewayNamespaces.Contains(target.Name);
                    elsewhere = true;
                }
                else if (group == Kinds.Service && backends.Contains(target.TargetKey))
                {
                    why = $"{obj.Key} targets a backend of a changed route";
                    return null;
                }
                else if (owners.Contains(target.TargetKey) || group == Kinds.GatewayClass)
                {
                    include = true;
                    elsewhere = true;
                }
                else
                {
                    elsewhere = true;
                }
            }

            if (!include)
            {
                continue;
            }

            if (onRoute && elsewhere)
            {
                why = $"{obj.Key} targets a changed route and other objects";
                return null;
            }

            if ((registry.Find(kind) ?? (policy is PolicyObject ? PolicyKindRegistry.InheritedDefinition(kind) : null)) is { ReportOverridden: true })
            {
                why = $"{kind.Kind} reports overrides and merges, which read every route below a policy";
                return null;
            }

            included.Add(obj);
            if (onRoute)
            {
                routePolicies.Add(obj.Key);
            }
        }

        // The evaluation of the few objects the routes read, with the evaluator itself.
        var composite = previous.Policies.Routed;
        var known = new HashSet<ResourceKey>(owners);
        foreach (var key in changedKeys)
        {
            if (composite?.Owners(key) is { } before)
            {
                known.UnionWith(before);
            }
        }

        var objects = new List<KubeObject>(included);
        foreach (var obj in snapshot.Objects)
        {
            if (!DependencyIndex.IsPartitioned(obj)
                || ((obj is Gateway or ListenerSet) && known.Contains(obj.Key))
                || (obj is Service && backends.Contains(obj.Key))
                || (obj is RouteBase && changedKeys.Contains(obj.Key)))
            {
                objects.Add(obj);
            }
        }

        objects.Sort((a, b) => a.Key.CompareTo(b.Key));
        var part = Evaluator.Evaluate(Snapshot.FromSorted([.. objects], []), options);

        // attachedRoutes: each listener loses the old routes' attachments and gains the new ones'.
        var counts = new Dictionary<(ResourceKey Owner, string Listener), int>();
        foreach (var key in changedKeys)
        {
            Count(counts, previous.FindRoute(key), -1);
            Count(counts, part.FindRoute(key), +1);
        }

        var gateways = Replace(previous.Gateways, g => g.Gateway.Key, owners, key => previous.FindGateway(key) is { } g ? g with { Listeners = Recount(key, g.Listeners, counts) } : null);
        var sets = Replace(previous.ListenerSets, s => s.ListenerSet.Key, owners, key => previous.FindListenerSet(key) is { } s ? s with { Listeners = Recount(key, s.Listeners, counts) } : null);
        var routeResults = Replace(previous.Routes, r => r.Route.Key, changedKeys, part.FindRoute);
        routePolicies.UnionWith(changedPolicies);
        var statuses = Replace(previous.Policies.Statuses, p => p.Resource.Key, routePolicies, key => part.Policies.Statuses.FirstOrDefault(p => p.Resource.Key == key));
        var binding = previous.Binding.With(snapshot, gateways, sets, routeResults, [.. owners, .. changedKeys]);
        var policies = PolicyResolution.WithRoutes(previous.Policies, statuses, changedKeys, part.Policies, known);
        var result = new EvaluationResult(options, binding, policies);

        var compared = new HashSet<ResourceKey>(changedKeys);
        compared.UnionWith(owners);
        compared.UnionWith(routePolicies);
        var candidates = owners.Where(o => o.GroupKind == Kinds.Gateway).ToList();
        var dirty = new HashSet<ResourceKey>(compared);
        dirty.UnionWith(backends);
        return new RouteStepResult(result, compared, candidates, changedKeys, dirty, objects.Count(DependencyIndex.IsPartitioned), routes.Count(r => !ReferenceEquals(r.Before, r.After)), changedPolicies.Count);
    }

    private static void Count(Dictionary<(ResourceKey, string), int> counts, RouteResult? route, int sign)
    {
        if (route is null)
        {
            return;
        }

        foreach (var parent in route.Parents)
        {
            if (!parent.IsAccepted)
            {
                continue;
            }

            foreach (var verdict in parent.AttachedListeners)
            {
                counts[(verdict.Owner, verdict.ListenerName)] = counts.GetValueOrDefault((verdict.Owner, verdict.ListenerName)) + sign;
            }
        }
    }

    private static EquatableArray<ListenerResult> Recount(ResourceKey owner, EquatableArray<ListenerResult> listeners, Dictionary<(ResourceKey, string), int> counts)
    {
        var builder = ImmutableArray.CreateBuilder<ListenerResult>(listeners.Count);
        foreach (var listener in listeners)
        {
            var delta = counts.GetValueOrDefault((owner, listener.Name));
            builder.Add(delta == 0 ? listener : listener with { AttachedRoutes = listener.AttachedRoutes + delta });
        }

        return builder.MoveToImmutable();
    }

    /// <summary>A sorted list with the items of some keys replaced (null: removed, or absent), still sorted.</summary>
    private static EquatableArray<T> Replace<T>(EquatableArray<T> items, Func<T, ResourceKey> key, HashSet<ResourceKey> keys, Func<ResourceKey, T?> fresh)
        where T : class
    {
        var result = new List<T>(items.Count + keys.Count);
        foreach (var item in items)
        {
            if (!keys.Contains(key(item)))
            {
                result.Add(item);
            }
        }

        foreach (var k in keys)
        {
            if (fresh(k) is { } item)
            {
                var at = result.BinarySearch(item, Comparer<T>.Create((a, b) => key(a).CompareTo(key(b))));
                result.Insert(at < 0 ? ~at : at, item);
            }
        }

        return result.ToEquatableArray();
    }
}

/// <summary>What a route step computed: the result, the keys whose status can differ, and the routing candidates.</summary>
/// <param name="Result">The result after the batch.</param>
/// <param name="Compared">The keys whose status can differ.</param>
/// <param name="Candidates">The Gateways whose routing can differ.</param>
/// <param name="Routes">The routes evaluated again: the changed routes and the targets of the changed policies.</param>
/// <param name="Dirty">The objects whose units' parts the step made stale.</param>
/// <param name="Evaluated">How many partitioned objects were evaluated.</param>
/// <param name="ChangedRoutes">How many routes the batch changed.</param>
/// <param name="ChangedPolicies">How many policies the batch changed.</param>
internal sealed record RouteStepResult(EvaluationResult Result, HashSet<ResourceKey> Compared, List<ResourceKey> Candidates, HashSet<ResourceKey> Routes, HashSet<ResourceKey> Dirty, int Evaluated, int ChangedRoutes, int ChangedPolicies)
{
    /// <summary>What the step did, for <see cref="SessionUpdate.Reason"/>.</summary>
    public string Describe()
    {
        var what = ChangedPolicies == 0
            ? $"Bound {Routes.Count} route(s) again against their parents' listeners"
            : ChangedRoutes == 0
                ? $"Resolved {ChangedPolicies} changed polic{(ChangedPolicies == 1 ? "y" : "ies")} again below their {Routes.Count} target route(s)"
                : $"Bound {ChangedRoutes} route(s) again and resolved {ChangedPolicies} changed polic{(ChangedPolicies == 1 ? "y" : "ies")} below {Routes.Count} route(s)";
        return $"{what} ({Evaluated} objects evaluated with them).";
    }
}
