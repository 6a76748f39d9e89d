using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Model;

namespace PolicyAttach.Policies;

/// <summary>One <c>status.ancestors[]</c> entry of a policy (spec digest §14.6).</summary>
public sealed record PolicyAncestorResult
{
    /// <summary>The ancestor (usually a Gateway), as a ParentReference with defaults filled in.</summary>
    public required ParentReference AncestorRef { get; init; }

    /// <summary>The controller that wrote the entry.</summary>
    public required string ControllerName { get; init; }

    /// <summary>The conditions, sorted by type.</summary>
    public required EquatableArray<Condition> Conditions { get; init; }
}

/// <summary>The computed status of one policy.</summary>
public sealed record PolicyStatusResult
{
    /// <summary>The policy.</summary>
    public required IPolicyObject Policy { get; init; }

    /// <summary>The policy object (for apiVersion and metadata).</summary>
    public required KubeObject Resource { get; init; }

    /// <summary>
    /// <c>status.ancestors</c>: at most 16, chosen deterministically (not accepted first, then by namespace and
    /// name); when more exist, the last one carries an <c>Aggregated</c> condition that says how many were left out.
    /// </summary>
    public required EquatableArray<PolicyAncestorResult> Ancestors { get; init; }
}

/// <summary>The effective policy of one kind in one context, with the source of every field.</summary>
public sealed record EffectivePolicy
{
    /// <summary>The policy kind.</summary>
    public required GroupKind Kind { get; init; }

    /// <summary>The merged document.</summary>
    public required JsonData Document { get; init; }

    /// <summary>Every leaf of <see cref="Document"/> with the policy that supplied it and the ones it won over, by path.</summary>
    public required EquatableArray<EffectiveField> Fields { get; init; }

    /// <summary>The policies that reach this context, established first.</summary>
    public required EquatableArray<ResourceKey> Policies { get; init; }
}

/// <summary>The effective policies of every kind in one context, sorted by kind.</summary>
public sealed class EffectivePolicies
{
    internal EffectivePolicies(EquatableArray<EffectivePolicy> kinds) => Kinds = kinds;

    /// <summary>No policy reaches the context.</summary>
    public static EffectivePolicies None { get; } = new([]);

    /// <summary>The effective policy of each kind that reaches the context.</summary>
    public EquatableArray<EffectivePolicy> Kinds { get; }

    /// <summary>The effective policy of a kind, or null; does not allocate.</summary>
    /// <param name="kind">The policy kind.</param>
    /// <returns>The effective policy, or null.</returns>
    public EffectivePolicy? Find(GroupKind kind)
    {
        foreach (var policy in Kinds.AsSpan())
        {
            if (policy.Kind == kind)
            {
                return policy;
            }
        }

        return null;
    }
}
