using PolicyAttach.Cli.CommandLine;
using static PolicyAttach.Cli.Tests.CliRunner;

namespace PolicyAttach.Cli.Tests;

/// <summary>describe, graph and diff compared with Golden/*.txt, and the colour rules.</summary>
public class DescribeGraphDiffTests
{
    private static string Examples => Path.Combine(RepoRoot, "examples");

    private static string Before => Fixture(Path.Combine("diff", "before"));

    private static string After => Fixture(Path.Combine("diff", "after"));

    [Fact]
    public void Describe_Examples_MatchesGolden() => AssertGolden("describe-examples", Run("describe", Examples));

    [Fact]
    public void Describe_ExamplesForIngressController_MatchesGolden()
        => AssertGolden("describe-examples-ingress", Run("describe", Examples, "--controller-name", "istio.io/ingress-controller"));

    [Fact]
    public void Status_TextOfExamplesForIngressController_MatchesGolden()
        => AssertGolden("status-examples-ingress-text", Run("status", Examples, "--controller-name", "istio.io/ingress-controller", "--output", "text"));

    [Fact]
    public void Describe_ExamplesAsJson_MatchesGolden() => AssertGolden("describe-examples-json", Run("describe", Examples, "--output", "json"));

    [Fact]
    public void Describe_OneRoute_ShowsItsParents() => AssertGolden("describe-route", Run("describe", Examples, "httproute/foo/foo"));

    [Fact]
    public void Describe_OneGateway_MatchesGolden() => AssertGolden("describe-gateway", Run("describe", Fixture("graph.yaml"), "gateway/infra/web"));

    [Fact]
    public void Describe_UnattachedRoute_MatchesGolden() => AssertGolden("describe-unattached-route", Run("describe", Fixture("basic.yaml"), "httproute/apps/elsewhere"));

    [Fact]
    public void Describe_ListenerSetAsYaml_MatchesGolden() => AssertGolden("describe-listenerset-yaml", Run("describe", Fixture("graph.yaml"), "listenerset/infra/extra", "--output", "yaml"));

    [Fact]
    public void Describe_PolicyLevels_MatchesGolden() => AssertGolden("describe-policy-levels", Run("describe", Fixture("policy-levels.yaml")));

    [Fact]
    public void Describe_ColourForced_MatchesGolden() => AssertGolden("describe-examples-color", Run("describe", Examples, "--color", "always"));

