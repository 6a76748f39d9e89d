using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.Policies;

namespace PolicyAttach.Sessions;

/// <summary>
/// A batch of Gateways whose listeners changed and nothing else (the same listener names in the same order), evaluated
/// below the Gateway step. The Gateways are bound again alone (with the shared objects), and every route whose
/// parentRefs consider a changed listener (no sectionName, or its) has only its cells on the changed listeners judged
/// again by the binder, keeping every other cell, its backends and its other parents (<see cref="Evaluator.Rejudge"/>);
/// the Gateways' attachedRoutes are the previous counts moved by those routes' old and new attachments. When a listener
/// that did not change is in another state or takes other kinds (a conflict appeared or ended), the kept cells would
/// not hold: every route that names a changed Gateway is then bound again against that Gateway alone, with the
/// evaluator itself on the Gateway, those routes, their backends and the shared objects (no policy but those on the
/// backends, which decide the backends' validity), and the Gateway's result comes whole from that evaluation. The
/// policies are unchanged either way: the fold states of the Gateway and its listeners read only the policies on the
/// class, namespace, Gateway and listener names, and no policy status reads a listener's hostname, port or allowed
/// routes (only its name). So only the routes whose attachments on the Gateway changed have contexts that can differ,
/// and only those that gained an attachment have contexts to resolve: they are evaluated once more with the
/// changed Gateways and the policies below the listeners, starting from the previous resolution's listener states.
/// Anything this cannot bound (a ListenerSet on the Gateway, a route with another kind of parent or default Gateways,
/// HTTPRoutes and GRPCRoutes on one Gateway, a policy kind that reports overrides on a route whose attachments changed)
/// returns null, and the batch goes to the route step's Gateway path.
/// </summary>
internal static class GatewayStep
{
    /// <summary>Applies a batch of listener changes, or returns null when the batch is not one.</summary>
    public static RouteStepResult? TryApply(EvaluationResult previous, Snapshot snapshot, RouteIndex index, List<KeyValuePair<ResourceKey, KubeObject?>> changes, EvaluationOptions options)
    {
        var old = previous.Snapshot;
        var gateways = new HashSet<ResourceKey>();
        var changedListeners = new Dictionary<ResourceKey, List<(Listener Was, Listener Now)>>();
        foreach (var (key, obj) in changes)
        {
            if (old.Find(key) is not Gateway before || obj is not Gateway after || before.DefaultScope is not null || after.DefaultScope is not null
                || !index.SetsOf(key).IsEmpty || previous.FindGateway(key) is null || ChangedListeners(before, after) is not { } listeners)
            {
                return null;
            }

            gateways.Add(key);
            changedListeners[key] = listeners;
        }

        if (!RoutesOf(gateways, snapshot, index, out var routes, out var backends, withBackends: false))
        {
            return null;
        }

        var named = routes.Count;
        var routeResults = new Dictionary<ResourceKey, RouteResult?>(routes.Count);
        Dictionary<ResourceKey, GatewayResult?> gatewayResults;
        int evaluated;
        var rejudged = false;

        // First the cells of the changed listeners alone, each route keeping every other cell; only the routes whose
        // parentRefs consider a changed listener (no sectionName, or its) can have one. A route without a result (a
        // kind not supported) is left to binding.
        var reached = routes.FindAll(r => Reaches(r, changedListeners));
        var judgedRoutes = reached.ConvertAll(r => previous.FindRoute(r.Key));
        var alone = judgedRoutes.Contains(null) ? null
            : Evaluator.Rejudge(Alone(snapshot, index, gateways), options, gateways.ToDictionary(g => g, g => previous.FindGateway(g)!), judgedRoutes!);
        if (alone is { } judged)
        {
            (rejudged, routes) = (true, reached);
            for (var i = 0; i < routes.Count; i++)
            {
                routeResults[routes[i].Key] = judged.Routes[i];
            }

            // The Gateways counted no route: each listener's attachedRoutes is the previous count, less the judged
            // routes' previous attachments, plus their new ones.
            gatewayResults = gateways.ToDictionary(g => g, g => (GatewayResult?)Recount(judged.Binding.FindGateway(g)!, previous.FindGateway(g)!, routes, previous, routeResults));
            evaluated = judged.Binding.Snapshot.Objects.Count(DependencyIndex.IsPartitioned);
        }
        else
        {
            // The Gateways bound again with every route that names them: no policy but those on the backends
            // (BackendTLSPolicies decide whether a backend is valid, which a route's ResolvedRefs condition reads).
            foreach (var route in routes)
            {
                AddBackends(route, backends);
            }

            var bound = Evaluate(snapshot, index, gateways, routes, backends, routePolicies: false, options);
            foreach (var route in routes)
            {
                var (was, now) = (previous.FindRoute(route.Key), bound.FindRoute(route.Key));
                if (was is null || now is null)
                {
                    if (was is null && now is null)
                    {
                        continue;
                    }

                    return null;
                }

                var parents = new RouteParentResult[was.Parents.Count];
                for (var i = 0; i < parents.Length; i++)
                {
                    var parent = was.Parents[i];
                    if (!gateways.Contains(parent.ParentRef.TargetKey))
                    {
                        parents[i] = parent;
                    }
                    else if (Find(now, parent.ParentIndex) is { } again)
                    {
                        parents[i] = again;
                    }
                    else
                    {
                        return null;
                    }
                }

                routeResults[route.Key] = was with { Parents = parents.ToEquatableArray() };
            }

            gatewayResults = gateways.ToDictionary(g => g, bound.FindGateway);
            evaluated = bound.Snapshot.Objects.Count(DependencyIndex.IsPartitioned);
        }

        var moved = new HashSet<ResourceKey>();
        var gained = new List<RouteBase>();
        var otherParents = new HashSet<ResourceKey>();
        foreach (var route in routes)
        {
            if (routeResults.GetValueOrDefault(route.Key) is not { } now)
            {
                continue;
            }

            var was = previous.FindRoute(route.Key)!;
            var (attachmentsMoved, attachmentGained) = (false, false);
            for (var i = 0; i < was.Parents.Count; i++)
            {
                var (parent, again) = (was.Parents[i], now.Parents[i]);
                if (!gateways.Contains(parent.ParentRef.TargetKey))
                {
                    otherParents.Add(parent.ParentRef.TargetKey);
                }
                else if (parent.Conditions != again.Conditions || parent.AttachedListeners != again.AttachedListeners)
                {
                    attachmentsMoved = true;
                    attachmentGained |= Gains(parent, again);
                }
            }

            if (attachmentsMoved)
            {
                moved.Add(route.Key);
                if (attachmentGained)
                {
                    gained.Add(route);
                }
            }
        }

        // A policy kind that reports overrides lists, in the status of a route's policy, the listeners the route is on.
        var registry = options.EffectivePolicyKinds;
        foreach (var key in moved)
        {
            foreach (var candidate in index.On(key).Union(index.Selecting))
            {
                if (snapshot.Find(candidate) is IPolicyObject policy && ReportsOverrides(registry, policy))
                {
                    return null;
                }
            }
        }

        var binding = previous.Binding.With(snapshot, gatewayResults, new Dictionary<ResourceKey, ListenerSetResult?>(), routeResults);
        var policies = previous.Policies;
        if (gained.Count > 0)
        {
            // The routes that gained an attachment: their contexts there are folded from the previous listener states.
            var gainedBackends = new SortedSet<ResourceKey>();
            foreach (var route in gained)
            {
                AddBackends(route, gainedBackends);
            }

            // The policy stage alone: the Gateways' and the routes' results there are the ones judged above.
            if (Part(snapshot, index, gateways, gained, gainedBackends, routePolicies: true, options, declineOverrides: true) is not { } part)
            {
                return null;
            }

            var resolved = Evaluator.ResolveBelow(part, options, previous.GatewayClasses, gateways.Select(g => gatewayResults[g]!), gained.Select(r => OnlyOn(routeResults[r.Key]!, gateways)), previous.Policies);
            evaluated += part.Objects.Count(DependencyIndex.IsPartitioned);
            policies = PolicyResolution.WithRoutes(previous.Policies, new Dictionary<ResourceKey, PolicyStatusResult?>(), gained.Select(r => r.Key), resolved.Policies, gateways, [], keepOtherOwners: true);
        }

        var result = new EvaluationResult(options, binding, policies);
        var compared = new HashSet<ResourceKey>(gateways);
        compared.UnionWith(moved);
        var candidates = new List<ResourceKey>(gateways);
        candidates.AddRange(otherParents.Where(p => !gateways.Contains(p)));
        var rebound = routeResults.Keys.ToHashSet();
        var dirty = new HashSet<ResourceKey>(rebound);
        dirty.UnionWith(candidates);
        dirty.UnionWith(backends);
        var how = rejudged ? "judged on the changed listeners alone" : "bound again";
        var text = $"Judged {changedListeners.Values.Sum(l => l.Count)} changed listener(s) of {gateways.Count} Gateway(s) again against {rebound.Count} of the {named} route(s) that name them ({how}; their other parents kept): {moved.Count} attach differently, {gained.Count} resolved again below the listeners ({evaluated} objects evaluated).";
        // The routes' contexts through their other parents are kept (their verdicts there, and the resolution of the other owners).
        return new RouteStepResult(result, compared, candidates, [], [], rebound, dirty, evaluated, 0, 0, 0, gateways.Count, moved, text, gateways);
    }

