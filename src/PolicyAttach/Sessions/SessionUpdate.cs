using PolicyAttach.Collections;
using PolicyAttach.Policies;
using PolicyAttach.Sessions;
using PolicyAttach.Status;

namespace PolicyAttach;

/// <summary>How a session computed a result.</summary>
public enum EvaluationPath
{
    /// <summary>The batch changed nothing (every put was equal to the object in place, every deleted key absent).</summary>
    Unchanged,

    /// <summary>Only the units the changes reach were evaluated again; everything else was kept.</summary>
    Incremental,

    /// <summary>The whole snapshot was evaluated again; <see cref="SessionUpdate.Reason"/> says why.</summary>
    Full,
}

/// <summary>
/// What one batch did to a session: the new result and exactly what changed from the previous one. Every list is
/// sorted (keys by <see cref="ResourceKey"/> order, contexts by their text, ordinal).
/// </summary>
public sealed class SessionUpdate
{
    internal SessionUpdate(EvaluationResult previous, EvaluationResult result, EvaluationPath path, string reason,
        EquatableArray<ResourceKey> changed, EquatableArray<ResourceKey> removed, EquatableArray<ResourceKey> routingChanged,
        EquatableArray<PolicyContext> policiesChanged, int evaluatedObjects)
    {
        Previous = previous;
        Result = result;
        Path = path;
        Reason = reason;
        Changed = changed;
        Removed = removed;
        RoutingChanged = routingChanged;
        PoliciesChanged = policiesChanged;
        EvaluatedObjects = evaluatedObjects;
    }

    /// <summary>The result before the batch (still valid and unchanged).</summary>
    public EvaluationResult Previous { get; }

    /// <summary>The result after the batch: equal to a full evaluation of the session's objects.</summary>
    public EvaluationResult Result { get; }

    /// <summary>Whether the batch was evaluated incrementally, in full, or changed nothing.</summary>
    public EvaluationPath Path { get; }

    /// <summary>Why the path was taken, such as the change that could not be bounded.</summary>
    public string Reason { get; }

    /// <summary>
    /// The objects whose status is new or differs: their typed statuses (<see cref="StatusModel.Find"/>) differ in what
    /// <see cref="StatusWriter"/> writes (a route parent's index and whether a reference spelled its namespace are not
    /// written, so they alone are no change); write their statuses with <see cref="StatusWriter.Write"/> and
    /// <see cref="StatusWriterOptions.Include"/>.
    /// </summary>
    public EquatableArray<ResourceKey> Changed { get; }

    /// <summary>The objects that had a status and have none now (deleted, or no longer owned or attached).</summary>
    public EquatableArray<ResourceKey> Removed { get; }

    /// <summary>
    /// The Gateways and mesh Services whose routing changed: their result, a ListenerSet of theirs, a route attached
    /// to them (before or after), or a policy context under them differs.
    /// </summary>
    public EquatableArray<ResourceKey> RoutingChanged { get; }

    /// <summary>The policy contexts whose effective policies differ (including contexts that appeared or disappeared with a difference).</summary>
    public EquatableArray<PolicyContext> PoliciesChanged { get; }

    /// <summary>How many objects were evaluated again (the partitioned objects of the units reached, or all of them).</summary>
    public int EvaluatedObjects { get; }

    /// <summary>
    /// The routing tables of <see cref="Result"/>, compiled on first read: only the tables of the Gateways and Services
    /// in <see cref="RoutingChanged"/> (since the last tables read from this session) are compiled again; every other
    /// table is the earlier one, shared by reference. The answers are those of
    /// <see cref="RoutingTable.Compile(EvaluationResult)"/> of the result. Safe to read from several threads.
    /// </summary>
    public RoutingTable Routing => _routing?.Table ?? RoutingTable.Compile(Result);

    /// <summary>The session's tables of <see cref="Result"/>; set once by the session, before the update is returned.</summary>
    internal SessionRouting? RoutingSource
    {
        get => _routing;
        set => _routing = value;
    }

    private SessionRouting? _routing;

    /// <summary>Whether nothing a reader can see changed.</summary>
    public bool IsEmpty => Changed.IsEmpty && Removed.IsEmpty && RoutingChanged.IsEmpty && PoliciesChanged.IsEmpty;
}
