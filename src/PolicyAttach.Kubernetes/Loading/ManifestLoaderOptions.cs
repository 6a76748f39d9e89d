using PolicyAttach.Model;

namespace PolicyAttach;

/// <summary>Options of a <see cref="ManifestLoader"/>. The defaults are the ones the command line uses.</summary>
public sealed record ManifestLoaderOptions
{
    /// <summary>
    /// The creationTimestamp of objects without one. Default 2020-01-01T00:00:00Z. They all get it, so conflicts among
    /// them (route precedence, listener and policy conflicts) are settled by namespace and name, and the order of the
    /// input never changes the result; unless <see cref="InputOrderIsCreationOrder"/> is set.
    /// </summary>
    public DateTimeOffset Epoch { get; init; } = ObjectMeta.DefaultEpoch;

    /// <summary>
    /// Whether the input order is the creation order of objects without a creationTimestamp: the first gets
    /// <see cref="Epoch"/> and each later one one second more (objects counted in input order across every source), as
    /// when manifests are applied one by one in that order. Default false: all get <see cref="Epoch"/>.
    /// </summary>
    public bool InputOrderIsCreationOrder { get; init; }

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

    /// <summary>
    /// Reads every YAML document on the exact path (YamlDotNet's parser and a node tree), never on the fast path for
    /// the block-style subset; the tests compare the two, which must give the same objects and diagnostics.
    /// </summary>
    internal bool ExactYamlOnly { get; init; }

    /// <summary>Opens what the path <c>-</c> reads; null for the process's standard input. The stream is disposed after reading.</summary>
    public Func<Stream>? StandardInput { get; init; }

    /// <summary>
    /// Whether a directory's subdirectories are read too (<c>kubectl -R</c>). Default false: only the <c>*.yaml</c>,
    /// <c>*.yml</c> and <c>*.json</c> files directly in a directory are read, as <c>kubectl apply -f DIR</c> does, so
    /// that build output (<c>bin/</c>, <c>obj/</c>, <c>node_modules/</c>) below a manifest folder is not read by accident.
    /// </summary>
    public bool RecurseDirectories { get; init; }

    /// <summary>
    /// Glob patterns of files and directories to skip while reading a directory: <c>*</c> (any characters but
    /// <c>/</c>), <c>**</c> (any characters), <c>?</c> (one character), <c>[abc]</c> and <c>[!abc]</c>. A pattern with
    /// no <c>/</c> is matched against each name (<c>*.json</c>, <c>charts</c>); one with a <c>/</c> against the path
    /// below the directory given, with <c>/</c> separators (<c>charts/*/values.yaml</c>). A directory that matches is
    /// not entered. Paths given explicitly are always read. Default: none.
    /// </summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>
    /// Read a known kind at an apiVersion the API server does not serve (with a warning) instead of dropping it, as an
    /// implementation that ignores apiVersion does (see <see cref="PolicyAttach.Manifests.ManifestReadOptions.AcceptUnservedVersions"/>).
    /// </summary>
    public bool AcceptUnservedVersions { get; init; }
}
