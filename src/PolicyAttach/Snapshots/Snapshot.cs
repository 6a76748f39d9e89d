using System.Collections.Frozen;
using System.Collections.Immutable;
using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;

namespace PolicyAttach;

/// <summary>
/// An immutable set of input objects with indexes by kind, namespace and name. Objects are kept sorted by
/// (group, kind, namespace, name), so a snapshot built from the same objects in any order is equal, and so is
/// everything computed from it.
/// </summary>
public sealed class Snapshot : IEquatable<Snapshot>
{
    // Frozen when built from objects (fastest to read). A snapshot made by With shares persistent maps with the
    // snapshot it came from (a key map, and per kind a map sorted by key) and builds its lists on first read, so a
    // change costs its own keys, not the world's.
    private readonly IReadOnlyDictionary<ResourceKey, KubeObject> _byKey;
    private readonly FrozenDictionary<GroupKind, ImmutableArray<KubeObject>>? _byKind;
    private readonly ImmutableSortedDictionary<GroupKind, ImmutableSortedDictionary<ResourceKey, KubeObject>>? _kinds;
    private readonly OnFirstRead<EquatableArray<KubeObject>> _objects;
    private readonly OnFirstRead<EquatableArray<GatewayClass>> _gatewayClasses;
    private readonly OnFirstRead<EquatableArray<Gateway>> _gateways;
    private readonly OnFirstRead<EquatableArray<ListenerSet>> _listenerSets;
    private readonly OnFirstRead<EquatableArray<ReferenceGrant>> _referenceGrants;
    private readonly OnFirstRead<EquatableArray<Service>> _services;
    private readonly OnFirstRead<EquatableArray<IPolicyObject>> _policies;
    private System.Collections.Concurrent.ConcurrentDictionary<GroupKind, ImmutableArray<KubeObject>>? _kindLists;

    private Snapshot(ImmutableArray<KubeObject> objects, ImmutableArray<Diagnostic> diagnostics)
    {
        Diagnostics = diagnostics;
        _byKey = objects.ToFrozenDictionary(o => o.Key);
        _byKind = objects.GroupBy(o => new GroupKind(o.Group, o.Kind))
            .ToFrozenDictionary(g => g.Key, g => g.ToImmutableArray());
        _objects = new(objects);
        _gatewayClasses = new(Typed<GatewayClass>(objects));
        _gateways = new(Typed<Gateway>(objects));
        _listenerSets = new(Typed<ListenerSet>(objects));
        _referenceGrants = new(Typed<ReferenceGrant>(objects));
        _services = new(Typed<Service>(objects));
        _policies = new(objects.OfType<IPolicyObject>().ToEquatableArray());
    }

    private Snapshot(Snapshot previous, ImmutableDictionary<ResourceKey, KubeObject> byKey,
        ImmutableSortedDictionary<GroupKind, ImmutableSortedDictionary<ResourceKey, KubeObject>> kinds, IReadOnlyList<KeyValuePair<ResourceKey, KubeObject?>> changes)
    {
        Diagnostics = previous.Diagnostics;
        _byKey = byKey;
        _kinds = kinds;
        _objects = new(() => kinds.Values.SelectMany(k => k.Values).ToEquatableArray());

        // A typed list no change touches is the previous snapshot's when it was read there; otherwise it is built on
        // first read from this snapshot (never from the previous one, so snapshots do not hold each other).
        var touched = changes.SelectMany(c => new[] { previous.Find(c.Key), c.Value }).OfType<KubeObject>().ToList();
        OnFirstRead<EquatableArray<T>> Kept<T>(OnFirstRead<EquatableArray<T>> kept)
            where T : class
            => !touched.Any(o => o is T) && kept.TryGet(out var list) ? new(list) : new(() => Objects.OfType<T>().ToEquatableArray());
        _gatewayClasses = Kept(previous._gatewayClasses);
        _gateways = Kept(previous._gateways);
        _listenerSets = Kept(previous._listenerSets);
        _referenceGrants = Kept(previous._referenceGrants);
        _services = Kept(previous._services);
        _policies = Kept(previous._policies);
    }

