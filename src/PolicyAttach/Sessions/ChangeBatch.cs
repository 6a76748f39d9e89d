using PolicyAttach.Model;

namespace PolicyAttach;

/// <summary>
/// Changes applied together, as a controller sees them after a burst of watch events: objects put (added, or
/// replacing the object of their key) and keys deleted. When a batch names a key twice, the later change wins.
/// </summary>
public sealed class ChangeBatch
{
    private readonly List<(ResourceKey Key, KubeObject? Object)> _changes = [];

    /// <summary>The changes in the order they were added; a null object deletes the key.</summary>
    public IReadOnlyList<(ResourceKey Key, KubeObject? Object)> Changes => _changes;

    /// <summary>Puts an object: adds it, or replaces the object of its key.</summary>
    /// <param name="obj">The object.</param>
    /// <returns>This batch.</returns>
    public ChangeBatch Put(KubeObject obj)
    {
        Guard.NotNull(obj);
        _changes.Add((obj.Key, obj));
        return this;
    }

    /// <summary>Deletes the object of a key (deleting a key that is not there changes nothing).</summary>
    /// <param name="key">The key.</param>
    /// <returns>This batch.</returns>
    public ChangeBatch Delete(ResourceKey key)
    {
        _changes.Add((key, null));
        return this;
    }
}
