using System.Collections.Immutable;
using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.Policies;
using PolicyAttach.References;

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
/// (its conflict set) with the policy stage's own rules. A ReferenceGrant whose old and new from entries are all route
/// kinds is taken the same way: the routes with a backendRef into its namespace that one version permits and the other
/// does not are evaluated again. What the step reads (the policies that can reach the routes, the shared objects, the
/// ListenerSets of a Gateway, the routes that refer into a namespace) comes from the session's <see cref="RouteIndex"/>,
/// and the result keeps the previous one's lists and maps with the changed entries replaced (persistent maps), so a
/// step costs what it evaluates, not the size of the world. When no Gateway changed, the policies above the listeners
/// (on the parents, their namespaces and classes) are not evaluated again: the evaluation starts each listener from the
/// previous resolution's fold state there and folds only the levels below it (the policies on the routes).
/// </summary>
internal static class RouteStep
{
    /// <summary>
    /// Applies a batch of route changes, or returns null: with why when the batch changes only routes but cannot be
    /// bounded below the unit, without when it changes other objects.
    /// </summary>
    public static RouteStepResult? TryApply(EvaluationResult previous, Snapshot snapshot, RouteIndex index, List<KeyValuePair<ResourceKey, KubeObject?>> changes, EvaluationOptions options, out string? why)
    {
        why = null;
        var old = previous.Snapshot;
        var routes = new List<(ResourceKey Key, RouteBase? Before, RouteBase? After)>();
        var changedKeys = new HashSet<ResourceKey>();
        var changedPolicies = new HashSet<ResourceKey>();
        var policyTargets = new SortedSet<ResourceKey>();
        var grants = new List<(ReferenceGrant? Before, ReferenceGrant? After)>();
        var changedGateways = new SortedSet<ResourceKey>();
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

            if (obj is (null or Gateway) && before is (null or Gateway))
            {
                // A Gateway is read by its own status, its ListenerSets', the routes that name it or its ListenerSets, and
                // the policies on it: all of them are evaluated again (below); one that offers itself as a default is read
                // by every route that asks for one.
                if (((Gateway?)before)?.DefaultScope is not null || ((Gateway?)obj)?.DefaultScope is not null)
                {
                    why = $"{key} offers itself as a default Gateway";
                    return null;
                }

                changedGateways.Add(key);
                continue;
            }

            if (obj is (null or ReferenceGrant) && before is (null or ReferenceGrant))
            {
                grants.Add(((ReferenceGrant?)before, (ReferenceGrant?)obj));
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

        // A ReferenceGrant changes only the references it permits differently: the routes with such a backendRef are
        // evaluated again as if they had changed. A grant that lets other kinds refer (a Gateway's certificates, a
        // policy's targets) is left to the units.
        foreach (var (before, after) in grants)
        {
            var grant = (after ?? before)!;
            var from = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var entry in (before?.From ?? []).Concat(after?.From ?? []))
            {
                if (RouteKindTable.Find(new GroupKind(entry.Group, entry.Kind)) is null)
                {
                    why = $"{grant.Key} lets a {entry.Kind} refer to its namespace";
                    return null;
                }

                from.Add(entry.Namespace);
            }

            var (was, now) = (Permits(before), Permits(after));
            foreach (var ns in from)
            {
                foreach (var key in index.ReferringInto(ns, grant.Namespace))
                {
                    if (!changedKeys.Contains(key) && snapshot.Find(key) is RouteBase route && PermitsDifferently(route, grant.Namespace, was, now))
                    {
                        changedKeys.Add(key);
                        routes.Add((key, route, route));
                    }
                }
            }
        }

        // A changed Gateway: it and its ListenerSets are judged again with every route that names them.
        var changedOwners = new HashSet<ResourceKey>(changedGateways);
        foreach (var gateway in changedGateways)
        {
            changedOwners.UnionWith(index.SetsOf(gateway));
        }

        foreach (var owner in changedOwners.Order())
        {
            foreach (var key in index.RoutesOn(owner))
            {
                if (changedKeys.Add(key) && snapshot.Find(key) is RouteBase route)
                {
                    routes.Add((key, route, route));
                }
            }
        }

        var owners = new HashSet<ResourceKey>(changedOwners);
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
        foreach (var gateway in owners.Where(o => o.GroupKind == Kinds.Gateway).ToList())
        {
            owners.UnionWith(index.SetsOf(gateway));
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
        var reuseOwners = changedOwners.Count == 0;

        // Only the policies the index says name a changed route, a namespace, backend or owner of one, or a
        // GatewayClass, or select by label, can be included or decline the step: every other policy is skipped below.
        var policyCandidates = new SortedSet<ResourceKey>(index.Selecting);
        policyCandidates.UnionWith(index.OnClasses);
        foreach (var key in changedKeys.Concat(backends).Concat(owners))
        {
            policyCandidates.UnionWith(index.On(key));
        }

        foreach (var ns in namespaces.Concat(gatewayNamespaces))
        {
            policyCandidates.UnionWith(index.OnNamespace(ns));
        }

        foreach (var candidate in policyCandidates)
        {
            if (snapshot.Find(candidate) is not IPolicyObject policy)
            {
                continue;
            }

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
                if (changedOwners.Count > 0 && (group == Kinds.GatewayClass || (group == Kinds.Namespace && changedGateways.Any(g => g.Namespace == target.Name))))
                {
                    why = $"{obj.Key} targets a {target.Kind} whose Gateways a changed Gateway is one of";
                    return null;
                }

                if (changedKeys.Contains(target.TargetKey) || changedOwners.Contains(target.TargetKey))
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
                why = $"{obj.Key} targets a changed route or Gateway and other objects";
                return null;
            }

            if (registry.DefinitionOf(policy) is { ReportOverridden: true })
            {
                why = $"{kind.Kind} reports overrides and merges, which read every route below a policy";
                return null;
            }

            // With no owner judged again, the Gateways' and listeners' fold states are the previous resolution's (their
            // policies did not change): only the policies on the routes are evaluated with them.
            if (reuseOwners && !onRoute)
            {
                continue;
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

        var objects = new List<KubeObject>(included.Count + index.Shared.Count + known.Count + backends.Count + changedKeys.Count);
        objects.AddRange(included);
        objects.AddRange(index.Shared.Values);
        foreach (var key in known.Concat(backends).Concat(changedKeys).Distinct())
        {
            var obj = snapshot.Find(key);
            if (((obj is Gateway or ListenerSet) && known.Contains(key)) || (obj is Service && backends.Contains(key)) || (obj is RouteBase && changedKeys.Contains(key)))
            {
                objects.Add(obj);
            }
        }

        objects.Sort((a, b) => a.Key.CompareTo(b.Key));
        var part = Evaluator.EvaluateBelow(Snapshot.FromSorted([.. objects], []), options, reuseOwners ? previous.Policies : null);

        // attachedRoutes: each listener loses the old routes' attachments and gains the new ones'.
        var counts = new Dictionary<(ResourceKey Owner, string Listener), int>();
        foreach (var key in changedKeys)
        {
            Count(counts, previous.FindRoute(key), -1);
            Count(counts, part.FindRoute(key), +1);
        }

        var gateways = new Dictionary<ResourceKey, GatewayResult?>();
        var setResults = new Dictionary<ResourceKey, ListenerSetResult?>();
        foreach (var key in owners)
        {
            if (changedOwners.Contains(key))
            {
                // Judged again with every route that can attach to it: the evaluation's result is whole.
                gateways[key] = part.FindGateway(key);
                setResults[key] = part.FindListenerSet(key);
                continue;
            }

            if (previous.FindGateway(key) is { } g)
            {
                gateways[key] = g with { Listeners = Recount(key, g.Listeners, counts) };
            }

            if (previous.FindListenerSet(key) is { } s)
            {
                setResults[key] = s with { Listeners = Recount(key, s.Listeners, counts) };
            }
        }

        var routeResults = changedKeys.ToDictionary(k => k, part.FindRoute);
        routePolicies.UnionWith(changedPolicies);
        var statuses = routePolicies.ToDictionary(k => k, part.Policies.FindStatus);
        var binding = previous.Binding.With(snapshot, gateways, setResults, routeResults);
        var policies = PolicyResolution.WithRoutes(previous.Policies, statuses, changedKeys, part.Policies, known, changedOwners);
        var result = new EvaluationResult(options, binding, policies);

        var compared = new HashSet<ResourceKey>(changedKeys);
        compared.UnionWith(owners);
        compared.UnionWith(routePolicies);
        var candidates = owners.Where(o => o.GroupKind == Kinds.Gateway).ToList();
        var dirty = new HashSet<ResourceKey>(compared);
        dirty.UnionWith(backends);
        var sets = owners.Where(o => o.GroupKind == Kinds.ListenerSet).ToList();
        return new RouteStepResult(result, compared, candidates, sets, changedOwners, changedKeys, dirty, objects.Count(DependencyIndex.IsPartitioned), routes.Count(r => !ReferenceEquals(r.Before, r.After)), changedPolicies.Count, grants.Count, changedGateways.Count);
    }

    /// <summary>What a grant alone permits (the references stage's own rule), or null for no grant.</summary>
    private static ReferenceIndex? Permits(ReferenceGrant? grant)
        => grant is null ? null : new ReferenceIndex(Snapshot.FromSorted([grant], []));

    /// <summary>Whether a route has a backendRef into a namespace that one grant permits and the other does not.</summary>
    private static bool PermitsDifferently(RouteBase route, string ns, ReferenceIndex? was, ReferenceIndex? now)
    {
        foreach (var entry in route.EnumerateBackendRefs().Concat(route.EnumerateMirrorBackendRefs()))
        {
            var target = entry.BackendRef.TargetKey;
            if (string.Equals(target.Namespace, ns, StringComparison.Ordinal)
                && (was?.Allows(route.Key, target) ?? false) != (now?.Allows(route.Key, target) ?? false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Adds a route's attachments (on every accepted parent) to the counts per listener, with a sign.</summary>
    internal static void Count(Dictionary<(ResourceKey, string), int> counts, RouteResult? route, int sign)
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

    /// <summary>An owner's listeners with the counts added to their attachedRoutes.</summary>
    internal static EquatableArray<ListenerResult> Recount(ResourceKey owner, EquatableArray<ListenerResult> listeners, Dictionary<(ResourceKey, string), int> counts)
    {
        var builder = ImmutableArray.CreateBuilder<ListenerResult>(listeners.Count);
        foreach (var listener in listeners)
        {
            var delta = counts.GetValueOrDefault((owner, listener.Name));
            builder.Add(delta == 0 ? listener : listener with { AttachedRoutes = listener.AttachedRoutes + delta });
        }

        return builder.MoveToImmutable();
    }
}

/// <summary>What a route step computed: the result, the keys whose status can differ, and the routing candidates.</summary>
/// <param name="Result">The result after the batch.</param>
/// <param name="Compared">The keys whose status can differ.</param>
/// <param name="Candidates">The Gateways whose routing can differ.</param>
/// <param name="Sets">The ListenerSets of those Gateways (and those the routes name).</param>
/// <param name="ChangedOwners">The changed Gateways and their ListenerSets (judged again whole).</param>
/// <param name="Routes">The routes evaluated again: the changed routes and the targets of the changed policies.</param>
/// <param name="Dirty">The objects whose units' parts the step made stale.</param>
/// <param name="Evaluated">How many partitioned objects were evaluated.</param>
/// <param name="ChangedRoutes">How many routes the batch changed.</param>
/// <param name="ChangedPolicies">How many policies the batch changed.</param>
/// <param name="ChangedGrants">How many ReferenceGrants the batch changed.</param>
/// <param name="ChangedGateways">How many Gateways the batch changed.</param>
/// <param name="ContextRoutes">The routes whose policy contexts can differ, when fewer than <paramref name="Routes"/> (whose results can).</param>
/// <param name="ContextOwners">The Gateways under which those routes' contexts can differ, when not every candidate.</param>
/// <param name="Text">What the step did, when it says so itself.</param>
internal sealed record RouteStepResult(EvaluationResult Result, HashSet<ResourceKey> Compared, List<ResourceKey> Candidates, List<ResourceKey> Sets, HashSet<ResourceKey> ChangedOwners, HashSet<ResourceKey> Routes, HashSet<ResourceKey> Dirty, int Evaluated, int ChangedRoutes, int ChangedPolicies, int ChangedGrants, int ChangedGateways,
    HashSet<ResourceKey>? ContextRoutes = null, string? Text = null, HashSet<ResourceKey>? ContextOwners = null)
{
    /// <summary>What the step did, for <see cref="SessionUpdate.Reason"/>.</summary>
    public string Describe()
    {
        if (Text is not null)
        {
            return Text;
        }

        var what = ChangedGateways > 0
            ? $"Judged {ChangedGateways} changed Gateway(s) again with their listeners and the {Routes.Count} route(s) that name them or changed"
            : ChangedGrants > 0
            ? $"Checked {ChangedGrants} changed ReferenceGrant(s) and bound {Routes.Count} route(s) again whose references they permit differently or that changed"
            : ChangedPolicies == 0
            ? $"Bound {Routes.Count} route(s) again against their parents' listeners"
            : ChangedRoutes == 0
                ? $"Resolved {ChangedPolicies} changed polic{(ChangedPolicies == 1 ? "y" : "ies")} again below their {Routes.Count} target route(s)"
                : $"Bound {ChangedRoutes} route(s) again and resolved {ChangedPolicies} changed polic{(ChangedPolicies == 1 ? "y" : "ies")} below {Routes.Count} route(s)";
        return $"{what} ({Evaluated} objects evaluated with them).";
    }
}
