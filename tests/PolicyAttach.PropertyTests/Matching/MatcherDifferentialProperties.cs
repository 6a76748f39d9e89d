using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PolicyAttach.Matching;
using PolicyAttach.Testing;

namespace PolicyAttach.PropertyTests.Matching;

/// <summary>
/// Differential properties: on generated worlds of HTTPRoutes and requests aimed at them (hits, near misses,
/// misses), the compiled matcher and the <see cref="ReferenceMatcher"/> agree on outcome, status, listener, route,
/// rule and match index. Each case is one world and <see cref="RequestsPerWorld"/> requests; a failure shrinks to
/// one request and the smallest world that still disagrees, printed as YAML and a <c>policyattach match</c> line.
/// </summary>
public class MatcherDifferentialProperties
{
    private const int RequestsPerWorld = 24;

    /// <summary>HTTPRoutes on Gateways only: the reference matcher knows HTTP listeners and routes, and no filters.</summary>
    internal static readonly WorldOptions Options = new()
    {
        RouteKinds = RouteKinds.Http,
        ListenerSets = true,
        Mesh = false,
        Filters = false,
        PolicyStrategies = [],
        BackendTlsPolicies = false,
        Ingress = false,
        MaxRoutes = 6,
    };

    private static readonly Arbitrary<RoutingCase> Cases = WorldArbitraries.RoutingCase(Options, RequestsPerWorld);

    /// <summary>The requests the reference matcher answers: plain HTTP sent to a Gateway.</summary>
    internal static IEnumerable<TestRequest> Plain(RoutingCase input)
        => input.Requests.Where(r => r.Target == RequestTarget.Gateway && r.Protocol == RequestProtocol.Http);

    internal static ReferenceOutcome Reference(TestWorld world, TestRequest request)
        => ReferenceMatcher.Match(world.Result, request.TargetKey, new PlainRequest(request.Port, request.Method, request.Host, request.Path, [.. request.Headers.Select(h => (h.Name, h.Value))]));

    [Property(MaxTest = 500)]
    public Property CompiledMatcher_GeneratedWorldsAndRequests_AgreesWithReference()
        => Prop.ForAll(Cases, input =>
        {
            var outcome = new MatchOutcome();
            foreach (var request in Plain(input))
            {
                var expected = Reference(input.World, request);
                var actual = input.World.Routing.FindGateway(request.TargetKey) is { } table
                    ? Describe(table, request, outcome)
                    : new ReferenceOutcome("notRouted", 404, null, null, -1, -1);
                Assert.True(actual == expected, $"{request}: the reference matcher gives {expected}, the compiled matcher {actual}.");
            }
        });

    private static ReferenceOutcome Describe(GatewayRoutingTable table, TestRequest request, MatchOutcome outcome)
    {
        table.Match(request.ToView(), outcome);
        var kind = outcome.Kind switch
        {
            MatchOutcomeKind.Routed => "routed",
            MatchOutcomeKind.NoBackend => "noBackend",
            MatchOutcomeKind.NotRouted => "notRouted",
            var k => k.ToString(),
        };
        return new ReferenceOutcome(kind, outcome.StatusCode, outcome.SectionName, outcome.RouteKey, outcome.RuleIndex, outcome.MatchIndex, ValidBits(outcome));
    }

    /// <summary>Per backendRef of the chosen rule, whether the matcher lets it receive traffic.</summary>
    internal static string ValidBits(MatchOutcome outcome)
        => outcome.Kind is MatchOutcomeKind.Routed or MatchOutcomeKind.NoBackend && !outcome.IsMeshDefault ? string.Concat(outcome.Backends.Select(b => b.IsValid ? '1' : '0')) : "";

    [Fact]
    public void Generator_FixedSample_ReachesRoutedNotRoutedAndNoBackend()
    {
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in WorldGenerators.RoutingCase(Options, RequestsPerWorld).Sample(60, new Rnd(20261206), 50))
        {
            foreach (var request in Plain(input))
            {
                kinds.Add(Reference(input.World, request).Kind);
            }
        }

        Assert.Contains("routed", kinds);
        Assert.Contains("notRouted", kinds);
        Assert.Contains("noBackend", kinds);
    }
}
