using PolicyAttach.Collections;

namespace PolicyAttach.Model;

/// <summary>
/// The metadata PolicyAttach reasons about. Missing values are filled at load: a missing generation is 1 and a
/// missing creationTimestamp is 2020-01-01T00:00:00Z (so namespace and name settle ties), or the input position, one
/// second apart, when the loader is told the input order is the creation order
/// (<see href="https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/object-meta/">ObjectMeta</see>).
/// </summary>
public sealed record ObjectMeta
{
    /// <summary>The object's name.</summary>
    public required string Name { get; init; }

    /// <summary>The namespace; empty for cluster-scoped objects.</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary>The UID, when the input carries one.</summary>
    public string? Uid { get; init; }

    /// <summary>The generation that conditions report as <c>observedGeneration</c>.</summary>
    public long Generation { get; init; } = 1;

    /// <summary>When the object was created; the oldest object wins most Gateway API conflicts.</summary>
    public DateTimeOffset CreationTimestamp { get; init; } = DefaultEpoch;

    /// <summary>Labels.</summary>
    public StringMap Labels { get; init; } = StringMap.Empty;

    /// <summary>Annotations.</summary>
    public StringMap Annotations { get; init; } = StringMap.Empty;

    /// <summary>The creation time given to the first object without one (2020-01-01T00:00:00Z).</summary>
    public static DateTimeOffset DefaultEpoch { get; } = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
}
