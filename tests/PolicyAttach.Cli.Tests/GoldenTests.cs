using static PolicyAttach.Cli.Tests.CliRunner;

namespace PolicyAttach.Cli.Tests;

/// <summary>Every command on the fixtures, compared with Golden/*.txt (POLICYATTACH_UPDATE_GOLDEN=1 rewrites them).</summary>
public class GoldenTests
{
    [Theory]
    [InlineData("validate-basic", "validate", "basic.yaml")]
    [InlineData("validate-errors-json", "validate", "errors.yaml", "--output", "json")]
    [InlineData("validate-duplicate", "validate", "duplicate.yaml")]
    [InlineData("status-basic", "status", "basic.yaml")]
    [InlineData("status-basic-time", "status", "basic.yaml", "--time", "2024-05-01T12:00:00Z")]
    [InlineData("status-basic-yaml", "status", "basic.yaml", "--output=yaml")]
    [InlineData("status-basic-text", "status", "basic.yaml", "--output", "text")]
    [InlineData("status-errors", "status", "errors.yaml")]
    [InlineData("status-listenerset", "status", "listenerset.yaml")]
    [InlineData("status-no-class", "status", "no-class.yaml")]
    [InlineData("status-two-controllers", "status", "two-controllers.yaml")]
    [InlineData("status-two-controllers-beta", "status", "two-controllers.yaml", "--controller-name", "beta.example.com/controller")]
    [InlineData("explain-route-store", "explain", "basic.yaml", "httproute/apps/store")]
    [InlineData("explain-route-admin", "explain", "basic.yaml", "HTTPRoute/infra/admin")]
    [InlineData("explain-route-elsewhere-json", "explain", "basic.yaml", "httproute/apps/elsewhere", "--output", "json")]
    [InlineData("explain-gateway", "explain", "basic.yaml", "gateway/infra/web")]
    [InlineData("explain-gateway-json", "explain", "basic.yaml", "gateway/infra/web", "--output", "json")]
    [InlineData("explain-gateway-yaml", "explain", "basic.yaml", "gateway/infra/web", "--output", "yaml")]
    [InlineData("explain-gateway-limit", "explain", "basic.yaml", "gateway/infra/web", "--limit", "1")]
    [InlineData("explain-route-limit", "explain", "basic.yaml", "httproute/apps/store", "--limit", "1")]
    [InlineData("explain-listenerset-json", "explain", "listenerset.yaml", "listenerset/infra/team", "--output", "json")]
    [InlineData("explain-gatewayclass", "explain", "basic.yaml", "gatewayclass/example")]
    [InlineData("explain-listenerset", "explain", "listenerset.yaml", "listenerset/infra/team")]
    [InlineData("explain-unmanaged-route", "explain", "no-class.yaml", "httproute/default/lonely")]
    [InlineData("explain-unknown", "explain", "basic.yaml", "httproute/apps/stor")]
    [InlineData("explain-route-policies", "explain", "policy-levels.yaml", "httproute/shop/shop")]
    [InlineData("explain-gateway-policies", "explain", "policy-levels.yaml", "gateway/shop/web")]
    [InlineData("explain-policy-conflicted", "explain", "backendtls-conflict.yaml", "backendtlspolicy/apps/second")]
    [InlineData("explain-policy-attached-json", "explain", "backendtls-conflict.yaml", "backendtlspolicy/apps/first", "--output", "json")]
    [InlineData("explain-policy-overridden", "explain", "envoy-gateway.yaml", "backendtrafficpolicy/default/gateway-timeouts", "--profile", "envoy-gateway")]
    [InlineData("explain-policy-not-found", "explain", "policy-levels.yaml", "timeoutpolicy/shop/stale", "--output", "yaml")]
    [InlineData("status-envoy-profile-text", "status", "envoy-gateway.yaml", "--profile", "envoy-gateway", "--output", "text")]
    [InlineData("status-envoy-profile", "status", "envoy-gateway.yaml", "--profile", "envoy-gateway")]
    [InlineData("status-policy-levels-text", "status", "policy-levels.yaml", "--output", "text")]
    [InlineData("effective-levels-route", "effective", "policy-levels.yaml", "httproute/shop/shop")]
    [InlineData("effective-levels-rule-json", "effective", "policy-levels.yaml", "httproute/shop/shop", "--section", "api", "--output", "json")]
    [InlineData("effective-levels-gateway", "effective", "policy-levels.yaml", "gateway/shop/web")]
    [InlineData("effective-levels-listener-yaml", "effective", "policy-levels.yaml", "gateway/shop/web", "--section=http", "--output", "yaml")]
    [InlineData("effective-levels-service", "effective", "policy-levels.yaml", "service/shop/api")]
    [InlineData("effective-levels-bad-section", "effective", "policy-levels.yaml", "httproute/shop/shop", "--section", "checkout")]
    [InlineData("effective-unknown", "effective", "policy-levels.yaml", "httproute/shop/shp")]
    [InlineData("effective-envoy-profile", "effective", "envoy-gateway.yaml", "httproute/default/backend", "--profile", "envoy-gateway")]
    [InlineData("effective-envoy-no-profile", "effective", "envoy-gateway.yaml", "httproute/default/backend")]
    [InlineData("effective-envoy-gateway-profile", "effective", "envoy-gateway.yaml", "gateway/default/eg", "--profile", "envoy-gateway")]
    [InlineData("effective-backendtls", "effective", "backendtls-conflict.yaml", "service/apps/secure")]
    [InlineData("effective-listenerset-route", "effective", "listenerset.yaml", "httproute/infra/team")]
    [InlineData("effective-listenerset", "effective", "listenerset.yaml", "listenerset/infra/team")]
    [InlineData("effective-no-policy", "effective", "basic.yaml", "httproute/apps/store")]
    [InlineData("effective-not-attached", "effective", "basic.yaml", "httproute/apps/elsewhere")]
    [InlineData("status-ingress-two-defaults-text", "status", "ingress-two-defaults.yaml", "--output", "text")]
    [InlineData("status-ingress-two-defaults-json", "status", "ingress-two-defaults.yaml", "--output", "json")]
    [InlineData("status-ingress-nginx-controller-text", "status", "ingress-two-defaults.yaml", "--controller-name", "k8s.io/ingress-nginx", "--output", "text")]
    [InlineData("describe-ingress-two-defaults", "describe", "ingress-two-defaults.yaml")]
    [InlineData("describe-ingress-one", "describe", "ingress-two-defaults.yaml", "ingress/apps/shop")]
    public void Command_Fixture_OutputMatchesGolden(string golden, string command, string fixture, params string[] rest)
    {
        string[] args = [command, Fixture(fixture), .. rest];
        AssertGolden(golden, Run(args));
    }

