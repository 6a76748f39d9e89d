using System.Runtime.InteropServices;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Binding;

/// <summary>
/// The verdicts of one (route, parentRef) over the parent's listeners, kept as one cause per listener. Evaluating
/// thousands of routes against dozens of listeners must not build a message for every refusal, so the readable
/// <see cref="ListenerVerdict"/> objects are only made when the matrix is read. A table is kept small because there is
/// one per (route, parentRef): the causes as one byte per listener, and the hostnames served only for the attached
/// cells (usually one of dozens).
/// </summary>
internal sealed class VerdictTable
{
    private readonly RouteBase _route;
    private readonly ParentReference _parentRef;
    private readonly IReadOnlyList<ListenerDraft> _listeners;
    // One BindingCause per listener (the enum's values fit in a byte).
    private readonly byte[] _causes;
    // The attached cells in cell order with the hostnames each serves; null when no cell attached.
    private readonly ServedCell[]? _served;
    // An array reference, not a nullable struct: readers of a shared result may build it at once, and a reference is
    // published whole where a nullable struct's flag and value could be seen apart.
    private ListenerVerdict[]? _verdicts;

    /// <summary>A table over <paramref name="listeners"/>.</summary>
    /// <param name="route">The route.</param>
    /// <param name="parentRef">The parentRef.</param>
    /// <param name="listeners">The parent's listeners, in order.</param>
    /// <param name="causes">One <see cref="BindingCause"/> per listener, as a byte; the table keeps the array.</param>
    /// <param name="served">The attached cells in cell order with their hostnames, or null when none attached; kept.</param>
    public VerdictTable(RouteBase route, ParentReference parentRef, IReadOnlyList<ListenerDraft> listeners, byte[] causes, ServedCell[]? served)
    {
        _route = route;
        _parentRef = parentRef;
        _listeners = listeners;
        _causes = causes;
        _served = served;
    }

    public void CountAttachments()
    {
        if (_served is null)
        {
            return;
        }

        var claims = _route.Definition.SharesHttpListener;
        foreach (var (i, hostnames) in _served)
        {
            _listeners[i].AttachedRoutes++;
            if (claims)
            {
                _listeners[i].Claim(_route, hostnames);
            }
        }
    }

    public EquatableArray<ListenerVerdict> AttachedVerdicts()
    {
        if (_served is null)
        {
            return [];
        }

        if (_served.Length == 1 && _verdicts is null)
        {
            // One attached cell, as most parents have: the listener's shared verdict and list when they are this cell's.
            var (cell, hostnames) = _served[0];
            var draft = _listeners[cell];
            if (draft.LastAttached is { } last && last.Verdict.Hostnames == hostnames)
            {
                return last.Alone;
            }

            var verdict = Verdict(cell);
            var alone = new EquatableArray<ListenerVerdict>(ImmutableCollectionsMarshal.AsImmutableArray(new[] { verdict }));
            draft.LastAttached = new AttachedShare(verdict, alone);
            return alone;
        }

        var verdicts = new ListenerVerdict[_served.Length];
        for (var s = 0; s < verdicts.Length; s++)
        {
            verdicts[s] = Verdict(_served[s].Cell);
        }

        return new EquatableArray<ListenerVerdict>(ImmutableCollectionsMarshal.AsImmutableArray(verdicts));
    }

    /// <summary>Every listener's verdict, in listener order; built once, then shared.</summary>
    public EquatableArray<ListenerVerdict> Materialize()
    {
        if (_verdicts is not { } verdicts)
        {
            verdicts = new ListenerVerdict[_causes.Length];
            for (var i = 0; i < verdicts.Length; i++)
            {
                verdicts[i] = Verdict(i);
            }

            _verdicts = verdicts;
        }

        return new EquatableArray<ListenerVerdict>(ImmutableCollectionsMarshal.AsImmutableArray(verdicts));
    }

    /// <summary>
    /// Whether two tables hold equal verdicts (<see cref="Materialize"/> of both would be equal), cell by cell without
    /// building the matrices: a cell's message is built only when it reads more than the cell's outcome, the route,
    /// the parentRef and the listener (a listener's state, allowed kinds or namespaces, another route), or when
    /// those differ. Comparing two evaluations' results must not build every verdict of every route.
    /// </summary>
    public static bool SameVerdicts(VerdictTable a, VerdictTable b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a._causes.Length != b._causes.Length)
        {
            return false;
        }

