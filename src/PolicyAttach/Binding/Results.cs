using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Binding;

/// <summary>The computed status of a GatewayClass this controller owns.</summary>
public sealed record GatewayClassResult
{
    /// <summary>The class.</summary>
    public required GatewayClass GatewayClass { get; init; }

    /// <summary><c>status.conditions</c>, sorted by type.</summary>
    public required EquatableArray<Condition> Conditions { get; init; }

    /// <summary><c>status.supportedFeatures</c>, sorted by name.</summary>
    public required EquatableArray<string> SupportedFeatures { get; init; }
}

/// <summary>Whether a listener can take routes, and why not.</summary>
public enum ListenerState
{
    /// <summary>Accepted and not conflicted: routes may attach.</summary>
    Ready = 0,

    /// <summary>Accepted=False (unsupported protocol or value, no valid CA certificate).</summary>
    NotAccepted,

    /// <summary>Conflicted with another listener on the same port.</summary>
    Conflicted,
}

/// <summary>The computed status of one listener of a Gateway or ListenerSet.</summary>
public sealed record ListenerResult
{
    /// <summary>The Gateway or ListenerSet that defines the listener.</summary>
    public required ResourceKey Owner { get; init; }

    /// <summary>The listener as written.</summary>
    public required Listener Listener { get; init; }

    /// <summary>The listener name.</summary>
    public string Name => Listener.Name;

    /// <summary>The route kinds it accepts (<c>supportedKinds</c>).</summary>
    public required EquatableArray<RouteGroupKind> SupportedKinds { get; init; }

    /// <summary>How many routes attach to it (<c>attachedRoutes</c>).</summary>
    public required int AttachedRoutes { get; init; }

    /// <summary>Its conditions, sorted by type.</summary>
    public required EquatableArray<Condition> Conditions { get; init; }

    /// <summary>Whether routes can attach, and if not why.</summary>
    public required ListenerState State { get; init; }
}

/// <summary>The computed status of a Gateway this controller owns.</summary>
public sealed record GatewayResult
{
    /// <summary>The Gateway.</summary>
    public required Gateway Gateway { get; init; }

    /// <summary><c>status.conditions</c>, sorted by type.</summary>
    public required EquatableArray<Condition> Conditions { get; init; }

    /// <summary><c>status.listeners</c>, in spec order (the Gateway's own listeners only).</summary>
    public required EquatableArray<ListenerResult> Listeners { get; init; }

    /// <summary><c>status.attachedListenerSets</c>.</summary>
    public required int AttachedListenerSets { get; init; }

    /// <summary>The Gateway's class controller name.</summary>
    public required string ControllerName { get; init; }

    /// <summary>Whether the Gateway is Accepted.</summary>
    public bool IsAccepted => AcceptedCondition.In(Conditions);
}

/// <summary>The computed status of a ListenerSet whose parent Gateway this controller owns.</summary>
public sealed record ListenerSetResult
{
    /// <summary>The ListenerSet.</summary>
    public required ListenerSet ListenerSet { get; init; }

    /// <summary>The parent Gateway.</summary>
    public required ResourceKey Parent { get; init; }

    /// <summary><c>status.conditions</c>, sorted by type.</summary>
    public required EquatableArray<Condition> Conditions { get; init; }

    /// <summary><c>status.listeners</c>, in spec order.</summary>
    public required EquatableArray<ListenerResult> Listeners { get; init; }

    /// <summary>Whether the ListenerSet is Accepted.</summary>
    public bool IsAccepted => AcceptedCondition.In(Conditions);
}

/// <summary>Why a route did or did not attach to one listener: a cell of the binding verdict matrix.</summary>
public enum BindingCause
{
    /// <summary>The route attached.</summary>
    Attached = 0,

    /// <summary>The parentRef's sectionName names another listener.</summary>
    SectionNameMismatch,

    /// <summary>The parentRef's port is not the listener's port.</summary>
    PortMismatch,

    /// <summary>The listener's allowedRoutes (or protocol) does not allow the route's kind.</summary>
    KindNotAllowed,

