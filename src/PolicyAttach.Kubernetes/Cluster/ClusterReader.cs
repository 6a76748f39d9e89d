using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.Model;
using PolicyAttach.Policies;

namespace PolicyAttach.Kubernetes.Cluster;

/// <summary>
/// Reads, from a live API server, every kind the engine evaluates, into the same <see cref="LoadResult"/> the file
/// loader produces: Namespaces, Services, Secrets, ConfigMaps, Ingresses and IngressClasses, the
/// CustomResourceDefinitions of the Gateway API groups and of policy kinds (labelled
/// <c>gateway.networking.k8s.io/policy</c>, or named in <see cref="ClusterReadOptions.PolicyKinds"/>), and the objects
/// of each such CRD at a version it serves. Lists are paged (<c>limit</c> and <c>continue</c>). Kinds are read one
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
        var ns = _options.Namespace;

        // The CRD listing comes first: it tells which custom kinds exist and at which versions, and it is the request
        // that shows whether the server answers at all.
        var crds = await ListAsync(new ClusterKind(Kinds.CustomResourceDefinition, "v1", "customresourcedefinitions", false),
            async (c, ct) => await _client.ApiextensionsV1.ListCustomResourceDefinitionAsync(continueParameter: c, limit: _options.PageSize, cancellationToken: ct).ConfigureAwait(false),
            session, first: true, cancellationToken).ConfigureAwait(false);
        if (crds.Failure is { } failure)
        {
            return new ClusterReadResult { Failure = failure };
        }

        var custom = crds.Items is null ? GatewayApiFallback : Discover(crds.Items, session);
        var builtIn = new (ClusterKind Kind, Func<string?, CancellationToken, Task<object>> List)[]
        {
            (new(Kinds.Namespace, "v1", "namespaces", false), async (c, ct) => await _client.CoreV1.ListNamespaceAsync(continueParameter: c, limit: _options.PageSize, cancellationToken: ct).ConfigureAwait(false)),
            (new(Kinds.Service, "v1", "services", true), async (c, ct) => ns is null
                ? await _client.CoreV1.ListServiceForAllNamespacesAsync(continueParameter: c, limit: _options.PageSize, cancellationToken: ct).ConfigureAwait(false)
                : await _client.CoreV1.ListNamespacedServiceAsync(ns, continueParameter: c, limit: _options.PageSize, cancellationToken: ct).ConfigureAwait(false)),
            (new(Kinds.Secret, "v1", "secrets", true), async (c, ct) => ns is null
                ? await _client.CoreV1.ListSecretForAllNamespacesAsync(continueParameter: c, limit: _options.PageSize, cancellationToken: ct).ConfigureAwait(false)
                : await _client.CoreV1.ListNamespacedSecretAsync(ns, continueParameter: c, limit: _options.PageSize, cancellationToken: ct).ConfigureAwait(false)),
            (new(Kinds.ConfigMap, "v1", "configmaps", true), async (c, ct) => ns is null
                ? await _client.CoreV1.ListConfigMapForAllNamespacesAsync(continueParameter: c, limit: _options.PageSize, cancellationToken: ct).ConfigureAwait(false)
                : await _client.CoreV1.ListNamespacedConfigMapAsync(ns, continueParameter: c, limit: _options.PageSize, cancellationToken: ct).ConfigureAwait(false)),
            (new(Kinds.IngressClass, "v1", "ingressclasses", false), async (c, ct) => await _client.NetworkingV1.ListIngressClassAsync(continueParameter: c, limit: _options.PageSize, cancellationToken: ct).ConfigureAwait(false)),
            (new(Kinds.Ingress, "v1", "ingresses", true), async (c, ct) => ns is null
                ? await _client.NetworkingV1.ListIngressForAllNamespacesAsync(continueParameter: c, limit: _options.PageSize, cancellationToken: ct).ConfigureAwait(false)
                : await _client.NetworkingV1.ListNamespacedIngressAsync(ns, continueParameter: c, limit: _options.PageSize, cancellationToken: ct).ConfigureAwait(false)),
        };

        foreach (var (kind, list) in builtIn)
        {
            var read = await ListAsync(kind, list, session, first: false, cancellationToken).ConfigureAwait(false);
            if (read.Failure is { } f)
            {
                return new ClusterReadResult { Failure = f };
            }

            AddAll(session, kind, read.Items);
        }

        foreach (var kind in custom)
        {
            var read = await ListAsync(kind, (c, ct) => kind.Namespaced && ns is not null
                    ? _client.CustomObjects.ListNamespacedCustomObjectAsync(kind.Kind.Group, kind.Version, ns, kind.Plural, continueParameter: c, limit: _options.PageSize, cancellationToken: ct)
                    : _client.CustomObjects.ListClusterCustomObjectAsync(kind.Kind.Group, kind.Version, kind.Plural, continueParameter: c, limit: _options.PageSize, cancellationToken: ct),
                session, first: false, cancellationToken).ConfigureAwait(false);
            if (read.Failure is { } f)
            {
                return new ClusterReadResult { Failure = f };
            }

            AddAll(session, kind, read.Items);
        }

        return new ClusterReadResult { Load = session.ToResult() };
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

    private sealed record Listed(List<JsonElement>? Items, string? Failure);

    /// <summary>
    /// Lists one kind page by page. Null items (with no failure) when the kind is skipped: not installed (quietly) or
    /// unreadable (reported). A failure ends the whole read.
    /// </summary>
    private async Task<Listed> ListAsync(ClusterKind kind, Func<string?, CancellationToken, Task<object>> list, LoadSession session, bool first, CancellationToken cancellationToken)
    {
        var items = new List<JsonElement>();
        string? continueToken = null;
        var restarted = false;
        while (true)
        {
            var page = await SendAsync(kind, ct => list(continueToken, ct), session, first, cancellationToken).ConfigureAwait(false);
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
                return new Listed(null, page.Failure);
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

    private enum PageStatus
    {
        Ok,
        Skipped,
        Gone,
        Fatal,
    }

    private readonly record struct Page(PageStatus Status, JsonElement Value, string? Failure);

    /// <summary>One request with its timeout and bounded retries; every outcome that is not a page is reported here.</summary>
    private async Task<Page> SendAsync(ClusterKind kind, Func<CancellationToken, Task<object>> request, LoadSession session, bool first, CancellationToken cancellationToken)
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
                        session.Add(new Diagnostic
                        {
                            Severity = DiagnosticSeverity.Error,
                            Code = DiagnosticCodes.ClusterForbidden,
                            Message = $"cannot list {kind.Resource}: forbidden (403); the credentials need the 'list' verb on '{kind.Plural}' in API group \"{kind.Kind.Group}\""
                                + (kind.Namespaced ? _options.Namespace is { } n ? $" in namespace {n}" : " in every namespace" : string.Empty)
                                + $" (kubectl auth can-i list {kind.Resource}{(kind.Namespaced && _options.Namespace is null ? " -A" : string.Empty)}); evaluated without its {kind.Kind.Kind} objects",
                        });
                        return new Page(PageStatus.Skipped, default, null);
                    case HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError:
                        lastProblem = $"{(int)code} {code}";
                        break;
                    default:
                        session.Add(Unread(kind, $"the API server answered {(int)code} {code}"));
                        return new Page(PageStatus.Skipped, default, null);
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

        session.Add(Unread(kind, $"{_options.Attempts} attempts failed (last: {lastProblem})"));
        return new Page(PageStatus.Skipped, default, null);
    }

    private static Diagnostic Unread(ClusterKind kind, string why) => new()
    {
        Severity = DiagnosticSeverity.Error,
        Code = DiagnosticCodes.ClusterRequestFailed,
        Message = $"cannot list {kind.Resource}: {why}; evaluated without its {kind.Kind.Kind} objects",
    };

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
