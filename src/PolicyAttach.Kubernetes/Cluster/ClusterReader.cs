using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.Model;
using PolicyAttach.Manifests;
using PolicyAttach.Policies;

namespace PolicyAttach.Kubernetes.Cluster;

/// <summary>
/// Reads, from a live API server, every kind the engine evaluates, into the same <see cref="LoadResult"/> the file
/// loader produces: Namespaces, Services, Secrets, ConfigMaps, Ingresses and IngressClasses, the
/// CustomResourceDefinitions of the Gateway API groups and of policy kinds (labelled
/// <c>gateway.networking.k8s.io/policy</c>, or named in <see cref="ClusterReadOptions.PolicyKinds"/>), and the objects
/// of each such CRD at a version it serves (when the CRDs cannot be listed, API discovery finds the Gateway API kinds
/// and the policy kinds of <see cref="ClusterReadOptions.PolicyKinds"/> instead). With
/// <see cref="ClusterReadOptions.Namespace"/>, namespaced kinds are read in that namespace and as far beyond it as
/// its objects' statuses need (see docs/cli.md, "Reading a cluster"). Lists are paged (<c>limit</c> and <c>continue</c>). Kinds are read one
/// after the other in a fixed order, so the result is deterministic for a given cluster state.
/// </summary>
/// <remarks>
/// A kind the credentials may not list is reported (PA1013, naming the permission) and the rest is read; a kind
/// whose CRD is not installed is skipped quietly; a request is bounded by <see cref="ClusterReadOptions.RequestTimeout"/>
/// and retried at most <see cref="ClusterReadOptions.Attempts"/> times (PA1014 when it never succeeds, PA1015 when it
/// succeeded after a retry). Credentials the server refuses (401), a server that cannot be reached, or one whose first
/// request never answers end the read with <see cref="ClusterReadResult.Failure"/>. Secret values other than
/// <c>tls.crt</c>, <c>tls.key</c> and <c>ca.crt</c> (which the engine checks, and never keeps) are dropped on arrival.
/// </remarks>
public sealed class ClusterReader
{
    private static readonly string[] CheckedSecretKeys = ["tls.crt", "tls.key", "ca.crt"];

    private readonly IKubernetes _client;
    private readonly ClusterReadOptions _options;

