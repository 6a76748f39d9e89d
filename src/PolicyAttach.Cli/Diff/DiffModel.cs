using PolicyAttach.Cli.Explain;

namespace PolicyAttach.Cli.Diff;

/// <summary>One change.</summary>
/// <param name="Category">object, status, attachment, routing or policy.</param>
/// <param name="Change">added, removed or changed.</param>
/// <param name="Subject">What changed within the object, such as <c>listener http condition Programmed</c>.</param>
/// <param name="Before">The value before, or null when added (empty when the subject is the whole fact).</param>
/// <param name="After">The value after, or null when removed.</param>
internal sealed record DiffChange(string Category, string Change, string Subject, string? Before, string? After);

/// <summary>The changes of one object.</summary>
/// <param name="Object">The object.</param>
/// <param name="Changes">Its changes, by category (object, status, attachment, routing, policy) then subject.</param>
internal sealed record DiffObject(ObjectRef Object, IReadOnlyList<DiffChange> Changes);

/// <summary>The report of <c>policyattach diff</c>.</summary>
/// <param name="Changed">Whether anything changed (exit status 3).</param>
/// <param name="ControllerNames">The controller names acted for (after, then before when they differ).</param>
/// <param name="Objects">The objects with changes, sorted by (group, kind, namespace, name).</param>
internal sealed record DiffReport(bool Changed, IReadOnlyList<string> ControllerNames, IReadOnlyList<DiffObject> Objects);