        var sameRoute = ReferenceEquals(a._route, b._route) && a._parentRef == b._parentRef;
        for (var i = 0; i < a._causes.Length; i++)
        {
            if (a.Outcome(i) != b.Outcome(i))
            {
                return false;
            }

            var decided = sameRoute && Equals(a._listeners[i].Listener, b._listeners[i].Listener)
                && (BindingCause)a._causes[i] is BindingCause.Attached or BindingCause.HostnameMismatch or BindingCause.SectionNameMismatch or BindingCause.PortMismatch;
            if (!decided && a.Verdict(i) != b.Verdict(i))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The number of listeners considered.</summary>
    public int Count => _causes.Length;

    /// <summary>The cause of one cell.</summary>
    public BindingCause Cause(int i) => (BindingCause)_causes[i];

    /// <summary>Whether the route attached to a listener of this parent.</summary>
    public bool AnyAttached => _served is not null;

    /// <summary>
    /// This table over the listeners of the same parent bound again (the same listeners in the same order, every one not
    /// in <paramref name="cells"/> equal to this table's, in the same state with the same kinds), with the given cells
    /// judged again and every other cell's cause and hostnames kept. The cell arrays are shared when no judged cell's
    /// outcome changed (<paramref name="moved"/> false).
    /// </summary>
    public VerdictTable With(IReadOnlyList<ListenerDraft> listeners, List<(int Cell, BindingCause Cause, EquatableArray<string> Hostnames)> cells, out bool moved)
    {
        byte[]? causes = null;
        List<ServedCell>? served = null;
        foreach (var (i, cause, hostnames) in cells)
        {
            var was = Outcome(i);
            if (was.Cause == cause && was.Hostnames == (cause == BindingCause.Attached ? hostnames : default))
            {
                continue;
            }

            if (causes is null)
            {
                (causes, served) = ((byte[])_causes.Clone(), _served is null ? [] : [.. _served]);
            }

            causes[i] = (byte)cause;
            var at = served!.FindIndex(s => s.Cell == i);
            if (cause != BindingCause.Attached)
            {
                if (at >= 0)
                {
                    served.RemoveAt(at);
                }
            }
            else if (at >= 0)
            {
                served[at] = new ServedCell(i, hostnames);
            }
            else
            {
                var next = served.FindIndex(s => s.Cell > i);
                served.Insert(next < 0 ? served.Count : next, new ServedCell(i, hostnames));
            }
        }

        moved = causes is not null;
        return moved
            ? new VerdictTable(_route, _parentRef, listeners, causes!, served!.Count == 0 ? null : [.. served])
            : new VerdictTable(_route, _parentRef, listeners, _causes, _served);
    }

    /// <summary>The hostnames an attached cell serves; empty for any other cell.</summary>
    private EquatableArray<string> Served(int i)
    {
        if (_served is { } served)
        {
            foreach (var (cell, hostnames) in served)
            {
                if (cell == i)
                {
                    return hostnames;
                }
            }
        }

        return default;
    }

    /// <summary>One cell without its message.</summary>
    public ListenerOutcome Outcome(int i)
    {
        var cause = (BindingCause)_causes[i];
        var hostnames = cause == BindingCause.Attached ? Served(i) : default;
        return new ListenerOutcome(_listeners[i].Owner, _listeners[i].Listener.Name, cause, hostnames);
    }

    /// <summary>One cell with its message, built on each call (the materialized matrix is reused when built).</summary>
    public ListenerVerdict Verdict(int i)
    {
        if (_verdicts is { } done)
        {
            return done[i];
        }

        var draft = _listeners[i];
        var listener = draft.Listener;
        var cause = (BindingCause)_causes[i];
        var hostnames = cause == BindingCause.Attached ? Served(i) : default;
        if (cause == BindingCause.Attached && draft.LastAttached is { } last && last.Verdict.Hostnames == hostnames)
        {
            return last.Verdict;
        }

        var message = cause switch
        {
            BindingCause.SectionNameMismatch => $"sectionName \"{_parentRef.SectionName}\" names another listener.",
            BindingCause.PortMismatch => $"port {_parentRef.Port} is not the listener's port {listener.Port}.",
            BindingCause.ListenerNotReady => $"the listener is {(draft.State == ListenerState.Conflicted ? "conflicted" : "not accepted")}, so no route attaches to it.",
            BindingCause.KindNotAllowed => $"the listener accepts {(draft.SupportedKinds.Count == 0 ? "no route kind" : string.Join(", ", draft.SupportedKinds.Select(k => k.Kind)))}, not {_route.Kind}.",
            BindingCause.NamespaceNotAllowed => RouteBinder.NamespaceMessage(draft, _route.Namespace),
            BindingCause.RouteKindConflict => $"{(draft.OtherKindServing(_route, Hostnames.IntersectAll(listener.Hostname, _route.Hostnames)) is { } winner ? $"the older {winner.Kind} {winner.Namespace}/{winner.Name}" : "an older route of the other kind")} serves an intersecting hostname on the listener, and an HTTPRoute and a GRPCRoute must not share one (the oldest is accepted, then the first by namespace/name).",
            BindingCause.HostnameMismatch => $"no route hostname ({string.Join(", ", _route.Hostnames)}) intersects the listener hostname \"{listener.Hostname}\".",
            _ => $"attached for {string.Join(", ", hostnames)}.",
        };
        return new ListenerVerdict { Owner = draft.Owner, ListenerName = listener.Name, Cause = cause, Message = message, Hostnames = hostnames };
    }
}

/// <summary>An attached cell of a <see cref="VerdictTable"/> and the hostnames the route is served for there.</summary>
/// <param name="Cell">The listener's position.</param>
/// <param name="Hostnames">The hostnames served.</param>
internal readonly record struct ServedCell(int Cell, EquatableArray<string> Hostnames);

/// <summary>
/// A listener's verdict for an attached route and the list of that verdict alone, shared by the parents attached
/// there for the same hostnames (<see cref="ListenerDraft.LastAttached"/>); one reference, so that a reader on another
/// thread sees both or neither.
/// </summary>
/// <param name="Verdict">The verdict.</param>
/// <param name="Alone">The list of the verdict alone.</param>
internal sealed record AttachedShare(ListenerVerdict Verdict, EquatableArray<ListenerVerdict> Alone);
