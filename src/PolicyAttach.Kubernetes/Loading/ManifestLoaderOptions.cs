using PolicyAttach.Model;

namespace PolicyAttach.Kubernetes.Loading;

/// <summary>Options of a <see cref="ManifestLoader"/>. The defaults are the ones the command line uses.</summary>
public sealed record ManifestLoaderOptions
{
    /// <summary>
    /// The creationTimestamp of the first object without one; each later object read gets one second more
    /// (objects counted in input order across every source). Default 2020-01-01T00:00:00Z.
    /// </summary>
    public DateTimeOffset Epoch { get; init; } = ObjectMeta.DefaultEpoch;

    /// <summary>The namespace given to a namespaced object that has none. Default <c>default</c>.</summary>
    public string DefaultNamespace { get; init; } = "default";

    /// <summary>The deepest nesting of mappings and sequences accepted; deeper documents are skipped with PA1001. Default 256.</summary>
    public int MaxDepth { get; init; } = 256;

    /// <summary>
    /// The largest file or stream read, in bytes; larger ones are reported with PA1008. The limit applies while
    /// reading, so devices and standard input stop there too. Default 256 MiB; at most <see cref="Array.MaxLength"/>.
    /// </summary>
    public long MaxInputBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>The most JSON nodes one document may expand to once YAML aliases are resolved. Default 10,000,000.</summary>
    public long MaxNodesPerDocument { get; init; } = 10_000_000;

    /// <summary>
    /// The most JSON bytes YAML aliases may add to one document (each alias repeats its anchor's whole value), so that
    /// a small file cannot expand to gigabytes; a document past it is skipped with PA1001. Default 16 MiB.
    /// </summary>
    public long MaxAliasBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Opens what the path <c>-</c> reads; null for the process's standard input. The stream is disposed after reading.</summary>
    public Func<Stream>? StandardInput { get; init; }

    /// <summary>
    /// Read a known kind at an apiVersion the API server does not serve (with a warning) instead of dropping it, as an
    /// implementation that ignores apiVersion does (see <see cref="PolicyAttach.Manifests.ManifestReadOptions.AcceptUnservedVersions"/>).
    /// </summary>
    public bool AcceptUnservedVersions { get; init; }
}
