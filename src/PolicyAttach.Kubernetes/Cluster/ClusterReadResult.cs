using PolicyAttach.Kubernetes.Loading;

namespace PolicyAttach.Kubernetes.Cluster;

/// <summary>What <see cref="ClusterReader.ReadAsync"/> read: the objects, or the one problem that stopped the read.</summary>
public sealed record ClusterReadResult
{
    /// <summary>
    /// The objects and diagnostics, as the file loader gives them (no locations); null when <see cref="Failure"/> is set.
    /// Kinds that could not be read are diagnostics here, and the rest is complete.
    /// </summary>
    public LoadResult? Load { get; init; }

    /// <summary>
    /// One line naming what stopped the read (credentials refused, server unreachable or silent); null when the cluster
    /// was read.
    /// </summary>
    public string? Failure { get; init; }
}
