using System.Collections.Immutable;
using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Model;

namespace PolicyAttach.Policies;

/// <summary>
/// The outcome of policy attachment: the status of every policy, and the effective policies of every context
/// (Gateway, listener, route on a listener, rule, backend Service and port; the namespace levels between them), each with the source of every field.
/// A lookup walks the hierarchy one dictionary step per level and allocates nothing.
/// </summary>
public sealed class PolicyResolution
{
    private readonly Dictionary<(FoldState, NodeKey), FoldState> _memo;
    private readonly Dictionary<ResourceKey, FoldState> _gatewayStates;
    private readonly Dictionary<NodeKey, FoldState> _listenerStates;
    private readonly Dictionary<ResourceKey, FoldState> _meshStates;
    // Built on first use: only EvaluationOptions.AffectedConditions reads it, and most runs leave that off.
    private readonly Lazy<Dictionary<NodeKey, SortedDictionary<GroupKind, SortedSet<ResourceKey>>>> _affected;

    // A resolution assembled from parts (an incremental session's result): every lookup goes to the part that
    // evaluated the object it starts from (a Gateway, ListenerSet, mesh Service or policy target). Parts are
    // independent: an object and every context below it were evaluated together (see Sessions.DependencyIndex).
    private readonly Func<ResourceKey, PolicyResolution?>? _partOf;

    // The statuses: a sorted list, given; or, in a resolution made by WithRoutes, a persistent map by key whose sorted
    // list is built on first read.
    private readonly OnFirstRead<EquatableArray<PolicyStatusResult>> _statuses;
    private readonly ImmutableDictionary<ResourceKey, PolicyStatusResult>? _statusMap;

    internal PolicyResolution(EquatableArray<PolicyStatusResult> statuses, Dictionary<(FoldState, NodeKey), FoldState> memo,
        Dictionary<ResourceKey, FoldState> gatewayStates, Dictionary<NodeKey, FoldState> listenerStates, Dictionary<ResourceKey, FoldState> meshStates,
        Func<Dictionary<NodeKey, SortedDictionary<GroupKind, SortedSet<ResourceKey>>>> affected)
    {
        _affected = new(affected, LazyThreadSafetyMode.ExecutionAndPublication);
        _statuses = new(statuses);
        _memo = memo;
        _gatewayStates = gatewayStates;
        _listenerStates = listenerStates;
        _meshStates = meshStates;
    }

    /// <summary>A resolution whose lookups are answered by the part that evaluated the object they start from.</summary>
    /// <param name="statuses">The status of every policy, sorted by key.</param>
    /// <param name="partOf">The part that evaluated an object, or null when none did.</param>
    internal PolicyResolution(EquatableArray<PolicyStatusResult> statuses, Func<ResourceKey, PolicyResolution?> partOf)
        : this(statuses, [], [], [], [], () => [])
    {
        _partOf = partOf;
    }

    /// <summary>A resolution whose contexts under some routes are answered by the evaluation that bound them again.</summary>
    private PolicyResolution(ImmutableDictionary<ResourceKey, PolicyStatusResult> statuses, RoutedParts routed)
        : this([], [], [], [], [], () => [])
    {
        Routed = routed;
        _statusMap = statuses;
        _statuses = new(() =>
        {
            var items = statuses.Values.ToArray();
            Array.Sort(items, (a, b) => a.Resource.Key.CompareTo(b.Resource.Key));
            return ImmutableArray.Create(items);
        });
    }

    /// <summary>The route parts of a resolution made by <see cref="WithRoutes"/>, or null.</summary>
    internal RoutedParts? Routed { get; }