    [Fact]
    public void Explain_AllWithLimit_PrintsEveryEntry()
    {
        var all = Run("explain", Fixture("basic.yaml"), "gateway/infra/web", "--limit", "1", "--all");
        var whole = Run("explain", Fixture("basic.yaml"), "gateway/infra/web");

        Assert.Equal(0, all.ExitCode);
        Assert.Equal(whole.Stdout, all.Stdout);
        Assert.DoesNotContain("--all shows them", all.Stdout, StringComparison.Ordinal);
        Assert.Contains("--all shows them", Run("explain", Fixture("basic.yaml"), "gateway/infra/web", "--limit", "1").Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("ten")]
    public void Explain_LimitNotAPositiveWholeNumber_IsAUsageError(string value)
    {
        var run = Run("explain", Fixture("basic.yaml"), "gateway/infra/web", "--limit", value);

        Assert.Equal(CommandLine.ExitCodes.Usage, run.ExitCode);
        Assert.Contains($"--limit takes a whole number from 1, not '{value}'", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_Stdin_SameAsTheFile()
    {
        var text = File.ReadAllText(Fixture("basic.yaml"));
        var fromStdin = RunWithStdin(text, "status", "-");
        var fromFile = Run("status", Fixture("basic.yaml"));
        Assert.Equal(0, fromStdin.ExitCode);
        Assert.Equal(fromFile.Stdout, fromStdin.Stdout);
    }

    [Fact]
    public void Validate_Stdin_NamesTheFileDash()
    {
        var run = RunWithStdin(File.ReadAllText(Fixture("errors.yaml")), "validate", "-");
        AssertGolden("validate-stdin-errors", run);
        Assert.StartsWith("-:", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("convert-ingress-examples", "yaml")]
    [InlineData("convert-ingress-examples-json", "json")]
    public void ConvertIngress_ExamplesFolder_MatchesGolden(string golden, string format)
        => AssertGolden(golden, Run("convert-ingress", Path.Combine(RepoRoot, "examples"), "--output", format));

    [Fact]
    public void ConvertIngress_TlsWildcardsAndDefaultBackend_MatchesGolden()
        => AssertGolden("convert-ingress-nginx", Run("convert-ingress", Fixture("ingress-nginx.yaml")));

    [Fact]
    public void ConvertIngress_FromIngressRulesOnly_MatchesGolden()
        => AssertGolden("convert-ingress-rules-only", Run("convert-ingress", Fixture("ingress-nginx.yaml"), "--from", "ingress"));

    [Fact]
    public void ConvertIngress_Help_MatchesGolden() => AssertGolden("help-convert-ingress", Run("convert-ingress", "--help"));

    [Theory]
    [InlineData("convert-istio-reviews", "convert-istio", "istio/02-reviews-weighted-subsets.yaml", "--verify", "--profile", "envoy-gateway")]
    [InlineData("convert-istio-precedence", "convert-istio", "istio/06-precedence-inversion.yaml", "--verify", "", "")]
    [InlineData("convert-smi-ab-test", "convert-smi", "smi/02-ab-test-v1alpha3.yaml", "--verify", "", "")]
    public void ConvertMesh_CorpusCase_MatchesGolden(string golden, string command, string file, string verify, string option, string value)
        => AssertGolden(golden, Run([command, Path.Combine(RepoRoot, "tests", "PolicyAttach.Cli.Tests", "Conversion", file), verify, .. option.Length > 0 ? new[] { option, value } : []]));

    [Fact]
    public void ConvertIngress_UnknownClass_PrintsNoObject()
        => AssertGolden("convert-ingress-unknown-class", Run("convert-ingress", Path.Combine(RepoRoot, "examples"), "--class", "nginx"));

    [Fact]
    public void Validate_ExamplesFolder_MatchesGolden()
        => AssertGolden("validate-examples", Run("validate", Path.Combine(RepoRoot, "examples")));

    [Fact]
    public void Status_ExamplesFolder_MatchesGolden()
        => AssertGolden("status-examples", Run("status", Path.Combine(RepoRoot, "examples")));

    [Fact]
    public void Effective_ExamplesFolder_MatchesGolden()
        => AssertGolden("effective-examples", Run("effective", Path.Combine(RepoRoot, "examples"), "httproute/foo/foo"));

    [Fact]
    public void Effective_ExamplesFolderAsJson_MatchesGolden()
        => AssertGolden("effective-examples-json", Run("effective", Path.Combine(RepoRoot, "examples"), "httproute/foo/foo", "--output", "json"));

    [Fact]
    public void Explain_PolicyOfExamplesFolder_MatchesGolden()
        => AssertGolden("explain-examples-retrypolicy", Run("explain", Path.Combine(RepoRoot, "examples"), "retrypolicy/foo/foo-retries"));

    [Fact]
    public void Cli_Help_MatchesGolden() => AssertGolden("help", Run("--help"));

    [Fact]
    public void Status_Help_MatchesGolden() => AssertGolden("help-status", Run("status", "--help"));

    [Fact]
    public void Validate_Help_MatchesGolden() => AssertGolden("help-validate", Run("validate", "-h"));

    [Fact]
    public void Effective_Help_MatchesGolden() => AssertGolden("help-effective", Run("effective", "--help"));

    [Fact]
    public void Explain_Help_MatchesGolden() => AssertGolden("help-explain", Run("help", "explain"));
}
