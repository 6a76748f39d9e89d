using System.Collections.Frozen;
using System.Collections.Immutable;
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
    // Frozen when built from results; persistent in a result made by With, which shares them with the result it came from.
    private readonly IReadOnlyDictionary<ResourceKey, GatewayResult> _gateways;
    private readonly IReadOnlyDictionary<ResourceKey, ListenerSetResult> _listenerSets;
    private readonly IReadOnlyDictionary<ResourceKey, RouteResult> _routes;

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

    private BindingResult(Snapshot snapshot, BindingResult previous, EquatableArray<GatewayResult> gateways, EquatableArray<ListenerSetResult> listenerSets,
        EquatableArray<RouteResult> routes, IReadOnlyDictionary<ResourceKey, GatewayResult> gatewayMap, IReadOnlyDictionary<ResourceKey, ListenerSetResult> setMap,
        IReadOnlyDictionary<ResourceKey, RouteResult> routeMap)
    {
        Snapshot = snapshot;
        ControllerNames = previous.ControllerNames;
        GatewayClasses = previous.GatewayClasses;
        Gateways = gateways;
        ListenerSets = listenerSets;
        Routes = routes;
        _gateways = gatewayMap;
        _listenerSets = setMap;
        _routes = routeMap;
    }

    /// <summary>
    /// This result over another snapshot with the results of some keys replaced (an incremental evaluation's step): the
    /// lookups are this result's, changed at those keys only, instead of being built again.
    /// </summary>
    /// <param name="snapshot">The new snapshot.</param>
    /// <param name="gateways">Every Gateway's result, sorted by key.</param>
    /// <param name="listenerSets">Every ListenerSet's result, sorted by key.</param>
    /// <param name="routes">Every route's result, sorted by key.</param>
    /// <param name="changed">The Gateways, ListenerSets and routes whose results may differ from this result's.</param>
    internal BindingResult With(Snapshot snapshot, EquatableArray<GatewayResult> gateways, EquatableArray<ListenerSetResult> listenerSets,
        EquatableArray<RouteResult> routes, IReadOnlyCollection<ResourceKey> changed)
    {
        var gatewayMap = Update(_gateways, changed, gateways, g => g.Gateway.Key);
        var setMap = Update(_listenerSets, changed, listenerSets, l => l.ListenerSet.Key);
        var routeMap = Update(_routes, changed, routes, r => r.Route.Key);
        return new BindingResult(snapshot, this, gateways, listenerSets, routes, gatewayMap, setMap, routeMap);
    }

    private static ImmutableDictionary<ResourceKey, T> Update<T>(IReadOnlyDictionary<ResourceKey, T> map, IReadOnlyCollection<ResourceKey> keys, EquatableArray<T> items, Func<T, ResourceKey> key)
    {
        var result = map as ImmutableDictionary<ResourceKey, T> ?? map.ToImmutableDictionary();
        foreach (var k in keys)
        {
            var at = BinarySearch(items, k, key);
            result = at < 0 ? result.Remove(k) : result.SetItem(k, items[at]);
        }

        return result;
    }

    private static int BinarySearch<T>(EquatableArray<T> items, ResourceKey target, Func<T, ResourceKey> key)
    {
        var (lo, hi) = (0, items.Count - 1);
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            var c = key(items[mid]).CompareTo(target);
            if (c == 0)
            {
                return mid;
            }

            (lo, hi) = c < 0 ? (mid + 1, hi) : (lo, mid - 1);
        }

        return -1;
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
