using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PolicyAttach.Binding;
using PolicyAttach.Manifests;
using PolicyAttach.Matching;
using PolicyAttach.Model;

namespace PolicyAttach.PropertyTests.Matching;

/// <summary>
/// The mesh side of the differential: on random GAMMA worlds (producer and consumer HTTPRoutes on a Service, some
/// also bound to a Gateway of ours or of another controller, backends in other namespaces without ReferenceGrants)
/// the compiled mesh table and <see cref="ReferenceMatcher.MatchMesh"/> agree on outcome, route, rule, match and on
/// which backends may receive traffic. The reference reads backend validity and bound parents from the status, so a
/// backend the status calls invalid never receives traffic, and match serves exactly the routes the status binds.
/// </summary>
public class MeshDifferentialProperties
{
    private const int RequestsPerWorld = 24;
    private static readonly ResourceKey Echo = new(Groups.Core, "Service", "mesh", "echo");

    private static readonly string[] Paths = ["/", "/a", "/a/b", "/b"];
    private static readonly string[] RouteNamespaces = ["mesh", "mesh", "client"];
    private static readonly string[] ClientNamespaces = ["", "client", "mesh", "elsewhere"];
    private static readonly string[] Timestamps = ["2020-01-01T00:00:00Z", "2019-06-01T00:00:00Z"];

    private static T Pick<T>(Random rng, T[] items) => items[rng.Next(items.Length)];

