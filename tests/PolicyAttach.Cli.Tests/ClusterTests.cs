using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace PolicyAttach.Cli.Tests;

/// <summary>
/// Reading a cluster (<c>--cluster</c>, <c>--kubeconfig</c>, <c>--context</c>) through the real KubernetesClient
/// against a local API server; and every way the environment can be wrong: one line, exit 2, no stack trace.
/// </summary>
public sealed class ClusterTests : IDisposable
{
    private const string Gw = "gateway.networking.k8s.io";
    private const string SecretValue = "secret-sentinel-value";

    private readonly LocalApiServer _server = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("pa-cli-cluster-").FullName;

    public ClusterTests() => Populate();

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Status_Cluster_PrintsWhatTheSameObjectsInAFileGive()
    {
        var kubeconfig = _server.WriteKubeconfig(_dir);
        var file = Path.Combine(_dir, "objects.json");
        File.WriteAllText(file, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray([.. AllObjects()]) }.ToJsonString());

        var fromCluster = CliRunner.Run("status", "--kubeconfig", kubeconfig, "-o", "json");
        var fromFile = CliRunner.Run("status", file, "-o", "json");

        Assert.Equal(0, fromCluster.ExitCode);
        Assert.Equal(fromFile.Stdout, fromCluster.Stdout);
        Assert.Contains("\"attachedRoutes\": 1", fromCluster.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, fromCluster.Stderr);
    }

    [Fact]
    public void Status_ClusterWithNamespace_ReadsThatNamespaceAndWhereItRefersOnly_WithTheWholeReadsStatuses()
    {
        var fromCluster = StatusOfNamespaceAsAFileGivesIt("default");

        Assert.Contains("\"name\": \"cross\"", fromCluster.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\"reason\": \"RefNotPermitted\"", fromCluster.Stdout, StringComparison.Ordinal);

        // default, the namespace its routes' parent Gateway is in (infra), and the one a backendRef points into
        // (backend, with its ReferenceGrant); never other, and no namespaced kind listed across namespaces.
        Assert.Equal(["backend", "default", "infra"], ListedNamespaces());
        Assert.DoesNotContain(_server.Requests, IsNamespacedListEverywhere);
    }

    [Fact]
    public void Status_ClusterWithNamespaceOfAGatewayAdmittingAll_ListsRoutesEverywhereToCountAttachedRoutes()
    {
        var fromCluster = StatusOfNamespaceAsAFileGivesIt("infra");

        Assert.Contains("\"attachedRoutes\": 3", fromCluster.Stdout, StringComparison.Ordinal);

        // The Gateway of infra admits routes from All namespaces: the route kinds are listed everywhere, nothing else.
        Assert.Equal(["infra"], ListedNamespaces());
        Assert.Contains(_server.Requests, r => r.StartsWith("GET /apis/gateway.networking.k8s.io/v1/httproutes?", StringComparison.Ordinal));
        Assert.Equal(["GET /apis/gateway.networking.k8s.io/v1/httproutes"], _server.Requests.Where(IsNamespacedListEverywhere).Select(r => r.Split('?')[0]).Distinct());
    }

    [Fact]
    public void Explain_ClusterWithNamespaceOtherThanTheTargets_ReadsWhereTheTargetLives()
    {
        WithNamespaces();

        var run = CliRunner.Run("explain", "--kubeconfig", _server.WriteKubeconfig(_dir), "-n", "other", "httproute/default/cross");

        Assert.Equal((0, string.Empty), (run.ExitCode, run.Stderr));
        Assert.Contains("cross", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("default", ListedNamespaces());
        Assert.DoesNotContain("other", ListedNamespaces());
    }

    /// <summary>
    /// <c>status -n NS</c> of the cluster (with namespaces backend and other added), checked to print what the same
    /// objects in a file print for that namespace, with nothing on standard error.
    /// </summary>
    private CliRun StatusOfNamespaceAsAFileGivesIt(string ns)
    {
        var file = WithNamespaces();
        var fromCluster = CliRunner.Run("status", "--kubeconfig", _server.WriteKubeconfig(_dir), "-n", ns, "-o", "json");
        var fromFile = CliRunner.Run("status", file, "-n", ns, "-o", "json");

        Assert.Equal((0, string.Empty), (fromCluster.ExitCode, fromCluster.Stderr));
        Assert.Equal(fromFile.Stdout, fromCluster.Stdout);
        return fromCluster;
    }

    /// <summary>The namespaces some namespaced kind was listed in.</summary>
    private List<string> ListedNamespaces()
        => [.. _server.Requests.Select(r => System.Text.RegularExpressions.Regex.Match(r, "^GET /api[s]?/.*?/namespaces/([^/]+)/")).Where(m => m.Success)
            .Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>A list of a namespaced kind across every namespace (cluster-scoped kinds are always read whole).</summary>
    private static bool IsNamespacedListEverywhere(string request)
    {
        var path = request.Split('?')[0];
        return !path.Contains("/namespaces/", StringComparison.Ordinal)
            && !path.EndsWith("/namespaces", StringComparison.Ordinal)
            && !path.EndsWith("/customresourcedefinitions", StringComparison.Ordinal)
            && !path.EndsWith("/gatewayclasses", StringComparison.Ordinal)
            && !path.EndsWith("/ingressclasses", StringComparison.Ordinal);
    }

    /// <summary>
    /// Adds namespaces backend (a Service a route of default refers to, with the ReferenceGrant that permits it) and
    /// other (a route to the Gateway of infra and a Service), and writes every object to a file.
    /// </summary>
    private string WithNamespaces()
    {
        var extra = new (string Resource, string ApiVersion, JsonObject Item)[]
        {
            ("namespaces", "v1", Parse("""{"kind":"Namespace","metadata":{"name":"backend","creationTimestamp":"2024-01-01T00:00:00Z"}}""")),
            ("namespaces", "v1", Parse("""{"kind":"Namespace","metadata":{"name":"other","creationTimestamp":"2024-01-01T00:00:00Z"}}""")),
            ("httproutes." + Gw, Gw + "/v1", Parse("""{"kind":"HTTPRoute","metadata":{"name":"cross","namespace":"default","creationTimestamp":"2024-01-01T00:00:00Z"},"spec":{"parentRefs":[{"name":"web","namespace":"infra"}],"rules":[{"matches":[{"path":{"type":"PathPrefix","value":"/api"}}],"backendRefs":[{"name":"api","namespace":"backend","port":8080}]}]}}""")),
            ("services", "v1", Parse("""{"kind":"Service","metadata":{"name":"api","namespace":"backend","creationTimestamp":"2024-01-01T00:00:00Z"},"spec":{"ports":[{"port":8080}]}}""")),
            ("referencegrants." + Gw, Gw + "/v1beta1", Parse("""{"kind":"ReferenceGrant","metadata":{"name":"from-default","namespace":"backend","creationTimestamp":"2024-01-01T00:00:00Z"},"spec":{"from":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","namespace":"default"}],"to":[{"group":"","kind":"Service"}]}}""")),
            ("httproutes." + Gw, Gw + "/v1", Parse("""{"kind":"HTTPRoute","metadata":{"name":"elsewhere","namespace":"other","creationTimestamp":"2024-01-01T00:00:00Z"},"spec":{"parentRefs":[{"name":"web","namespace":"infra"}],"rules":[{"matches":[{"path":{"type":"PathPrefix","value":"/other"}}],"backendRefs":[{"name":"other","port":80}]}]}}""")),
            ("services", "v1", Parse("""{"kind":"Service","metadata":{"name":"other","namespace":"other","creationTimestamp":"2024-01-01T00:00:00Z"},"spec":{"ports":[{"port":80}]}}""")),
        };
        foreach (var (resource, apiVersion, item) in extra)
        {
            _server.Add(resource, apiVersion, item.DeepClone().AsObject());
        }

        var items = AllObjects().Concat(extra.Select(e =>
        {
            var copy = e.Item.DeepClone().AsObject();
            copy["apiVersion"] = e.ApiVersion;
            return copy;
        }));
        var file = Path.Combine(_dir, "namespaces.json");
        File.WriteAllText(file, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray([.. items]) }.ToJsonString());
        return file;
    }

    [Fact]
    public void Status_ClusterFlagWithCurrentContextFromKubeconfigVariable_ReadsTheCluster()
    {
        var kubeconfig = _server.WriteKubeconfig(_dir);

        var run = CliRunner.RunWith(new Dictionary<string, string?> { ["KUBECONFIG"] = kubeconfig }, "status", "--cluster", "-o", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"name\": \"shop\"", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_ForbiddenKind_NamesThePermissionAndEvaluatesTheRest()
    {
        _server.Forbidden["referencegrants." + Gw] = true;

        var run = CliRunner.Run("status", "--kubeconfig", _server.WriteKubeconfig(_dir), "--context", "test", "-o", "json");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            "policyattach: error: cannot list referencegrants.gateway.networking.k8s.io: forbidden (403); the credentials need the 'list' verb on 'referencegrants' in API group \"gateway.networking.k8s.io\" in every namespace (kubectl auth can-i list referencegrants.gateway.networking.k8s.io -A); evaluated without its ReferenceGrant objects [PA1013]\n",
            run.Stderr);
        Assert.Contains("\"attachedRoutes\": 1", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status", "-o", "json")]
    [InlineData("describe")]
    [InlineData("validate", "-o", "json")]
    [InlineData("check", "-o", "sarif")]
    [InlineData("graph")]
    public void Commands_Cluster_NeverPrintASecretValue(params string[] command)
    {
        var run = CliRunner.Run([.. command, "--kubeconfig", _server.WriteKubeconfig(_dir)]);

        Assert.NotEqual(2, run.ExitCode);
        var all = run.Stdout + run.Stderr;
        Assert.DoesNotContain(SecretValue, all, StringComparison.Ordinal);
        Assert.DoesNotContain(Base64(SecretValue), all, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_ClusterAndFiles_IsAUsageError()
    {
        var run = CliRunner.Run("status", "--cluster", CliRunner.Fixture("gateway.yaml"));

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("policyattach: error: --cluster reads the cluster instead of files", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_MissingKubeconfig_OneLineExit2()
    {
        var missing = Path.Combine(_dir, "nope");

        var run = CliRunner.Run("status", "--kubeconfig", missing);

        AssertOneLine(run, $"policyattach: error: kubeconfig {missing} does not exist");
    }

    [Fact]
    public void Status_ContextNotInKubeconfig_OneLineExit2()
    {
        var kubeconfig = _server.WriteKubeconfig(_dir);

        var run = CliRunner.Run("status", "--kubeconfig", kubeconfig, "--context", "prod");

        AssertOneLine(run, $"policyattach: error: context 'prod' is not in kubeconfig {kubeconfig} (contexts: test)");
    }

    [Fact]
    public void Status_UnreachableServer_OneLineExit2()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var kubeconfig = _server.WriteKubeconfig(_dir, server: $"http://127.0.0.1:{port}");

        var run = CliRunner.Run("status", "--kubeconfig", kubeconfig);

        AssertOneLine(run, $"policyattach: error: cannot reach the API server at http://127.0.0.1:{port}: ");
    }

    [Fact]
    public void Status_ExpiredToken_OneLineExit2()
    {
        var kubeconfig = _server.WriteKubeconfig(_dir, token: "expired-token");

        var run = CliRunner.Run("status", "--kubeconfig", kubeconfig);

        AssertOneLine(run, "policyattach: error: the API server refused the credentials (401 Unauthorized): the token or client certificate is expired or invalid; log in again or refresh the kubeconfig");
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("1m30s", 90)]
    [InlineData("2", 2)]
    [InlineData("500ms", 0.5)]
    public void TryParseDuration_KubectlForms_AreRead(string text, double seconds)
    {
        Assert.True(Input.InputOptions.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1s")]
    [InlineData("soon")]
    [InlineData("")]
    public void Status_BadRequestTimeout_IsAUsageError(string text)
    {
        var run = CliRunner.Run("status", "--cluster", "--request-timeout", text);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--request-timeout", run.Stderr, StringComparison.Ordinal);
    }

    private static void AssertOneLine(CliRun run, string start)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.StartsWith(start, run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    private static string Base64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));

    private void Populate()
    {
        foreach (var (resource, apiVersion, item) in Objects())
        {
            _server.Add(resource, apiVersion, item);
        }
    }

    private static IEnumerable<JsonObject> AllObjects() => Objects().Select(o =>
    {
        var copy = o.Item.DeepClone().AsObject();
        copy["apiVersion"] = o.ApiVersion;
        return copy;
    });

    private static IEnumerable<(string Resource, string ApiVersion, JsonObject Item)> Objects()
    {
        const string Crds = "customresourcedefinitions.apiextensions.k8s.io";
        yield return (Crds, "apiextensions.k8s.io/v1", GatewayCrds.Crd("GatewayClass", "gatewayclasses", "v1", "Cluster"));
        yield return (Crds, "apiextensions.k8s.io/v1", GatewayCrds.Crd("Gateway", "gateways", "v1", "Namespaced"));
        yield return (Crds, "apiextensions.k8s.io/v1", GatewayCrds.Crd("HTTPRoute", "httproutes", "v1", "Namespaced"));
        yield return (Crds, "apiextensions.k8s.io/v1", GatewayCrds.Crd("ReferenceGrant", "referencegrants", "v1beta1", "Namespaced"));
        yield return ("namespaces", "v1", Parse("""{"kind":"Namespace","metadata":{"name":"default","creationTimestamp":"2024-01-01T00:00:00Z"}}"""));
        yield return ("namespaces", "v1", Parse("""{"kind":"Namespace","metadata":{"name":"infra","creationTimestamp":"2024-01-01T00:00:00Z"}}"""));
        yield return ("gatewayclasses." + Gw, Gw + "/v1", Parse("""{"kind":"GatewayClass","metadata":{"name":"example","creationTimestamp":"2024-01-01T00:00:00Z","generation":1},"spec":{"controllerName":"example.com/gateway-controller"}}"""));
        yield return ("gateways." + Gw, Gw + "/v1", Parse("""{"kind":"Gateway","metadata":{"name":"web","namespace":"infra","creationTimestamp":"2024-01-01T00:00:00Z","generation":2},"spec":{"gatewayClassName":"example","listeners":[{"name":"http","protocol":"HTTP","port":80,"allowedRoutes":{"namespaces":{"from":"All"}}}]}}"""));
        yield return ("httproutes." + Gw, Gw + "/v1", Parse("""{"kind":"HTTPRoute","metadata":{"name":"shop","namespace":"default","creationTimestamp":"2024-01-01T00:00:00Z","generation":3},"spec":{"parentRefs":[{"name":"web","namespace":"infra"}],"rules":[{"backendRefs":[{"name":"shop","port":8080}]}]}}"""));
        yield return ("services", "v1", Parse("""{"kind":"Service","metadata":{"name":"shop","namespace":"default","creationTimestamp":"2024-01-01T00:00:00Z"},"spec":{"ports":[{"name":"http","port":8080}]}}"""));
        yield return ("secrets", "v1", Parse($$$"""{"kind":"Secret","metadata":{"name":"db","namespace":"default","creationTimestamp":"2024-01-01T00:00:00Z"},"type":"Opaque","data":{"password":"{{{Base64(SecretValue)}}}"}}"""));
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
