using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Policies;

namespace PolicyAttach;

/// <summary>
/// Everything the engine computed for one snapshot: statuses of GatewayClasses, Gateways, ListenerSets and routes,
/// each list sorted by (group, kind, namespace, name), and policy attachment over them. Built once by
/// <see cref="Evaluator.Evaluate"/> from the results of every stage; immutable; equal inputs give equal results.
/// </summary>
public sealed class EvaluationResult
{
    private readonly BindingResult _binding;

    internal EvaluationResult(EvaluationOptions options, BindingResult binding, PolicyResolution policies)
    {
        Options = options;
        _binding = binding;
        Policies = policies;
    }

    /// <summary>The input.</summary>
    public Snapshot Snapshot => _binding.Snapshot;

    /// <summary>The binding result (for an incremental evaluation that changes some of it).</summary>
    internal BindingResult Binding => _binding;

    /// <summary>The options used.</summary>
    public EvaluationOptions Options { get; }

    /// <summary>Owned GatewayClasses.</summary>
    public EquatableArray<GatewayClassResult> GatewayClasses => _binding.GatewayClasses;

    /// <summary>Gateways of owned classes.</summary>
    public EquatableArray<GatewayResult> Gateways => _binding.Gateways;

    /// <summary>ListenerSets whose parent Gateway is owned.</summary>
    public EquatableArray<ListenerSetResult> ListenerSets => _binding.ListenerSets;

    /// <summary>Routes with at least one owned parent.</summary>
    public EquatableArray<RouteResult> Routes => _binding.Routes;

    /// <summary>Policy attachment over this result: policy statuses and effective policies of every context.</summary>
    public PolicyResolution Policies { get; }

    /// <summary>The result for a Gateway, or null when it is not owned.</summary>
    /// <param name="key">The Gateway's key.</param>
    /// <returns>The result, or null.</returns>
    public GatewayResult? FindGateway(ResourceKey key) => _binding.FindGateway(key);

    /// <summary>The result for a ListenerSet, or null.</summary>
    /// <param name="key">The ListenerSet's key.</param>
    /// <returns>The result, or null.</returns>
    public ListenerSetResult? FindListenerSet(ResourceKey key) => _binding.FindListenerSet(key);

    /// <summary>The Gateway whose listeners a verdict's owner holds: the owner itself, or a ListenerSet's parent Gateway.</summary>
    internal ResourceKey GatewayOf(ResourceKey owner) => _binding.FindListenerSet(owner)?.Parent ?? owner;

    /// <summary>The result for a route, or null when no parent of it is owned.</summary>
    /// <param name="key">The route's key.</param>
    /// <returns>The result, or null.</returns>
    public RouteResult? FindRoute(ResourceKey key) => _binding.FindRoute(key);

    /// <summary>
    /// The policy contexts a route is served in, without finding its listeners first: one per listener of a Gateway or
    /// ListenerSet it attaches to, and one per mesh Service parent that accepts it; sorted by (parent key, listener name), so
    /// mesh Services (core group) come first. Pass
    /// one to <see cref="PolicyResolution.For"/>, or go on to its rules and backends.
    /// </summary>
    /// <param name="route">The route's key.</param>
    /// <returns>The contexts; empty when the route is not owned or attaches nowhere.</returns>
    public EquatableArray<PolicyContext> PolicyContextsOf(ResourceKey route)
    {
        if (FindRoute(route) is not { } result)
        {
            return [];
        }

        var contexts = new List<PolicyContext>();
        foreach (var parent in result.Parents)
        {
            if (parent.ParentRef.GroupKind == Model.Kinds.Service)
            {
                if (parent.IsAccepted)
                {
                    contexts.Add(PolicyContext.ForMeshService(parent.ParentRef.TargetKey).WithRoute(route));
                }

                continue;
            }

            foreach (var verdict in parent.AttachedListeners)
            {
                contexts.Add(PolicyContext.ForGateway(verdict.Owner).WithListener(verdict.ListenerName).WithRoute(route));
            }
        }

        return contexts
            .Distinct()
            .OrderBy(c => c.Parent)
            .ThenBy(c => c.Listener, StringComparer.Ordinal)
            .ToEquatableArray();
    }
}
