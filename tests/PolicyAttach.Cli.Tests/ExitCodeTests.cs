using System.Text.Json;
using static PolicyAttach.Cli.Tests.CliRunner;

namespace PolicyAttach.Cli.Tests;

/// <summary>Exit codes: 0 success, 1 input errors (still evaluated), 2 usage errors.</summary>
public class ExitCodeTests
{
    [Theory]
    [InlineData("bogus")]
    [InlineData("--bogus")]
    [InlineData("status", "--bogus", "x")]
    [InlineData("status", "--output")]
    [InlineData("status", "-x", "x")]
    [InlineData("validate")]
    [InlineData("status", "--output", "xml", "FIXTURE")]
    [InlineData("validate", "--output", "json", "--output", "text", "FIXTURE")]
    [InlineData("status", "--time", "yesterday", "FIXTURE")]
    [InlineData("status", "--time", "2024-05-01 12:00:00", "FIXTURE")]
    [InlineData("status", "--profile", "nginx", "FIXTURE")]
    [InlineData("explain", "FIXTURE")]
    [InlineData("explain", "FIXTURE", "not-a-target")]
    [InlineData("explain", "FIXTURE", "service/apps/store")]
    [InlineData("help", "bogus")]
    [InlineData("explain", "--profile", "nginx", "FIXTURE", "httproute/apps/store")]
    [InlineData("effective", "FIXTURE")]
    [InlineData("effective", "FIXTURE", "gatewayclass/example")]
    [InlineData("effective", "FIXTURE", "httproute/apps/nope")]
    [InlineData("effective", "FIXTURE", "gateway/infra/web", "--section", "nope")]
    [InlineData("effective", "--profile", "nginx", "FIXTURE", "httproute/apps/store")]
    [InlineData("status", "--controller-name", "not-a-path", "FIXTURE")]
    public void Cli_UsageError_Exits2(params string[] args)
    {
        var run = Run([.. args.Select(a => a == "FIXTURE" ? Fixture("basic.yaml") : a)]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.StartsWith("policyattach: error: ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Cli_NoArguments_PrintsHelpOnStderrAndExits2()
    {
        var run = Run();
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Usage: policyattach COMMAND", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("validate")]
    [InlineData("explain")]
    [InlineData("effective")]
    public void Command_MissingPath_Exits2WithoutOutput(string command)
    {
        string[] args = command is "explain" or "effective"
            ? [command, Fixture("does-not-exist.yaml"), "httproute/apps/store"]
            : [command, Fixture("basic.yaml"), Fixture("does-not-exist.yaml")];
        var run = Run(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Contains("no such file or directory: Fixtures/does-not-exist.yaml", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_InputErrors_Exits1AndStillEvaluatesTheRest()
    {
        var run = Run("status", Fixture("errors.yaml"));
        Assert.Equal(1, run.ExitCode);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^Fixtures/errors\.yaml:\d+:\d+: error: ", l));
        using var json = JsonDocument.Parse(run.Stdout);
        var names = json.RootElement.EnumerateArray().Select(e => e.GetProperty("kind").GetString() + "/" + e.GetProperty("metadata").GetProperty("name").GetString()).ToList();
        Assert.Equal(["Gateway/web", "GatewayClass/example", "HTTPRoute/ok"], names);
    }

    [Fact]
    public void Status_AmbiguousController_Exits2AndListsTheNames()
    {
        var run = Run("status", Fixture("two-controllers.yaml"));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Contains("alpha.example.com/controller, beta.example.com/controller", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_ExplicitController_ResolvesTheAmbiguity()
    {
        var run = Run("status", Fixture("two-controllers.yaml"), "--controller-name=alpha.example.com/controller");
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(2, json.RootElement.GetArrayLength());
    }

    [Fact]
    public void Status_NoGatewayClass_EmptyArray()
    {
        var run = Run("status", Fixture("no-class.yaml"));
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("[]\n", run.Stdout);
    }

    [Fact]
    public void Validate_WarningsOnly_Exits0()
    {
        var run = Run("validate", Fixture("duplicate.yaml"));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(": warning: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("[PA1006]", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_EnvoyGatewayProfile_WritesEnvoyGatewayConditionsAndChangesNothingElse()
    {
        // The profile writes what Envoy Gateway writes: no Conflicted=False on Gateway listeners and no Gateway
        // ResolvedRefs (it has no client certificate reference); everything else is the same.
        var plain = Run("status", Fixture("basic.yaml"));
        var profiled = Run("status", Fixture("basic.yaml"), "--profile", "envoy-gateway");
        Assert.Equal(0, profiled.ExitCode);
        Assert.Contains("\"NoConflicts\"", plain.Stdout, StringComparison.Ordinal);
        Assert.Equal(WithoutSpecOnlyConditions(plain.Stdout), WithoutSpecOnlyConditions(profiled.Stdout));
        Assert.Equal(System.Text.Json.Nodes.JsonNode.Parse(profiled.Stdout)!.ToJsonString(), WithoutSpecOnlyConditions(profiled.Stdout));
    }

    /// <summary>The status JSON without Gateway ResolvedRefs and Gateway listeners' Conflicted=False conditions.</summary>
    private static string WithoutSpecOnlyConditions(string json)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        foreach (var item in root.AsArray())
        {
            if ((string?)item!["kind"] != "Gateway")
            {
                continue;
            }

            var status = item["status"]!;
            Remove(status["conditions"]!.AsArray(), c => (string?)c["type"] == "ResolvedRefs");
            foreach (var listener in status["listeners"]!.AsArray())
            {
                Remove(listener!["conditions"]!.AsArray(), c => (string?)c["type"] == "Conflicted" && (string?)c["status"] == "False");
            }
        }

        return root.ToJsonString();
    }

    private static void Remove(System.Text.Json.Nodes.JsonArray array, Func<System.Text.Json.Nodes.JsonNode, bool> match)
    {
        for (var i = array.Count - 1; i >= 0; i--)
        {
            if (match(array[i]!))
            {
                array.RemoveAt(i);
            }
        }
    }

    [Fact]
    public void Status_TimeOption_SetsLastTransitionTime()
    {
        var run = Run("status", Fixture("basic.yaml"), "--time", "2024-05-01T14:00:00+02:00");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"lastTransitionTime\": \"2024-05-01T12:00:00Z\"", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("lastTransitionTime", Run("status", Fixture("basic.yaml")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Cli_VersionOption_PrintsAssemblyVersion()
    {
        var run = Run("--version");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("policyattach VERSION\n", run.Stdout);
        Assert.Matches(@"^\d+\.\d+\.\d+", Cli.Version);
    }

    [Fact]
    public void Status_OutputToTerminal_DefaultsToText()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = Cli.Run(["status", Fixture("basic.yaml")], TextReader.Null, output, error, isTerminal: true);
        Assert.Equal(0, code);
        Assert.StartsWith("Gateway/infra/web: Accepted=True", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Cli_HelpWithOtherErrors_HelpWins()
    {
        var run = Run("status", "--bogus", "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("Usage: policyattach status", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Cli_OptionsAfterDoubleDash_TreatedAsPaths()
    {
        var run = Run("validate", "--", "--output");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no such file or directory: --output", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_YamlOutput_ReadsBackAsTheJson()
    {
        var json = Run("explain", Fixture("basic.yaml"), "gateway/infra/web", "--output", "json");
        var yaml = Run("explain", Fixture("basic.yaml"), "gateway/infra/web", "--output", "yaml");
        Assert.Equal(0, yaml.ExitCode);
        Assert.Contains("  - name: http\n", yaml.Stdout, StringComparison.Ordinal);
        Assert.Contains("    status: \"True\"\n", yaml.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"http\"", json.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("httproutes/apps/store")]
    [InlineData("HTTPROUTE/apps/store")]
    [InlineData("httproute.gateway.networking.k8s.io/apps/store")]
    public void Explain_KindCaseInsensitivePluralOrQualified_FindsTheRoute(string target)
    {
        var run = Run("explain", Fixture("basic.yaml"), target);
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("HTTPRoute/apps/store\n", run.Stdout, StringComparison.Ordinal);
    }
}
