using PolicyAttach.Model;

namespace PolicyAttach.Kubernetes.Cluster;

/// <summary>How <see cref="ClusterReader"/> reads a cluster: what, how much per page, and how long it waits.</summary>
public sealed record ClusterReadOptions
{
    /// <summary>
    /// Narrow the read to what the statuses of this namespace's objects need, as <c>kubectl -n</c> users expect; null
    /// (the default) reads every namespace. Cluster-scoped kinds are read whole; namespaced kinds are read in this
    /// namespace, in every namespace its objects (and the Gateways and ListenerSets found through them) refer into, and
    /// the route and ListenerSet kinds also in the namespaces whose routes and ListenerSets its Gateways admit
    /// (<c>allowedRoutes</c>, <c>allowedListeners</c>; every namespace for <c>All</c>; once a ListenerSet was read, the
    /// ListenerSets every Gateway read admits, as they compete for listeners). The statuses of this
    /// namespace's objects are then those a whole read gives; objects of other namespaces are partial.
    /// </summary>
    public string? Namespace { get; init; }

    /// <summary>Objects per list page (the <c>limit</c> parameter; the next page is asked for with <c>continue</c>). Default 500.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>How long one API request may take before it is abandoned (and retried). Default 30 seconds.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times a request is sent before its kind is reported as unread: timeouts, 429 and 5xx answers are
    /// retried, with a pause doubling from <see cref="RetryDelay"/>. Default 3.
    /// </summary>
    public int Attempts { get; init; } = 3;

    /// <summary>The pause before the first retry; it doubles for each later one. Default 200 milliseconds.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Policy kinds read beyond the CRDs labelled <c>gateway.networking.k8s.io/policy</c> (the profile's and the
    /// registered ones); a kind whose CRD is not installed is skipped quietly.
    /// </summary>
    public IReadOnlyCollection<GroupKind> PolicyKinds { get; init; } = [];

    /// <summary>Read a known kind at an apiVersion PolicyAttach does not serve, as <see cref="ManifestLoaderOptions.AcceptUnservedVersions"/>.</summary>
    public bool AcceptUnservedVersions { get; init; }

    /// <summary>The validation problems of these options (empty when valid).</summary>
    /// <returns>One sentence per problem.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (PageSize < 1)
        {
            problems.Add($"PageSize must be at least 1 (was {PageSize}).");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add($"RequestTimeout must be positive (was {RequestTimeout}).");
        }

        if (Attempts < 1)
        {
            problems.Add($"Attempts must be at least 1 (was {Attempts}).");
        }

        if (RetryDelay < TimeSpan.Zero)
        {
            problems.Add($"RetryDelay must not be negative (was {RetryDelay}).");
        }

        return problems;
    }
}
