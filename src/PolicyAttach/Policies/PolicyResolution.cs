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

    internal PolicyResolution(EquatableArray<PolicyStatusResult> statuses, Dictionary<(FoldState, NodeKey), FoldState> memo,
        Dictionary<ResourceKey, FoldState> gatewayStates, Dictionary<NodeKey, FoldState> listenerStates)
    {
        Statuses = statuses;
        _memo = memo;
        _gatewayStates = gatewayStates;
        _listenerStates = listenerStates;
    }

    /// <summary>The status of every policy that reached an ancestor, sorted by (group, kind, namespace, name).</summary>
    public EquatableArray<PolicyStatusResult> Statuses { get; }

    /// <summary>The effective policies of a Gateway (or ListenerSet) as a whole.</summary>
    /// <param name="owner">The Gateway or ListenerSet.</param>
    /// <returns>The effective policies; <see cref="EffectivePolicies.None"/> when none reach it.</returns>
    public EffectivePolicies ForGateway(ResourceKey owner)
        => _gatewayStates.TryGetValue(owner, out var state) ? state.Effective : EffectivePolicies.None;

    /// <summary>The effective policies of one listener.</summary>
    /// <param name="owner">The Gateway or ListenerSet that defines the listener.</param>
    /// <param name="listener">The listener name.</param>
    /// <returns>The effective policies.</returns>
    public EffectivePolicies ForListener(ResourceKey owner, string listener)
        => Listener(owner, listener)?.Effective ?? EffectivePolicies.None;

    /// <summary>The effective policies of a route as served through one listener.</summary>
    /// <param name="owner">The Gateway or ListenerSet of the listener.</param>
    /// <param name="listener">The listener name.</param>
    /// <param name="route">The route.</param>
    /// <returns>The effective policies.</returns>
    public EffectivePolicies ForRoute(ResourceKey owner, string listener, ResourceKey route)
        => RouteState(owner, listener, route)?.Effective ?? EffectivePolicies.None;

    /// <summary>The effective policies of one rule of a route as served through one listener.</summary>
    /// <param name="owner">The Gateway or ListenerSet of the listener.</param>
    /// <param name="listener">The listener name.</param>
    /// <param name="route">The route.</param>
    /// <param name="ruleName">The rule's name, or null for an unnamed rule (which only inherits).</param>
    /// <returns>The effective policies.</returns>
    public EffectivePolicies ForRule(ResourceKey owner, string listener, ResourceKey route, string? ruleName)
        => RuleState(owner, listener, route, ruleName)?.Effective ?? EffectivePolicies.None;

    /// <summary>The effective policies of a backend Service port reached through a rule.</summary>
    /// <param name="owner">The Gateway or ListenerSet of the listener.</param>
    /// <param name="listener">The listener name.</param>
    /// <param name="route">The route.</param>
    /// <param name="ruleName">The rule's name, or null.</param>
    /// <param name="service">The backend Service.</param>
    /// <param name="portName">The Service port's name, or null.</param>
    /// <returns>The effective policies.</returns>
    public EffectivePolicies ForBackend(ResourceKey owner, string listener, ResourceKey route, string? ruleName, ResourceKey service, string? portName)
    {
        var state = RuleState(owner, listener, route, ruleName);
        if (state is null)
        {
            return EffectivePolicies.None;
        }

        state = Step(Step(state, NodeKey.ForNamespace(service.Namespace, PolicyLevel.BackendNamespace)), new NodeKey(service, null));
        if (portName is not null)
        {
            state = Step(state, new NodeKey(service, portName));
        }

        return state.Effective;
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