    private static string World(Random rng)
    {
        var docs = new List<string>
        {
            """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"gc"},"spec":{"controllerName":"example.com/gateway-controller"}}""",
            """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"theirs"},"spec":{"controllerName":"example.com/another-controller"}}""",
            """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"gw","namespace":"infra"},"spec":{"gatewayClassName":"gc","listeners":[{"name":"http","port":80,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"All"}}}]}}""",
            """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"not-ours","namespace":"elsewhere"},"spec":{"gatewayClassName":"theirs","listeners":[{"name":"http","port":80,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"All"}}}]}}""",
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"echo","namespace":"mesh"},"spec":{"ports":[{"name":"http","port":80},{"name":"alt","port":8080}]}}""",
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"back","namespace":"other"},"spec":{"ports":[{"port":80}]}}""",
        };
        for (var r = rng.Next(1, 6); r > 0; r--)
        {
            var port = rng.Next(4) switch { 0 => "", 1 => ",\"port\":8080", 2 => ",\"sectionName\":\"alt\"", _ => ",\"port\":80" };
            var parents = new List<string> { $$"""{"group":"","kind":"Service","name":"echo","namespace":"mesh"{{port}}}""" };
            switch (rng.Next(4))
            {
                case 0: parents.Add("""{"name":"gw","namespace":"infra"}"""); break;
                case 1: parents.Add("""{"name":"not-ours","namespace":"elsewhere"}"""); break;
            }

            var rules = Enumerable.Range(0, rng.Next(1, 3)).Select(_ => RuleJson(rng));
            docs.Add($$$"""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r{{{r}}}","namespace":"{{{Pick(rng, RouteNamespaces)}}}","creationTimestamp":"{{{Pick(rng, Timestamps)}}}"},"spec":{"parentRefs":[{{{string.Join(",", parents)}}}],"rules":[{{{string.Join(",", rules)}}}]}}""");
        }

        return "[" + string.Join(",", docs) + "]";
    }

    private static string RuleJson(Random rng)
    {
        var matches = Enumerable.Range(0, rng.Next(0, 3)).Select(_ => rng.Next(3) switch
        {
            0 => $$$"""{"path":{"type":"Exact","value":"{{{Pick(rng, Paths)}}}"}}""",
            1 => $$"""{"path":{"type":"PathPrefix","value":"{{Pick(rng, Paths)}}"},"method":"GET"}""",
            _ => $$$"""{"path":{"type":"PathPrefix","value":"{{{Pick(rng, Paths)}}}"},"headers":[{"name":"x-a","value":"1"}]}""",
        });
        var backends = Enumerable.Range(0, rng.Next(1, 3)).Select(_ => rng.Next(4) switch
        {
            0 => """{"name":"back","namespace":"other","port":80}""",
            1 => """{"name":"missing","namespace":"mesh","port":80}""",
            _ => """{"name":"echo","namespace":"mesh","port":80}""",
        });
        return $$"""{"matches":[{{string.Join(",", matches)}}],"backendRefs":[{{string.Join(",", backends)}}]}""";
    }

    private static (PlainRequest Request, string Client) RandomRequest(Random rng)
    {
        var headers = rng.Next(2) == 0 ? [] : new List<(string, string)> { ("x-a", "1") };
        var port = rng.Next(5) switch { 0 => 8080, 1 => 81, _ => 80 };
        return (new PlainRequest(port, rng.Next(3) == 0 ? "POST" : "GET", "echo", Pick(rng, Paths), headers), Pick(rng, ClientNamespaces));
    }

    private static EvaluationResult Evaluate(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var objects = doc.RootElement.EnumerateArray().Select(e => ManifestReader.Read(e).Resource ?? throw new InvalidOperationException("generated an invalid document: " + e));
        return Evaluator.Evaluate(Snapshot.Create(objects), new EvaluationOptions { ControllerNames = ["example.com/gateway-controller"] });
    }

    private static string Kind(MatchOutcome outcome) => outcome.IsMeshDefault ? "meshDefault" : outcome.Kind switch
    {
        MatchOutcomeKind.Routed => "routed",
        MatchOutcomeKind.NoBackend => "noBackend",
        MatchOutcomeKind.NotRouted => "notRouted",
        var k => k.ToString(),
    };

    private static string? Agree(int seed)
    {
        var rng = new Random(seed);
        var result = Evaluate(World(rng));
        var table = RoutingTable.Compile(result).FindService(Echo);
        var outcome = new MatchOutcome();
        for (var i = 0; i < RequestsPerWorld; i++)
        {
            var (request, client) = RandomRequest(rng);
            var expected = ReferenceMatcher.MatchMesh(result, Echo, request, client);
            ReferenceOutcome actual;
            if (table is null)
            {
                // No route is bound to the Service at all: the mesh's default behaviour.
                actual = new ReferenceOutcome("meshDefault", 200, null, null, -1, -1);
            }
            else
            {
                var headers = request.Headers.Select(h => new RequestHeader(h.Name, h.Value)).ToArray();
                table.Match(new RequestView(RequestProtocol.Http, request.Port, request.Method, request.Host, request.PathAndQuery, headers) { ClientNamespace = client }, outcome);
                actual = outcome.IsMeshDefault
                    ? new ReferenceOutcome("meshDefault", outcome.StatusCode, null, null, -1, -1)
                    : new ReferenceOutcome(Kind(outcome), outcome.StatusCode, outcome.SectionName, outcome.RouteKey, outcome.RuleIndex, outcome.MatchIndex, MatcherDifferentialProperties.ValidBits(outcome));
            }

            if (actual != expected)
            {
                return $"seed {seed}, request {request} from \"{client}\": expected {expected}, got {actual}";
            }
        }

        return null;
    }

    [Property(MaxTest = 300)]
    public Property CompiledMeshMatcher_AgreesWithReference()
        => Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var failure = Agree(seed);
            return (failure is null).Label(failure ?? "ok");
        });

    [Fact]
    public void Generator_ReachesEveryMeshOutcome()
    {
        // The property means something only if the worlds produce each outcome, invalid backends included.
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        var sawInvalid = false;
        for (var seed = 0; seed < 80; seed++)
        {
            var rng = new Random(seed);
            var result = Evaluate(World(rng));
            for (var i = 0; i < 10; i++)
            {
                var (request, client) = RandomRequest(rng);
                var o = ReferenceMatcher.MatchMesh(result, Echo, request, client);
                kinds.Add(o.Kind);
                sawInvalid |= o.Valid.Contains('0', StringComparison.Ordinal);
            }
        }

        Assert.Equal(["meshDefault", "noBackend", "notRouted", "routed"], kinds.Order(StringComparer.Ordinal));
        Assert.True(sawInvalid);
    }
}
