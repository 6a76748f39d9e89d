using System.Collections.Immutable;
using System.Runtime.InteropServices;
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

/// <summary>
/// The effective policy of one kind in one context, with the source of every field. The document and its fields are
/// built on first read: resolution folds thousands of contexts, and most are never printed.
/// </summary>
public sealed class EffectivePolicy : IEquatable<EffectivePolicy>
{
    private readonly FieldTree? _tree;
    private readonly AttachmentChain _attachments;
    private JsonData? _document;

    // Arrays, not nullable structs: a result is read from many threads, and a reference is published whole where a
    // nullable struct's flag and value could be seen apart.
    private EffectiveField[]? _fields;
    private ResourceKey[]? _policies;

    internal EffectivePolicy(GroupKind kind, FieldTree? tree, AttachmentChain attachments)
    {
        Kind = kind;
        _tree = tree;
        _attachments = attachments;
    }

    /// <summary>The policy kind.</summary>
    public GroupKind Kind { get; }

    /// <summary>The merged document.</summary>
    public JsonData Document => _document ??= _tree is null ? JsonData.EmptyObject : FieldTree.ToJson(_tree);

    /// <summary>Every leaf of <see cref="Document"/> with the policy that supplied it and the ones it won over, by path.</summary>
    public EquatableArray<EffectiveField> Fields
    {
        get
        {
            if (_fields is not { } fields)
            {
                var list = new List<EffectiveField>();
                _tree?.Leaves(string.Empty, list);
                _fields = fields = [.. list];
            }

            return new EquatableArray<EffectiveField>(ImmutableCollectionsMarshal.AsImmutableArray(fields));
        }
    }

    /// <summary>The policies that reach this context, established first.</summary>
    public EquatableArray<ResourceKey> Policies
        => new(ImmutableCollectionsMarshal.AsImmutableArray(_policies ??= PolicyKeys().ToArray()));

    /// <inheritdoc />
    /// <remarks>
    /// Two policies folded from the same trees are compared without building their documents and fields (a session
    /// compares every context of two results, and most are unchanged); others by the documents and fields themselves.
    /// </remarks>
    public bool Equals(EffectivePolicy? other)
        => other is not null && (ReferenceEquals(this, other)
            || (Kind == other.Kind
                && (FieldTree.SameAs(_tree, other._tree) || (Document.Equals(other.Document) && Fields.Equals(other.Fields)))
                && SamePolicies(other)));

    private bool SamePolicies(EffectivePolicy other)
        => AttachmentChain.SamePolicies(_attachments, other._attachments)
            || (_policies is { } mine && other._policies is { } theirs ? mine.AsSpan().SequenceEqual(theirs) : PolicyKeys().SequenceEqual(other.PolicyKeys()));

    private IEnumerable<ResourceKey> PolicyKeys() => _attachments.ToList().Select(a => a.Policy.Key).Distinct();

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as EffectivePolicy);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Document);
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
