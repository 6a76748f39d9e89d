using Microsoft.Extensions.DependencyInjection;
using PolicyAttach.Binding;
using PolicyAttach.Kubernetes.Engine;
using PolicyAttach.Kubernetes.Tests.Controllers;
using PolicyAttach.Model;
using PolicyAttach.Policies;

namespace PolicyAttach.Kubernetes.Tests.Engine;

public sealed class DependencyInjectionTests
{
    [Fact]
    public void AddPolicyAttach_ServiceProvider_ResolvesAnEngineThatEvaluatesClusterObjects()
    {
        using var provider = new ServiceCollection()
            .AddPolicyAttach(o => o.ControllerNames.Add(Fixtures.Controller))
            .Services.BuildServiceProvider();

        var engine = provider.GetRequiredService<IPolicyAttachEngine>();
        var result = engine.Evaluate(Fixtures.ListItems().Cast<object>());

        Assert.Same(engine, provider.GetRequiredService<IPolicyAttachEngine>());
        Assert.Same(engine.Options, provider.GetRequiredService<EvaluationOptions>());
        Assert.Equal([Fixtures.Controller], engine.Options.ControllerNames);
        var gateway = Assert.Single(result.Gateways);
        Assert.Equal("edge", gateway.Gateway.Name);
        Assert.True(gateway.IsAccepted);
        Assert.Single(result.Routes);
    }

    [Fact]
    public void AddPolicyKind_AndConfigurationSteps_Accumulate()
    {
        var kind = PolicyKindRegistry.InheritedDefinition(new GroupKind("policies.example.com", "RetryPolicy"));
        var services = new ServiceCollection();
        services.AddPolicyAttach(o => o.ControllerNames.Add("a.example.com/c")).AddPolicyKind(kind);
        services.AddPolicyAttach(o =>
        {
            o.ControllerNames.Add("b.example.com/c");
            o.ProfileName = "envoy-gateway";
            o.SupportedFeatures.Add(Features.Gateway);
        });
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IPolicyAttachEngine>().Options;

        Assert.Equal(["a.example.com/c", "b.example.com/c"], options.ControllerNames);
        Assert.Same(kind, options.PolicyKinds.Find(kind.Kind));
        Assert.NotNull(options.PolicyKinds.Find(new GroupKind(Groups.Gateway, "BackendTLSPolicy")));
        Assert.Equal(ImplementationProfile.EnvoyGateway, options.Profile);
        Assert.Equal([Features.Gateway], options.SupportedFeatures);
        Assert.Single(services, d => d.ServiceType == typeof(IPolicyAttachEngine));
    }

    [Fact]
    public void Resolve_WithoutControllerName_ExplainsWhatIsMissing()
    {
        using var provider = new ServiceCollection().AddPolicyAttach().Services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IPolicyAttachEngine>());
        Assert.Contains("ControllerNames", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_WithUnknownProfile_Throws()
    {
        using var provider = new ServiceCollection()
            .AddPolicyAttach(o => { o.ControllerNames.Add("x/y"); o.ProfileName = "nginx"; })
            .Services.BuildServiceProvider();

        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<EvaluationOptions>());
    }

    [Fact]
    public void AddPolicyAttach_MaxDegreeOfParallelism_ReachesTheEvaluationOptions()
    {
        using var unset = new ServiceCollection().AddPolicyAttach(o => o.ControllerNames.Add("x/y")).Services.BuildServiceProvider();
        using var serial = new ServiceCollection()
            .AddPolicyAttach(o => { o.ControllerNames.Add("x/y"); o.MaxDegreeOfParallelism = 1; })
            .Services.BuildServiceProvider();

        Assert.Equal(-1, unset.GetRequiredService<EvaluationOptions>().MaxDegreeOfParallelism);
        Assert.Equal(1, serial.GetRequiredService<EvaluationOptions>().MaxDegreeOfParallelism);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void Resolve_WithInvalidMaxDegreeOfParallelism_ExplainsTheValue(int value)
    {
        using var provider = new ServiceCollection()
            .AddPolicyAttach(o => { o.ControllerNames.Add("x/y"); o.MaxDegreeOfParallelism = value; })
            .Services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<EvaluationOptions>());
        Assert.Contains("MaxDegreeOfParallelism", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Engines_FromSeparateContainers_ShareNothing()
    {
        using var a = new ServiceCollection().AddPolicyAttach(o => o.ControllerNames.Add("a/c")).Services.BuildServiceProvider();
        using var b = new ServiceCollection().AddPolicyAttach(o => o.ControllerNames.Add("b/c")).Services.BuildServiceProvider();

        Assert.Equal(["a/c"], a.GetRequiredService<IPolicyAttachEngine>().Options.ControllerNames);
        Assert.Equal(["b/c"], b.GetRequiredService<IPolicyAttachEngine>().Options.ControllerNames);
    }
}
