using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Testing;
using Xunit.Abstractions;

namespace PolicyAttach.Examples.SimpleRouter.Tests;

/// <summary>
/// The router tested the way docs/testing.md describes: generated worlds of what the router supports, requests aimed
/// at them, and the engine (what <c>policyattach match</c> answers) as the oracle. The property finds the planted
/// bug and shrinks it to a handful of objects and one request; the same property passes on the fixed router.
/// </summary>
public class RouterProperties(ITestOutputHelper output)
{
    /// <summary>What SimpleRouter supports: one Gateway, plain HTTP listeners, HTTPRoutes with path matches, backends in the route's namespace.</summary>
    private static readonly WorldOptions Supported = new()
    {
        RouteKinds = RouteKinds.Http,
        MaxGateways = 1,
        MaxRoutes = 6,
        ListenerHostnames = false,
        ListenerConflicts = false,
        AllowedRoutes = false,
        OtherControllers = false,
        ListenerSets = false,
        Mesh = false,
        RichMatches = false,
        Filters = false,
        CrossNamespaceShare = 0,
        DanglingShare = 0,
        PolicyStrategies = [],
        BackendTlsPolicies = false,
        Ingress = false,
    };

    /// <summary>A fixed seed: the run is the same every time, so this test cannot pass or fail by chance.</summary>
    private static readonly PropertyCheckOptions Run = new() { Seed = 20261206, MaxTest = 200 };

    /// <summary>The property: for every plain HTTP request, the router decides what policyattach decides.</summary>
    private static void AgreesWithPolicyattach(RoutingCase input, Func<IEnumerable<string>, string, SimpleRouter> load)
    {
        var router = load(input.World.ServedJson(), input.World.ControllerName);
        foreach (var request in input.Requests.Where(r => r.Target == RequestTarget.Gateway && r.Protocol == RequestProtocol.Http))
        {
            var decision = router.Decide(request.Namespace, request.Name, request.Port, request.Host, request.Path);
            var comparison = RoutingOracle.Compare(input.World, request, ToRouteDecision(decision));
            Assert.True(comparison.IsMatch, comparison.ToString());
        }
    }

    private static RouteDecision ToRouteDecision(Decision decision) => new()
    {
        Outcome = decision.Outcome switch
        {
            Outcome.Routed => MatchOutcomeKind.Routed,
            Outcome.NoBackend => MatchOutcomeKind.NoBackend,
            _ => MatchOutcomeKind.NotRouted,
        },
        Route = decision.RouteName is null ? null : new ResourceKey(Groups.Gateway, "HTTPRoute", decision.RouteNamespace!, decision.RouteName),
        RuleIndex = decision.RuleIndex >= 0 ? decision.RuleIndex : null,
        Backends = [.. decision.Backends.Select(b => new BackendTarget(b.Namespace, b.Name, b.Port))],
    };

    [Fact]
    public void SimpleRouter_GeneratedWorlds_PropertyFindsThePlantedPrefixBugAndShrinksIt()
    {
        var result = PropertyCheck.Run(WorldArbitraries.RoutingCase(Supported), input => AgreesWithPolicyattach(input, SimpleRouter.Load), Run);

        output.WriteLine(result.ToString());
        Assert.False(result.Passed, "The property should find the planted bug.");
        var counterexample = result.Counterexample!;
        var request = Assert.Single(counterexample.Requests);
        Assert.True(counterexample.World.Objects.Count <= 4, $"The shrunk world has {counterexample.World.Objects.Count} objects:\n{counterexample}");
        var route = Assert.Single(counterexample.World.Objects.OfType<HttpRouteBuilder>());
        var prefix = Assert.Single(route.Rules.SelectMany(r => r.Matches), m => m.PathType == "PathPrefix").PathValue!.TrimEnd('/');

        // The bug: the request's path continues the prefix inside a segment ("/a" taking "/ax").
        Assert.StartsWith(prefix, request.Path, StringComparison.Ordinal);
        Assert.NotEqual('/', request.Path[prefix.Length]);
    }

    [Fact]
    public void FixedRouter_GeneratedWorlds_AgreesWithPolicyattach()
    {
        var result = PropertyCheck.Run(WorldArbitraries.RoutingCase(Supported), input => AgreesWithPolicyattach(input, FixedRouter.Load), Run);

        output.WriteLine(result.ToString());
        Assert.True(result.Passed, result.ToString());
    }
}
