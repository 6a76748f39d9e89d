using PolicyAttach.Examples.Controller;

namespace PolicyAttach.Kubernetes.Tests.Cluster;

/// <summary>The example controller's command line: flags over the environment a Deployment sets, and one line for bad input.</summary>
public sealed class ControllerOptionsTests
{
    private static readonly Dictionary<string, string?> Pod = new(StringComparer.Ordinal) { ["POD_NAMESPACE"] = "gateway-system", ["POD_NAME"] = "controller-7d9f-x2" };

    [Fact]
    public void TryParse_DeploymentEnvironment_NamesTheLeaseAndIdentityFromThePod()
    {
        Assert.True(ControllerOptions.TryParse([], n => Pod.GetValueOrDefault(n), out var options, out var error), error);

        Assert.Equal(("gateway-system", "policyattach-example-controller", "controller-7d9f-x2", true), (options.LeaseNamespace, options.LeaseName, options.Identity, options.LeaderElection));
    }

    [Fact]
    public void TryParse_Flags_OverrideTheEnvironment()
    {
        Assert.True(ControllerOptions.TryParse(["--lease-namespace", "ops", "--identity", "me", "--controller-name", "acme.io/gw", "--no-leader-election"], n => Pod.GetValueOrDefault(n), out var options, out var error), error);

        Assert.Equal(("ops", "me", "acme.io/gw", false), (options.LeaseNamespace, options.Identity, options.ControllerName, options.LeaderElection));
    }

    [Theory]
    [InlineData(new[] { "--bogus", "x" }, "unknown flag '--bogus'; see --help")]
    [InlineData(new[] { "--kubeconfig" }, "--kubeconfig needs a value")]
    [InlineData(new[] { "stray" }, "unexpected argument 'stray'; see --help")]
    public void TryParse_BadInput_IsOneLine(string[] args, string expected)
    {
        Assert.False(ControllerOptions.TryParse(args, _ => null, out _, out var error));
        Assert.Equal(expected, error);
    }
}