    /// <summary>
    /// A resolution equal to <paramref name="previous"/> except under some routes (an incremental session's step):
    /// lookups of those routes through the owners their evaluation holds go to <paramref name="part"/>; every other
    /// lookup to the previous resolution (whose own route parts are carried over, so parts never nest).
    /// </summary>
    /// <param name="previous">The resolution before the routes changed.</param>
    /// <param name="statuses">The policies whose status may differ, with their new status (null: none).</param>
    /// <param name="routes">The routes evaluated again.</param>
    /// <param name="part">The resolution of their evaluation.</param>
    /// <param name="owners">The Gateways and ListenerSets that evaluation holds.</param>
    /// <param name="changedOwners">The Gateways and ListenerSets it judged again whole: their own contexts (and their listeners') are its.</param>
    /// <param name="keepOtherOwners">
    /// Whether a route's lookups through owners the evaluation does not hold keep going where they went (a step that
    /// evaluated the routes with some of their parents only); otherwise they go to the previous resolution's base.
    /// </param>
    internal static PolicyResolution WithRoutes(PolicyResolution previous, IReadOnlyDictionary<ResourceKey, PolicyStatusResult?> statuses, IEnumerable<ResourceKey> routes,
        PolicyResolution part, IEnumerable<ResourceKey> owners, IEnumerable<ResourceKey> changedOwners, bool keepOtherOwners = false)
    {
        var ownerParts = previous.Routed?.OwnerParts ?? ImmutableDictionary<ResourceKey, PolicyResolution>.Empty;
        foreach (var owner in changedOwners)
        {
            ownerParts = ownerParts.SetItem(owner, part);
        }

        // Values by reference: the map does not compare a replaced status with the new one in depth.
        var statusMap = previous._statusMap ?? ImmutableDictionary.CreateRange<ResourceKey, PolicyStatusResult>(
            null, ReferenceEqualityComparer.Instance, previous.Statuses.Select(p => KeyValuePair.Create(p.Resource.Key, p)));
        foreach (var (key, status) in statuses)
        {
            statusMap = status is null ? statusMap.Remove(key) : statusMap.SetItem(key, status);
        }

        var map = previous.Routed?.Routes ?? ImmutableDictionary<ResourceKey, RoutePart>.Empty;
        var held = owners.ToImmutableHashSet();
        var whole = new RoutePart(part, held.ToImmutableDictionary(o => o, _ => part));
        foreach (var route in routes)
        {
            if (keepOtherOwners && map.TryGetValue(route, out var before))
            {
                var byOwner = before.ByOwner;
                foreach (var owner in held)
                {
                    byOwner = byOwner.SetItem(owner, part);
                }

                map = map.SetItem(route, new RoutePart(part, byOwner));
            }
            else
            {
                map = map.SetItem(route, whole);
            }
        }

        return new PolicyResolution(statusMap, new RoutedParts(previous.Routed?.Base ?? previous, map, ownerParts));
    }

    /// <summary>
    /// A route evaluated again by a step: the part that answers its target conditions (the last to evaluate it with its
    /// policies) and, per owner, the part that answers its contexts through that owner.
    /// </summary>
    internal sealed record RoutePart(PolicyResolution Target, ImmutableDictionary<ResourceKey, PolicyResolution> ByOwner);

    /// <summary>The resolution a route step started from, and per route evaluated again its parts.</summary>
    internal sealed class RoutedParts(PolicyResolution @base, ImmutableDictionary<ResourceKey, RoutePart> routes,
        ImmutableDictionary<ResourceKey, PolicyResolution> ownerParts)
    {
        /// <summary>The Gateways and ListenerSets a step judged again, with the part that did: their own contexts are its.</summary>
        public ImmutableDictionary<ResourceKey, PolicyResolution> OwnerParts { get; } = ownerParts;

        /// <summary>The resolution that answers the contexts of a Gateway or ListenerSet and its listeners.</summary>
        public PolicyResolution ForOwner(ResourceKey owner) => OwnerParts.TryGetValue(owner, out var part) ? part : Base;

        public PolicyResolution Base { get; } = @base;

        public ImmutableDictionary<ResourceKey, RoutePart> Routes { get; } = routes;

        /// <summary>The owners through which a route's parts answer, or null when the route was not evaluated again.</summary>
        public IEnumerable<ResourceKey>? Owners(ResourceKey route) => Routes.TryGetValue(route, out var part) ? part.ByOwner.Keys : null;

        /// <summary>The resolution that answers a lookup of a route through an owner.</summary>
        public PolicyResolution For(ResourceKey owner, ResourceKey route)
            => Routes.TryGetValue(route, out var part) && part.ByOwner.TryGetValue(owner, out var byOwner) ? byOwner : Base;

        /// <summary>The resolution that answers the target conditions of an object.</summary>
        public PolicyResolution ForTarget(ResourceKey target)
            => Routes.TryGetValue(target, out var part) ? part.Target : OwnerParts.TryGetValue(target, out var owner) ? owner : Base;
    }

