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
    // Frozen when built from objects (fastest to read); persistent in a snapshot made by With, which shares them with
    // the snapshot it came from instead of building them again.
    private readonly IReadOnlyDictionary<ResourceKey, KubeObject> _byKey;
    private readonly IReadOnlyDictionary<GroupKind, ImmutableArray<KubeObject>> _byKind;

    private Snapshot(ImmutableArray<KubeObject> objects, ImmutableArray<Diagnostic> diagnostics)
    {
        Objects = objects;
        Diagnostics = diagnostics;
        _byKey = objects.ToFrozenDictionary(o => o.Key);
        _byKind = objects.GroupBy(o => new GroupKind(o.Group, o.Kind))
            .ToFrozenDictionary(g => g.Key, g => g.ToImmutableArray());
        GatewayClasses = OfType<GatewayClass>();
        Gateways = OfType<Gateway>();
        ListenerSets = OfType<ListenerSet>();
        ReferenceGrants = OfType<ReferenceGrant>();
        Services = OfType<Service>();
        Policies = objects.OfType<IPolicyObject>().ToEquatableArray();
    }

    private Snapshot(Snapshot previous, ImmutableArray<KubeObject> objects, IReadOnlyDictionary<ResourceKey, KubeObject> byKey,
        IReadOnlyDictionary<GroupKind, ImmutableArray<KubeObject>> byKind, IReadOnlyList<KeyValuePair<ResourceKey, KubeObject?>> changes)
    {
        Objects = objects;
        Diagnostics = previous.Diagnostics;
        _byKey = byKey;
        _byKind = byKind;
        var touched = changes.SelectMany(c => new[] { previous.Find(c.Key), c.Value }).OfType<KubeObject>().ToList();
        EquatableArray<T> Typed<T>(EquatableArray<T> kept)
            where T : class
            => touched.Any(o => o is T) ? Objects.OfType<T>().ToEquatableArray() : kept;
        GatewayClasses = Typed(previous.GatewayClasses);
        Gateways = Typed(previous.Gateways);
        ListenerSets = Typed(previous.ListenerSets);
        ReferenceGrants = Typed(previous.ReferenceGrants);
        Services = Typed(previous.Services);
        Policies = Typed(previous.Policies);
    }

    /// <summary>An empty snapshot.</summary>
    public static Snapshot Empty { get; } = Create([]);

    /// <summary>Every object, sorted by (group, kind, namespace, name).</summary>
    public EquatableArray<KubeObject> Objects { get; }

    /// <summary>What building the snapshot found (duplicate objects); not part of equality.</summary>
    public EquatableArray<Diagnostic> Diagnostics { get; }

    /// <summary>GatewayClasses, sorted by name.</summary>
    public EquatableArray<GatewayClass> GatewayClasses { get; }

    /// <summary>Gateways, sorted by namespace and name.</summary>
    public EquatableArray<Gateway> Gateways { get; }

    /// <summary>ListenerSets, sorted by namespace and name.</summary>
    public EquatableArray<ListenerSet> ListenerSets { get; }

    /// <summary>ReferenceGrants, sorted by group version, namespace and name.</summary>
    public EquatableArray<ReferenceGrant> ReferenceGrants { get; }

    /// <summary>Services, sorted by namespace and name.</summary>
    public EquatableArray<Service> Services { get; }

    /// <summary>Every policy object (typed or generic), sorted by (group, kind, namespace, name).</summary>
    public EquatableArray<IPolicyObject> Policies { get; }

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
        var byKind = _byKind as ImmutableDictionary<GroupKind, ImmutableArray<KubeObject>> ?? _byKind.ToImmutableDictionary();
        var kinds = new SortedSet<GroupKind>();
        foreach (var (key, obj) in changes)
        {
            byKey = obj is null ? byKey.Remove(key) : byKey.SetItem(key, obj);
            kinds.Add(new GroupKind(key.Group, key.Kind));
        }

        foreach (var kind in kinds)
        {
            var merged = Merge(OfKind(kind).AsImmutableArray(), changes.Where(c => c.Key.Group == kind.Group && c.Key.Kind == kind.Kind).ToList());
            byKind = merged.IsEmpty ? byKind.Remove(kind) : byKind.SetItem(kind, merged);
        }

        return new Snapshot(this, Merge(Objects.AsImmutableArray(), changes), byKey, byKind, changes);
    }

    /// <summary>A sorted list with the changes (sorted by key) applied: one merge.</summary>
    private static ImmutableArray<KubeObject> Merge(ImmutableArray<KubeObject> objects, IReadOnlyList<KeyValuePair<ResourceKey, KubeObject?>> changes)
    {
        var merged = ImmutableArray.CreateBuilder<KubeObject>(objects.Length + changes.Count);
        var i = 0;
        foreach (var (key, obj) in changes)
        {
            while (i < objects.Length && objects[i].Key.CompareTo(key) < 0)
            {
                merged.Add(objects[i++]);
            }

            if (i < objects.Length && objects[i].Key == key)
            {
                i++;
            }

            if (obj is not null)
            {
                merged.Add(obj);
            }
        }

        while (i < objects.Length)
        {
            merged.Add(objects[i++]);
        }

        return merged.ToImmutable();
    }

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
        => _byKind.TryGetValue(groupKind, out var list) ? list : ImmutableArray<KubeObject>.Empty;

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
