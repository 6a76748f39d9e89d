using System.Text.Json;
using static PolicyAttach.Cli.Tests.CliRunner;

namespace PolicyAttach.Cli.Tests;

/// <summary>
/// The exit status and output shapes of <c>convert-ingress</c> on ingress-nginx classes: what makes it exit 1, what
/// <c>--allow-approximations</c> accepts, the usage errors of its options, and the JSON verification object.
/// </summary>
public class ConvertIngressNginxCommandTests
{
    private static readonly string Corpus = Path.Combine(RepoRoot, "tests", "PolicyAttach.Cli.Tests", "Fixtures", "ingress-nginx-corpus");

    private static CliRun Convert(string name, params string[] extra)
        => Run(["convert-ingress", Path.Combine(Corpus, "base.yaml"), Path.Combine(Corpus, name), "--default-certificate", "default/example-tls", .. extra]);

    [Fact]
    public void ConvertIngress_EverythingCarried_ExitsZeroWithoutAllowApproximations()
    {
        var run = Convert("04-canary-weight.yaml", "--verify");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("(2 carried), 0 may route requests differently", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("all answered alike", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ConvertIngress_Approximated_ExitsOneUnlessAllowed()
    {
        var strict = Convert("01-api-prefix-rewrite.yaml");
        var allowed = Convert("01-api-prefix-rewrite.yaml", "--allow-approximations");

        Assert.Equal(1, strict.ExitCode);
        Assert.Equal(0, allowed.ExitCode);
        Assert.Contains("approximated", strict.Stdout, StringComparison.Ordinal);
        Assert.Equal(strict.Stdout, allowed.Stdout);
    }

    [Fact]
    public void ConvertIngress_VerificationDifferences_ExitOneUnlessAllowed()
    {
        var strict = Convert("11-tls-ssl-redirect.yaml", "--verify");
        var allowed = Convert("11-tls-ssl-redirect.yaml", "--verify", "--allow-approximations");

        Assert.Equal(1, strict.ExitCode);
        Assert.Equal(0, allowed.ExitCode);
        Assert.Contains("redirect differ", strict.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ConvertIngress_JsonWithVerify_CountsRequestsAndListsDifferences()
    {
        var run = Convert("11-tls-ssl-redirect.yaml", "--verify", "--allow-approximations", "-o", "json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var verification = json.RootElement.GetProperty("verification");
        Assert.Equal("ingress-nginx", verification.GetProperty("source").GetString());
        Assert.True(verification.GetProperty("requests").GetInt32() > 0);
        Assert.Equal(4, verification.GetProperty("differences").GetArrayLength());
        Assert.True(json.RootElement.GetProperty("objects").GetArrayLength() > 0);
    }

    [Theory]
    [InlineData("--from", "traefik", "unknown source 'traefik'")]
    [InlineData("--gateway", "shared", "'shared' is not NAMESPACE/NAME")]
    [InlineData("--default-certificate", "a/b/c", "'a/b/c' is not NAMESPACE/NAME")]
    public void ConvertIngress_BadOption_UsageError(string option, string value, string message)
    {
        var run = Run("convert-ingress", Path.Combine(Corpus, "base.yaml"), Path.Combine(Corpus, "04-canary-weight.yaml"), option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void ConvertIngress_GatewayNotInInput_ReportedAndExitsOne()
    {
        var run = Convert("04-canary-weight.yaml", "--gateway", "default/nope");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Gateway default/nope is not in the input", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("dropped TargetGatewayMissing", run.Stdout, StringComparison.Ordinal);
    }
}