    /// <summary>
    /// The optional GEP-713 target conditions of an object (or of one of its listeners): one
    /// <c>&lt;group&gt;/&lt;Kind&gt;Affected</c> per policy kind that applies there, sorted by kind
    /// (<see cref="EvaluationOptions.AffectedConditions"/>).
    /// </summary>
    /// <param name="target">The GatewayClass, Gateway, ListenerSet or route.</param>
    /// <param name="section">A listener name, or null for the object.</param>
    /// <param name="generation">The object's <c>metadata.generation</c>.</param>
    /// <returns>The conditions; empty when no policy applies there.</returns>
    internal IEnumerable<Condition> AffectedConditions(ResourceKey target, string? section, long generation)
    {
        if (Routed is not null)
        {
            return Routed.ForTarget(target).AffectedConditions(target, section, generation);
        }

        if (_partOf is not null)
        {
            return _partOf(target)?.AffectedConditions(target, section, generation) ?? [];
        }

        return OwnAffectedConditions(target, section, generation);
    }

    private IEnumerable<Condition> OwnAffectedConditions(ResourceKey target, string? section, long generation)
    {
        if (!_affected.Value.TryGetValue(new NodeKey(target, section), out var kinds))
        {
            yield break;
        }

        foreach (var (kind, policies) in kinds)
        {
            yield return Condition.Make(ConditionType.AffectedBy(kind), true, ConditionReason.PolicyAffected, $"Affected by {kind.Kind} {string.Join(", ", policies.Select(p => p.Namespace + "/" + p.Name))}.", generation);
        }
    }

    /// <summary>The status of every policy that reached an ancestor, sorted by (group, kind, namespace, name).</summary>
    public EquatableArray<PolicyStatusResult> Statuses => _statuses.Value;

    /// <summary>The status of a policy, or null when it reached no ancestor.</summary>
    internal PolicyStatusResult? FindStatus(ResourceKey key)
    {
        if (_statusMap is not null)
        {
            return _statusMap.GetValueOrDefault(key);
        }

        var statuses = Statuses;
        int lo = 0, hi = statuses.Count - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            var c = statuses[mid].Resource.Key.CompareTo(key);
            if (c == 0)
            {
                return statuses[mid];
            }

            (lo, hi) = c < 0 ? (mid + 1, hi) : (lo, mid - 1);
        }

