using System.Collections.Immutable;
using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Policies;
using PolicyAttach.Sessions;

namespace PolicyAttach;

/// <summary>
/// Incremental evaluation: starts from a snapshot, applies batches of changes, and after each batch holds the result
/// a full <see cref="Evaluator.Evaluate"/> of the same objects would give, with exactly what changed. Only the units
/// the changes reach are evaluated again (with the evaluator itself, so every rule is the evaluator's own); the
/// rest of the result is kept. Changes whose effect cannot be bounded (a GatewayClass, a Namespace's labels, a CRD,
/// a cluster-scoped object, or a change that reaches most of the world) are evaluated in full, and the update says so.
/// </summary>
/// <remarks>
/// Results are immutable: a result read before a batch stays valid and unchanged. One writer at a time
/// (<see cref="Apply"/> takes a lock); any number of readers of <see cref="Result"/> on other threads.
/// </remarks>
public sealed class EvaluationSession
{
    private readonly object _writer = new();
    private readonly EvaluationOptions _options;
    private volatile State _state;
    private double _fullEvaluationShare = 0.5;

    private EvaluationSession(EvaluationOptions options, State state)
    {
        _options = options;
        _state = state;
    }

    /// <summary>The current result.</summary>
    public EvaluationResult Result => _state.Result;

    /// <summary>
    /// The routing tables of the current result, compiled on first read from the last tables read (from here or from an
    /// update) and the Gateways and Services whose routing changed since: only those tables are compiled again. To read
    /// a result and its tables as one pair, use <see cref="SessionUpdate.Result"/> and <see cref="SessionUpdate.Routing"/>.
    /// </summary>
    public RoutingTable Routing => _state.Routing.Table;

    /// <summary>The current objects.</summary>
    public Snapshot Snapshot => _state.Result.Snapshot;

