using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.Policies;

namespace PolicyAttach.Testing.Tests;

public class WorldGeneratorTests
{
    [Fact]
    public void Sample_FixedSeed_HasTheRequestedCount()
        => Assert.Equal(120, Samples.Worlds.Length);

    [Fact]
    public void World_FixedSample_ReadsWithoutErrors()
    {
        foreach (var world in Samples.Worlds)
        {
            var errors = world.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, $"{string.Join("\n", errors.Select(e => e.Path + ": " + e.Message))}\n{world}");
        }
    }

    [Fact]
    public void World_FixedSample_PrintsYamlThatLoadsAsTheSameObjects()
    {
        foreach (var world in Samples.Worlds.Take(30))
        {
            var loaded = new ManifestLoader().LoadText(world.ToYaml());
            Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
            Assert.Equal(world.Resources, [.. loaded.Resources]);
        }
    }

    [Fact]
    public void World_SameSeed_SameWorlds()
    {
        var again = WorldGenerators.World().Sample(5, new Rnd(Samples.Seed), 60);
        Assert.Equal(Samples.Worlds.Take(5), again);
        Assert.Equal(Samples.Worlds[0].ToString(), again[0].ToString());
    }

    [Fact]
    public void World_OptionsWithoutPolicies_HasNoPolicies()
    {
        var options = new WorldOptions { PolicyStrategies = [], BackendTlsPolicies = false, Ingress = false, RouteKinds = RouteKinds.Http };
        foreach (var world in WorldGenerators.World(options).Sample(30, new Rnd(Samples.Seed), 40))
        {
            Assert.DoesNotContain(world.Objects, o => o is PolicyBuilder or BackendTlsPolicyBuilder or IngressBuilder or PolicyCrdBuilder);
            Assert.All(world.Objects.OfType<RouteBuilder>(), r => Assert.Equal("HTTPRoute", r.Kind));
            Assert.Empty(world.PolicyKinds);
        }
    }

    [Fact]
    public void Options_OutOfRange_ReportsEveryProblem()
    {
        var options = new WorldOptions { CrossNamespaceShare = 2, MaxGateways = 0, PolicyStrategies = [MergeStrategy.Custom] };
        var error = Assert.Throws<ArgumentException>(() => WorldGenerators.World(options));
        Assert.Contains(nameof(WorldOptions.CrossNamespaceShare), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(WorldOptions.MaxGateways), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(WorldOptions.PolicyStrategies), error.Message, StringComparison.Ordinal);
    }
}