    /// <summary>Creates a reader.</summary>
    /// <param name="client">The client (from <see cref="ClusterConnection"/> or the caller's own configuration).</param>
    /// <param name="options">What to read; null for the defaults.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ClusterReader(IKubernetes client, ClusterReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new ClusterReadOptions();
        var problems = _options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }
    }

    /// <summary>The standard Gateway API kinds and the versions read when the CRDs themselves cannot be listed.</summary>
    internal static IReadOnlyList<ClusterKind> GatewayApiFallback { get; } =
    [
        new(Kinds.GatewayClass, "v1", "gatewayclasses", false),
        new(Kinds.Gateway, "v1", "gateways", true),
        new(Kinds.HttpRoute, "v1", "httproutes", true),
        new(Kinds.GrpcRoute, "v1", "grpcroutes", true),
        new(Kinds.ReferenceGrant, "v1beta1", "referencegrants", true),
        new(Kinds.BackendTlsPolicy, "v1", "backendtlspolicies", true),
        new(Kinds.TlsRoute, "v1alpha2", "tlsroutes", true),
        new(Kinds.TcpRoute, "v1alpha2", "tcproutes", true),
        new(Kinds.UdpRoute, "v1alpha2", "udproutes", true),
    ];

    /// <summary>Reads the cluster.</summary>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The objects and diagnostics, or the failure that ended the read.</returns>
    public async Task<ClusterReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var session = new LoadSession(new ManifestLoaderOptions { AcceptUnservedVersions = _options.AcceptUnservedVersions });

        // The CRD listing comes first: it tells which custom kinds exist and at which versions, and it is the request
        // that shows whether the server answers at all.
        var crdKind = new ClusterKind(Kinds.CustomResourceDefinition, "v1", "customresourcedefinitions", false);
        var crds = await ListAsync(crdKind, null, session, first: true, report: false, cancellationToken).ConfigureAwait(false);
        if (crds.Failure is { } failure)
        {
            return new ClusterReadResult { Failure = failure };
        }

        List<ClusterKind> custom;
        if (crds.Items is not null)
        {
            custom = Discover(crds.Items, session);
        }
        else
        {
            // Without the CRDs, API discovery (/apis and each group version's resource list) still finds the Gateway
            // API kinds and the profile's policy kinds at a served version; only the policy label needs the CRDs.
            var discovered = await DiscoverByApiAsync(session, cancellationToken).ConfigureAwait(false);
            if (discovered.Failure is { } f)
            {
                return new ClusterReadResult { Failure = f };
            }

            custom = discovered.Kinds ?? [.. GatewayApiFallback];
            var instead = discovered.Kinds is not null
                ? "the Gateway API kinds and the profile's policy kinds were found by API discovery (/apis) instead"
                : "API discovery (/apis) is unavailable too, so the standard Gateway API kinds are read at their usual versions";
            var unavailable = $"{instead}; policy kinds known only by the CRD label {PolicyKindRegistry.PolicyLabel} cannot be discovered";
            if (crds.Forbidden)
            {
                session.Add(Forbidden(crdKind, null, discovered.Kinds is not null ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, unavailable));
            }
            else if (crds.Problem is { } problem)
            {
                session.Add(Unread(crdKind, problem, unavailable));
            }
        }

        var all = BuiltInKinds.Concat(custom).ToList();
        foreach (var kind in all.Where(k => !k.Namespaced))
        {
            if (await ReadKindAsync(kind, null, session, null, cancellationToken).ConfigureAwait(false) is { } f)
            {
                return new ClusterReadResult { Failure = f };
            }
        }

        var namespaced = all.Where(k => k.Namespaced).ToList();
        var failed = _options.Namespace is { } ns
            ? await ReadNamespaceAsync(ns, namespaced, session, cancellationToken).ConfigureAwait(false)
            : await ReadEachAsync(namespaced, null, session, null, cancellationToken).ConfigureAwait(false);
        return failed is null ? new ClusterReadResult { Load = session.ToResult() } : new ClusterReadResult { Failure = failed };
    }

    /// <summary>The built-in kinds the engine reads, in reading order.</summary>
    private static readonly ClusterKind[] BuiltInKinds =
    [
        new(Kinds.Namespace, "v1", "namespaces", false),
        new(Kinds.IngressClass, "v1", "ingressclasses", false),
        new(Kinds.Service, "v1", "services", true),
        new(Kinds.Secret, "v1", "secrets", true),
        new(Kinds.ConfigMap, "v1", "configmaps", true),
        new(Kinds.Ingress, "v1", "ingresses", true),
    ];

    /// <summary>One list request for a page of a kind, in a namespace or across all of them.</summary>
    private Task<object> ListPage(ClusterKind kind, string? ns, string? continueToken, CancellationToken ct)
    {
        var limit = _options.PageSize;
        return (kind.Kind.Group, kind.Plural, ns) switch
        {
            (Groups.Core, "namespaces", _) => Boxed(_client.CoreV1.ListNamespaceAsync(continueParameter: continueToken, limit: limit, cancellationToken: ct)),
            (Groups.Networking, "ingressclasses", _) => Boxed(_client.NetworkingV1.ListIngressClassAsync(continueParameter: continueToken, limit: limit, cancellationToken: ct)),
            (Groups.Core, "services", null) => Boxed(_client.CoreV1.ListServiceForAllNamespacesAsync(continueParameter: continueToken, limit: limit, cancellationToken: ct)),
            (Groups.Core, "services", { } n) => Boxed(_client.CoreV1.ListNamespacedServiceAsync(n, continueParameter: continueToken, limit: limit, cancellationToken: ct)),
            (Groups.Core, "secrets", null) => Boxed(_client.CoreV1.ListSecretForAllNamespacesAsync(continueParameter: continueToken, limit: limit, cancellationToken: ct)),
            (Groups.Core, "secrets", { } n) => Boxed(_client.CoreV1.ListNamespacedSecretAsync(n, continueParameter: continueToken, limit: limit, cancellationToken: ct)),
            (Groups.Core, "configmaps", null) => Boxed(_client.CoreV1.ListConfigMapForAllNamespacesAsync(continueParameter: continueToken, limit: limit, cancellationToken: ct)),
            (Groups.Core, "configmaps", { } n) => Boxed(_client.CoreV1.ListNamespacedConfigMapAsync(n, continueParameter: continueToken, limit: limit, cancellationToken: ct)),
            (Groups.Networking, "ingresses", null) => Boxed(_client.NetworkingV1.ListIngressForAllNamespacesAsync(continueParameter: continueToken, limit: limit, cancellationToken: ct)),
            (Groups.Networking, "ingresses", { } n) => Boxed(_client.NetworkingV1.ListNamespacedIngressAsync(n, continueParameter: continueToken, limit: limit, cancellationToken: ct)),
            (_, _, { } n) when kind.Namespaced => _client.CustomObjects.ListNamespacedCustomObjectAsync(kind.Kind.Group, kind.Version, n, kind.Plural, continueParameter: continueToken, limit: limit, cancellationToken: ct),
            _ => _client.CustomObjects.ListClusterCustomObjectAsync(kind.Kind.Group, kind.Version, kind.Plural, continueParameter: continueToken, limit: limit, cancellationToken: ct),
        };

        static async Task<object> Boxed<T>(Task<T> task) => (await task.ConfigureAwait(false))!;
    }

    /// <summary>Lists one kind (in <paramref name="ns"/>, or everywhere) into the session; null, or the failure that ends the read.</summary>
    private async Task<string?> ReadKindAsync(ClusterKind kind, string? ns, LoadSession session, Func<JsonElement, bool>? keep, CancellationToken cancellationToken, List<JsonElement>? into = null)
    {
        var read = await ListAsync(kind, ns, session, first: false, report: true, cancellationToken).ConfigureAwait(false);
        if (read.Failure is { } f)
        {
            return f;
        }

        var items = keep is null ? read.Items : read.Items?.Where(keep).ToList();
        AddAll(session, kind, items);
        into?.AddRange(items ?? []);
        return null;
    }

    private async Task<string?> ReadEachAsync(IEnumerable<ClusterKind> kinds, string? ns, LoadSession session, Func<JsonElement, bool>? keep, CancellationToken cancellationToken)
    {
        foreach (var kind in kinds)
        {
            if (await ReadKindAsync(kind, ns, session, keep, cancellationToken).ConfigureAwait(false) is { } f)
            {
                return f;
            }
        }

        return null;
    }

    /// <summary>
    /// <c>-n NS</c>: reads the namespaced kinds of <paramref name="ns"/>, then of every namespace its objects refer into
    /// (parentRefs, backendRefs, certificateRefs, targetRefs with a namespace), following the references of the
    /// Gateways and ListenerSets found there too (a ListenerSet's parent Gateway, a Gateway's certificates), until no
    /// new namespace is named. Routes and ListenerSets of other namespaces can attach to the Gateways of
    /// <paramref name="ns"/> only where those Gateways allow them: the route kinds are then read in the namespaces
    /// their listeners' <c>allowedRoutes</c> admit (every namespace for <c>All</c>), and the ListenerSet kinds in the
    /// namespaces <c>allowedListeners</c> admits (of every Gateway read, once a ListenerSet was read: ListenerSets of one
    /// Gateway compete for their listeners). So every status of an object of <paramref name="ns"/> is the one a
    /// whole read gives; objects of other namespaces are read only as far as those statuses need.
    /// </summary>
    private async Task<string?> ReadNamespaceAsync(string ns, List<ClusterKind> kinds, LoadSession session, CancellationToken cancellationToken)
    {
        var read = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new SortedSet<string>(StringComparer.Ordinal) { ns };
        var gateways = new List<JsonElement>();
        var everyGateway = new List<JsonElement>();
        var listenerSetRead = false;
        while (pending.Count > 0)
        {
            var next = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var n in pending)
            {
                read.Add(n);
                foreach (var kind in kinds)
                {
                    var items = new List<JsonElement>();
                    if (await ReadKindAsync(kind, n, session, null, cancellationToken, items).ConfigureAwait(false) is { } f)
                    {
                        return f;
                    }

                    var follow = kind.Kind != Kinds.ReferenceGrant && (n == ns || kind.Kind == Kinds.Gateway || IsListenerSet(kind.Kind));
                    foreach (var item in follow ? items : [])
                    {
                        ReferencedNamespaces(item.TryGetProperty("spec", out var spec) ? spec : default, next);
                    }

                    if (kind.Kind == Kinds.Gateway)
                    {
                        everyGateway.AddRange(items);
                        gateways.AddRange(n == ns ? items : []);
                    }

                    listenerSetRead |= IsListenerSet(kind.Kind) && items.Count > 0;
                }
            }

            next.ExceptWith(read);
            pending = next;
        }

        var labels = NamespaceLabels(session);
        // The ListenerSets attached to one Gateway compete for their listeners (the oldest wins a conflict), so once a
        // ListenerSet was read, every Gateway read lists the ListenerSets it admits, not only the Gateways of ns.
        var (routesEverywhere, routeNamespaces, _, _) = Admitted(gateways, ns, labels);
        var (_, _, setsEverywhere, setNamespaces) = Admitted(listenerSetRead ? everyGateway : gateways, ns, labels);
        bool Unread(JsonElement item) => !read.Contains(item.TryGetProperty("metadata", out var m) ? Text(m, "namespace") ?? string.Empty : string.Empty);
        foreach (var kind in kinds.Where(k => IsRoute(k.Kind) || IsListenerSet(k.Kind)))
        {
            var (everywhere, namespaces) = IsRoute(kind.Kind) ? (routesEverywhere, routeNamespaces) : (setsEverywhere, setNamespaces);
            if (everywhere)
            {
                if (await ReadKindAsync(kind, null, session, Unread, cancellationToken).ConfigureAwait(false) is { } f)
                {
                    return f;
                }

                continue;
            }

            foreach (var n in namespaces.Where(n => !read.Contains(n)))
            {
                if (await ReadKindAsync(kind, n, session, null, cancellationToken).ConfigureAwait(false) is { } f)
                {
                    return f;
                }
            }
        }

        return null;
    }

    private static bool IsRoute(GroupKind kind) => kind.Group is Groups.Gateway or Groups.GatewayExperimental && kind.Kind.EndsWith("Route", StringComparison.Ordinal);

    private static bool IsListenerSet(GroupKind kind) => kind == Kinds.ListenerSet || kind == Kinds.XListenerSet;

    /// <summary>Every <c>namespace</c> a reference under <paramref name="node"/> names (label selectors are not references).</summary>
    private static void ReferencedNamespaces(JsonElement node, SortedSet<string> into)
    {
        switch (node.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in node.EnumerateObject())
                {
                    if (property.Name == "namespace" && property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: > 0 } n)
                    {
                        into.Add(n);
                    }
                    else if (property.Name is not ("selector" or "matchLabels" or "matchExpressions"))
                    {
                        ReferencedNamespaces(property.Value, into);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in node.EnumerateArray())
                {
                    ReferencedNamespaces(item, into);
                }

                break;
        }
    }

    /// <summary>The labels of every Namespace read so far, by name.</summary>
    private static Dictionary<string, IReadOnlyDictionary<string, string>> NamespaceLabels(LoadSession session)
        => session.ToResult().Resources.Where(r => r.Key.GroupKind == Kinds.Namespace)
            .GroupBy(r => r.Key.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, string>)g.Last().Metadata.Labels, StringComparer.Ordinal);

    /// <summary>The namespaces whose routes and ListenerSets the Gateways of <paramref name="ns"/> admit.</summary>
    private static (bool RoutesEverywhere, SortedSet<string> Routes, bool SetsEverywhere, SortedSet<string> Sets) Admitted(
        List<JsonElement> gateways, string ns, Dictionary<string, IReadOnlyDictionary<string, string>> labels)
    {
        var routes = new SortedSet<string>(StringComparer.Ordinal);
        var sets = new SortedSet<string>(StringComparer.Ordinal);
        bool routesEverywhere = false, setsEverywhere = false;
        foreach (var element in gateways)
        {
            if (ManifestReader.Read(WithTypeMeta(element, Kinds.Gateway, "v1")).Resource is not Gateway gateway)
            {
                continue;
            }

            foreach (var listener in gateway.Listeners)
            {
                routesEverywhere |= Admit(listener.AllowedRoutes.NamespacesFrom, listener.AllowedRoutes.Selector, ns, labels, routes);
            }

            setsEverywhere |= Admit(gateway.AllowedListeners.NamespacesFrom, gateway.AllowedListeners.Selector, ns, labels, sets);
        }

        return (routesEverywhere, routes, setsEverywhere, sets);
    }

    private static bool Admit(string from, LabelSelector? selector, string ns, Dictionary<string, IReadOnlyDictionary<string, string>> labels, SortedSet<string> into)
    {
        switch (from)
        {
            case FromNamespaces.All:
                return true;
            case FromNamespaces.Same:
                into.Add(ns);
                break;
            case FromNamespaces.Selector when selector is not null:
                into.UnionWith(labels.Where(l => selector.Matches(l.Value)).Select(l => l.Key));
                break;
        }

        return false;
    }

    /// <summary>
    /// The custom kinds to read: every CRD of the Gateway API groups, every CRD labelled as a policy and every CRD of
    /// a kind in <see cref="ClusterReadOptions.PolicyKinds"/>, at its storage version when served, else its first
    /// served one. The CRDs themselves are added (the engine reads the policy label from them). Sorted by group and kind.
    /// </summary>
    private List<ClusterKind> Discover(List<JsonElement> crds, LoadSession session)
    {
        var known = _options.PolicyKinds.ToHashSet();
        var kinds = new List<ClusterKind>();
        foreach (var crd in crds)
        {
            if (!crd.TryGetProperty("spec", out var spec) || spec.ValueKind != JsonValueKind.Object
                || Text(spec, "group") is not { } group
                || !spec.TryGetProperty("names", out var names) || Text(names, "kind") is not { } kindName || Text(names, "plural") is not { } plural)
            {
                continue;
            }

            var groupKind = new GroupKind(group, kindName);
            var labelled = crd.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("labels", out var labels)
                && labels.ValueKind == JsonValueKind.Object && labels.TryGetProperty(PolicyKindRegistry.PolicyLabel, out _);
            if (group is not (Groups.Gateway or Groups.GatewayExperimental) && !labelled && !known.Contains(groupKind))
            {
                continue;
            }

            session.AddElement(WithTypeMeta(crd, Kinds.CustomResourceDefinition, "v1"));
            if (ServedVersion(spec) is { } version)
            {
                kinds.Add(new ClusterKind(groupKind, version, plural, Text(spec, "scope") != "Cluster"));
            }
        }

        kinds.Sort((a, b) => a.Kind.CompareTo(b.Kind));
        return kinds;
    }

    private static string? ServedVersion(JsonElement spec)
    {
        if (!spec.TryGetProperty("versions", out var versions) || versions.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        string? firstServed = null;
        foreach (var v in versions.EnumerateArray())
        {
            var served = v.TryGetProperty("served", out var s) && s.ValueKind == JsonValueKind.True;
            if (!served || Text(v, "name") is not { } name)
            {
                continue;
            }

            if (v.TryGetProperty("storage", out var storage) && storage.ValueKind == JsonValueKind.True)
            {
                return name;
            }

            firstServed ??= name;
        }

        return firstServed;
    }

    private static void AddAll(LoadSession session, ClusterKind kind, List<JsonElement>? items)
    {
        foreach (var item in items ?? [])
        {
            var element = WithTypeMeta(item, kind.Kind, kind.Version);
            session.AddElement(kind.Kind == Kinds.Secret ? WithoutSecretValues(element) : element);
        }
    }

    /// <summary>A kind's items; null items (with no failure) when the kind is skipped: not installed, forbidden or unread.</summary>
    private sealed record Listed(List<JsonElement>? Items, string? Failure, bool Forbidden = false, string? Problem = null);

    /// <summary>
    /// Lists one kind page by page, in <paramref name="ns"/> or across namespaces. With <paramref name="report"/> a
    /// kind that cannot be read is reported here; without, the caller reports it. A failure ends the whole read.
    /// </summary>
    private async Task<Listed> ListAsync(ClusterKind kind, string? ns, LoadSession session, bool first, bool report, CancellationToken cancellationToken)
    {
        var items = new List<JsonElement>();
        string? continueToken = null;
        var restarted = false;
        while (true)
        {
            var token = continueToken;
            var page = await SendAsync(kind, ns, ct => ListPage(kind, ns, token, ct), session, first, report, cancellationToken).ConfigureAwait(false);
            if (page.Status == PageStatus.Gone && continueToken is not null && !restarted)
            {
                // The continue token expired between pages (410 Gone): list the kind again from the start, once.
                restarted = true;
                items.Clear();
                continueToken = null;
                continue;
            }

            if (page.Status != PageStatus.Ok)
            {
                return new Listed(null, page.Failure, page.Status == PageStatus.Forbidden, page.Problem);
            }

            var element = page.Value;
            if (element.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array)
            {
                items.AddRange(array.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object).Select(i => i.Clone()));
            }

            continueToken = element.TryGetProperty("metadata", out var meta) ? Text(meta, "continue") : null;
            first = false;
            if (continueToken is null)
            {
                break;
            }
        }

        return new Listed(items, null);
    }

    private sealed record Discovered(List<ClusterKind>? Kinds, string? Failure);

    /// <summary>
    /// API discovery: the groups the server serves (<c>/apis</c>), then for the Gateway API groups and the groups of
    /// <see cref="ClusterReadOptions.PolicyKinds"/> each served version's resource list (the preferred version first),
    /// keeping for each kind the first version that serves it. Null kinds when discovery itself cannot be read.
    /// </summary>
    private async Task<Discovered> DiscoverByApiAsync(LoadSession session, CancellationToken cancellationToken)
    {
        var policyKinds = _options.PolicyKinds.ToHashSet();
        var wanted = policyKinds.Select(k => k.Group).Append(Groups.Gateway).Append(Groups.GatewayExperimental).ToHashSet(StringComparer.Ordinal);
        var discovery = new ClusterKind(new GroupKind("discovery", "APIGroupList"), "v1", "apis", false);
        var groups = await SendAsync(discovery, null, async ct => await _client.Apis.GetAPIVersionsAsync(ct).ConfigureAwait(false), session, first: false, report: false, cancellationToken).ConfigureAwait(false);
        if (groups.Status != PageStatus.Ok)
        {
            return new Discovered(null, groups.Failure);
        }

        var chosen = new Dictionary<GroupKind, ClusterKind>();
        foreach (var group in Array(groups.Value, "groups").Where(g => Text(g, "name") is { } n && wanted.Contains(n)).OrderBy(g => Text(g, "name"), StringComparer.Ordinal))
        {
            var name = Text(group, "name")!;
            var preferred = group.TryGetProperty("preferredVersion", out var p) ? Text(p, "version") : null;
            var versions = Array(group, "versions").Select(v => Text(v, "version")).OfType<string>().ToList();
            foreach (var version in versions.Where(v => v == preferred).Concat(versions.Where(v => v != preferred)))
            {
                var resources = await SendAsync(discovery, null, ct => GetAsync($"apis/{name}/{version}", ct), session, first: false, report: false, cancellationToken).ConfigureAwait(false);
                if (resources.Failure is { } f)
                {
                    return new Discovered(null, f);
                }

                foreach (var resource in resources.Status == PageStatus.Ok ? Array(resources.Value, "resources") : [])
                {
                    if (Text(resource, "name") is not { } plural || plural.Contains('/', StringComparison.Ordinal) || Text(resource, "kind") is not { } kindName)
                    {
                        continue;
                    }

                    var groupKind = new GroupKind(name, kindName);
                    if ((name is Groups.Gateway or Groups.GatewayExperimental || policyKinds.Contains(groupKind)) && !chosen.ContainsKey(groupKind))
                    {
                        var namespaced = !resource.TryGetProperty("namespaced", out var scope) || scope.ValueKind != JsonValueKind.False;
                        chosen[groupKind] = new ClusterKind(groupKind, version, plural, namespaced);
                    }
                }
            }
        }

        var kinds = chosen.Values.ToList();
        kinds.Sort((a, b) => a.Kind.CompareTo(b.Kind));
        return new Discovered(kinds, null);
    }

    /// <summary>A GET of a path KubernetesClient has no method for (a group version's resource list), with the client's credentials.</summary>
    private async Task<object> GetAsync(string path, CancellationToken cancellationToken)
    {
        if (_client is not k8s.Kubernetes kubernetes)
        {
            return JsonSerializer.SerializeToElement(new { resources = System.Array.Empty<object>() });
        }

        var root = kubernetes.BaseUri.ToString();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(root.EndsWith('/') ? root : root + "/"), path));
        if (kubernetes.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }

        using var response = await kubernetes.HttpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpOperationException($"GET {path}: {(int)response.StatusCode}") { Response = new HttpResponseMessageWrapper(response, text) };
        }

        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(new { resources = System.Array.Empty<object>() });
        }
    }

    private enum PageStatus
    {
        Ok,
        Skipped,
        Forbidden,
        Gone,
        Fatal,
    }

    private readonly record struct Page(PageStatus Status, JsonElement Value, string? Failure, string? Problem = null);

    /// <summary>One request with its timeout and bounded retries; with <paramref name="report"/>, every outcome that is not a page is reported here.</summary>
    private async Task<Page> SendAsync(ClusterKind kind, string? ns, Func<CancellationToken, Task<object>> request, LoadSession session, bool first, bool report, CancellationToken cancellationToken)
    {
        var delay = _options.RetryDelay;
        string? lastProblem = null;
        var timedOut = false;
        for (var attempt = 1; attempt <= _options.Attempts; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.RequestTimeout);
            try
            {
                var value = await request(timeout.Token).ConfigureAwait(false);
                if (attempt > 1)
                {
                    session.Add(new Diagnostic
                    {
                        Severity = DiagnosticSeverity.Info,
                        Code = DiagnosticCodes.ClusterRetried,
                        Message = $"listing {kind.Resource} succeeded on attempt {attempt} of {_options.Attempts} (earlier: {lastProblem})",
                    });
                }

                return new Page(PageStatus.Ok, KubernetesObjectElement(value), null);
            }
            catch (HttpOperationException ex)
            {
                var code = ex.Response?.StatusCode ?? 0;
                switch (code)
                {
                    case HttpStatusCode.NotFound:
                        // The kind's CRD (or API group) is not installed: nothing to read, nothing to say.
                        return new Page(PageStatus.Skipped, default, null);
                    case HttpStatusCode.Gone:
                        return new Page(PageStatus.Gone, default, null);
                    case HttpStatusCode.Unauthorized:
                        return new Page(PageStatus.Fatal, default,
                            "the API server refused the credentials (401 Unauthorized): the token or client certificate is expired or invalid; log in again or refresh the kubeconfig");
                    case HttpStatusCode.Forbidden:
                        if (report)
                        {
                            session.Add(Forbidden(kind, ns, DiagnosticSeverity.Error, $"evaluated without its {kind.Kind.Kind} objects" + (ns is null ? string.Empty : " of namespace " + ns)));
                        }

                        return new Page(PageStatus.Forbidden, default, null);
                    case HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError:
                        lastProblem = $"{(int)code} {code}";
                        break;
                    default:
                        return Skip(kind, $"the API server answered {(int)code} {code}");
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                timedOut = true;
                lastProblem = $"no answer within {Seconds(_options.RequestTimeout)}";
            }
            catch (HttpRequestException ex)
            {
                return new Page(PageStatus.Fatal, default, $"cannot reach the API server at {ServerOf(_client)}: {ex.Message}");
            }

            if (attempt < _options.Attempts)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay += delay;
            }
        }

        if (first && timedOut)
        {
            return new Page(PageStatus.Fatal, default,
                $"the API server at {ServerOf(_client)} did not answer within {Seconds(_options.RequestTimeout)} ({_options.Attempts} attempts); check the address and the network, or raise --request-timeout");
        }

        return Skip(kind, $"{_options.Attempts} attempts failed (last: {lastProblem})");

        Page Skip(ClusterKind kind, string why)
        {
            if (report)
            {
                session.Add(Unread(kind, why, $"evaluated without its {kind.Kind.Kind} objects"));
            }

            return new Page(PageStatus.Skipped, default, null, why);
        }
    }

    /// <summary>A kind the credentials may not list, with the permission it needs.</summary>
    private static Diagnostic Forbidden(ClusterKind kind, string? ns, DiagnosticSeverity severity, string consequence) => new()
    {
        Severity = severity,
        Code = DiagnosticCodes.ClusterForbidden,
        Message = $"cannot list {kind.Resource}: forbidden (403); the credentials need the 'list' verb on '{kind.Plural}' in API group \"{kind.Kind.Group}\""
            + (kind.Namespaced ? ns is not null ? $" in namespace {ns}" : " in every namespace" : string.Empty)
            + $" (kubectl auth can-i list {kind.Resource}{(kind.Namespaced ? ns is null ? " -A" : " -n " + ns : string.Empty)}); {consequence}",
    };

    private static Diagnostic Unread(ClusterKind kind, string why, string consequence) => new()
    {
        Severity = DiagnosticSeverity.Error,
        Code = DiagnosticCodes.ClusterRequestFailed,
        Message = $"cannot list {kind.Resource}: {why}; {consequence}",
    };

    private static IEnumerable<JsonElement> Array(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object) : [];

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + " s";

    private static string ServerOf(IKubernetes client) => client is k8s.Kubernetes k ? k.BaseUri.ToString().TrimEnd('/') : "the configured address";

    private static JsonElement KubernetesObjectElement(object value) => value switch
    {
        JsonElement element => element,
        _ => JsonSerializer.Deserialize<JsonElement>(KubernetesJson.Serialize(value)),
    };

    /// <summary>List items of built-in kinds come without apiVersion and kind.</summary>
    private static JsonElement WithTypeMeta(JsonElement item, GroupKind kind, string version)
    {
        if (Text(item, "kind") is not null && Text(item, "apiVersion") is not null)
        {
            return item;
        }

        var node = JsonNode.Parse(item.GetRawText())!.AsObject();
        node["kind"] ??= kind.Kind;
        node["apiVersion"] ??= kind.Group.Length == 0 ? version : kind.Group + "/" + version;
        return JsonSerializer.SerializeToElement(node);
    }

    /// <summary>Keeps a Secret's type and key names; values other than the certificates the engine checks become empty.</summary>
    private static JsonElement WithoutSecretValues(JsonElement secret)
    {
        var node = JsonNode.Parse(secret.GetRawText())!.AsObject();
        node.Remove("stringData");
        if (node["data"] is JsonObject data)
        {
            foreach (var key in data.Select(p => p.Key).ToList())
            {
                if (!CheckedSecretKeys.Contains(key, StringComparer.Ordinal))
                {
                    data[key] = string.Empty;
                }
            }
        }

        if (node["metadata"] is JsonObject metadata && metadata["annotations"] is JsonObject annotations)
        {
            // kubectl apply keeps the whole object, values included, in this annotation.
            annotations.Remove("kubectl.kubernetes.io/last-applied-configuration");
        }

        return JsonSerializer.SerializeToElement(node);
    }

    private static string? Text(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
}

/// <summary>A kind read from the cluster: its group and kind, the version read, its resource name and scope.</summary>
internal sealed record ClusterKind(GroupKind Kind, string Version, string Plural, bool Namespaced)
{
    /// <summary><c>plural.group</c>, as kubectl names a resource (<c>httproutes.gateway.networking.k8s.io</c>; <c>services</c>).</summary>
    public string Resource => Kind.Group.Length == 0 ? Plural : Plural + "." + Kind.Group;
}
