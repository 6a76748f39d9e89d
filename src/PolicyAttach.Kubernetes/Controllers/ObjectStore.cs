using System.Text.Json;
using k8s;
using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Conversion;
using PolicyAttach.Manifests;
using PolicyAttach.Model;

namespace PolicyAttach.Kubernetes.Controllers;

/// <summary>
/// The latest version of every watched object, fed by list and watch results, from which snapshots are built.
/// Each object is converted once, when it arrives; an update counts as a change only when the converted model
/// object differs, so status-only updates (such as this controller's own patches) trigger no evaluation.
/// Thread-safe.
/// </summary>
public sealed class ObjectStore
{
    private readonly object _gate = new();
    private readonly Dictionary<ResourceKey, Entry> _entries = [];

    // The model changes since the last TakeChanges: the latest model of each changed key, or null when it is gone
    // (deleted, or its latest version did not convert).
    private readonly Dictionary<ResourceKey, KubeObject?> _changes = [];
    private readonly ManifestReadOptions _readOptions;

    /// <summary>Creates an empty store.</summary>
    /// <param name="readOptions">How objects are read (the default namespace and creation timestamp); null for the defaults.</param>
    public ObjectStore(ManifestReadOptions? readOptions = null) => _readOptions = readOptions ?? new ManifestReadOptions();

    private sealed record Entry(string ApiVersion, JsonElement? Status, KubeObject? Model, EquatableArray<Diagnostic> Diagnostics);

    /// <summary>The number of objects held.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Applies a watch event: <c>ADDED</c> and <c>MODIFIED</c> store the object, <c>DELETED</c> removes it, others are ignored.</summary>
    /// <param name="type">The event type.</param>
    /// <param name="value">The object: a KubernetesClient model, an <see cref="UnstructuredObject"/> or a <see cref="JsonElement"/>.</param>
    /// <returns>Whether the snapshot changed.</returns>
    public bool Apply(WatchEventType type, object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return type switch
        {
            WatchEventType.Added or WatchEventType.Modified => Upsert(KubernetesObjectConverter.ToElement(value)),
            WatchEventType.Deleted => Remove(KubernetesObjectConverter.ToElement(value)),
            _ => false,
        };
    }

    /// <summary>
    /// Applies a list result: the objects of one group and kind become exactly the given ones (objects deleted while
    /// no watch ran are dropped).
    /// </summary>
    /// <param name="groupKind">The listed group and kind.</param>
    /// <param name="values">The listed objects (a <c>*List</c> object is expanded).</param>
    /// <returns>Whether the snapshot changed.</returns>
    public bool Replace(GroupKind groupKind, IEnumerable<object> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var elements = new List<JsonElement>();
        foreach (var value in values)
        {
            var element = KubernetesObjectConverter.ToElement(value);
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
            {
                elements.AddRange(items.EnumerateArray().Select(i => WithTypeMeta(i, groupKind)));
            }
            else
            {
                elements.Add(element);
            }
        }

        lock (_gate)
        {
            var changed = false;
            var keep = new HashSet<ResourceKey>();
            foreach (var element in elements)
            {
                changed |= Upsert(element);
                if (KeyOf(element) is { } key)
                {
                    keep.Add(key);
                }
            }

            foreach (var key in _entries.Keys.Where(k => k.GroupKind == groupKind && !keep.Contains(k)).ToList())
            {
                if (_entries.Remove(key, out var removed) && removed.Model is not null)
                {
                    _changes[key] = null;
                    changed = true;
                }
            }

            return changed;
        }
    }

    /// <summary>A snapshot of every object that converted.</summary>
    /// <returns>The snapshot.</returns>
    public Snapshot CreateSnapshot()
    {
        lock (_gate)
        {
            return Snapshot.Create(_entries.Values.Select(e => e.Model).OfType<KubeObject>().ToList());
        }
    }

