using System.Collections.Frozen;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Policies;
using PolicyAttach.Snapshots;

namespace PolicyAttach.Binding;

/// <summary>
/// Everything the engine computed for one snapshot: statuses of GatewayClasses, Gateways, ListenerSets and routes,
/// each list sorted by (group, kind, namespace, name). Immutable; equal inputs give equal results.
/// </summary>
public sealed class EvaluationResult
{
    private readonly FrozenDictionary<ResourceKey, GatewayResult> _gateways;
    private readonly FrozenDictionary<ResourceKey, ListenerSetResult> _listenerSets;
    private readonly FrozenDictionary<ResourceKey, RouteResult> _routes;

    internal EvaluationResult(Snapshot snapshot, EvaluationOptions options, EquatableArray<GatewayClassResult> classes,
        EquatableArray<GatewayResult> gateways, EquatableArray<ListenerSetResult> listenerSets, EquatableArray<RouteResult> routes)
    {
        Snapshot = snapshot;
        Options = options;
        GatewayClasses = classes;
        Gateways = gateways;
        ListenerSets = listenerSets;
        Routes = routes;
        _gateways = gateways.ToFrozenDictionary(g => g.Gateway.Key);
        _listenerSets = listenerSets.ToFrozenDictionary(l => l.ListenerSet.Key);
        _routes = routes.ToFrozenDictionary(r => r.Route.Key);
    }

    /// <summary>The input.</summary>
    public Snapshot Snapshot { get; }

    /// <summary>The options used.</summary>
    public EvaluationOptions Options { get; }

    /// <summary>Owned GatewayClasses.</summary>
    public EquatableArray<GatewayClassResult> GatewayClasses { get; }

    /// <summary>Gateways of owned classes.</summary>
    public EquatableArray<GatewayResult> Gateways { get; }

    /// <summary>ListenerSets whose parent Gateway is owned.</summary>
    public EquatableArray<ListenerSetResult> ListenerSets { get; }

    /// <summary>Routes with at least one owned parent.</summary>
    public EquatableArray<RouteResult> Routes { get; }

    /// <summary>Policy attachment over this result: policy statuses and effective policies of every context.</summary>
    public PolicyResolution Policies { get; internal set; } = null!;

    /// <summary>The result for a Gateway, or null when it is not owned.</summary>
    /// <param name="key">The Gateway's key.</param>
    /// <returns>The result, or null.</returns>
    public GatewayResult? FindGateway(ResourceKey key) => _gateways.GetValueOrDefault(key);

    /// <summary>The result for a ListenerSet, or null.</summary>
    /// <param name="key">The ListenerSet's key.</param>
    /// <returns>The result, or null.</returns>
    public ListenerSetResult? FindListenerSet(ResourceKey key) => _listenerSets.GetValueOrDefault(key);

    /// <summary>The result for a route, or null when no parent of it is owned.</summary>
    /// <param name="key">The route's key.</param>
    /// <returns>The result, or null.</returns>
    public RouteResult? FindRoute(ResourceKey key) => _routes.GetValueOrDefault(key);
}