    /// <summary>
    /// The share of the partitioned objects (Gateways, ListenerSets, routes, Services, policies) above which a batch is
    /// evaluated in full rather than unit by unit (evaluating most units one by one costs more than evaluating them
    /// together). From 0 (always in full) to 1 (incrementally whenever the changes can be bounded); 0.5 by default.
    /// Read under the writer's lock at each batch.
    /// </summary>
    public double FullEvaluationShare
    {
        get => _fullEvaluationShare;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 0);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1);
            _fullEvaluationShare = value;
        }
    }

    /// <summary>Starts a session with a full evaluation of a snapshot.</summary>
    /// <param name="snapshot">The objects.</param>
    /// <param name="options">The evaluation options, used for every batch.</param>
    /// <returns>The session.</returns>
    /// <exception cref="ArgumentException">The options are invalid (<see cref="EvaluationOptions.Validate"/>).</exception>
    public static EvaluationSession Start(Snapshot snapshot, EvaluationOptions options)
    {
        Guard.NotNull(snapshot);
        Guard.NotNull(options);
        var result = Evaluator.Evaluate(snapshot, options);
        var state = State.Full(result);
        state.Routing = SessionRouting.Start(result);
        return new EvaluationSession(options, state);
    }

    /// <summary>Applies a batch of changes and returns the new result with what changed.</summary>
    /// <param name="batch">The changes; a key named twice takes the later change.</param>
    /// <returns>The update. Putting an object equal to the one in place, or deleting an absent key, changes nothing.</returns>
    public SessionUpdate Apply(ChangeBatch batch)
    {
        Guard.NotNull(batch);
        lock (_writer)
        {
            var state = _state;
            var update = Next(state, batch, out var next);
            next.Routing = update.RoutingSource = state.Routing.Next(update, () => next.RouteIndex);
            _state = next;
            return update;
        }
    }

    private SessionUpdate Next(State state, ChangeBatch batch, out State next)
    {
        next = state;
        var previous = state.Result;
        var last = new Dictionary<ResourceKey, KubeObject?>();
        foreach (var (key, obj) in batch.Changes)
        {
            last[key] = obj;
        }

        var changes = last.Where(c => !Equals(previous.Snapshot.Find(c.Key), c.Value)).OrderBy(c => c.Key).ToList();
        if (changes.Count == 0)
        {
            return new SessionUpdate(previous, previous, EvaluationPath.Unchanged, "The batch changes no object.", [], [], [], [], 0);
        }

        var snapshot = previous.Snapshot.With(changes);
        var routeIndex = state.RouteIndex.With(previous.Snapshot, changes);
        string? notBelow = null;
        if ((GatewayStep.TryApply(previous, snapshot, routeIndex, changes, _options)
             ?? GatewayStep.TryApplyPolicies(previous, snapshot, routeIndex, changes, _options)
             ?? RouteStep.TryApply(previous, snapshot, routeIndex, changes, _options, out notBelow)) is { } step)
        {
            next = state.AfterRoutes(step.Result, step.Dirty, routeIndex);
            return Update(previous, step.Result, EvaluationPath.Incremental, step.Describe(), step.Compared, step.Candidates, step.Evaluated, step.Routes, step.Sets, step.ChangedOwners, step.ContextRoutes, step.ContextOwners);
        }

        var index = new DependencyIndex(snapshot);
        var reason = changes
            .SelectMany(c => new[] { previous.Snapshot.Find(c.Key), c.Value })
            .OfType<KubeObject>()
            .Select(o => state.Index.Unbounded(o) ?? index.Unbounded(o))
            .FirstOrDefault(r => r is not null);
        var routesOnly = notBelow is null ? string.Empty : $" The routes and policies were not evaluated again alone: {notBelow}.";
        if (reason is not null)
        {
            return FullUpdate(previous, snapshot, index, routeIndex, reason + routesOnly, out next);
        }

        // The units reached: the new units of the changed keys, the new units of every member of their old units (a
        // unit that split), and, for a shared object, every unit touching its namespace.
        var affected = new HashSet<ResourceKey>();
        var oldAffected = new HashSet<ResourceKey>();

        // The objects route steps changed since the units' parts were evaluated: their units are evaluated again.
        foreach (var key in state.Dirty)
        {
            if (index.UnitOf(key) is { } unit)
            {
                affected.Add(unit);
            }

            if (state.Index.UnitOf(key) is { } oldUnit)
            {
                oldAffected.Add(oldUnit);
            }
        }

        foreach (var (key, obj) in changes)
        {
            if (index.UnitOf(key) is { } unit)
            {
                affected.Add(unit);
            }

            if (state.Index.UnitOf(key) is { } oldUnit)
            {
                oldAffected.Add(oldUnit);
            }

            var before = previous.Snapshot.Find(key);
            if ((obj is not null && !DependencyIndex.IsPartitioned(obj)) || (before is not null && !DependencyIndex.IsPartitioned(before)))
            {
                affected.UnionWith(index.UnitsTouching(key.Namespace));
                oldAffected.UnionWith(state.Index.UnitsTouching(key.Namespace));
            }
        }

        foreach (var oldUnit in oldAffected)
        {
            foreach (var member in state.Index.Units.GetValueOrDefault(oldUnit) ?? [])
            {
                if (index.UnitOf(member.Key) is { } unit)
                {
                    affected.Add(unit);
                }
            }
        }

        // A unit that was not reached has the members it had, and its part is still valid.
        affected.UnionWith(index.Units.Keys.Where(u => state.PartOf(u) is null));
        var evaluated = affected.Sum(u => index.Units[u].Count);
        var partitioned = index.Units.Values.Sum(m => m.Count);
        if (evaluated > FullEvaluationShare * partitioned)
        {
            return FullUpdate(previous, snapshot, index, routeIndex, $"The changes reach {evaluated} of {partitioned} objects." + routesOnly, out next);
        }

        var parts = new Dictionary<ResourceKey, EvaluationResult>();
        foreach (var unit in index.Units.Keys)
        {
            parts[unit] = affected.Contains(unit) ? EvaluateUnit(index, index.Units[unit]) : state.PartOf(unit)!;
        }

        var recomputed = new HashSet<ResourceKey>();
        foreach (var unit in oldAffected)
        {
            recomputed.UnionWith((state.Index.Units.GetValueOrDefault(unit) ?? []).Select(m => m.Key));
        }

        foreach (var unit in affected)
        {
            recomputed.UnionWith(index.Units[unit].Select(m => m.Key));
        }

        var result = Assemble(previous, snapshot, index, parts, affected, recomputed);
        next = new State(result, index, parts, routeIndex);

        // Statuses that can differ: the objects evaluated again, and the keys their units name (a GatewayClass or a
        // listener a policy targets carries that policy's Affected condition).
        var compared = new HashSet<ResourceKey>(recomputed);
        compared.UnionWith(index.Keys.Where(k => affected.Contains(k.Value)).Select(k => k.Key));
        compared.UnionWith(state.Index.Keys.Where(k => oldAffected.Contains(k.Value)).Select(k => k.Key));
        var candidates = compared.Where(k => k.Group == Kinds.Gateway.Group && k.Kind == Kinds.Gateway.Kind || k.Group == Kinds.Service.Group && k.Kind == Kinds.Service.Kind);
        return Update(previous, result, EvaluationPath.Incremental, $"Evaluated {affected.Count} of {index.Units.Count} units ({evaluated} of {partitioned} objects)." + routesOnly, compared, candidates, evaluated, null);
    }

    private SessionUpdate FullUpdate(EvaluationResult previous, Snapshot snapshot, DependencyIndex index, RouteIndex routeIndex, string reason, out State next)
    {
        var result = Evaluator.Evaluate(snapshot, _options);
        next = State.Full(result, index, routeIndex);
        var candidates = ResultDiff.RoutingOwners(previous).Concat(ResultDiff.RoutingOwners(result));
        return Update(previous, result, EvaluationPath.Full, reason, null, candidates, next.Index.Units.Values.Sum(m => m.Count), null);
    }

    private static SessionUpdate Update(EvaluationResult previous, EvaluationResult result, EvaluationPath path, string reason,
        IEnumerable<ResourceKey>? compared, IEnumerable<ResourceKey> candidates, int evaluated, IReadOnlySet<ResourceKey>? routes, IReadOnlyCollection<ResourceKey>? sets = null, IReadOnlySet<ResourceKey>? changedOwners = null,
        IReadOnlySet<ResourceKey>? contextRoutes = null, IReadOnlySet<ResourceKey>? contextOwners = null)
    {
        var (changed, removed) = ResultDiff.StatusDelta(previous, result, compared);
        var (routing, contexts) = ResultDiff.RoutingDelta(previous, result, candidates, routes, sets, changedOwners, contextRoutes, contextOwners);
        return new SessionUpdate(previous, result, path, reason, [.. changed], [.. removed], [.. routing], [.. contexts], evaluated);
    }

    private EvaluationResult EvaluateUnit(DependencyIndex index, List<KubeObject> members)
    {
        var objects = ImmutableArray.CreateBuilder<KubeObject>(members.Count + index.Shared.Count);
        int m = 0, s = 0;
        while (m < members.Count || s < index.Shared.Count)
        {
            if (s == index.Shared.Count || (m < members.Count && members[m].Key.CompareTo(index.Shared[s].Key) < 0))
            {
                objects.Add(members[m++]);
            }
            else
            {
                objects.Add(index.Shared[s++]);
            }
        }

        return Evaluator.Evaluate(Snapshot.FromSorted(objects.MoveToImmutable(), []), _options);
    }

    private EvaluationResult Assemble(EvaluationResult previous, Snapshot snapshot, DependencyIndex index,
        Dictionary<ResourceKey, EvaluationResult> parts, HashSet<ResourceKey> affected, HashSet<ResourceKey> recomputed)
    {
        // Kept: every result of an object not evaluated again; new: each evaluated unit's results for its own members.
        IEnumerable<T> Merge<T>(IEnumerable<T> kept, Func<EvaluationResult, IEnumerable<T>> fresh, Func<T, ResourceKey> key)
            => kept.Where(x => !recomputed.Contains(key(x)))
                .Concat(affected.SelectMany(u => fresh(parts[u]).Where(x => index.UnitOf(key(x)) == u)))
                .OrderBy(key);

        var gateways = Merge(previous.Gateways, r => r.Gateways, g => g.Gateway.Key).ToEquatableArray();
        var sets = Merge(previous.ListenerSets, r => r.ListenerSets, s => s.ListenerSet.Key).ToEquatableArray();
        var routes = Merge(previous.Routes, r => r.Routes, r => r.Route.Key).ToEquatableArray();
        var statuses = Merge(previous.Policies.Statuses, r => r.Policies.Statuses, p => p.Resource.Key).ToEquatableArray();
        var binding = new BindingResult(snapshot, _options.ControllerNames, previous.GatewayClasses, gateways, sets, routes);
        var policies = new PolicyResolution(statuses, key => index.UnitOf(key) is { } unit && parts.TryGetValue(unit, out var part) ? part.Policies : null);
        return new EvaluationResult(_options, binding, policies);
    }

    /// <summary>
    /// A session's state: the result, the dependency index of its objects (built when a batch needs units), for each
    /// unit a result valid for its members (<see cref="PartOf"/>), and the objects route steps changed since those
    /// parts were evaluated (their units are evaluated again on the unit path).
    /// </summary>
    private sealed class State
    {
        private readonly Lazy<DependencyIndex> _index;
        private readonly Lazy<RouteIndex> _routeIndex;
        private readonly Dictionary<ResourceKey, EvaluationResult>? _parts;
        private readonly EvaluationResult _whole;

        private State(EvaluationResult result, Lazy<DependencyIndex> index, Dictionary<ResourceKey, EvaluationResult>? parts, EvaluationResult whole, ImmutableHashSet<ResourceKey> dirty,
            RouteIndex? routeIndex)
        {
            Result = result;
            _index = index;
            _routeIndex = routeIndex is null ? new(() => RouteIndex.Of(result.Snapshot), LazyThreadSafetyMode.None) : new(routeIndex);
            _parts = parts;
            _whole = whole;
            Dirty = dirty;
        }

        public State(EvaluationResult result, DependencyIndex index, Dictionary<ResourceKey, EvaluationResult> parts, RouteIndex routeIndex)
            : this(result, new Lazy<DependencyIndex>(index), parts, result, [], routeIndex)
        {
        }

        public EvaluationResult Result { get; }

        public DependencyIndex Index => _index.Value;

        /// <summary>The route step's index of the result's objects (built on first use, then changed with each batch).</summary>
        public RouteIndex RouteIndex => _routeIndex.Value;

        public ImmutableHashSet<ResourceKey> Dirty { get; }

        /// <summary>The routing tables of the result (set once, before the state is published).</summary>
        public SessionRouting Routing { get; set; } = null!;

        /// <summary>A state whose every unit's part is a full result.</summary>
        public static State Full(EvaluationResult result)
            => new(result, new Lazy<DependencyIndex>(() => new DependencyIndex(result.Snapshot), LazyThreadSafetyMode.None), null, result, [], null);

        /// <summary>A state whose every unit's part is a full result, with the index of its objects already built.</summary>
        public static State Full(EvaluationResult result, DependencyIndex index, RouteIndex routeIndex)
            => new(result, new Lazy<DependencyIndex>(index), null, result, [], routeIndex);

        /// <summary>The result valid for a unit's members, or null when the unit has none (it is evaluated again).</summary>
        public EvaluationResult? PartOf(ResourceKey unit) => _parts is null ? _whole : _parts.GetValueOrDefault(unit);

        /// <summary>The state after a route step: the parts are kept, and what the step changed is marked.</summary>
        public State AfterRoutes(EvaluationResult result, IEnumerable<ResourceKey> dirty, RouteIndex routeIndex)
            => new(result, new Lazy<DependencyIndex>(() => new DependencyIndex(result.Snapshot), LazyThreadSafetyMode.None), _parts, _whole, Dirty.Union(dirty), routeIndex);
    }
}