        return null;
    }

    /// <summary>
    /// The effective policies of a place in the hierarchy (GEP-713): a Gateway or ListenerSet, a listener, a route served
    /// through it, a rule, a backend Service port; or their mesh counterparts under a parent Service. Allocates nothing.
    /// </summary>
    /// <param name="context">The place, built from the top down (<see cref="PolicyContext.ForGateway"/>,
    /// <see cref="PolicyContext.ForMeshService"/>) or taken from <see cref="EvaluationResult.PolicyContextsOf"/>.</param>
    /// <returns>The effective policies, each field with its source; <see cref="EffectivePolicies.None"/> when none reach it.</returns>
    /// <remarks>See <see href="https://gateway-api.sigs.k8s.io/geps/gep-713/">GEP-713</see>.</remarks>
    public EffectivePolicies For(PolicyContext context)
    {
        var route = context.Route.GetValueOrDefault();
        var backend = context.Backend.GetValueOrDefault();
        return (context.IsMesh, context.Level) switch
        {
            (false, PolicyContextLevel.Parent) => ForGateway(context.Parent),
            (false, PolicyContextLevel.Listener) => ForListener(context.Parent, context.Listener!),
            (false, PolicyContextLevel.Route) => ForRoute(context.Parent, context.Listener!, route),
            (false, PolicyContextLevel.Rule) => ForRule(context.Parent, context.Listener!, route, context.RuleName),
            (false, _) => ForBackend(context.Parent, context.Listener!, route, context.RuleName, backend, context.BackendPort),
            (true, PolicyContextLevel.Parent) => ForMeshService(context.Parent),
            (true, PolicyContextLevel.Route) => ForMeshRule(context.Parent, route, null),
            (true, PolicyContextLevel.Rule) => ForMeshRule(context.Parent, route, context.RuleName),
            (true, _) => ForMeshBackend(context.Parent, route, context.RuleName, backend, context.BackendPort),
        };
    }

    /// <summary>The effective policies of a mesh Service as the parent of GAMMA routes.</summary>
    /// <param name="service">The Service.</param>
    /// <returns>The effective policies; <see cref="EffectivePolicies.None"/> when none reach it.</returns>
    internal EffectivePolicies ForMeshService(ResourceKey service)
        => Routed is not null ? Routed.Base.ForMeshService(service)
        : _partOf is not null ? _partOf(service)?.ForMeshService(service) ?? EffectivePolicies.None
        : _meshStates.TryGetValue(service, out var state) ? state.Effective : EffectivePolicies.None;

    /// <summary>The effective policies of a Gateway (or ListenerSet) as a whole.</summary>
    /// <param name="owner">The Gateway or ListenerSet.</param>
    /// <returns>The effective policies; <see cref="EffectivePolicies.None"/> when none reach it.</returns>
    internal EffectivePolicies ForGateway(ResourceKey owner)
        => Routed is not null ? Routed.ForOwner(owner).ForGateway(owner)
        : _partOf is not null ? _partOf(owner)?.ForGateway(owner) ?? EffectivePolicies.None
        : _gatewayStates.TryGetValue(owner, out var state) ? state.Effective : EffectivePolicies.None;

    /// <summary>The effective policies of one listener.</summary>
    /// <param name="owner">The Gateway or ListenerSet that defines the listener.</param>
    /// <param name="listener">The listener name.</param>
    /// <returns>The effective policies.</returns>
    internal EffectivePolicies ForListener(ResourceKey owner, string listener)
        => Routed is not null ? Routed.ForOwner(owner).ForListener(owner, listener)
        : _partOf is not null ? _partOf(owner)?.ForListener(owner, listener) ?? EffectivePolicies.None
        : Listener(owner, listener)?.Effective ?? EffectivePolicies.None;

    /// <summary>The effective policies of a route as served through one listener.</summary>
    /// <param name="owner">The Gateway or ListenerSet of the listener.</param>
    /// <param name="listener">The listener name.</param>
    /// <param name="route">The route.</param>
    /// <returns>The effective policies.</returns>
    internal EffectivePolicies ForRoute(ResourceKey owner, string listener, ResourceKey route)
        => Routed is not null ? Routed.For(owner, route).ForRoute(owner, listener, route)
        : _partOf is not null ? _partOf(owner)?.ForRoute(owner, listener, route) ?? EffectivePolicies.None
        : RouteState(owner, listener, route)?.Effective ?? EffectivePolicies.None;

    /// <summary>The effective policies of one rule of a route as served through one listener.</summary>
    /// <param name="owner">The Gateway or ListenerSet of the listener.</param>
    /// <param name="listener">The listener name.</param>
    /// <param name="route">The route.</param>
    /// <param name="ruleName">The rule's name, or null for an unnamed rule (which only inherits).</param>
    /// <returns>The effective policies.</returns>
    internal EffectivePolicies ForRule(ResourceKey owner, string listener, ResourceKey route, string? ruleName)
        => Routed is not null ? Routed.For(owner, route).ForRule(owner, listener, route, ruleName)
        : _partOf is not null ? _partOf(owner)?.ForRule(owner, listener, route, ruleName) ?? EffectivePolicies.None
        : RuleState(owner, listener, route, ruleName)?.Effective ?? EffectivePolicies.None;

    /// <summary>The effective policies of a backend Service port reached through a rule.</summary>
    /// <param name="owner">The Gateway or ListenerSet of the listener.</param>
    /// <param name="listener">The listener name.</param>
    /// <param name="route">The route.</param>
    /// <param name="ruleName">The rule's name, or null.</param>
    /// <param name="service">The backend Service.</param>
    /// <param name="portName">The Service port's name, or null.</param>
    /// <returns>The effective policies.</returns>
    internal EffectivePolicies ForBackend(ResourceKey owner, string listener, ResourceKey route, string? ruleName, ResourceKey service, string? portName)
    {
        if (Routed is not null)
        {
            return Routed.For(owner, route).ForBackend(owner, listener, route, ruleName, service, portName);
        }

        if (_partOf is not null)
        {
            return _partOf(owner)?.ForBackend(owner, listener, route, ruleName, service, portName) ?? EffectivePolicies.None;
        }

        var state = RuleState(owner, listener, route, ruleName);
        if (state is null)
        {
            return EffectivePolicies.None;
        }

        return BackendState(state, service, portName).Effective;
    }

    /// <summary>
    /// The effective policies of one rule of a mesh (GAMMA) route bound to a Service parent: the parent Service (and its
    /// namespace) sits above the route as a Gateway does for ingress routes (GEP-1294), then the route's namespace, the
    /// route and the rule.
    /// </summary>
    /// <param name="service">The parent Service.</param>
    /// <param name="route">The route.</param>
    /// <param name="ruleName">The rule's name, or null for an unnamed rule.</param>
    /// <returns>The effective policies; <see cref="EffectivePolicies.None"/> when none reach it.</returns>
    internal EffectivePolicies ForMeshRule(ResourceKey service, ResourceKey route, string? ruleName)
        => Routed is not null ? Routed.Base.ForMeshRule(service, route, ruleName)
        : _partOf is not null ? _partOf(service)?.ForMeshRule(service, route, ruleName) ?? EffectivePolicies.None
        : MeshRuleState(service, route, ruleName)?.Effective ?? EffectivePolicies.None;

    /// <summary>The effective policies of a backend Service port reached through a rule of a mesh route.</summary>
    /// <param name="service">The parent Service.</param>
    /// <param name="route">The route.</param>
    /// <param name="ruleName">The rule's name, or null.</param>
    /// <param name="backend">The backend Service.</param>
    /// <param name="portName">The backend port's name, or null.</param>
    /// <returns>The effective policies.</returns>
    internal EffectivePolicies ForMeshBackend(ResourceKey service, ResourceKey route, string? ruleName, ResourceKey backend, string? portName)
        => Routed is not null ? Routed.Base.ForMeshBackend(service, route, ruleName, backend, portName)
        : _partOf is not null ? _partOf(service)?.ForMeshBackend(service, route, ruleName, backend, portName) ?? EffectivePolicies.None
        : MeshRuleState(service, route, ruleName) is { } state ? BackendState(state, backend, portName).Effective : EffectivePolicies.None;

    /// <summary>
    /// The fold state of a Gateway or ListenerSet as a whole (the policies of its class, namespace and itself), from
    /// the part that answers its contexts; null when no part evaluated it. A step's evaluation starts from it
    /// (<see cref="PolicyRun.Resolve"/>).
    /// </summary>
    internal FoldState? OwnerState(ResourceKey owner)
        => Routed is not null ? Routed.ForOwner(owner).OwnerState(owner)
        : _partOf is not null ? _partOf(owner)?.OwnerState(owner)
        : _gatewayStates.GetValueOrDefault(owner);

    /// <summary>The fold state of one listener (its owner's and its own policies), as <see cref="OwnerState"/>.</summary>
    internal FoldState? ListenerState(ResourceKey owner, string listener)
        => Routed is not null ? Routed.ForOwner(owner).ListenerState(owner, listener)
        : _partOf is not null ? _partOf(owner)?.ListenerState(owner, listener)
        : Listener(owner, listener);

    private FoldState? MeshRuleState(ResourceKey service, ResourceKey route, string? ruleName)
    {
        if (!_meshStates.TryGetValue(service, out var state))
        {
            return null;
        }

        state = Step(Step(state, NodeKey.ForNamespace(route.Namespace, PolicyLevel.RouteNamespace)), new NodeKey(route, null));
        return ruleName is null ? state : Step(state, new NodeKey(route, ruleName));
    }

    private FoldState BackendState(FoldState state, ResourceKey service, string? portName)
    {
        state = Step(Step(state, NodeKey.ForNamespace(service.Namespace, PolicyLevel.BackendNamespace)), new NodeKey(service, null));
        return portName is null ? state : Step(state, new NodeKey(service, portName));
    }

    private FoldState? Listener(ResourceKey owner, string listener)
        => _listenerStates.TryGetValue(new NodeKey(owner, listener), out var state) ? state : null;

    private FoldState? RouteState(ResourceKey owner, string listener, ResourceKey route)
        => Listener(owner, listener) is { } state ? Step(Step(state, NodeKey.ForNamespace(route.Namespace, PolicyLevel.RouteNamespace)), new NodeKey(route, null)) : null;

    private FoldState? RuleState(ResourceKey owner, string listener, ResourceKey route, string? ruleName)
    {
        var state = RouteState(owner, listener, route);
        return state is null || ruleName is null ? state : Step(state, new NodeKey(route, ruleName));
    }

    private FoldState Step(FoldState state, NodeKey node) => _memo.TryGetValue((state, node), out var next) ? next : state;
}
