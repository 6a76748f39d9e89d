using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.Matching;
using Xunit.Abstractions;

namespace PolicyAttach.Testing.Tests;

public class RequestTests(ITestOutputHelper output)
{
    [Fact]
    public void Hits_FixedSample_MostReachTheRouteTheyAimAt()
    {
        int hits = 0, reached = 0;
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var world in Samples.Worlds)
        {
            foreach (var hit in WorldGenerators.Hits(world))
            {
                hits++;
                var decision = RoutingOracle.Expected(world, hit);
                outcomes[$"{hit.ProtocolName} {decision.Outcome}"] = outcomes.GetValueOrDefault($"{hit.ProtocolName} {decision.Outcome}") + 1;
                if (decision.Route is { } route && hit.Note?.Contains(route.ToString(), StringComparison.Ordinal) == true)
                {
                    reached++;
                }
            }
        }

        foreach (var (outcome, count) in outcomes)
        {
            output.WriteLine($"{count,5} {outcome}");
        }

        output.WriteLine($"{reached} of {hits} hits reached the route they aim at");
        Assert.True(reached * 2 > hits, $"Only {reached} of {hits} hits reached their route.");
        foreach (var protocol in new[] { "http Routed", "https Routed", "grpc Routed", "tls Routed", "tcp Routed", "udp Routed", "http NoBackend", "http Redirect" })
        {
            Assert.True(outcomes.GetValueOrDefault(protocol) > 0, $"No hit was {protocol}.");
        }
    }

    [Fact]
    public void Requests_FixedSample_MixHitsNearMissesAndMisses()
    {
        var world = Samples.Worlds.First(w => WorldGenerators.Hits(w).Count > 10);
        var requests = WorldGenerators.Request(world).Sample(300, new Rnd(Samples.Seed), 10);
        var decisions = requests.Select(r => RoutingOracle.Expected(world, r)).ToList();
        Assert.Contains(requests, r => r.Aim == RequestAim.Hit);
        Assert.Contains(requests, r => r.Aim == RequestAim.NearMiss);
        Assert.Contains(requests, r => r.Aim == RequestAim.Miss);
        Assert.Contains(decisions, d => d.Outcome == MatchOutcomeKind.NotRouted);
        Assert.Contains(decisions, d => d.Outcome == MatchOutcomeKind.Routed);
    }

    [Fact]
    public void NearMisses_PathPrefixHit_IncludeTheNextCharacterAcrossASegment()
    {
        var hit = new TestRequest { Name = "gw", Namespace = "infra", Host = "a.example.com", Path = "/a" };
        var near = WorldGenerators.NearMisses(hit);
        Assert.Contains(near, r => r.Path == "/ax");
        Assert.Contains(near, r => r.Path == "/a/");
        Assert.Contains(near, r => r.Method == "POST");
        Assert.Contains(near, r => r.Host == "other.example.com");
        Assert.All(near, r => Assert.Equal(RequestAim.NearMiss, r.Aim));
    }

    [Fact]
    public void ToMatchJson_GatewayRequest_IsTheCliContractLine()
    {
        var request = new TestRequest { Namespace = "infra", Name = "gw", Host = "a.example.com", Path = "/a?q=1", Headers = [new RequestHeader("x-a", "1")] };
        Assert.Equal("""{"gateway":{"namespace":"infra","name":"gw"},"port":80,"protocol":"http","method":"GET","host":"a.example.com","path":"/a?q=1","headers":[["x-a","1"]]}""", request.ToMatchJson());
        Assert.Equal("""echo '{"gateway":{"namespace":"infra","name":"gw"},"port":80,"protocol":"http","method":"GET","host":"a.example.com","path":"/a?q=1","headers":[["x-a","1"]]}' | policyattach match world.yaml --controller-name c.example.com/x --requests -""",
            request.ToCommandLine("world.yaml", "c.example.com/x"));
    }
}
