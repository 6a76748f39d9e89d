using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PolicyAttach.Matching;
using PolicyAttach.Testing;

namespace PolicyAttach.PropertyTests.Matching;

/// <summary>
/// The mesh side of the differential: on generated GAMMA worlds (producer and consumer HTTPRoutes on Services, some also
/// bound to Gateways of ours or of another controller, backends in other namespaces with and without ReferenceGrants)
/// and requests aimed at the Services from client namespaces, the compiled mesh table and
/// <see cref="ReferenceMatcher.MatchMesh"/> agree on outcome, route, rule, match and on which backends may receive
/// traffic. The reference reads backend validity and bound parents from the status, so a backend the status calls
/// invalid never receives traffic, and match serves exactly the routes the status binds. The worlds come from
/// PolicyAttach.Testing, so a counterexample shrinks to a small world and one request.
/// </summary>
public class MeshDifferentialProperties
{
    private const int RequestsPerWorld = 24;

    /// <summary>The Gateway differential's worlds with mesh parents.</summary>
    private static readonly WorldOptions Options = MatcherDifferentialProperties.Options with { Mesh = true };

    /// <summary>Both answers to an HTTP request aimed at a Service; null for any other request.</summary>
    private static (ReferenceOutcome Expected, ReferenceOutcome Actual)? Answers(TestWorld world, TestRequest request)
    {
        if (request.Target != RequestTarget.Service || request.Protocol != RequestProtocol.Http)
        {
            return null;
        }

        var client = request.ClientNamespace ?? string.Empty;
        var plain = new PlainRequest(request.Port, request.Method, request.Host, request.Path, [.. request.Headers.Select(h => (h.Name, h.Value))]);
        var expected = ReferenceMatcher.MatchMesh(world.Result, request.TargetKey, plain, client);
        if (world.Routing.FindService(request.TargetKey) is not { } table)
        {
            // No route bound to the Service at all: the mesh's default behaviour.
            return (expected, new ReferenceOutcome("meshDefault", 200, null, null, -1, -1));
        }

        var outcome = table.Match(request.ToView() with { ClientNamespace = client });
        var kind = outcome.IsMeshDefault ? "meshDefault" : outcome.Kind switch
        {
            MatchOutcomeKind.Routed => "routed",
            MatchOutcomeKind.NoBackend => "noBackend",
            MatchOutcomeKind.NotRouted => "notRouted",
            var k => k.ToString(),
        };
        var actual = outcome.IsMeshDefault
            ? new ReferenceOutcome(kind, outcome.StatusCode, null, null, -1, -1)
            : new ReferenceOutcome(kind, outcome.StatusCode, outcome.SectionName, outcome.RouteKey, outcome.RuleIndex, outcome.MatchIndex, MatcherDifferentialProperties.ValidBits(outcome));
        return (expected, actual);
    }

    [Property(MaxTest = 300)]
    public Property CompiledMeshMatcher_GeneratedWorlds_AgreesWithReference()
        => Prop.ForAll(WorldArbitraries.RoutingCase(Options, RequestsPerWorld), input =>
        {
            foreach (var request in input.Requests)
            {
                if (Answers(input.World, request) is var (expected, actual))
                {
                    Assert.True(actual == expected, $"{request}: the reference matcher gives {expected}, the compiled mesh table {actual}.");
                }
            }
        });

    [Fact]
    public void Generator_FixedSample_ReachesEveryMeshOutcome()
    {
        // The property means something only if the cases produce each outcome, invalid backends and consumer routes included.
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        var sawInvalid = false;
        var sawConsumer = false;
        foreach (var input in WorldGenerators.RoutingCase(Options, RequestsPerWorld).Sample(60, new Rnd(20261206), 80))
        {
            foreach (var request in input.Requests)
            {
                if (Answers(input.World, request) is var (expected, _))
                {
                    kinds.Add(expected.Kind);
                    sawInvalid |= expected.Valid.Contains('0', StringComparison.Ordinal);
                    sawConsumer |= expected.Route is { } route && route.Namespace != request.Namespace;
                }
            }
        }

        Assert.Equal(["meshDefault", "noBackend", "notRouted", "routed"], kinds.Order(StringComparer.Ordinal));
        Assert.True(sawInvalid, "no generated mesh request reached a rule with an invalid backend");
        Assert.True(sawConsumer, "no generated mesh request was answered by a consumer route");
    }
}
