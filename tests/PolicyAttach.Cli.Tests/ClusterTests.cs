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
