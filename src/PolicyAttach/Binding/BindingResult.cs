using System.Collections.Frozen;
using PolicyAttach.Collections;
using PolicyAttach.Model;

namespace PolicyAttach.Binding;

/// <summary>
/// What the binding stage computed for one snapshot: statuses of GatewayClasses, Gateways, ListenerSets and routes,
/// each list sorted by (group, kind, namespace, name). Immutable; the policy stage reads it, and the evaluation
/// result exposes it.
/// </summary>
internal sealed class BindingResult
{
    private readonly FrozenDictionary<ResourceKey, GatewayResult> _gateways;
    private readonly FrozenDictionary<ResourceKey, ListenerSetResult> _listenerSets;
    private readonly FrozenDictionary<ResourceKey, RouteResult> _routes;

    public BindingResult(Snapshot snapshot, EquatableArray<string> controllerNames, EquatableArray<GatewayClassResult> classes,
        EquatableArray<GatewayResult> gateways, EquatableArray<ListenerSetResult> listenerSets, EquatableArray<RouteResult> routes)
    {
        Snapshot = snapshot;
        ControllerNames = controllerNames;
        GatewayClasses = classes;
        Gateways = gateways;
        ListenerSets = listenerSets;
        Routes = routes;
        _gateways = gateways.ToFrozenDictionary(g => g.Gateway.Key);
        _listenerSets = listenerSets.ToFrozenDictionary(l => l.ListenerSet.Key);
        _routes = routes.ToFrozenDictionary(r => r.Route.Key);
    }

    public Snapshot Snapshot { get; }

    /// <summary>The controller names acted for.</summary>
    public EquatableArray<string> ControllerNames { get; }

    public EquatableArray<GatewayClassResult> GatewayClasses { get; }

    public EquatableArray<GatewayResult> Gateways { get; }

    public EquatableArray<ListenerSetResult> ListenerSets { get; }

    public EquatableArray<RouteResult> Routes { get; }

    public GatewayResult? FindGateway(ResourceKey key) => _gateways.GetValueOrDefault(key);

    public ListenerSetResult? FindListenerSet(ResourceKey key) => _listenerSets.GetValueOrDefault(key);

    public RouteResult? FindRoute(ResourceKey key) => _routes.GetValueOrDefault(key);
}
