using PolicyAttach.Binding;
using PolicyAttach.Model;
using PolicyAttach.Policies;
using static PolicyAttach.Tests.Binding.World;

namespace PolicyAttach.Tests.Evaluation;

public sealed class EvaluationOptionsTests
{
    [Fact]
    public void Validate_DefaultOptions_HasNoProblem()
        => Assert.Empty(new EvaluationOptions { ControllerNames = [Controller] }.Validate());

    [Fact]
    public void Validate_NoControllerName_IsValidAndOwnsNothing()
    {
        var options = new EvaluationOptions { ControllerNames = [] };

        Assert.Empty(options.Validate());
        Assert.Empty(Evaluator.Evaluate(Snapshot.Create([Obj(GatewayClass())]), options).GatewayClasses);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOneInFieldOrder()
    {
        var options = new EvaluationOptions
        {
            ControllerNames = ["no-slash", Controller, Controller],
            SupportedFeatures = [Features.HttpRoute, "HTTPRouteTeleport", Features.HttpRoute],
            PolicyKinds = PolicyKindRegistry.Standard.With([new PolicyKindDefinition { Kind = new GroupKind("example.com", "Keyless"), Targets = [], Strategy = MergeStrategy.KeyedPatch }]),
        };

        var problems = options.Validate();

        Assert.Equal(6, problems.Count);
        Assert.Contains("\"no-slash\" is not a domain-prefixed path", problems[0], StringComparison.Ordinal);
        Assert.Contains($"\"{Controller}\" is given more than once", problems[1], StringComparison.Ordinal);
        Assert.Contains("\"HTTPRouteTeleport\" is not a feature", problems[2], StringComparison.Ordinal);
        Assert.Contains("\"HTTPRoute\" is given more than once", problems[3], StringComparison.Ordinal);
        Assert.Contains("Keyless.example.com has no target kinds", problems[4], StringComparison.Ordinal);
        Assert.Contains("Keyless.example.com uses KeyedPatch without MergeKeys", problems[5], StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_InvalidOptions_ThrowsBeforeAnyWorkWithEveryProblem()
    {
        var options = new EvaluationOptions { ControllerNames = ["no-slash"], SupportedFeatures = ["Teleport"] };

        var error = Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(Snapshot.Empty, options));

        Assert.Contains("\"no-slash\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"Teleport\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Profile_EnvoyGateway_OwnsItsReadingBindingAndPolicySwitches()
    {
        var profile = ImplementationProfile.EnvoyGateway;

        Assert.Same(profile, ImplementationProfile.Find("envoy-gateway"));
        Assert.Null(ImplementationProfile.Find("nginx"));
        Assert.True(profile.ApplyTo().AcceptUnservedVersions);
        Assert.True(profile.TlsTerminateAcceptsTcpRoute);
        Assert.Contains(profile.PolicyKinds, k => k.Kind == new GroupKind(ImplementationProfile.EnvoyGatewayGroup, "BackendTrafficPolicy"));
    }

    [Fact]
    public void EvaluationResult_EveryProperty_IsReadOnly()
    {
        var all = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic;
        Assert.All(typeof(EvaluationResult).GetProperties(all), p => Assert.Null(p.SetMethod));
        Assert.All(typeof(EvaluationResult).GetFields(all), f => Assert.True(f.IsInitOnly, f.Name));
    }

    [Fact]
    public void PolicyResolution_HoldsNoBackPointerToTheBindingOrTheResult()
    {
        var all = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic;
        Assert.All(typeof(PolicyResolution).GetFields(all), f => Assert.DoesNotContain(f.FieldType, new[] { typeof(EvaluationResult), typeof(BindingResult) }));
    }
}