    /// <summary>An empty snapshot.</summary>
    public static Snapshot Empty { get; } = Create([]);

    /// <summary>Every object, sorted by (group, kind, namespace, name).</summary>
    public EquatableArray<KubeObject> Objects => _objects.Value;

    /// <summary>What building the snapshot found (duplicate objects); not part of equality.</summary>
    public EquatableArray<Diagnostic> Diagnostics { get; }

    /// <summary>GatewayClasses, sorted by name.</summary>
    public EquatableArray<GatewayClass> GatewayClasses => _gatewayClasses.Value;

    /// <summary>Gateways, sorted by namespace and name.</summary>
    public EquatableArray<Gateway> Gateways => _gateways.Value;

    /// <summary>ListenerSets, sorted by namespace and name.</summary>
    public EquatableArray<ListenerSet> ListenerSets => _listenerSets.Value;

    /// <summary>ReferenceGrants, sorted by group version, namespace and name.</summary>
    public EquatableArray<ReferenceGrant> ReferenceGrants => _referenceGrants.Value;

    /// <summary>Services, sorted by namespace and name.</summary>
    public EquatableArray<Service> Services => _services.Value;

    /// <summary>Every policy object (typed or generic), sorted by (group, kind, namespace, name).</summary>
    public EquatableArray<IPolicyObject> Policies => _policies.Value;

    /// <summary>Builds a snapshot; when two objects share a key, the later one wins and a warning says so.</summary>
    /// <param name="objects">The objects, in input order.</param>
    /// <returns>The snapshot.</returns>
    public static Snapshot Create(IEnumerable<KubeObject> objects)
    {
        var builder = new SnapshotBuilder();
        foreach (var obj in Guard.NotNull(objects))
        {
            builder.Add(obj);
        }

        return builder.Build();
    }

    internal static Snapshot FromSorted(ImmutableArray<KubeObject> objects, ImmutableArray<Diagnostic> diagnostics) => new(objects, diagnostics);

    /// <summary>
    /// This snapshot with some objects put (added or replaced) and some keys removed, with the same diagnostics. The
    /// lookups are this snapshot's, changed where the objects changed (persistent maps: a change costs its own keys and
    /// kinds, not the world's), so an incremental evaluation pays for what changed.
    /// </summary>
    /// <param name="changes">The changes, sorted by key, each key once; a null object removes the key.</param>
    internal Snapshot With(IReadOnlyList<KeyValuePair<ResourceKey, KubeObject?>> changes)
    {
        var byKey = _byKey as ImmutableDictionary<ResourceKey, KubeObject> ?? _byKey.ToImmutableDictionary();
        var kinds = _kinds ?? _byKind!.ToImmutableSortedDictionary(k => k.Key, k => k.Value.ToImmutableSortedDictionary(o => o.Key, o => o));
        foreach (var (key, obj) in changes)
        {
            var kind = new GroupKind(key.Group, key.Kind);
            var ofKind = kinds.GetValueOrDefault(kind) ?? ImmutableSortedDictionary<ResourceKey, KubeObject>.Empty;
            (byKey, ofKind) = obj is null ? (byKey.Remove(key), ofKind.Remove(key)) : (byKey.SetItem(key, obj), ofKind.SetItem(key, obj));
            kinds = ofKind.IsEmpty ? kinds.Remove(kind) : kinds.SetItem(kind, ofKind);
        }

        return new Snapshot(this, byKey, kinds, changes);
    }

    private static EquatableArray<T> Typed<T>(ImmutableArray<KubeObject> objects)
        where T : KubeObject
        => objects.OfType<T>().ToEquatableArray();

    /// <summary>The objects of one type, sorted by key.</summary>
    /// <typeparam name="T">A model type such as <see cref="Gateway"/>.</typeparam>
    /// <returns>The objects.</returns>
    public EquatableArray<T> OfType<T>()
        where T : KubeObject
        => Objects.OfType<T>().ToEquatableArray();


