using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.Diagnostics;
using Xunit.Abstractions;

namespace PolicyAttach.Testing.Tests;

public class WorldShrinkerTests(ITestOutputHelper output)
{
    [Fact]
    public void Shrink_FixedSample_EveryCandidateIsValidAndSmallerOrShorter()
    {
        foreach (var world in Samples.Worlds.Take(6))
        {
            var original = new WorldReferences(world);
            var size = Size(world);
            foreach (var candidate in WorldShrinker.Shrink(world).Take(50))
            {
                Assert.DoesNotContain(candidate.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
                var references = new WorldReferences(candidate);
                Assert.True(references.Dangling.Count <= original.Dangling.Count,
                    $"A candidate dangles {references.Dangling.Count} references, the world {original.Dangling.Count}:\n{string.Join("\n", references.Dangling)}\n{candidate}");
                Assert.True(Size(candidate) < size || Narrow(candidate) < Narrow(world) || candidate.PolicyKinds.Count < world.PolicyKinds.Count,
                    $"A candidate is neither smaller than the world, nor wider open, nor registers fewer kinds:\n{candidate}");
            }
        }
    }

    [Fact]
    public void Shrink_GatewayRemoved_TakesItsRoutesAlong()
    {
        var world = TestWorld.Of(
            new GatewayClassBuilder("gc", TestWorld.DefaultControllerName),
            new GatewayBuilder("infra", "gw", "gc", ListenerBuilder.Http("web") with { RoutesFrom = "All" }),
            new HttpRouteBuilder("app", "web", ObjectRefBuilder.Gateway("infra", "gw") with { SectionName = "web" })
            {
                Rules = [new HttpRuleBuilder { BackendRefs = [new BackendRefBuilder("svc", 80)] }],
            },
            new HttpRouteBuilder("app", "ghost", ObjectRefBuilder.Gateway("infra", "missing")),
            new ServiceBuilder("app", "svc", 80));
        var withoutGateway = WorldShrinker.Shrink(world).First(w => w.Objects.All(o => o.Kind != "Gateway"));

        // The route whose only parent went is removed; the route whose parent was already missing stays.
        Assert.Equal(["GatewayClass", "HTTPRoute", "Service"], withoutGateway.Objects.Select(o => o.Kind));
        Assert.Equal("ghost", withoutGateway.Objects.Single(o => o.Kind == "HTTPRoute").Name);
    }

    [Fact]
    public void Shrink_ListenerRemoved_DropsTheParentRefsThatNamedIt()
    {
        var world = TestWorld.Of(
            new GatewayClassBuilder("gc", TestWorld.DefaultControllerName),
            new GatewayBuilder("infra", "gw", "gc", ListenerBuilder.Http("one"), ListenerBuilder.Http("two", 8080)),
            new HttpRouteBuilder("infra", "web", ObjectRefBuilder.Gateway(null, "gw") with { SectionName = "two" }, ObjectRefBuilder.Gateway(null, "gw") with { SectionName = "one" }));
        var candidate = WorldShrinker.Shrink(world).First(w => w.Find(world.Objects[1].Key) is GatewayBuilder { Listeners.Count: 1 } g && g.Listeners[0].Name == "one");
        var route = Assert.IsType<HttpRouteBuilder>(candidate.Find(world.Objects[2].Key));
        Assert.Equal("one", Assert.Single(route.ParentRefs).SectionName);
    }

    [Fact]
    public void Shrink_Rename_FollowsEveryReference()
    {
        var world = TestWorld.Of(
            new GatewayClassBuilder("gc", TestWorld.DefaultControllerName),
            new GatewayBuilder("infra", "gateway", "gc", ListenerBuilder.Http("web")),
            new HttpRouteBuilder("infra", "web", ObjectRefBuilder.Gateway(null, "gateway")));
        var renamed = WorldShrinker.Shrink(world).First(w => w.Objects.Count == 3 && w.Objects[1].Name.Length == 1);
        var route = Assert.IsType<HttpRouteBuilder>(renamed.Objects[2]);
        Assert.Equal(renamed.Objects[1].Name, route.ParentRefs[0].Name);
        Assert.True(route.ParentRefs[0].Name.Length == 1);
        Assert.Empty(new WorldReferences(renamed).Dangling);
    }

    [Fact]
    public void Property_FailsWhenAnHttpRouteAttaches_ShrinksToAHandfulOfObjects()
    {
        var result = PropertyCheck.Run(WorldArbitraries.World(), world =>
            Assert.DoesNotContain(world.Result.Routes, r => r.Route.Kind == "HTTPRoute" && r.Parents.Any(p => p.Listeners.Any(v => v.Attached))),
            new PropertyCheckOptions { Seed = Samples.Seed, MaxTest = 200 });

        output.WriteLine(result.ToString());
        Assert.False(result.Passed);
        var shrunk = result.Counterexample!;
        Assert.True(shrunk.Objects.Count <= 3, $"The counterexample has {shrunk.Objects.Count} objects:\n{shrunk}");
        Assert.Equal(["Gateway", "GatewayClass", "HTTPRoute"], shrunk.Objects.Select(o => o.Kind).Order(StringComparer.Ordinal));
    }

    /// <summary>Listeners that do not take routes from all namespaces: widening one to All is the one step that may lengthen a manifest.</summary>
    private static int Narrow(TestWorld world)
        => world.Objects.OfType<GatewayBuilder>().SelectMany(g => g.Listeners).Concat(world.Objects.OfType<ListenerSetBuilder>().SelectMany(s => s.Listeners)).Count(l => l.RoutesFrom != "All");

    /// <summary>A measure that every other shrink step lowers: objects, parts and names all shorten the manifests.</summary>
    private static int Size(TestWorld world) => world.Objects.Sum(o => o.ToJson().Length);
}