    /// <summary>The listener's allowedRoutes does not select the route's namespace.</summary>
    NamespaceNotAllowed,

    /// <summary>No route hostname intersects the listener's hostname.</summary>
    HostnameMismatch,

    /// <summary>The listener is not accepted or is conflicted, so nothing attaches to it.</summary>
    ListenerNotReady,

    /// <summary>
    /// An older route of the other kind (HTTPRoute against GRPCRoute) is accepted on the listener for an intersecting
    /// hostname; exactly one of them may be (spec digest §10).
    /// </summary>
    RouteKindConflict,
}

/// <summary>The verdict for one (route, parentRef, listener).</summary>
public sealed record ListenerVerdict
{
    /// <summary>The Gateway or ListenerSet that defines the listener.</summary>
    public required ResourceKey Owner { get; init; }

    /// <summary>The listener name.</summary>
    public required string ListenerName { get; init; }

    /// <summary>The verdict.</summary>
    public required BindingCause Cause { get; init; }

    /// <summary>Why, in words: which field and value decided.</summary>
    public required string Message { get; init; }

    /// <summary>For an attachment, the intersected hostnames served (<c>*</c> for any host).</summary>
    public EquatableArray<string> Hostnames { get; init; } = [];

    /// <summary>Whether the route attached to this listener.</summary>
    public bool Attached => Cause == BindingCause.Attached;
}

/// <summary>A cell of the binding verdict matrix without its message (<see cref="RouteParentResult.OutcomeAt"/>).</summary>
/// <param name="Owner">The Gateway or ListenerSet that defines the listener.</param>
/// <param name="ListenerName">The listener name.</param>
/// <param name="Cause">The verdict.</param>
/// <param name="Hostnames">For an attachment, the intersected hostnames served; empty otherwise.</param>
public readonly record struct ListenerOutcome(ResourceKey Owner, string ListenerName, BindingCause Cause, EquatableArray<string> Hostnames)
{
    /// <summary>Whether the route attached to this listener.</summary>
    public bool Attached => Cause == BindingCause.Attached;
}

/// <summary>The computed <c>status.parents[]</c> entry for one parentRef, with the verdict of every listener considered.</summary>
public sealed record RouteParentResult
{
    /// <summary>The parentRef with defaults applied, as status echoes it.</summary>
    public required ParentReference ParentRef { get; init; }

    /// <summary>The position of the parentRef in <c>spec.parentRefs</c>.</summary>
    public required int ParentIndex { get; init; }

    /// <summary>The controller name of the parent's class.</summary>
    public required string ControllerName { get; init; }

    /// <summary>The conditions, sorted by type.</summary>
    public required EquatableArray<Condition> Conditions { get; init; }

    /// <summary>The verdicts of the listeners the route attached to, in listener order, with the hostnames served.</summary>
    public required EquatableArray<ListenerVerdict> AttachedListeners { get; init; }

    /// <summary>
    /// Every listener of the parent considered, in listener order, with its verdict: the binding verdict matrix.
    /// Built on first read; <see cref="AttachedListeners"/> is the cheap view of the attachments.
    /// </summary>
    public EquatableArray<ListenerVerdict> Listeners => Verdicts?.Materialize() ?? AttachedListeners;

    internal VerdictTable? Verdicts { get; init; }

    /// <summary>The number of listeners considered: the length of <see cref="Listeners"/>, without building it.</summary>
    public int ListenerCount => Verdicts?.Count ?? AttachedListeners.Count;

    /// <summary>
    /// The verdict at a position of <see cref="Listeners"/>, with its message, built on each call and not kept: reads
    /// a large matrix (thousands of routes on a Gateway of many listeners) one cell at a time, without holding it.
    /// </summary>
    /// <param name="index">The position, from 0 to <see cref="ListenerCount"/> − 1.</param>
    /// <returns>The same verdict as <c>Listeners[index]</c>.</returns>
    public ListenerVerdict ListenerAt(int index) => Verdicts is { } table ? table.Verdict(index) : AttachedListeners[index];