    /// <summary>
    /// The model changes since the last call, as one batch for <see cref="EvaluationSession.Apply"/>: the latest model of
    /// every key that changed, and a delete for every key that is gone (deleted, dropped by a list, or whose latest
    /// version did not convert: its diagnostics are in <see cref="Diagnostics"/>). Status-only updates are not changes.
    /// </summary>
    /// <returns>The batch, in key order; empty when nothing changed.</returns>
    public ChangeBatch TakeChanges()
    {
        lock (_gate)
        {
            var batch = new ChangeBatch();
            foreach (var (key, model) in _changes.OrderBy(c => c.Key))
            {
                _ = model is null ? batch.Delete(key) : batch.Put(model);
            }

            _changes.Clear();
            return batch;
        }
    }

    /// <summary>The diagnostics of every object that did not convert cleanly, by object.</summary>
    /// <returns>The diagnostics.</returns>
    public IReadOnlyList<(ResourceKey Key, Diagnostic Diagnostic)> Diagnostics()
    {
        lock (_gate)
        {
            return _entries.OrderBy(e => e.Key).SelectMany(e => e.Value.Diagnostics.Select(d => (e.Key, d))).ToList();
        }
    }

    /// <summary>The last observed <c>status</c> of an object, or null (fits <see cref="Status.StatusPatchOptions.PreviousStatus"/>).</summary>
    /// <param name="key">The object.</param>
    /// <returns>The status, or null when the object or its status is absent.</returns>
    public JsonElement? StatusOf(ResourceKey key)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(key, out var entry) ? entry.Status : null;
        }
    }

    /// <summary>Every object with its last observed status, sorted by key (for <see cref="StatusPatchPlanner.Plan(Status.StatusSet, IEnumerable{ObservedObject})"/>).</summary>
    /// <returns>The observations.</returns>
    public IReadOnlyList<ObservedObject> Observed()
    {
        lock (_gate)
        {
            return _entries.OrderBy(e => e.Key).Select(e => new ObservedObject(e.Key, e.Value.ApiVersion, e.Value.Status)).ToList();
        }
    }

    private bool Upsert(JsonElement element)
    {
        if (KeyOf(element) is not { } key)
        {
            return false;
        }

        var read = ManifestReader.Read(element, _readOptions);
        JsonElement? status = element.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Object ? s.Clone() : null;
        var entry = new Entry(element.GetProperty("apiVersion").GetString()!, status, read.Resource, read.Diagnostics);
        lock (_gate)
        {
            var changed = !_entries.TryGetValue(key, out var old) || !Equals(old.Model, entry.Model);
            _entries[key] = entry;
            if (changed)
            {
                _changes[key] = entry.Model;
            }

            return changed;
        }
    }

    private bool Remove(JsonElement element)
    {
        if (KeyOf(element) is not { } key)
        {
            return false;
        }

        lock (_gate)
        {
            if (_entries.Remove(key, out var removed) && removed.Model is not null)
            {
                _changes[key] = null;
                return true;
            }

            return false;
        }
    }

    /// <summary>The identity of a JSON object, or null when it lacks apiVersion, kind or name.</summary>
    internal static ResourceKey? KeyOf(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object
            || Text(element, "apiVersion") is not { } apiVersion || Text(element, "kind") is not { } kind
            || !element.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object
            || Text(metadata, "name") is not { } name)
        {
            return null;
        }

        var groupKind = GroupKind.FromApiVersion(apiVersion, kind);
        var ns = ManifestReader.IsNamespaced(groupKind) ? Text(metadata, "namespace") ?? string.Empty : string.Empty;
        return new ResourceKey(groupKind.Group, kind, ns, name);
    }

    private static JsonElement WithTypeMeta(JsonElement item, GroupKind groupKind)
    {
        if (Text(item, "kind") is not null || item.ValueKind != JsonValueKind.Object)
        {
            return item;
        }

        // List items of built-in kinds come without apiVersion and kind; only the group is known here.
        var node = System.Text.Json.Nodes.JsonNode.Parse(item.GetRawText())!.AsObject();
        node["kind"] = groupKind.Kind;
        node["apiVersion"] ??= groupKind.Group.Length == 0 ? "v1" : groupKind.Group + "/v1";
        using var document = JsonDocument.Parse(node.ToJsonString());
        return document.RootElement.Clone();
    }

    private static string? Text(JsonElement obj, string name)
        => obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
}
