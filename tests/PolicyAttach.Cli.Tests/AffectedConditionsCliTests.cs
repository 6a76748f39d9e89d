using static PolicyAttach.Cli.Tests.CliRunner;

namespace PolicyAttach.Cli.Tests;

/// <summary><c>status --affected-conditions</c>: GEP-713's optional target conditions (spec digest §14.6), off by default.</summary>
public class AffectedConditionsCliTests
{
    [Fact]
    public void Status_AffectedConditionsFlag_AddsTheTargetConditions_AndTheDefaultHasNone()
    {
        var plain = Run("status", Fixture("policy-levels.yaml"), "-o", "json");
        var affected = Run("status", Fixture("policy-levels.yaml"), "-o", "json", "--affected-conditions");

        Assert.Equal(plain.ExitCode, affected.ExitCode);
        Assert.DoesNotContain("PolicyAffected", plain.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"type\": \"example.io/TimeoutPolicyAffected\"", affected.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"reason\": \"PolicyAffected\"", affected.Stdout, StringComparison.Ordinal);
    }
}
