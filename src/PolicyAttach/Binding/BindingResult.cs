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

    // Given when built from results; in a result made by With, each list is built from its map on first read.
    private readonly OnFirstRead<EquatableArray<GatewayResult>> _gatewayList;
    private readonly OnFirstRead<EquatableArray<ListenerSetResult>> _listenerSetList;
    private readonly OnFirstRead<EquatableArray<RouteResult>> _routeList;

    public BindingResult(Snapshot snapshot, EquatableArray<string> controllerNames, EquatableArray<GatewayClassResult> classes,
        EquatableArray<GatewayResult> gateways, EquatableArray<ListenerSetResult> listenerSets, EquatableArray<RouteResult> routes)
    {
        Snapshot = snapshot;
        ControllerNames = controllerNames;
        GatewayClasses = classes;
        _gatewayList = new(gateways);
        _listenerSetList = new(listenerSets);
        _routeList = new(routes);
        _gateways = gateways.ToFrozenDictionary(g => g.Gateway.Key);
        _listenerSets = listenerSets.ToFrozenDictionary(l => l.ListenerSet.Key);
        _routes = routes.ToFrozenDictionary(r => r.Route.Key);
    }

    private BindingResult(Snapshot snapshot, BindingResult previous, ImmutableDictionary<ResourceKey, GatewayResult> gatewayMap,
        ImmutableDictionary<ResourceKey, ListenerSetResult> setMap, ImmutableDictionary<ResourceKey, RouteResult> routeMap)
    {
        Snapshot = snapshot;
        ControllerNames = previous.ControllerNames;
        GatewayClasses = previous.GatewayClasses;
        _gateways = gatewayMap;
        _listenerSets = setMap;
        _routes = routeMap;
        _gatewayList = new(() => Sorted(gatewayMap, g => g.Gateway.Key));
        _listenerSetList = new(() => Sorted(setMap, l => l.ListenerSet.Key));
        _routeList = new(() => Sorted(routeMap, r => r.Route.Key));
    }

    /// <summary>
    /// This result over another snapshot with the results of some keys replaced (an incremental evaluation's step): the
    /// lookups are this result's, changed at those keys only, and the sorted lists are built from them on first read,
    /// so a step costs its own keys, not the world's.
    /// </summary>
    /// <param name="snapshot">The new snapshot.</param>
    /// <param name="gateways">The Gateways whose results may differ, with their new results (null: none).</param>
    /// <param name="listenerSets">The ListenerSets whose results may differ, with their new results (null: none).</param>
    /// <param name="routes">The routes whose results may differ, with their new results (null: none).</param>
    internal BindingResult With(Snapshot snapshot, IReadOnlyDictionary<ResourceKey, GatewayResult?> gateways,
        IReadOnlyDictionary<ResourceKey, ListenerSetResult?> listenerSets, IReadOnlyDictionary<ResourceKey, RouteResult?> routes)
        => new(snapshot, this, Update(_gateways, gateways), Update(_listenerSets, listenerSets), Update(_routes, routes));

    private static ImmutableDictionary<ResourceKey, T> Update<T>(IReadOnlyDictionary<ResourceKey, T> map, IReadOnlyDictionary<ResourceKey, T?> changes)
        where T : class
    {
        // Values are compared by reference: a persistent map compares the value it replaces with the new one, and a
        // result compared in depth (a route's verdicts on every listener of its parents) costs more than the step.
        // A builder copies each node of the tree once, where one change at a time copies the path to every key.
        var result = map as ImmutableDictionary<ResourceKey, T> ?? ImmutableDictionary.CreateRange<ResourceKey, T>(null, ReferenceEqualityComparer.Instance, map);
        if (changes.Count == 0)
        {
            return result;
        }

        var builder = result.ToBuilder();
        foreach (var (k, item) in changes)
        {
            if (item is null)
            {
                builder.Remove(k);
            }
            else
            {
                builder[k] = item;
            }
        }

        return builder.ToImmutable();
    }

    private static EquatableArray<T> Sorted<T>(ImmutableDictionary<ResourceKey, T> map, Func<T, ResourceKey> key)
    {
        var items = map.Values.ToArray();
        Array.Sort(items, (a, b) => key(a).CompareTo(key(b)));
        return ImmutableArray.Create(items);
    }

    public Snapshot Snapshot { get; }

    /// <summary>The controller names acted for.</summary>
    public EquatableArray<string> ControllerNames { get; }

    public EquatableArray<GatewayClassResult> GatewayClasses { get; }

    public EquatableArray<GatewayResult> Gateways => _gatewayList.Value;

    public EquatableArray<ListenerSetResult> ListenerSets => _listenerSetList.Value;

    public EquatableArray<RouteResult> Routes => _routeList.Value;

    public GatewayResult? FindGateway(ResourceKey key) => _gateways.GetValueOrDefault(key);

    public ListenerSetResult? FindListenerSet(ResourceKey key) => _listenerSets.GetValueOrDefault(key);

    public RouteResult? FindRoute(ResourceKey key) => _routes.GetValueOrDefault(key);
}
