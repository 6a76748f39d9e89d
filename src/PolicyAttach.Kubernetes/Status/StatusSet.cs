using System.Collections;
using System.Collections.Frozen;
using PolicyAttach.Collections;
using PolicyAttach.Model;

namespace PolicyAttach.Kubernetes.Status;

/// <summary>The statuses one evaluation writes, sorted by (group, kind, namespace, name). Immutable.</summary>
public sealed class StatusSet : IReadOnlyList<ObjectStatus>
{
    private readonly List<ObjectStatus> _items;
    private readonly FrozenDictionary<ResourceKey, ObjectStatus> _byKey;

    internal StatusSet(List<ObjectStatus> items, Snapshot snapshot, EquatableArray<string> controllerNames)
    {
        _items = items;
        _byKey = items.ToFrozenDictionary(s => s.Key);
        Snapshot = snapshot;
        ControllerNames = controllerNames;
    }

    /// <summary>The evaluated snapshot (its CRDs name the plurals of custom kinds).</summary>
    public Snapshot Snapshot { get; }

    /// <summary>The controller names the statuses were written for.</summary>
    public EquatableArray<string> ControllerNames { get; }

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <inheritdoc />
    public ObjectStatus this[int index] => _items[index];

    /// <summary>The status of an object, or null when this controller writes none for it.</summary>
    /// <param name="key">The object.</param>
    /// <returns>The status, or null.</returns>
    public ObjectStatus? Find(ResourceKey key) => _byKey.GetValueOrDefault(key);

    /// <inheritdoc />
    public IEnumerator<ObjectStatus> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
