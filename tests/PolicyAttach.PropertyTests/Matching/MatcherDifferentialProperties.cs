using System.Text;
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
/// Differential properties: on random route tables and random requests, the compiled matcher and the
/// <see cref="ReferenceMatcher"/> agree on outcome, status, listener, route, rule and match index.
/// Each case is one table and <see cref="RequestsPerTable"/> requests: 500 cases give 12,000 comparisons.
/// </summary>
public class MatcherDifferentialProperties
{
    private const int RequestsPerTable = 24;
    private static readonly ResourceKey GatewayKey = new(Groups.Gateway, "Gateway", "infra", "gw");

    private static readonly string[] RequestHosts = ["a.example.com", "b.example.com", "x.a.example.com", "example.com", "other.org", "A.Example.com", "a.example.com:8080"];
    private static readonly string?[] ListenerHosts = [null, "*.example.com", "a.example.com", "*.a.example.com"];
    private static readonly string[] RouteHosts = ["a.example.com", "*.example.com", "*.a.example.com", "example.com", "*.com", "b.example.com", "other.org"];
    private static readonly string[] Paths = ["/", "/a", "/a/", "/a/b", "/ab", "/a/b/c", "/b", "/b/a"];
    private static readonly string[] Regexes = ["/a.*", "/[ab]+", "/a/.*", "/(b|ab)"];
    private static readonly string[] HeaderNames = ["x-a", "X-A", "x-b"];
    private static readonly string[] QueryNames = ["q", "Q", "r"];
    private static readonly string[] Values = ["1", "2"];
    private static readonly string[] Timestamps = ["2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", "2019-06-01T00:00:00Z"];

    private static T Pick<T>(Random rng, T[] items) => items[rng.Next(items.Length)];