    /// <summary>
    /// Whether a parentRef of a route to a changed Gateway considers a changed listener (no sectionName, or that
    /// listener's). A route that does not meet the old or the new hostname still changes: its verdict there says why
    /// with the listener's hostname in its message.
    /// </summary>
    private static bool Reaches(RouteBase route, Dictionary<ResourceKey, List<(Listener Was, Listener Now)>> changed)
    {
        foreach (var parentRef in route.ParentRefs)
        {
            if (!changed.TryGetValue(parentRef.TargetKey, out var listeners))
            {
                continue;
            }

            foreach (var (_, now) in listeners)
            {
                if (parentRef.SectionName is null || parentRef.SectionName == now.Name)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// A Gateway's result from a binding that counted none of its routes, with each listener's attachedRoutes taken from
    /// the previous result, less the judged routes' previous attachments, plus their new ones.
    /// </summary>
    private static GatewayResult Recount(GatewayResult bound, GatewayResult was, List<RouteBase> routes, EvaluationResult previous, Dictionary<ResourceKey, RouteResult?> results)
    {
        var key = was.Gateway.Key;
        var counts = new Dictionary<(ResourceKey, string), int>(was.Listeners.Count);
        foreach (var listener in was.Listeners)
        {
            counts[(key, listener.Name)] = listener.AttachedRoutes;
        }

        foreach (var route in routes)
        {
            var (before, after) = (previous.FindRoute(route.Key), results.GetValueOrDefault(route.Key));
            if (!ReferenceEquals(before, after))
            {
                RouteStep.Count(counts, before, -1);
                RouteStep.Count(counts, after, +1);
            }
        }

        return bound with { Listeners = RouteStep.Recount(key, bound.Listeners, counts) };
    }

    /// <summary>
    /// Every route that names one of the Gateways, with its backends (unless told not); false when one cannot be bound against them
    /// alone (default Gateways, a parent of another kind, an HTTPRoute and a GRPCRoute on them: the older is accepted).
    /// </summary>
    private static bool RoutesOf(HashSet<ResourceKey> gateways, Snapshot snapshot, RouteIndex index, out List<RouteBase> routes, out SortedSet<ResourceKey> backends, bool withBackends = true)
    {
        var routeKeys = new SortedSet<ResourceKey>();
        foreach (var gateway in gateways)
        {
            routeKeys.UnionWith(index.RoutesOn(gateway));
        }

        routes = new List<RouteBase>(routeKeys.Count);
        backends = [];
        GroupKind? httpKind = null;
        foreach (var key in routeKeys)
        {
            if (snapshot.Find(key) is not RouteBase route || route.UseDefaultGateways is not null)
            {
                return false;
            }

            foreach (var parentRef in route.ParentRefs)
            {
                if (parentRef.GroupKind != Kinds.Gateway)
                {
                    return false;
                }
            }

            if (route.Definition.SharesHttpListener)
            {
                var kind = route.Definition.Kind;
                if (httpKind is { } seen && seen != kind)
                {
                    return false;
                }

                httpKind = kind;
            }

            routes.Add(route);
            if (withBackends)
            {
                AddBackends(route, backends);
            }
        }

        return true;
    }

    /// <summary>
    /// Applies a batch of policies whose old and new targetRefs all name Gateways (or their listeners) that offer no
    /// default and have no ListenerSet, or returns null. Such a policy changes the fold states of its Gateways and their
    /// listeners, every context below them, and the statuses of the policies on those Gateways (a rival wins or loses
    /// the target); nothing is bound differently. The Gateways are evaluated again with every route that names them
    /// (bound against them alone), their backends and every policy whose folding reaches those contexts; their own
    /// contexts and the routes' contexts through them come from that evaluation, and so do the statuses of the policies
    /// on them (each must target those Gateways alone). A kind that reports overrides (its status reads the routes
    /// below) is left to the units.
    /// </summary>
    public static RouteStepResult? TryApplyPolicies(EvaluationResult previous, Snapshot snapshot, RouteIndex index, List<KeyValuePair<ResourceKey, KubeObject?>> changes, EvaluationOptions options)
    {
        var old = previous.Snapshot;
        var registry = options.EffectivePolicyKinds;
        var gateways = new HashSet<ResourceKey>();
        var changed = new List<ResourceKey>();
        foreach (var (key, obj) in changes)
        {
            var before = old.Find(key);
            if (obj is not (null or IPolicyObject) || before is not (null or IPolicyObject) || (obj ?? before) is not IPolicyObject policy
                || ReportsOverrides(registry, policy) || !OnGateways((IPolicyObject?)before, gateways, add: true) || !OnGateways((IPolicyObject?)obj, gateways, add: true))
            {
                return null;
            }

            changed.Add(key);
        }

        foreach (var gateway in gateways)
        {
            if (snapshot.Find(gateway) is not Gateway g || g.DefaultScope is not null || !index.SetsOf(gateway).IsEmpty || previous.FindGateway(gateway) is null)
            {
                return null;
            }
        }

        // The statuses the changes can move: every policy on those Gateways, each on them alone.
        var statusKeys = new SortedSet<ResourceKey>(changed);
        foreach (var gateway in gateways)
        {
            statusKeys.UnionWith(index.On(gateway));
        }

        foreach (var key in statusKeys)
        {
            if (snapshot.Find(key) is IPolicyObject policy && (ReportsOverrides(registry, policy) || !OnGateways(policy, gateways, add: false)))
            {
                return null;
            }
        }

        if (!RoutesOf(gateways, snapshot, index, out var routes, out var backends))
        {
            return null;
        }

        var part = Evaluate(snapshot, index, gateways, routes, backends, routePolicies: true, options, ownerPolicies: true);
        var statuses = statusKeys.ToDictionary(k => k, part.Policies.FindStatus);
        var routeKeys = routes.Select(r => r.Key).ToHashSet();
        var policies = PolicyResolution.WithRoutes(previous.Policies, statuses, routeKeys, part.Policies, gateways, gateways, keepOtherOwners: true);
        var binding = previous.Binding.With(snapshot, new Dictionary<ResourceKey, GatewayResult?>(), new Dictionary<ResourceKey, ListenerSetResult?>(), new Dictionary<ResourceKey, RouteResult?>());
        var result = new EvaluationResult(options, binding, policies);
        var compared = new HashSet<ResourceKey>(gateways);
        compared.UnionWith(statusKeys);
        var dirty = new HashSet<ResourceKey>(compared);
        dirty.UnionWith(routeKeys);
        dirty.UnionWith(backends);
        var evaluated = part.Snapshot.Objects.Count(DependencyIndex.IsPartitioned);
        var text = $"Resolved {changed.Count} changed polic{(changed.Count == 1 ? "y" : "ies")} on {gateways.Count} Gateway(s) again with the {routeKeys.Count} route(s) below them ({evaluated} objects evaluated).";
        return new RouteStepResult(result, compared, [.. gateways], [], [.. gateways], routeKeys, dirty, evaluated, 0, changed.Count, 0, 0, null, text);
    }

    /// <summary>
    /// Whether a policy (or none) names only Gateways (or their listeners) and selects nothing by label; with
    /// <paramref name="add"/> its targets are added to the set, otherwise each must be in it.
    /// </summary>
    private static bool OnGateways(IPolicyObject? policy, HashSet<ResourceKey> gateways, bool add)
    {
        if (policy is null)
        {
            return true;
        }

        if (!policy.TargetSelectors.IsEmpty)
        {
            return false;
        }

        foreach (var target in policy.TargetRefs)
        {
            if (target.GroupKind != Kinds.Gateway || (!add && !gateways.Contains(target.TargetKey)))
            {
                return false;
            }

            if (add)
            {
                gateways.Add(target.TargetKey);
            }
        }

        return true;
    }

    /// <summary>
    /// The listeners that differ (as they were and are) when a Gateway changed only in its listeners (the same names,
    /// in the same order; its generation may differ), or null when it changed otherwise.
    /// </summary>
    private static List<(Listener Was, Listener Now)>? ChangedListeners(Gateway before, Gateway after)
    {
        if (before.Listeners.Count != after.Listeners.Count
            || before with { Listeners = after.Listeners, Metadata = after.Metadata } != after
            || before.Metadata with { Generation = after.Metadata.Generation } != after.Metadata)
        {
            return null;
        }

        var changed = new List<(Listener, Listener)>();
        for (var i = 0; i < before.Listeners.Count; i++)
        {
            if (before.Listeners[i].Name != after.Listeners[i].Name)
            {
                return null;
            }

            if (before.Listeners[i] != after.Listeners[i])
            {
                changed.Add((before.Listeners[i], after.Listeners[i]));
            }
        }

        return changed;
    }

    /// <summary>Whether a parent's new result attaches the route to a listener the old one did not.</summary>
    private static bool Gains(RouteParentResult was, RouteParentResult now)
    {
        if (!now.IsAccepted)
        {
            return false;
        }

        var before = was.IsAccepted ? was.AttachedListeners.Select(v => (v.Owner, v.ListenerName)).ToHashSet() : [];
        return now.AttachedListeners.Any(v => !before.Contains((v.Owner, v.ListenerName)));
    }

    /// <summary>A route's result with its parents among the Gateways only: what binding it with those Gateways alone gives.</summary>
    private static RouteResult OnlyOn(RouteResult route, HashSet<ResourceKey> gateways)
        => route with { Parents = route.Parents.Where(p => gateways.Contains(p.ParentRef.TargetKey)).ToEquatableArray() };

    private static RouteParentResult? Find(RouteResult route, int parentIndex)
    {
        foreach (var parent in route.Parents)
        {
            if (parent.ParentIndex == parentIndex)
            {
                return parent;
            }
        }

        return null;
    }

    private static void AddBackends(RouteBase route, SortedSet<ResourceKey> backends)
    {
        foreach (var entry in route.EnumerateBackendRefs().Concat(route.EnumerateMirrorBackendRefs()))
        {
            backends.Add(entry.BackendRef.TargetKey);
        }
    }

    private static bool ReportsOverrides(PolicyKindRegistry registry, IPolicyObject policy)
        => registry.DefinitionOf(policy) is { ReportOverridden: true };

    /// <summary>The changed Gateways with the shared objects, to be bound with no route.</summary>
    private static Snapshot Alone(Snapshot snapshot, RouteIndex index, HashSet<ResourceKey> gateways)
    {
        var objects = new List<KubeObject>(gateways.Count + index.Shared.Count);
        objects.AddRange(index.Shared.Values);
        foreach (var key in gateways)
        {
            objects.Add(snapshot.Find(key)!);
        }

        objects.Sort((a, b) => a.Key.CompareTo(b.Key));
        return Snapshot.FromSorted([.. objects], []);
    }

    /// <summary>
    /// The evaluator on the changed Gateways, some of their routes, the routes' backends, the shared objects and the
    /// policies on the backends (and, with <paramref name="routePolicies"/>, those on the routes and on the routes' and
    /// backends' namespaces: every policy below the listeners that reaches the routes' contexts; with
    /// <paramref name="ownerPolicies"/>, those on the Gateways, their namespaces and the GatewayClasses).
    /// </summary>
    private static EvaluationResult Evaluate(Snapshot snapshot, RouteIndex index, HashSet<ResourceKey> gateways, List<RouteBase> routes, SortedSet<ResourceKey> backends,
        bool routePolicies, EvaluationOptions options, bool ownerPolicies = false)
        => Evaluator.Evaluate(Part(snapshot, index, gateways, routes, backends, routePolicies, options, declineOverrides: false, ownerPolicies)!, options);

    /// <summary>
    /// The snapshot <see cref="Evaluate"/> evaluates; null when <paramref name="declineOverrides"/> and a policy in it
    /// reports overrides.
    /// </summary>
    private static Snapshot? Part(Snapshot snapshot, RouteIndex index, HashSet<ResourceKey> gateways, List<RouteBase> routes, SortedSet<ResourceKey> backends,
        bool routePolicies, EvaluationOptions options, bool declineOverrides, bool ownerPolicies = false)
    {
        // The policies that select by label are taken whole: each selects among the objects evaluated by its own rule.
        var keys = new HashSet<ResourceKey>(gateways);
        keys.UnionWith(index.Selecting);
        if (ownerPolicies)
        {
            keys.UnionWith(index.OnClasses);
            foreach (var gateway in gateways)
            {
                keys.UnionWith(index.On(gateway));
                keys.UnionWith(index.OnNamespace(gateway.Namespace));
            }
        }

        foreach (var route in routes)
        {
            keys.Add(route.Key);
            if (routePolicies)
            {
                keys.UnionWith(index.On(route.Key));
                keys.UnionWith(index.OnNamespace(route.Namespace));
            }
        }

        foreach (var backend in backends)
        {
            keys.Add(backend);
            keys.UnionWith(index.On(backend));
            if (routePolicies)
            {
                keys.UnionWith(index.OnNamespace(backend.Namespace));
            }
        }

        var objects = new List<KubeObject>(keys.Count + index.Shared.Count);
        objects.AddRange(index.Shared.Values);
        foreach (var key in keys)
        {
            var obj = snapshot.Find(key);
            if (obj is null || (obj is Service && !backends.Contains(key)))
            {
                continue;
            }

            if (declineOverrides && obj is IPolicyObject policy && ReportsOverrides(options.EffectivePolicyKinds, policy))
            {
                return null;
            }

            objects.Add(obj);
        }

        objects.Sort((a, b) => a.Key.CompareTo(b.Key));
        return Snapshot.FromSorted([.. objects], []);
    }
}
