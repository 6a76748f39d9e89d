using System.Globalization;
using PolicyAttach.Model;

namespace PolicyAttach.Status;

/// <summary>Where in a status a list of conditions sits.</summary>
public enum ConditionScopeKind
{
    /// <summary>The object's own <c>status.conditions</c>.</summary>
    Own,

    /// <summary>A listener's conditions (<c>status.listeners[].conditions</c>) of a Gateway or ListenerSet.</summary>
    Listener,

    /// <summary>A route parent's conditions (<c>status.parents[].conditions</c>).</summary>
    Parent,

    /// <summary>A policy ancestor's conditions (<c>status.ancestors[].conditions</c>).</summary>
    Ancestor,
}

/// <summary>
/// Which conditions of an object's status are meant: its own, a listener's (by name), a route parent's (by the index of
/// its parentRef in the route's spec) or a policy ancestor's (by its ancestorRef). Used to find the previous conditions
/// when a status is stamped, and by the Kubernetes edge to name the condition lists of a patch.
/// </summary>
public readonly record struct ConditionScope
{
    private ConditionScope(ConditionScopeKind kind, string? listener, int parentIndex, ParentReference? ancestor)
    {
        Kind = kind;
        ListenerName = listener;
        ParentIndex = parentIndex;
        AncestorRef = ancestor;
    }

    /// <summary>The object's own conditions.</summary>
    public static ConditionScope Own => default;

    /// <summary>What the scope is.</summary>
    public ConditionScopeKind Kind { get; }

    /// <summary>The listener's name for <see cref="ConditionScopeKind.Listener"/>; otherwise null.</summary>
    public string? ListenerName { get; }

    /// <summary>The index of the parentRef in the route's spec for <see cref="ConditionScopeKind.Parent"/>; otherwise 0.</summary>
    public int ParentIndex { get; }

    /// <summary>The ancestor for <see cref="ConditionScopeKind.Ancestor"/>; otherwise null.</summary>
    public ParentReference? AncestorRef { get; }

    /// <summary>A listener's conditions.</summary>
    /// <param name="name">The listener's name.</param>
    /// <returns>The scope.</returns>
    public static ConditionScope Listener(string name) => new(ConditionScopeKind.Listener, Guard.NotNull(name), 0, null);

    /// <summary>A route parent's conditions.</summary>
    /// <param name="parentIndex">The index of the parentRef in the route's <c>spec.parentRefs</c>.</param>
    /// <returns>The scope.</returns>
    public static ConditionScope Parent(int parentIndex) => new(ConditionScopeKind.Parent, null, parentIndex, null);

    /// <summary>A policy ancestor's conditions.</summary>
    /// <param name="ancestorRef">The ancestor, as written in the status.</param>
    /// <returns>The scope.</returns>
    public static ConditionScope Ancestor(ParentReference ancestorRef) => new(ConditionScopeKind.Ancestor, null, 0, Guard.NotNull(ancestorRef));

    /// <summary>
    /// The scope as text: <c>""</c>, <c>listeners/NAME</c>, <c>parents/INDEX</c> or
    /// <c>ancestors/KIND/NAMESPACE/NAME/SECTION</c>.
    /// </summary>
    /// <returns>The text.</returns>
    public override string ToString() => Kind switch
    {
        ConditionScopeKind.Listener => "listeners/" + ListenerName,
        ConditionScopeKind.Parent => "parents/" + ParentIndex.ToString(CultureInfo.InvariantCulture),
        ConditionScopeKind.Ancestor => "ancestors/" + AncestorRef!.Kind + "/" + AncestorRef.Namespace + "/" + AncestorRef.Name + "/" + AncestorRef.SectionName,
        _ => string.Empty,
    };
}