    private static string World(Random rng, out int routeCount)
    {
        var docs = new List<string>
        {
            """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"gc"},"spec":{"controllerName":"example.com/gateway-controller"}}""",
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","namespace":"app"},"spec":{"ports":[{"port":80}]}}""",
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","namespace":"app2"},"spec":{"ports":[{"port":80}]}}""",
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"back","namespace":"other"},"spec":{"ports":[{"port":80}]}}""",
        };
        var listenerHosts = ListenerHosts.OrderBy(_ => rng.Next()).Take(rng.Next(1, 4)).ToList();
        var listeners = listenerHosts.Select((h, i) => $$$$"""{"name":"l{{{{i}}}}","port":80,"protocol":"HTTP"{{{{(h is null ? "" : $",\"hostname\":\"{h}\"")}}}},"allowedRoutes":{"namespaces":{"from":"All"}}}""");
        docs.Add($$$$"""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"gw","namespace":"infra"},"spec":{"gatewayClassName":"gc","listeners":[{{{{string.Join(",", listeners)}}}}]}}""");
        routeCount = rng.Next(1, 7);
        for (var r = 0; r < routeCount; r++)
        {
            var ns = rng.Next(2) == 0 ? "app" : "app2";
            var hostnames = Enumerable.Range(0, rng.Next(0, 3)).Select(_ => Pick(rng, RouteHosts)).Distinct().Select(h => $"\"{h}\"");
            var section = rng.Next(3) == 0 ? $",\"sectionName\":\"l{rng.Next(listenerHosts.Count)}\"" : "";
            var rules = Enumerable.Range(0, rng.Next(1, 4)).Select(_ => RuleJson(rng));
            docs.Add($$$$"""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r{{{{rng.Next(4)}}}}{{{{r}}}}","namespace":"{{{{ns}}}}","creationTimestamp":"{{{{Pick(rng, Timestamps)}}}}"},"spec":{"parentRefs":[{"name":"gw","namespace":"infra"{{{{section}}}}}],"hostnames":[{{{{string.Join(",", hostnames)}}}}],"rules":[{{{{string.Join(",", rules)}}}}]}}""");
        }

        return "[" + string.Join(",", docs) + "]";
    }

    private static string RuleJson(Random rng)
    {
        var matches = Enumerable.Range(0, rng.Next(0, 3)).Select(_ => MatchJson(rng));
        var backend = rng.Next(7) switch
        {
            0 => """{"name":"missing","port":80}""",
            1 => """{"name":"svc","port":80,"weight":0}""",
            2 => """{"name":"back","namespace":"other","port":80}""",
            _ => """{"name":"svc","port":80}""",
        };
        return $$"""{"matches":[{{string.Join(",", matches)}}],"backendRefs":[{{backend}}]}""";
    }

    private static string MatchJson(Random rng)
    {
        var parts = new List<string>();
        switch (rng.Next(4))
        {
            case 0: parts.Add($$"""
                "path":{"type":"Exact","value":"{{Pick(rng, Paths)}}"}
                """); break;
            case 1: parts.Add($$"""
                "path":{"type":"PathPrefix","value":"{{Pick(rng, Paths)}}"}
                """); break;
            case 2: parts.Add($$"""
                "path":{"type":"RegularExpression","value":"{{Pick(rng, Regexes)}}"}
                """); break;
        }

        if (rng.Next(3) == 0)
        {
            parts.Add($"\"method\":\"{(rng.Next(2) == 0 ? "GET" : "POST")}\"");
        }

        var headers = Enumerable.Range(0, rng.Next(0, 3)).Select(_ => Pick(rng, HeaderNames)).DistinctBy(n => n.ToLowerInvariant()).Select(name => rng.Next(4) == 0
            ? $$"""{"type":"RegularExpression","name":"{{name}}","value":"[12]"}"""
            : $$"""{"name":"{{name}}","value":"{{Pick(rng, Values)}}"}""").ToList();
        if (headers.Count > 0)
        {
            parts.Add($"\"headers\":[{string.Join(",", headers)}]");
        }

        var queries = Enumerable.Range(0, rng.Next(0, 3)).Select(_ => Pick(rng, QueryNames)).Distinct().Select(name => $$"""{"name":"{{name}}","value":"{{Pick(rng, Values)}}"}""").ToList();
        if (queries.Count > 0)
        {
            parts.Add($"\"queryParams\":[{string.Join(",", queries)}]");
        }

        return "{" + string.Join(",", parts) + "}";
    }

    private static PlainRequest RandomRequest(Random rng)
    {
        var query = new StringBuilder();
        for (var i = rng.Next(0, 4); i > 0; i--)
        {
            query.Append(query.Length == 0 ? '?' : '&').Append(Pick(rng, QueryNames)).Append('=').Append(Pick(rng, Values));
        }

        var headers = Enumerable.Range(0, rng.Next(0, 4)).Select(_ => (Pick(rng, HeaderNames), Pick(rng, Values))).ToList();
        return new PlainRequest(rng.Next(8) == 0 ? 81 : 80, rng.Next(2) == 0 ? "GET" : "POST", Pick(rng, RequestHosts), Pick(rng, Paths) + query, headers);
    }

    private static EvaluationResult Evaluate(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var objects = doc.RootElement.EnumerateArray().Select(e => ManifestReader.Read(e).Resource ?? throw new InvalidOperationException("generated an invalid document: " + e));
        return Evaluator.Evaluate(Snapshot.Create(objects), new EvaluationOptions { ControllerNames = ["example.com/gateway-controller"] });
    }

    private static string? Agree(int seed)
    {
        var rng = new Random(seed);
        var result = Evaluate(World(rng, out _));
        var table = RoutingTable.Compile(result).FindGateway(GatewayKey)!;
        var outcome = new MatchOutcome();
        for (var i = 0; i < RequestsPerTable; i++)
        {
            var request = RandomRequest(rng);
            var expected = ReferenceMatcher.Match(result, GatewayKey, request);
            var headers = request.Headers.Select(h => new RequestHeader(h.Name, h.Value)).ToArray();
            table.Match(new RequestView(RequestProtocol.Http, request.Port, request.Method, request.Host, request.PathAndQuery, headers), outcome);
            var kind = outcome.Kind switch
            {
                MatchOutcomeKind.Routed => "routed",
                MatchOutcomeKind.NoBackend => "noBackend",
                MatchOutcomeKind.NotRouted => "notRouted",
                var k => k.ToString(),
            };
            var actual = new ReferenceOutcome(kind, outcome.StatusCode, outcome.SectionName, outcome.RouteKey, outcome.RuleIndex, outcome.MatchIndex, ValidBits(outcome));
            if (actual != expected)
            {
                return $"seed {seed}, request {request} {string.Join(";", request.Headers)}: expected {expected}, got {actual}";
            }
        }

        return null;
    }

    /// <summary>Per backendRef of the chosen rule, whether the matcher lets it receive traffic.</summary>
    internal static string ValidBits(MatchOutcome outcome)
        => outcome.Kind is MatchOutcomeKind.Routed or MatchOutcomeKind.NoBackend && !outcome.IsMeshDefault ? string.Concat(outcome.Backends.Select(b => b.IsValid ? '1' : '0')) : "";

    [Property(MaxTest = 500)]
    public Property CompiledMatcher_AgreesWithReference()
        => Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var failure = Agree(seed);
            return (failure is null).Label(failure ?? "ok");
        });

    [Fact]
    public void Generator_ProducesRoutedAndNotRouted()
    {
        var kinds = new HashSet<string>();
        for (var seed = 0; seed < 50; seed++)
        {
            var rng = new Random(seed);
            var result = Evaluate(World(rng, out _));
            for (var i = 0; i < 10; i++)
            {
                kinds.Add(ReferenceMatcher.Match(result, GatewayKey, RandomRequest(rng)).Kind);
            }
        }

        Assert.Contains("routed", kinds);
        Assert.Contains("notRouted", kinds);
        Assert.Contains("noBackend", kinds);
    }
}
