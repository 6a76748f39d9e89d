using System.Collections.Immutable;

namespace PolicyAttach.Sessions;

/// <summary>
/// The routing tables of one session result, compiled on first read from the last tables a reader asked for and the
/// Gateways and Services whose routing changed since (<see cref="RoutingTable.Compile(EvaluationResult, RoutingTable, IEnumerable{ResourceKey})"/>):
/// a batch that changes one Gateway compiles that Gateway's table and shares every other one. Until read, only the
/// changed keys accumulate, so batches nobody reads the tables of cost nothing here. Thread-safe: the tables are
/// compiled once, under a lock, and published whole.
/// </summary>
internal sealed class SessionRouting
{
    private readonly object _gate = new();
    private readonly EvaluationResult _result;
    private readonly RouteIndex? _index;
    private RoutingTable? _base;
    private ImmutableHashSet<ResourceKey> _changed;
    private volatile RoutingTable? _table;

    private SessionRouting(EvaluationResult result, RouteIndex? index, RoutingTable? earlier, ImmutableHashSet<ResourceKey> changed)
    {
        _result = result;
        _index = index;
        _base = earlier;
        _changed = changed;
    }

    /// <summary>The tables of a session's first result: compiled in full on first read.</summary>
    public static SessionRouting Start(EvaluationResult result) => new(result, null, null, []);

    /// <summary>The tables of the result after a batch.</summary>
    /// <param name="update">The batch's update.</param>
    /// <param name="index">The session's index of the result's objects: the routes that name each parent.</param>
    public SessionRouting Next(SessionUpdate update, Func<RouteIndex> index)
    {
        if (ReferenceEquals(update.Result, _result) && update.RoutingChanged.IsEmpty)
        {
            return this;
        }

        lock (_gate)
        {
            // From the compiled tables when there are any (the changes since are this batch's), else from the tables
            // this one would have started from, with the changes of both.
            return _table is { } table
                ? new SessionRouting(update.Result, index(), table, [.. update.RoutingChanged])
                : new SessionRouting(update.Result, index(), _base, _base is null ? [] : _changed.Union(update.RoutingChanged));
        }
    }

    /// <summary>The routes that can be attached to a Gateway (by it or by one of its ListenerSets) or to a Service.</summary>
    private IEnumerable<ResourceKey> RoutesOf(ResourceKey owner)
        => _index!.RoutesOn(owner).Concat(_index.SetsOf(owner).SelectMany(_index.RoutesOn));

    /// <summary>The tables, compiled on first read.</summary>
    public RoutingTable Table
    {
        get
        {
            if (_table is { } table)
            {
                return table;
            }

            lock (_gate)
            {
                if (_table is null)
                {
                    _table = _base is null ? RoutingTable.Compile(_result) : RoutingTable.Compile(_result, _base, _changed, _index is null ? null : RoutesOf);

                    // The earlier tables are no longer needed: let them (and the results they hold) go.
                    _base = null;
                    _changed = [];
                }

                return _table;
            }
        }
    }
}
