using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Cluster;
using Microsoft.Extensions.DependencyInjection;
using PolicyAttach.Kubernetes.Engine;
using PolicyAttach.Kubernetes.Status;
using PolicyAttach.Model;

namespace PolicyAttach.Kubernetes.Tests.Cluster;

/// <summary>The cluster reader against a local API server, through the real KubernetesClient.</summary>
public sealed class ClusterReaderTests : IDisposable
{
    private readonly LocalApiServer _server = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("pa-cluster-").FullName;

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<ClusterReadResult> ReadAsync(ClusterReadOptions? options = null, string? token = null)
    {
        var kubeconfig = _server.WriteKubeconfig(_dir, token);
        Assert.True(ClusterConnection.TryConnect(kubeconfig, null, TimeSpan.FromSeconds(30), _ => null, out var client, out var error), error);
        using (client)
        {
            return await new ClusterReader(client!, options).ReadAsync();
        }
    }

    [Fact]
    public async Task ReadAsync_PagedLists_ReadsEveryObjectThroughContinueTokens()
    {
        ClusterWorld.Populate(_server, services: 5);

        var read = await ReadAsync(new ClusterReadOptions { PageSize = 2 });

        Assert.Null(read.Failure);
        var services = read.Load!.Resources.Where(r => r.Key.GroupKind == Kinds.Service).Select(r => r.Key.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["svc-0", "svc-1", "svc-2", "svc-3", "svc-4"], services);
        Assert.Contains(_server.Requests, r => r.StartsWith("GET /api/v1/services?", StringComparison.Ordinal) && r.Contains("continue=4", StringComparison.Ordinal));
        Assert.All(_server.Requests, r => Assert.Contains("limit=2", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_ExpiredContinueToken_ListsTheKindAgainFromTheStart()
    {
        ClusterWorld.Populate(_server, services: 3);
        _server.ExpireFirstContinue["services"] = true;

        var read = await ReadAsync(new ClusterReadOptions { PageSize = 2 });

        Assert.Equal(3, read.Load!.Resources.Count(r => r.Key.GroupKind == Kinds.Service));
        Assert.Empty(read.Load.Diagnostics);
    }

    [Fact]
    public async Task ReadAsync_DiscoversGatewayAndPolicyCrdsAtTheirServedVersions_SkipsOthers()
    {
        ClusterWorld.Populate(_server);

        var read = await ReadAsync();

        Assert.Contains(_server.Requests, r => r.StartsWith("GET /apis/gateway.networking.k8s.io/v1beta1/referencegrants", StringComparison.Ordinal));
        Assert.Contains(_server.Requests, r => r.StartsWith("GET /apis/example.com/v1/retrypolicies", StringComparison.Ordinal));
        Assert.DoesNotContain(_server.Requests, r => r.Contains("widgets", StringComparison.Ordinal) || r.Contains("v1alpha9", StringComparison.Ordinal));
        Assert.Contains(read.Load!.Resources, r => r.Key == new ResourceKey("gateway.networking.k8s.io", "HTTPRoute", "default", "shop"));
        Assert.Contains(read.Load.Resources, r => r.Key.GroupKind == Kinds.CustomResourceDefinition && r.Key.Name == "retrypolicies.example.com");
        Assert.Empty(read.Load.Diagnostics);
    }

    [Fact]
    public async Task ReadAsync_ForbiddenKind_NamesThePermissionAndReadsTheRest()
    {
        ClusterWorld.Populate(_server);
        _server.Forbidden["httproutes.gateway.networking.k8s.io"] = true;

        var read = await ReadAsync();

        var diagnostic = Assert.Single(read.Load!.Diagnostics);
        Assert.Equal(DiagnosticCodes.ClusterForbidden, diagnostic.Code);
        Assert.Contains("'list' verb on 'httproutes' in API group \"gateway.networking.k8s.io\"", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains(read.Load.Resources, r => r.Key.GroupKind == Kinds.Gateway);
        Assert.DoesNotContain(read.Load.Resources, r => r.Key.GroupKind == Kinds.HttpRoute);
    }

    [Fact]
    public async Task ReadAsync_ForbiddenCrdListing_FindsKindsByApiDiscoveryAndSaysLabelDiscoveryIsUnavailable()
    {
        ClusterWorld.Populate(_server);
        _server.Forbidden["customresourcedefinitions.apiextensions.k8s.io"] = true;

        var read = await ReadAsync(new ClusterReadOptions { PolicyKinds = [new GroupKind("example.com", "RetryPolicy")] });

        var diagnostic = Assert.Single(read.Load!.Diagnostics);
        Assert.Equal((DiagnosticCodes.ClusterForbidden, DiagnosticSeverity.Warning), (diagnostic.Code, diagnostic.Severity));
        Assert.Contains("found by API discovery (/apis) instead; policy kinds known only by the CRD label gateway.networking.k8s.io/policy cannot be discovered", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains(_server.Requests, r => r.StartsWith("GET /apis/gateway.networking.k8s.io/v1beta1/referencegrants?", StringComparison.Ordinal));
        Assert.Contains(_server.Requests, r => r.StartsWith("GET /apis/example.com/v1/retrypolicies?", StringComparison.Ordinal));
        Assert.DoesNotContain(_server.Requests, r => r.Contains("/status", StringComparison.Ordinal) || r.Contains("widgets", StringComparison.Ordinal) || r.Contains("v1alpha9", StringComparison.Ordinal));
        Assert.Contains(read.Load.Resources, r => r.Key == new ResourceKey("gateway.networking.k8s.io", "HTTPRoute", "default", "shop"));
    }

    [Fact]
    public async Task ReadAsync_ForbiddenCrdListingAndDiscovery_FallsBackToTheStandardKinds()
    {
        ClusterWorld.Populate(_server);
        _server.Forbidden["customresourcedefinitions.apiextensions.k8s.io"] = true;
        _server.Forbidden["discovery"] = true;

        var read = await ReadAsync();

        var diagnostic = Assert.Single(read.Load!.Diagnostics);
        Assert.Equal((DiagnosticCodes.ClusterForbidden, DiagnosticSeverity.Error), (diagnostic.Code, diagnostic.Severity));
        Assert.Contains("API discovery (/apis) is unavailable too", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains(read.Load.Resources, r => r.Key.GroupKind == Kinds.HttpRoute);
    }

    [Fact]
    public async Task ReadAsync_Namespace_ListsNoNamespacedKindOutsideWhatItsObjectsNeed()
    {
        ClusterWorld.Populate(_server);
        _server.Add("services", "v1", ClusterWorld.Parse("""{"kind":"Service","metadata":{"name":"unrelated","namespace":"elsewhere"},"spec":{"ports":[{"port":80}]}}"""));

        var read = await ReadAsync(new ClusterReadOptions { Namespace = "default" });

        // The route of default names its parent Gateway in infra; infra's Gateway admits routes from All namespaces,
        // but it is not a Gateway of default, so routes are not listed everywhere.
        Assert.Contains(read.Load!.Resources, r => r.Key == new ResourceKey("gateway.networking.k8s.io", "Gateway", "infra", "web"));
        Assert.Contains(read.Load.Resources, r => r.Key == new ResourceKey("", "Secret", "infra", "web-cert"));
        Assert.DoesNotContain(read.Load.Resources, r => r.Key.Namespace == "elsewhere");
        Assert.DoesNotContain(_server.Requests, r => r.StartsWith("GET /api/v1/services?", StringComparison.Ordinal) || r.StartsWith("GET /apis/gateway.networking.k8s.io/v1/httproutes?", StringComparison.Ordinal));
        Assert.Contains(_server.Requests, r => r.StartsWith("GET /apis/gateway.networking.k8s.io/v1/namespaces/infra/gateways?", StringComparison.Ordinal));
        Assert.Empty(read.Load.Diagnostics);
    }

    [Fact]
    public async Task ReadAsync_NamespaceOfAListenerSet_ReadsTheListenerSetsItCompetesWith_AndGivesTheWholeReadsStatuses()
    {
        // apps/second attaches to infra/shared, which admits ListenerSets from All namespaces; team/first, older, claims
        // the same port and hostname, so second's listener is in conflict only if team is read too.
        const string Gw = "gateway.networking.k8s.io";
        ClusterWorld.Populate(_server);
        _server.Add("customresourcedefinitions.apiextensions.k8s.io", "apiextensions.k8s.io/v1", ClusterWorld.Crd(Gw, "ListenerSet", "listenersets", "v1"));
        _server.Add("gateways." + Gw, Gw + "/v1", ClusterWorld.Parse("""{"kind":"Gateway","metadata":{"name":"shared","namespace":"infra","creationTimestamp":"2024-01-01T00:00:00Z"},"spec":{"gatewayClassName":"example","allowedListeners":{"namespaces":{"from":"All"}},"listeners":[{"name":"http","protocol":"HTTP","port":80}]}}"""));
        _server.Add("listenersets." + Gw, Gw + "/v1",
            ClusterWorld.Parse("""{"kind":"ListenerSet","metadata":{"name":"first","namespace":"team","creationTimestamp":"2023-01-01T00:00:00Z"},"spec":{"parentRef":{"name":"shared","namespace":"infra"},"listeners":[{"name":"web","hostname":"app.example.com","port":8080,"protocol":"HTTP"}]}}"""),
            ClusterWorld.Parse("""{"kind":"ListenerSet","metadata":{"name":"second","namespace":"apps","creationTimestamp":"2024-01-01T00:00:00Z"},"spec":{"parentRef":{"name":"shared","namespace":"infra"},"listeners":[{"name":"web","hostname":"app.example.com","port":8080,"protocol":"HTTP"}]}}"""));
        var services = new ServiceCollection();
        services.AddPolicyAttach(o => o.ControllerNames.Add("example.com/gateway-controller"));
        await using var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<IPolicyAttachEngine>();
        string StatusesOfApps(ClusterReadResult read) => string.Join("\n", StatusPatches.Build(engine.Evaluate(Snapshot.Create(read.Load!.Resources)), new StatusPatchOptions { Time = DateTimeOffset.UnixEpoch })
            .Where(s => s.Key.Namespace == "apps").Select(s => s.Key + " " + s.MergePatch));

        var whole = StatusesOfApps(await ReadAsync());
        var narrowed = StatusesOfApps(await ReadAsync(new ClusterReadOptions { Namespace = "apps" }));

        Assert.Contains("Conflicted", whole, StringComparison.Ordinal);
        Assert.Equal(whole, narrowed);
        Assert.Contains(_server.Requests, r => r.StartsWith("GET /apis/gateway.networking.k8s.io/v1/listenersets?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_HangingKind_IsBoundedByTheTimeoutAndReported()
    {
        ClusterWorld.Populate(_server);
        _server.Hanging["grpcroutes.gateway.networking.k8s.io"] = true;

        var read = await ReadAsync(new ClusterReadOptions { RequestTimeout = TimeSpan.FromMilliseconds(300), Attempts = 2, RetryDelay = TimeSpan.FromMilliseconds(10) });

        var diagnostic = Assert.Single(read.Load!.Diagnostics);
        Assert.Equal(DiagnosticCodes.ClusterRequestFailed, diagnostic.Code);
        Assert.Contains("grpcroutes.gateway.networking.k8s.io: 2 attempts failed (last: no answer within 0.3 s)", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains(read.Load.Resources, r => r.Key.GroupKind == Kinds.HttpRoute);
    }

    [Fact]
    public async Task ReadAsync_ServerErrorThenSuccess_RetriesAndNotesIt()
    {
        ClusterWorld.Populate(_server);
        _server.FailuresBeforeSuccess["services"] = 1;

        var read = await ReadAsync(new ClusterReadOptions { RetryDelay = TimeSpan.Zero });

        var note = Assert.Single(read.Load!.Diagnostics);
        Assert.Equal((DiagnosticCodes.ClusterRetried, DiagnosticSeverity.Info), (note.Code, note.Severity));
        Assert.Contains(read.Load.Resources, r => r.Key.GroupKind == Kinds.Service);
    }

    [Fact]
    public async Task ReadAsync_RefusedToken_FailsWithOneLine()
    {
        ClusterWorld.Populate(_server);

        var read = await ReadAsync(token: "expired");

        Assert.Null(read.Load);
        Assert.StartsWith("the API server refused the credentials (401 Unauthorized)", read.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_Secret_KeepsTypeAndKeyNamesButNoValue()
    {
        ClusterWorld.Populate(_server);

        var read = await ReadAsync();

        var secret = Assert.IsType<Secret>(read.Load!.Resources.Single(r => r.Key.GroupKind == Kinds.Secret));
        Assert.Equal(["password"], secret.Keys);
        Assert.DoesNotContain(ClusterWorld.SecretValue, secret.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ClusterWorld.SecretValueBase64, secret.ToString(), StringComparison.Ordinal);
    }
}