    /// <summary>
    /// The outcome at a position of <see cref="Listeners"/> without the message, which is not built: the cheapest
    /// read of the verdict matrix, for tools that need only who, which listener and why.
    /// </summary>
    /// <param name="index">The position, from 0 to <see cref="ListenerCount"/> − 1.</param>
    /// <returns>The owner, listener, cause and hostnames of <c>Listeners[index]</c>.</returns>
    public ListenerOutcome OutcomeAt(int index)
    {
        if (Verdicts is { } table)
        {
            return table.Outcome(index);
        }

        var verdict = AttachedListeners[index];
        return new ListenerOutcome(verdict.Owner, verdict.ListenerName, verdict.Cause, verdict.Hostnames);
    }

    /// <summary>Whether the route is Accepted by this parent.</summary>
    public bool IsAccepted => AcceptedCondition.In(Conditions);

    /// <inheritdoc />
    public bool Equals(RouteParentResult? other)
        => other is not null && ParentRef == other.ParentRef && ParentIndex == other.ParentIndex && ControllerName == other.ControllerName
           && Conditions == other.Conditions
           && (Verdicts is { } mine && other.Verdicts is { } theirs ? VerdictTable.SameVerdicts(mine, theirs) : Listeners == other.Listeners);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(ParentRef, ParentIndex, ControllerName, Conditions, AttachedListeners);
}

/// <summary>Whether one backendRef (or mirror target) of a route resolves.</summary>
public sealed record BackendRefResult
{
    /// <summary>The rule position.</summary>
    public required int RuleIndex { get; init; }

    /// <summary>The position in the rule's backendRefs (−1 for a rule-level mirror).</summary>
    public required int BackendIndex { get; init; }

    /// <summary>Whether this is a RequestMirror target.</summary>
    public required bool IsMirror { get; init; }

    /// <summary>The reference with defaults applied.</summary>
    public required BackendReference BackendRef { get; init; }

    /// <summary>
    /// Null when valid; otherwise why not, with the ResolvedRefs reason (InvalidKind, RefNotPermitted, BackendNotFound,
    /// PortNotFound; InvalidBackendTLS when the reference resolves but a BackendTLSPolicy that governs the Service
    /// cannot be honoured).
    /// </summary>
    public Problem? Problem { get; init; }

    /// <summary>The ResolvedRefs reason when invalid, else null.</summary>
    public ConditionReason? Reason => Problem?.Reason;

    /// <summary>Why it is invalid and how to fix it; null when valid.</summary>
    public string? Message => Problem?.Message;

    /// <summary>Whether the backend can receive traffic: the reference resolves and no BackendTLSPolicy makes it fail.</summary>
    public bool IsValid => Problem is null;

    /// <summary>
    /// Whether the reference itself resolves (kind, ReferenceGrant, Service and port): true also for a backend that
    /// only a failing BackendTLSPolicy makes invalid, which is still a context its policies apply to.
    /// </summary>
    public bool IsResolved => Problem is not { } problem || problem.Reason == ConditionReason.InvalidBackendTLS;
}

/// <summary>The computed status of a route with at least one parentRef this controller owns.</summary>
public sealed record RouteResult
{
    /// <summary>The route.</summary>
    public required RouteBase Route { get; init; }

    /// <summary><c>status.parents</c>, in spec order of the parentRefs.</summary>
    public required EquatableArray<RouteParentResult> Parents { get; init; }

    /// <summary>The resolution of every backendRef and mirror target, in rule then list order.</summary>
    public required EquatableArray<BackendRefResult> BackendRefs { get; init; }

    /// <summary>Rules dropped because they use a value the implementation does not support.</summary>
    public required EquatableArray<int> DroppedRules { get; init; }
}

/// <summary>Whether a list of conditions holds Accepted=True, read without an enumerator on the heap (status deltas read it for every route).</summary>
internal static class AcceptedCondition
{
    public static bool In(EquatableArray<Condition> conditions)
    {
        foreach (var condition in conditions)
        {
            if (condition.Type == ConditionType.Accepted && condition.IsTrue)
            {
                return true;
            }
        }

        return false;
    }
}