    [Fact]
    public void Describe_AcceptedMeshRoute_ListedUnderMeshNotRefused()
    {
        // Regression: an accepted GAMMA route (spec digest §13) attaches to a Service, not to a listener, and was
        // listed under "Refused parentRefs (attached to no listener)".
        const string Yaml = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: mesh}
            spec: {controllerName: example.com/mesh-controller}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: reviews, namespace: shop}
            spec: {ports: [{name: http, port: 9080}]}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: reviews-split, namespace: shop}
            spec:
              parentRefs: [{group: "", kind: Service, name: reviews, port: 9080}]
              rules: [{backendRefs: [{name: reviews, port: 9080}]}]
            """;
        var run = RunWithStdin(Yaml, "describe", "-");
        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("Refused parentRefs", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Mesh (GAMMA) routes", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("HTTPRoute shop/reviews-split", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_OnTerminal_ColouredUnlessNoColorEnvOrFlag()
    {
        var coloured = RunOnTerminal(noColor: null, "describe", Examples);
        var noColorEnv = RunOnTerminal(noColor: "1", "describe", Examples);
        var noColorFlag = RunOnTerminal(noColor: null, "describe", Examples, "--no-color");
        var redirected = Run("describe", Examples);
        Assert.Contains("\u001b[32m", coloured, StringComparison.Ordinal);
        Assert.Equal(Run("describe", Examples, "--color", "always").Stdout, coloured);
        Assert.DoesNotContain('\u001b', noColorEnv);
        Assert.Equal(redirected.Stdout, noColorEnv);
        Assert.Equal(redirected.Stdout, noColorFlag);
        Assert.DoesNotContain('\u001b', redirected.Stdout);
    }

    [Fact]
    public void Describe_Service_UsageError()
    {
        var run = Run("describe", Examples, "service/bar/bar");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("describe takes a GatewayClass, Gateway, ListenerSet, route or Ingress", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("graph-examples-dot", "dot")]
    [InlineData("graph-examples-mermaid", "mermaid")]
    public void Graph_Examples_MatchesGolden(string golden, string format) => AssertGolden(golden, Run("graph", Examples, "--format", format));

    [Theory]
    [InlineData("graph-refused-dot", "dot")]
    [InlineData("graph-refused-mermaid", "mermaid")]
    public void Graph_RefusedAttachmentsAndPolicies_MatchesGolden(string golden, string format) => AssertGolden(golden, Run("graph", Fixture("graph.yaml"), "--format", format));

    [Fact]
    public void Graph_JsonOutput_MatchesGolden() => AssertGolden("graph-examples-json", Run("graph", Examples, "--output", "json"));

    [Fact]
    public void Graph_DotFormat_IsWellFormed()
    {
        var dot = Run("graph", Fixture("graph.yaml")).Stdout;
        Assert.StartsWith("digraph policyattach {\n", dot, StringComparison.Ordinal);
        Assert.EndsWith("}\n", dot, StringComparison.Ordinal);
        Assert.Equal(0, dot.Count(c => c == '"') % 2);
        Assert.Equal(dot.Count(c => c == '['), dot.Count(c => c == ']'));
        foreach (var line in dot.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)))
        {
            Assert.EndsWith(";", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Graph_UnknownFormat_UsageError() => Assert.Equal(2, Run("graph", Examples, "--format", "svg").ExitCode);

    [Fact]
    public void Diff_IdenticalInputs_Exits0()
    {
        var run = Run("diff", Examples, Examples);
        AssertGolden("diff-identical", run);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("no changes", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_FixturePair_Exits3()
    {
        var run = Run("diff", Before, After);
        AssertGolden("diff-pair", run);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("ReferenceGrant backend/team-routes\n  - removed\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("~ status parent Gateway infra/web condition ResolvedRefs: True (ResolvedRefs) -> False (RefNotPermitted)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("~ routing Gateway infra/web listener http hostnames: shop.example.com -> store.example.com", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("~ policy RetryPolicy.example.io maxRetries via Gateway infra/web listener http: 5 from RetryPolicy team/shop-retries (Route, default) -> 3 from", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_InputErrorsAndChanges_Exits3AndStillPrintsTheErrorsAndTheDiff()
    {
        // Regression: input errors on one side gave 1 and hid the 3 a CI job checks for changes.
        var run = Run("diff", Fixture("basic.yaml"), Fixture("errors.yaml"));
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("Fixtures/errors.yaml:", run.Stderr, StringComparison.Ordinal);
        Assert.Contains(" changes in ", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_InputErrorsWithoutChanges_Exits1()
    {
        var run = Run("diff", Fixture("errors.yaml"), Fixture("errors.yaml"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Fixtures/errors.yaml:", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A class, a Gateway whose listener admits routes from <c>FROM</c>, and a route apps/app on it.</summary>
    private const string Template = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: gc}
        spec: {controllerName: example.com/gateway-controller}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: web, namespace: infra}
        spec:
          gatewayClassName: gc
          listeners: [{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: FROM}}}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: app, namespace: apps}
        spec:
          parentRefs: [{name: web, namespace: infra}]
        """;

    [Fact]
    public void Diff_ListenerAttachedRoutesAndGatewayConditionChanges_Reported()
    {
        // Regression: allowedRoutes from All to Same took a route off the listener (attachedRoutes 1 -> 0) and diff
        // did not say so.
        var before = Template.Replace("FROM", "All", StringComparison.Ordinal);
        var run = DiffOf(before, Template.Replace("FROM", "Same", StringComparison.Ordinal), "-o", "json");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("\"subject\": \"listener http attachedRoutes\"", run.Stdout, StringComparison.Ordinal);

        // A Gateway-level condition change (Accepted True -> False/InvalidParameters) is reported too.
        var broken = before.Replace("  gatewayClassName: gc", "  gatewayClassName: gc\n  infrastructure: {parametersRef: {group: example.com, kind: Params, name: missing}}", StringComparison.Ordinal);
        var gateway = DiffOf(before, broken, "-o", "json");
        Assert.Equal(3, gateway.ExitCode);
        Assert.Contains("\"subject\": \"condition Accepted\"", gateway.Stdout, StringComparison.Ordinal);
        Assert.Contains("InvalidParameters", gateway.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_RouteNoLongerManaged_ItsFactsReportedRemoved()
    {
        // Route b moves to another controller's Gateway: it is not ours after, so each of its own facts is removed
        // (compared with none, not with the facts of the route compared before it, app, which are the same).
        var manifests = Template.Replace("FROM", "All", StringComparison.Ordinal) + """

            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: other}
            spec: {controllerName: example.net/another-controller}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: elsewhere, namespace: infra}
            spec:
              gatewayClassName: other
              listeners: [{name: http, port: 80, protocol: HTTP}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: b, namespace: apps}
            spec:
              parentRefs: [{name: web, namespace: infra}]
            """;
        var last = manifests.LastIndexOf("parentRefs: [{name: web", StringComparison.Ordinal);
        var run = DiffOf(manifests, manifests[..last] + "parentRefs: [{name: elsewhere, namespace: infra}]", "--controller-name", "example.com/gateway-controller");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("HTTPRoute apps/b\n  - status parent Gateway infra/web condition Accepted: True (Accepted)\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("  - attachment Gateway infra/web listener http: attached\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("6 changes in 2 objects.", run.Stdout, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>diff</c> on two manifest texts written to files of their own.</summary>
    private static CliRun DiffOf(string before, string after, params string[] options)
    {
        var dir = Directory.CreateTempSubdirectory("policyattach-diff-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "before.yaml"), before);
            File.WriteAllText(Path.Combine(dir.FullName, "after.yaml"), after);
            return Run(["diff", Path.Combine(dir.FullName, "before.yaml"), Path.Combine(dir.FullName, "after.yaml"), .. options]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Diff_FixturePairReversed_MatchesGolden() => AssertGolden("diff-pair-reversed", Run("diff", After, Before));

    [Fact]
    public void Diff_Limit_MatchesGolden() => AssertGolden("diff-pair-limit", Run("diff", Before, After, "--limit", "1"));

    [Fact]
    public void Diff_AllWithLimit_PrintsEveryChange()
        => Assert.Equal(Run("diff", Before, After).Stdout, Run("diff", Before, After, "--limit", "1", "--all").Stdout);

    [Fact]
    public void Diff_JsonOutput_MatchesGolden() => AssertGolden("diff-pair-json", Run("diff", Before, After, "--output", "json"));

    [Fact]
    public void Diff_ColourForced_MatchesGolden() => AssertGolden("diff-pair-color", Run("diff", Before, After, "--color", "always"));

    [Theory]
    [InlineData("diff", "FIXTURE")]
    [InlineData("diff", "FIXTURE", "FIXTURE", "FIXTURE")]
    [InlineData("diff", "-", "-")]
    [InlineData("diff", "FIXTURE", "nope.yaml")]
    [InlineData("describe", "FIXTURE", "--color", "sometimes")]
    [InlineData("describe", "FIXTURE", "--no-color=yes")]
    public void Cli_UsageError_Exits2(params string[] args)
    {
        var run = Run([.. args.Select(a => a == "FIXTURE" ? Fixture("basic.yaml") : a)]);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("policyattach: error: ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeGraphDiff_Help_MatchesGolden()
    {
        AssertGolden("help-describe", Run("describe", "--help"));
        AssertGolden("help-graph", Run("graph", "--help"));
        AssertGolden("help-diff", Run("diff", "--help"));
    }

    private static string RunOnTerminal(string? noColor, params string[] args)
    {
        using var input = new StringReader(string.Empty);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(input, output, error, IsTerminal: true)
        {
            Environment = name => name == "NO_COLOR" ? noColor : null,
        };
        Assert.Equal(0, Cli.Run(args, context));
        return output.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
