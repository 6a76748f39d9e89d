using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;

namespace PolicyAttach.Cli.Tests;

/// <summary><c>policyattach audit</c>: the statuses a controller wrote against the ones the engine computes.</summary>
public sealed class AuditTests : IDisposable
{
    private const string Gw = "gateway.networking.k8s.io";

    private readonly string _dir = Directory.CreateTempSubdirectory("pa-audit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string KubectlGet => CliRunner.Fixture(Path.Combine("audit", "kubectl-get.yaml"));

    [Fact]
    public void Audit_KubectlGetOutput_MatchesGolden()
        => CliRunner.AssertGolden("audit-kubectl-get", CliRunner.Run("audit", KubectlGet));

    [Fact]
    public void Audit_KubectlGetOutputAsJson_ListsEveryDifferenceWithBothSides()
    {
        var run = CliRunner.Run("audit", KubectlGet, "-o", "json");

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var differences = json.RootElement.GetProperty("differences").EnumerateArray().ToList();
        var attached = differences.Single(d => d.GetProperty("path").GetString() == "status.listeners[http].attachedRoutes");
        Assert.Equal(("PA8004", "3", "2"), (attached.GetProperty("code").GetString(), attached.GetProperty("written").GetString(), attached.GetProperty("computed").GetString()));
        Assert.Contains(differences, d => d.GetProperty("code").GetString() == "PA8002" && d.GetProperty("object").GetProperty("name").GetString() == "new");
        Assert.DoesNotContain(differences, d => d.GetProperty("path").GetString()!.Contains("Healthy", StringComparison.Ordinal));
        Assert.DoesNotContain(differences, d => d.GetProperty("message").GetString()!.Contains("another controller", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sarif")]
    [InlineData("github")]
    public void Audit_CheckFormats_CarryEveryDifference(string format)
    {
        var json = CliRunner.Run("audit", KubectlGet, "-o", "json");
        var count = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("differences").GetArrayLength();

        var run = CliRunner.Run("audit", KubectlGet, "-o", format);

        Assert.Equal(1, run.ExitCode);
        var results = format == "sarif"
            ? JsonDocument.Parse(run.Stdout).RootElement.GetProperty("runs")[0].GetProperty("results").GetArrayLength()
            : run.Stdout.Split('\n').Count(l => l.StartsWith("::error", StringComparison.Ordinal));
        Assert.Equal(count, results);
    }

    [Fact]
    public async Task Audit_Sarif_DeclaresEveryAuditCodeAsARuleAndIsValidSarif()
    {
        var run = CliRunner.Run("audit", KubectlGet, "-o", "sarif");
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Schemas", "sarif-schema-2.1.0.json"));

        Assert.Empty(schema.Validate(run.Stdout).Select(e => e.ToString()));
        var sarifRun = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("runs")[0];
        var rules = sarifRun.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
        foreach (var code in new[] { "PA8001", "PA8002", "PA8003", "PA8004" })
        {
            var rule = rules.Single(r => r.GetProperty("id").GetString() == code);
            Assert.StartsWith("Audit: ", rule.GetProperty("shortDescription").GetProperty("text").GetString(), StringComparison.Ordinal);
            Assert.Equal("error", rule.GetProperty("defaultConfiguration").GetProperty("level").GetString());
        }

        var results = sarifRun.GetProperty("results").EnumerateArray().ToList();
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.Equal(r.GetProperty("ruleId").GetString(), rules[r.GetProperty("ruleIndex").GetInt32()].GetProperty("id").GetString()));
    }

    [Fact]
    public void Audit_ChangedMessage_DiffersOnlyWithCompareMessages()
    {
        var file = WithStatuses(_dir, status =>
        {
            if ((string?)status["metadata"]!["name"] == "shop")
            {
                status["status"]!["parents"]![0]!["conditions"]![0]!["message"] = "our own wording";
            }
        });

        var plain = CliRunner.Run("audit", file);
        var compared = CliRunner.Run("audit", file, "--compare-messages", "-o", "json");

        Assert.Equal(0, plain.ExitCode);
        Assert.Equal(1, compared.ExitCode);
        var difference = Assert.Single(JsonDocument.Parse(compared.Stdout).RootElement.GetProperty("differences").EnumerateArray());
        Assert.Equal(("PA8001", "our own wording"), (difference.GetProperty("code").GetString(), difference.GetProperty("written").GetString()));
        Assert.EndsWith(".message", difference.GetProperty("path").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Audit_CompareTimestamps_ReportsMissingMalformedAndBeforeCreationTimesOnly()
    {
        var broken = new List<string>();
        var file = WithStatuses(_dir, status =>
        {
            var name = (string?)status["metadata"]!["name"];
            if (name == "shop")
            {
                var conditions = status["status"]!["parents"]![0]!["conditions"]!.AsArray();
                conditions[0]!["lastTransitionTime"] = "2023-12-31T23:59:59Z"; // the route was created 2024-01-01T00:00:00Z
                conditions[1]!["lastTransitionTime"] = "yesterday";
                broken.Add($"status.parents[Gateway/infra/web].conditions[{conditions[0]!["type"]}].lastTransitionTime");
                broken.Add($"status.parents[Gateway/infra/web].conditions[{conditions[1]!["type"]}].lastTransitionTime");
            }
            else if (name == "web")
            {
                var condition = status["status"]!["conditions"]![0]!.AsObject();
                condition.Remove("lastTransitionTime");
                broken.Add($"status.conditions[{condition["type"]}].lastTransitionTime");
            }
        }, time: "2024-03-01T10:00:00+02:00");

        var plain = CliRunner.Run("audit", file);
        var compared = CliRunner.Run("audit", file, "--compare-timestamps", "-o", "json");

        Assert.Equal(0, plain.ExitCode);
        Assert.Equal(1, compared.ExitCode);
        var differences = JsonDocument.Parse(compared.Stdout).RootElement.GetProperty("differences").EnumerateArray().ToList();
        Assert.Equal(broken.Order(StringComparer.Ordinal), differences.Select(d => d.GetProperty("path").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(differences, d => Assert.Equal("PA8001", d.GetProperty("code").GetString()));
        Assert.Contains(differences, d => d.GetProperty("message").GetString()!.Contains("is before the object was created (2024-01-01T00:00:00Z)", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.GetProperty("message").GetString()!.Contains("\"yesterday\" is not an RFC 3339 time", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.GetProperty("message").GetString()!.Contains("lastTransitionTime is not written", StringComparison.Ordinal));
    }

    [Fact]
    public void Audit_TheEnginesOwnStatuses_MatchExactly()
    {
        // The oracle is the engine itself: objects carrying the statuses `status` computes for them audit clean.
        var run = CliRunner.Run("audit", WithStatuses(_dir, mutate: null));

        Assert.Equal((0, string.Empty), (run.ExitCode, run.Stderr));
        Assert.Equal("4 object(s) audited for example.com/gateway-controller: every status matches.\n", run.Stdout);
    }

    [Fact]
    public void Audit_OneReasonChanged_IsTheOneDifference()
    {
        var file = WithStatuses(_dir, status =>
        {
            if ((string?)status["metadata"]!["name"] == "shop")
            {
                status["status"]!["parents"]![0]!["conditions"]![1]!["reason"] = "BackendNotFound";
                status["status"]!["parents"]![0]!["conditions"]![1]!["status"] = "False";
            }
        });

        var run = CliRunner.Run("audit", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            "HTTPRoute/default/shop status.parents[Gateway/infra/web].conditions[ResolvedRefs]: ResolvedRefs=False (BackendNotFound) is written; the engine computes ResolvedRefs=True (ResolvedRefs) [PA8001]\n\n"
            + "4 object(s) audited for example.com/gateway-controller: 1 differ (1 difference(s)).\n",
            run.Stdout);
    }

    [Fact]
    public void Audit_Cluster_ComparesTheStatusesOnTheServer()
    {
        using var server = new LocalApiServer();
        var objects = JsonNode.Parse(File.ReadAllText(WithStatuses(_dir, status =>
        {
            if ((string?)status["kind"] == "Gateway")
            {
                status["status"]!["listeners"]![0]!["attachedRoutes"] = 0;
            }
        })))!["items"]!.AsArray();
        foreach (var o in objects)
        {
            var apiVersion = (string)o!["apiVersion"]!;
            var kind = (string)o["kind"]!;
            var resource = kind switch
            {
                "Namespace" => "namespaces",
                "Service" => "services",
                "CustomResourceDefinition" => "customresourcedefinitions.apiextensions.k8s.io",
                _ => kind.ToLowerInvariant() + (kind.EndsWith('s') ? "es" : "s") + "." + Gw,
            };
            server.Add(resource, apiVersion, o.DeepClone().AsObject());
        }

        var run = CliRunner.Run("audit", "--kubeconfig", server.WriteKubeconfig(_dir), "-o", "json");

        Assert.Equal(1, run.ExitCode);
        var difference = Assert.Single(JsonDocument.Parse(run.Stdout).RootElement.GetProperty("differences").EnumerateArray());
        Assert.Equal(("status.listeners[http].attachedRoutes", "0", "1"),
            (difference.GetProperty("path").GetString(), difference.GetProperty("written").GetString(), difference.GetProperty("computed").GetString()));
    }

    /// <summary>A small world written to a file with the statuses the engine computes for it, optionally changed.</summary>
    private static string WithStatuses(string dir, Action<JsonNode>? mutate, string? time = null)
    {
        var objects = new JsonArray(
            GatewayCrds.Crd("GatewayClass", "gatewayclasses", "v1", "Cluster"),
            GatewayCrds.Crd("Gateway", "gateways", "v1", "Namespaced"),
            GatewayCrds.Crd("HTTPRoute", "httproutes", "v1", "Namespaced"),
            Parse("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"default","creationTimestamp":"2024-01-01T00:00:00Z"}}"""),
            Parse("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"infra","creationTimestamp":"2024-01-01T00:00:00Z"}}"""),
            Parse("""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"example","creationTimestamp":"2024-01-01T00:00:00Z","generation":1},"spec":{"controllerName":"example.com/gateway-controller"}}"""),
            Parse("""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"web","namespace":"infra","creationTimestamp":"2024-01-01T00:00:00Z","generation":2},"spec":{"gatewayClassName":"example","listeners":[{"name":"http","protocol":"HTTP","port":80,"allowedRoutes":{"namespaces":{"from":"All"}}}]}}"""),
            Parse("""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"shop","namespace":"default","creationTimestamp":"2024-01-01T00:00:00Z","generation":3},"spec":{"parentRefs":[{"name":"web","namespace":"infra"}],"rules":[{"backendRefs":[{"name":"shop","port":8080}]}]}}"""),
            Parse("""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"lost","namespace":"default","creationTimestamp":"2024-01-01T00:00:00Z","generation":1},"spec":{"parentRefs":[{"name":"web","namespace":"infra","sectionName":"https"}]}}"""),
            Parse("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"shop","namespace":"default","creationTimestamp":"2024-01-01T00:00:00Z"},"spec":{"ports":[{"name":"http","port":8080}]}}"""));
        var plain = Path.Combine(dir, "objects.json");
        File.WriteAllText(plain, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = objects.DeepClone() }.ToJsonString());
        foreach (var computed in JsonNode.Parse(CliRunner.Run(["status", plain, "-o", "json", .. time is null ? Array.Empty<string>() : ["--time", time]]).Stdout)!.AsArray())
        {
            mutate?.Invoke(computed!);
            var target = objects.Single(o => (string?)o!["kind"] == (string?)computed!["kind"] && (string?)o!["metadata"]!["name"] == (string?)computed!["metadata"]!["name"]);
            target!["status"] = computed!["status"]!.DeepClone();
        }

        var path = Path.Combine(dir, "with-status.json");
        File.WriteAllText(path, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = objects }.ToJsonString());
        return path;
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
