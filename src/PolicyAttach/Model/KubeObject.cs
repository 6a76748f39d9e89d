namespace PolicyAttach.Model;

/// <summary>
/// An object of the input: a typed Gateway API or core object, or a <see cref="GenericObject"/> for any other
/// kind. Every object is immutable and compares by value.
/// </summary>
public abstract record KubeObject
{
    /// <summary>Only the engine's own kinds derive from this type: the binder and the readers rely on knowing every kind.</summary>
    private protected KubeObject()
    {
    }

    private readonly string _apiVersion = string.Empty;

    /// <summary>The <c>apiVersion</c>, such as <c>gateway.networking.k8s.io/v1</c>.</summary>
    public required string ApiVersion
    {
        get => _apiVersion;
        init
        {
            // Split once: group and version are read on every binding check.
            _apiVersion = Guard.NotNull(value);
            Group = ApiVersions.GroupOf(value);
            Version = ApiVersions.VersionOf(value);
        }
    }

    /// <summary>The object's metadata.</summary>
    public required ObjectMeta Metadata { get; init; }

    /// <summary>The kind.</summary>
    public abstract string Kind { get; }

    /// <summary>The API group taken from <see cref="ApiVersion"/>: empty for <c>v1</c>.</summary>
    public string Group { get; private init; } = string.Empty;

    /// <summary>The version taken from <see cref="ApiVersion"/>.</summary>
    public string Version { get; private init; } = string.Empty;

    /// <summary>The identity of the object.</summary>
    public ResourceKey Key => new(Group, Kind, Metadata.Namespace, Metadata.Name);

    /// <summary>The namespace, empty for cluster-scoped objects.</summary>
    public string Namespace => Metadata.Namespace;

    /// <summary>The name.</summary>
    public string Name => Metadata.Name;
}

/// <summary>Splitting <c>apiVersion</c> strings.</summary>
internal static class ApiVersions
{
    /// <summary>The group of an apiVersion: the part before the last <c>/</c>, or empty.</summary>
    /// <param name="apiVersion">An apiVersion such as <c>apps/v1</c> or <c>v1</c>.</param>
    /// <returns>The group.</returns>
    public static string GroupOf(string apiVersion) => Split(apiVersion).Group;

    /// <summary>The version of an apiVersion: the part after the last <c>/</c>.</summary>
    /// <param name="apiVersion">An apiVersion.</param>
    /// <returns>The version.</returns>
    public static string VersionOf(string apiVersion) => Split(apiVersion).Version;

    /// <summary>
    /// The group and version of an apiVersion, shared with the last split of the same apiVersion on this thread: every
    /// object is split on reading and its readers split it again, and a load has a handful of apiVersions.
    /// </summary>
    private static SplitVersion Split(string apiVersion)
    {
        Guard.NotNull(apiVersion);
        var slots = t_splits ??= new SplitVersion?[8];
        ref var slot = ref slots[apiVersion.Length & 7];
        if (slot is { } recent && (ReferenceEquals(recent.ApiVersion, apiVersion) || string.Equals(recent.ApiVersion, apiVersion, StringComparison.Ordinal)))
        {
            return recent;
        }

        var slash = apiVersion.LastIndexOf('/');
        return slot = new SplitVersion(apiVersion, slash < 0 ? string.Empty : apiVersion[..slash], slash < 0 ? apiVersion : apiVersion[(slash + 1)..]);
    }

    [ThreadStatic]
    private static SplitVersion?[]? t_splits;

    private sealed record SplitVersion(string ApiVersion, string Group, string Version);
}