    /// <summary>The objects of a group and kind, sorted by namespace and name.</summary>
    /// <param name="groupKind">The group and kind.</param>
    /// <returns>The objects; empty when there are none.</returns>
    public EquatableArray<KubeObject> OfKind(GroupKind groupKind)
    {
        if (_byKind is not null)
        {
            return _byKind.TryGetValue(groupKind, out var list) ? list : ImmutableArray<KubeObject>.Empty;
        }

        if (_kinds!.GetValueOrDefault(groupKind) is not { } ofKind)
        {
            return ImmutableArray<KubeObject>.Empty;
        }

        var lists = _kindLists ?? Interlocked.CompareExchange(ref _kindLists, new(), null) ?? _kindLists;
        return lists.GetOrAdd(groupKind, _ => [.. ofKind.Values]);
    }

    /// <summary>Finds an object by key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The object, or null.</returns>
    public KubeObject? Find(ResourceKey key) => _byKey.GetValueOrDefault(key);

    /// <summary>Finds an object of a type by key.</summary>
    /// <typeparam name="T">The model type.</typeparam>
    /// <param name="key">The key.</param>
    /// <returns>The object, or null when absent or of another type.</returns>
    public T? Find<T>(ResourceKey key)
        where T : KubeObject
        => _byKey.GetValueOrDefault(key) as T;

    /// <summary>
    /// The labels of a namespace. A namespace with no Namespace object in the input has only the automatic
    /// <c>kubernetes.io/metadata.name</c> label.
    /// </summary>
    /// <param name="namespace">The namespace name.</param>
    /// <returns>Its labels.</returns>
    public StringMap NamespaceLabels(string @namespace)
        => Find<Namespace>(new ResourceKey(Kinds.Namespace, string.Empty, @namespace))?.Metadata.Labels
            ?? StringMap.Of(("kubernetes.io/metadata.name", @namespace));

    /// <inheritdoc />
    public bool Equals(Snapshot? other) => other is not null && (ReferenceEquals(this, other) || Objects.Equals(other.Objects));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Snapshot);

    /// <inheritdoc />
    public override int GetHashCode() => Objects.GetHashCode();
}

/// <summary>Collects objects in input order and builds a <see cref="Snapshot"/>.</summary>
public sealed class SnapshotBuilder
{
    private readonly Dictionary<ResourceKey, (KubeObject Object, SourceLocation? Location)> _objects = [];
    private readonly List<Diagnostic> _diagnostics = [];

    /// <summary>Adds an object; one with the same key as an earlier object replaces it, as <c>kubectl apply</c> would.</summary>
    /// <param name="obj">The object.</param>
    /// <param name="location">Where it was read, for the duplicate warning.</param>
    /// <returns>This builder.</returns>
    public SnapshotBuilder Add(KubeObject obj, SourceLocation? location = null)
    {
        Guard.NotNull(obj);
        if (_objects.TryGetValue(obj.Key, out var earlier))
        {
            var where = earlier.Location is null ? string.Empty : $" (first read at {earlier.Location})";
            _diagnostics.Add(new Diagnostic
            {
                Severity = DiagnosticSeverity.Warning,
                Code = DiagnosticCodes.DuplicateObject,
                Subject = obj.Key,
                Location = location,
                Message = $"{obj.Key} appears more than once{where}; the later one wins, as kubectl apply would leave it. Remove one of them.",
            });
        }

        _objects[obj.Key] = (obj, location);
        return this;
    }

    /// <summary>Builds the snapshot.</summary>
    /// <returns>The immutable snapshot.</returns>
    public Snapshot Build()
    {
        var sorted = _objects.Values.Select(v => v.Object).OrderBy(o => o.Key).ToImmutableArray();
        return Snapshot.FromSorted(sorted, [.. _diagnostics]);
    }
}
