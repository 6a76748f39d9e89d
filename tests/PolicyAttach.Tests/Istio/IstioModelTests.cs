using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Manifests;
using PolicyAttach.Matching;
using PolicyAttach.Conversion;
using PolicyAttach.Istio;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Tests.Istio;

/// <summary>The Istio model (the oracle of <c>convert-istio --verify</c>) and the converter on small inputs.</summary>
public class IstioModelTests
{
    private const string Service = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","namespace":"app"},"spec":{"selector":{"app":"svc"},"ports":[{"name":"http","port":80}]}}""";
    private const string Other = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"other","namespace":"app"},"spec":{"selector":{"app":"other"},"ports":[{"name":"http","port":80}]}}""";
    private const string Gateway = """{"apiVersion":"networking.istio.io/v1","kind":"Gateway","metadata":{"name":"gw","namespace":"app"},"spec":{"servers":[{"port":{"number":80,"name":"http","protocol":"HTTP"},"hosts":["*"]}]}}""";
    private static readonly ResourceKey GatewayKey = new("networking.istio.io", "Gateway", "app", "gw");
    private static readonly ResourceKey ServiceKey = new(Groups.Core, "Service", "app", "svc");

    private static Snapshot World(params string[] docs)
        => Snapshot.Create(docs.Select(d =>
        {
            using var json = JsonDocument.Parse(d);
            return ManifestReader.Read(json.RootElement).Resource!;
        }).ToList());

    private static string VirtualService(string http, string hosts = "[\"a.example.com\"]", string gateways = "[\"gw\"]", string name = "vs", string extra = "")
        => "{\"apiVersion\":\"networking.istio.io/v1\",\"kind\":\"VirtualService\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"app\"" + extra + "},\"spec\":{\"hosts\":" + hosts + ",\"gateways\":" + gateways + ",\"http\":" + http + "}}";

    private static RoutingAnswer Answer(Snapshot snapshot, TargetedProbe probe)
        => new IstioRouter(IstioReader.Read(snapshot), snapshot, "cluster.local", (s, subset) => subset is null ? s : null).Answer(probe).Answer;

    private static TargetedProbe Get(string path, string host = "a.example.com", params (string, string)[] headers)
        => new() { Gateway = GatewayKey, Port = 80, Authority = host, PathAndQuery = path, Headers = headers.Select(h => new RequestHeader(h.Item1, h.Item2)).ToEquatableArray() };

    [Fact]
    public void Router_PrefixMatch_IsACharacterPrefix()
    {
        var snapshot = World(Service, Gateway, VirtualService("""[{"match":[{"uri":{"prefix":"/api"}}],"route":[{"destination":{"host":"svc"}}]}]"""));
        Assert.Equal(200, Answer(snapshot, Get("/apis")).Status);
        Assert.Equal(200, Answer(snapshot, Get("/api/v1")).Status);
        Assert.Equal(404, Answer(snapshot, Get("/ap")).Status);
    }

    [Fact]
    public void Router_OverlappingRules_FirstMatchWins()
    {
        var snapshot = World(Service, Other, Gateway, VirtualService(
            """[{"match":[{"headers":{"x-canary":{"exact":"1"}}}],"route":[{"destination":{"host":"other"}}]},{"match":[{"uri":{"exact":"/health"}}],"route":[{"destination":{"host":"svc"}}]}]"""));
        Assert.Equal("app/other:80", Answer(snapshot, Get("/health", "a.example.com", ("x-canary", "1"))).Backends[0].Backend);
        Assert.Equal("app/svc:80", Answer(snapshot, Get("/health")).Backends[0].Backend);
    }

    [Fact]
    public void Router_WithoutHeaders_ExcludesTheRequest()
    {
        var snapshot = World(Service, Other, Gateway, VirtualService(
            """[{"match":[{"withoutHeaders":{"x-internal":{"exact":"yes"}}}],"route":[{"destination":{"host":"svc"}}]},{"route":[{"destination":{"host":"other"}}]}]"""));
        Assert.Equal("app/svc:80", Answer(snapshot, Get("/")).Backends[0].Backend);
        Assert.Equal("app/other:80", Answer(snapshot, Get("/", "a.example.com", ("x-internal", "yes"))).Backends[0].Backend);
        Assert.Equal("app/svc:80", Answer(snapshot, Get("/", "a.example.com", ("x-internal", "no"))).Backends[0].Backend);
    }

    [Fact]
    public void Router_SpecificHostWithoutMatch_DoesNotFallThroughToTheWildcard()
    {
        var snapshot = World(Service, Other, Gateway,
            VirtualService("""[{"match":[{"uri":{"prefix":"/a"}}],"route":[{"destination":{"host":"svc"}}]}]""", name: "specific"),
            VirtualService("""[{"route":[{"destination":{"host":"other"}}]}]""", hosts: "[\"*.example.com\"]", name: "wild"));
        Assert.Equal(404, Answer(snapshot, Get("/b")).Status);
        Assert.Equal("app/other:80", Answer(snapshot, Get("/b", "b.example.com")).Backends[0].Backend);
    }

    [Fact]
    public void Router_RewriteAfterPrefixMatch_ReplacesTheMatchedCharacters()
    {
        var snapshot = World(Service, Gateway, VirtualService("""[{"match":[{"uri":{"prefix":"/api/"}}],"rewrite":{"uri":"/"},"route":[{"destination":{"host":"svc"}}]}]"""));
        Assert.Equal("/v1/x?q=1", Answer(snapshot, Get("/api/v1/x?q=1")).PathAndQuery);
    }

    [Fact]
    public void Router_NoVirtualServiceForAService_RoutesToTheService()
    {
        var snapshot = World(Service);
        var answer = Answer(snapshot, new TargetedProbe { Service = ServiceKey, ClientNamespace = "app", Port = 80, Authority = "svc:80", PathAndQuery = "/" });
        Assert.Equal(200, answer.Status);
        Assert.Equal("app/svc:80", answer.Backends[0].Backend);
    }

    [Fact]
    public void Convert_PrecedenceInversion_OutputRoutesAsIstioOnEveryProbe()
    {
        var snapshot = World(Service, Other, Gateway, VirtualService(
            """[{"match":[{"headers":{"x-canary":{"exact":"1"}}}],"route":[{"destination":{"host":"other"}}]},{"match":[{"uri":{"exact":"/health"}},{"uri":{"prefix":"/api/v2"},"method":{"exact":"POST"}}],"route":[{"destination":{"host":"svc"}}]},{"route":[{"destination":{"host":"svc"}}]}]"""));
        var result = IstioConverter.Convert(snapshot);
        Assert.False(result.HasErrors);
        var route = Assert.Single(result.Objects.OfType<HttpRoute>());
        Assert.Equal(3, route.Rules[0].Matches.Count);
        Assert.True(IstioConverter.Verify(snapshot, result).Clean);
    }

    [Fact]
    public void Convert_LaterRuleWithTheSameWithoutHeaders_GetsNoCopyOfTheExcludedRequests()
    {
        // Regression (found by the first-match property): the excluded requests of rule 0 were copied to rule 1,
        // which excludes them too; Istio sends them to rule 2.
        var snapshot = World(Service, Other, Gateway, VirtualService(
            """[{"match":[{"uri":{"prefix":"/a/b/c"},"withoutHeaders":{"x-b":{}}}],"route":[{"destination":{"host":"other"}}]},{"match":[{"withoutHeaders":{"x-b":{}}}],"route":[{"destination":{"host":"other"}}]},{"route":[{"destination":{"host":"svc"}}]}]"""));
        var options = new IstioConversionOptions { PrefixMatch = PrefixMatchStyle.RegularExpression };
        var result = IstioConverter.Convert(snapshot, options);
        Assert.False(result.HasErrors);
        var verification = IstioConverter.Verify(snapshot, result, options);
        Assert.True(verification.Clean, string.Join("\n", verification.Differences.Select(d => d.Difference.Probe.ToString())));
    }

    [Fact]
    public void Convert_WithoutHeadersBeforeRegexAndCatchAll_ExcludedRequestsKeepIstiosOrder()
    {
        // Regression, found by the first-match property with POLICYATTACH_PROPERTY_SEED=(5745975195274142440,14418211706312282309):
        // rule 0 excludes requests with x-a: 1; for those, Istio tries rule 1 (a regex) before rule 2 (every request).
        // The regex has no one-match intersection with rule 0's PathPrefix, so rule 1 got no copy and the copy of
        // rule 2 took GET /b/a with x-a: 1. The copies are now cut to "x-a: 1" without the path, which every later
        // rule intersects, and keep Istio's order.
        var snapshot = World(Service, Other, Gateway, VirtualService(
            """[{"match":[{"uri":{"prefix":"/b"},"withoutHeaders":{"x-a":{"exact":"1"}}}],"route":[{"destination":{"host":"other"}}]},{"match":[{"uri":{"regex":"/b/.*"}}],"route":[{"destination":{"host":"other"}}]},{"route":[{"destination":{"host":"svc"}}]}]"""));
        foreach (var style in new[] { PrefixMatchStyle.PathPrefix, PrefixMatchStyle.RegularExpression })
        {
            var options = new IstioConversionOptions { PrefixMatch = style };
            var result = IstioConverter.Convert(snapshot, options);
            var differences = IstioConverter.Verify(snapshot, result, options).Differences;
            // PathPrefix differs from Istio's character prefix on /bx..., which the report says; nothing else may differ.
            var wrong = differences.Where(d => !d.Explained || style == PrefixMatchStyle.RegularExpression || d.Difference.Probe.ToString().Contains("[x-a: 1]", StringComparison.Ordinal)).ToList();
            Assert.True(wrong.Count == 0, style + ": " + string.Join("\n", wrong.Select(d => d.Difference.Probe + ": " + d.Difference.Source + " / " + d.Difference.Converted)));
            Assert.Contains(result.Report.Issues, n => n.Field == "spec.http[0].match[0].withoutHeaders" && n.Outcome == ConversionOutcome.Carried);
        }
    }

    [Fact]
    public void Convert_WithoutHeadersCopyNotWritable_DifferenceIsReportedOnTheRuleIstioPicks()
    {
        // Rule 0's other match (/c) would take requests outside /b with x-a: 1, so the copies cannot drop the path;
        // then rule 1's copy (a regex within PathPrefix /b) is not one match, and GET /b/a with x-a: 1 reaches the copy
        // of rule 2. The difference must be reported on rule 1, the rule Istio picks, not only on rule 0.
        var snapshot = World(Service, Other, Gateway, VirtualService(
            """[{"match":[{"uri":{"prefix":"/b"},"withoutHeaders":{"x-a":{"exact":"1"}}},{"uri":{"prefix":"/c"}}],"route":[{"destination":{"host":"other"}}]},{"match":[{"uri":{"regex":"/b/.*"}}],"route":[{"destination":{"host":"other"}}]},{"route":[{"destination":{"host":"svc"}}]}]"""));
        var options = new IstioConversionOptions { PrefixMatch = PrefixMatchStyle.PathPrefix };
        var result = IstioConverter.Convert(snapshot, options);
        var differences = IstioConverter.Verify(snapshot, result, options).Differences;
        var difference = Assert.Single(differences, d => d.Difference.Probe.ToString().StartsWith("GET http://a.example.com/b/", StringComparison.Ordinal) && d.Difference.Probe.ToString().Contains("[x-a: 1]", StringComparison.Ordinal));
        Assert.Equal("spec.http[1]", difference.SourceRule?.Field);
        Assert.Contains(difference.Explanations, n => n.Field == "spec.http[1]" && n.Outcome == ConversionOutcome.Approximated);
        Assert.All(differences, d => Assert.True(d.Explained, d.Difference.Probe.ToString()));
    }

    [Fact]
    public void Convert_GrpcServer_WritesGrpcRoutesThatRouteCallsAsIstio()
    {
        const string grpcGateway = """{"apiVersion":"networking.istio.io/v1","kind":"Gateway","metadata":{"name":"gw","namespace":"app"},"spec":{"servers":[{"port":{"number":80,"name":"grpc","protocol":"GRPC"},"hosts":["*"]}]}}""";
        var snapshot = World(Service, Other, grpcGateway, VirtualService(
            """[{"match":[{"headers":{"x-canary":{"exact":"1"}}}],"route":[{"destination":{"host":"other"}}]},{"match":[{"uri":{"exact":"/pkg.Greeter/SayHello"}}],"route":[{"destination":{"host":"svc"}}],"timeout":"1s"},{"match":[{"uri":{"prefix":"/pkg.Store/"}},{"uri":{"exact":"/index.html"}}],"route":[{"destination":{"host":"other"}}]},{"route":[{"destination":{"host":"svc"}}]}]"""));
        var result = IstioConverter.Convert(snapshot);
        Assert.False(result.HasErrors);
        Assert.DoesNotContain(result.Objects, o => o is HttpRoute);
        var route = Assert.Single(result.Objects.OfType<GrpcRoute>());
        // The canary rule keeps its place before the more specific method match (copies with the method added).
        Assert.Contains(route.Rules[0].Matches, m => m.Method is { Service: "pkg.Greeter", Method: "SayHello" } && m.Headers.Count == 1);
        Assert.Equal(new GrpcMethodMatch { Service = "pkg.Greeter", Method = "SayHello" }, Assert.Single(route.Rules[1].Matches).Method);
        Assert.Equal(new GrpcMethodMatch { Service = "pkg.Store" }, Assert.Single(route.Rules[2].Matches).Method);
        Assert.Equal(new GrpcRouteMatch(), Assert.Single(route.Rules[3].Matches));
        for (var i = 0; i < result.Objects.Count; i++)
        {
            // The GRPCRoute is written so that the CRD's schema and CEL rules accept it, and reads back as itself.
            using var json = JsonDocument.Parse(result.Manifests[i]);
            var read = ManifestReader.Read(json.RootElement, new ManifestReadOptions { DefaultCreationTimestamp = result.Objects[i].Metadata.CreationTimestamp });
            Assert.Equal(result.Objects[i], read.Resource);
        }

        var notes = result.Report.Issues;
        Assert.Contains(notes, n => n.Field == "spec.http[1].timeout" && n.Outcome == ConversionOutcome.Dropped);
        Assert.Contains(notes, n => n.Field == "spec.http[2].match[1].uri.exact" && n.Outcome == ConversionOutcome.Carried);

        var input = IstioReader.Read(snapshot);
        var probes = IstioProbes.Generate(input, snapshot, "cluster.local");
        Assert.NotEmpty(probes);
        Assert.All(probes.Where(p => p.Gateway is not null), p => Assert.Equal(RequestProtocol.Grpc, p.Protocol));
        var verification = IstioConverter.Verify(snapshot, result);
        Assert.True(verification.Clean, string.Join("\n", verification.Differences.Select(d => d.Difference.Probe + ": " + d.Difference.Source + " / " + d.Difference.Converted)));
    }

    [Fact]
    public void Convert_GrpcCatchAllBeforeHeaderRule_KeepsTheAddedHeaderMatch()
    {
        // Regression, found by the gRPC first-match property: rule 0 takes every call, rule 1 calls with x-a: 1. The
        // match added to rule 0 for the order (every call with x-a: 1) was lost when a rule with a condition-free
        // match was written with no matches, and rule 1 outranked it.
        const string grpcGateway = """{"apiVersion":"networking.istio.io/v1","kind":"Gateway","metadata":{"name":"gw","namespace":"app"},"spec":{"servers":[{"port":{"number":80,"name":"grpc","protocol":"GRPC"},"hosts":["*"]}]}}""";
        var snapshot = World(Service, Other, grpcGateway, VirtualService(
            """[{"route":[{"destination":{"host":"svc"}}]},{"match":[{"headers":{"x-a":{"exact":"1"}}}],"route":[{"destination":{"host":"other"}}]}]"""));
        var result = IstioConverter.Convert(snapshot);
        var route = Assert.Single(result.Objects.OfType<GrpcRoute>());
        Assert.Contains(route.Rules[0].Matches, m => m.Headers.Count == 1);
        Assert.True(IstioConverter.Verify(snapshot, result).Clean);
    }

    [Fact]
    public void Convert_GrpcRegexPath_IsReportedAndTheDifferenceExplained()
    {
        const string grpcGateway = """{"apiVersion":"networking.istio.io/v1","kind":"Gateway","metadata":{"name":"gw","namespace":"app"},"spec":{"servers":[{"port":{"number":80,"name":"grpc","protocol":"GRPC"},"hosts":["*"]}]}}""";
        var snapshot = World(Service, Other, grpcGateway, VirtualService(
            """[{"match":[{"uri":{"regex":"/pkg\\..*/Get"}}],"route":[{"destination":{"host":"other"}}]},{"route":[{"destination":{"host":"svc"}}]}]"""));
        var result = IstioConverter.Convert(snapshot);
        Assert.Contains(result.Report.Issues, n => n.Field == "spec.http[0].match[0].uri.regex" && n.Outcome == ConversionOutcome.Dropped && n.AffectsRouting);
        Assert.Contains(result.Report.Issues, n => n.Field == "spec.http[0]" && n.Outcome == ConversionOutcome.Dropped);
        var differences = IstioConverter.Verify(snapshot, result).Differences;
        Assert.NotEmpty(differences);
        Assert.All(differences, d => Assert.True(d.Explained, d.Difference.Probe.ToString()));
    }

    [Fact]
    public void Convert_MeshServiceWithGrpcAndHttpPorts_GrpcRouteForTheGrpcPortOnly()
    {
        const string mixed = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","namespace":"app"},"spec":{"selector":{"app":"svc"},"ports":[{"name":"api","port":9090,"appProtocol":"grpc"},{"name":"http","port":80}]}}""";
        var snapshot = World(mixed, VirtualService("""[{"match":[{"uri":{"prefix":"/pkg.Orders/"}}],"route":[{"destination":{"host":"svc"}}]}]""", hosts: "[\"svc\"]", gateways: "[]"));
        var result = IstioConverter.Convert(snapshot);
        Assert.False(result.HasErrors);
        var grpc = Assert.Single(result.Objects.OfType<GrpcRoute>());
        Assert.Equal(9090, Assert.Single(grpc.ParentRefs).Port);
        var http = Assert.Single(result.Objects.OfType<HttpRoute>());
        Assert.Equal(80, Assert.Single(http.ParentRefs).Port);
        Assert.True(IstioConverter.Verify(snapshot, result).Differences.All(d => d.Explained));
    }

    [Theory]
    [InlineData("grpc", null, true)]
    [InlineData("grpc-api", null, true)]
    [InlineData("GRPC-api", null, true)]
    [InlineData("grpc-web", null, false)]
    [InlineData("grpcx", null, false)]
    [InlineData("http", "grpc", true)]
    [InlineData("grpc", "http", false)]
    [InlineData("api", "kubernetes.io/h2c", false)]
    public void IsGrpcPort_NameOrAppProtocol_AsIstiosProtocolSelection(string name, string? appProtocol, bool grpc)
        => Assert.Equal(grpc, IstioRules.IsGrpcPort(new ServicePort { Name = name, Port = 1, AppProtocol = appProtocol }));

    [Fact]
    public void Convert_EnvoyGatewayProfile_BackendTrafficPolicyPerRuleWithTheSubsetsOverride()
    {
        var rule = """{"apiVersion":"networking.istio.io/v1","kind":"DestinationRule","metadata":{"name":"svc","namespace":"app"},"spec":{"host":"svc","trafficPolicy":{"loadBalancer":{"consistentHash":{"httpHeaderName":"x-user"}},"outlierDetection":{"consecutive5xxErrors":3,"interval":"10s"}},"subsets":[{"name":"v1","labels":{"version":"v1"}},{"name":"v2","labels":{"version":"v2"},"trafficPolicy":{"loadBalancer":{"simple":"LEAST_REQUEST"}}}]}}""";
        var snapshot = World(Service, Gateway, rule, VirtualService(
            """[{"match":[{"uri":{"prefix":"/v2/"}}],"route":[{"destination":{"host":"svc","subset":"v2"}}],"retries":{"attempts":3,"retryOn":"5xx"}},{"route":[{"destination":{"host":"svc","subset":"v1"}}],"fault":{"abort":{"httpStatus":503,"percentage":{"value":5}}}}]"""));
        var plain = IstioConverter.Convert(snapshot);
        Assert.DoesNotContain(plain.Manifests, m => m.Contains("\"BackendTrafficPolicy\"", StringComparison.Ordinal));
        Assert.Contains(plain.Report.Issues, n => n.Field == "spec.http[1].fault" && n.Outcome == ConversionOutcome.Dropped);

        var result = IstioConverter.Convert(snapshot, new IstioConversionOptions { EnvoyGateway = true });
        Assert.False(result.HasErrors);
        var policies = result.Manifests.Select(m => JsonDocument.Parse(m).RootElement).Where(m => m.GetProperty("kind").GetString() == "BackendTrafficPolicy").ToList();
        Assert.Equal(2, policies.Count);
        var bySection = policies.ToDictionary(p => p.GetProperty("spec").GetProperty("targetRefs")[0].GetProperty("sectionName").GetString()!, p => p.GetProperty("spec"));
        var first = bySection[Assert.Single(bySection.Keys, k => bySection[k].TryGetProperty("faultInjection", out _) == false)];
        Assert.Equal("LeastRequest", first.GetProperty("loadBalancer").GetProperty("type").GetString());
        Assert.Equal(3, first.GetProperty("retry").GetProperty("numRetries").GetInt32());
        var second = bySection.Values.Single(v => v.TryGetProperty("faultInjection", out _));
        Assert.Equal("ConsistentHash", second.GetProperty("loadBalancer").GetProperty("type").GetString());
        Assert.Equal("x-user", second.GetProperty("loadBalancer").GetProperty("consistentHash").GetProperty("header").GetProperty("name").GetString());
        Assert.Equal(2, second.GetProperty("retry").GetProperty("numRetries").GetInt32());
        Assert.True(second.TryGetProperty("healthCheck", out var health) && health.TryGetProperty("passive", out _));
        Assert.All(policies, p => Assert.Equal("HTTPRoute", p.GetProperty("spec").GetProperty("targetRefs")[0].GetProperty("kind").GetString()));
    }

    [Fact]
    public void Verify_GatewayIssueOnAnotherServer_DoesNotExplainADifference()
    {
        // Regression: any routing issue on an Istio Gateway used to explain every difference at that Gateway. Here
        // the Gateway's second server (port 8080, an IP address host) is dropped, and the converted route is then
        // made wrong on purpose (its backend swapped): the requests on port 80 must come out unexplained.
        const string twoServers = """{"apiVersion":"networking.istio.io/v1","kind":"Gateway","metadata":{"name":"gw","namespace":"app"},"spec":{"servers":[{"port":{"number":80,"name":"http","protocol":"HTTP"},"hosts":["*"]},{"port":{"number":8080,"name":"http-ip","protocol":"HTTP"},"hosts":["10.0.0.1"]}]}}""";
        var snapshot = World(Service, Other, twoServers, VirtualService("""[{"match":[{"uri":{"exact":"/a"}}],"route":[{"destination":{"host":"svc"}}]}]"""));
        var result = IstioConverter.Convert(snapshot);
        Assert.Contains(result.Report.Issues, n => n.Subject == GatewayKey && n.AffectsRouting && n.Outcome != ConversionOutcome.Carried && n.Field!.StartsWith("spec.servers[1]", StringComparison.Ordinal));
        var before = IstioConverter.Verify(snapshot, result);
        Assert.True(before.Clean, string.Join("\n", before.Differences.Select(d => d.Difference.Probe + ": " + d.Difference.Source + " / " + d.Difference.Converted)));

        var route = Assert.Single(result.Objects.OfType<HttpRoute>());
        var wrong = route with
        {
            Rules = route.Rules.Select(r => r with { BackendRefs = r.BackendRefs.Select(b => b with { BackendRef = b.BackendRef with { Name = "other" } }).ToEquatableArray() }).ToEquatableArray(),
        };
        var tampered = result with { Objects = result.Objects.Select(o => o == route ? (KubeObject)wrong : o).ToEquatableArray() };
        var differences = IstioConverter.Verify(snapshot, tampered).Differences;
        Assert.NotEmpty(differences);
        Assert.All(differences, d => Assert.False(d.Explained, d.Difference.Probe + " explained by " + string.Join(", ", d.Explanations.Select(e => e.Field))));
    }

    [Fact]
    public void Convert_EnvoyGatewayProfileGrpcServer_BackendTrafficPoliciesTargetTheGrpcRouteRules()
    {
        const string grpcGateway = """{"apiVersion":"networking.istio.io/v1","kind":"Gateway","metadata":{"name":"gw","namespace":"app"},"spec":{"servers":[{"port":{"number":80,"name":"grpc","protocol":"GRPC"},"hosts":["*"]}]}}""";
        var rule = """{"apiVersion":"networking.istio.io/v1","kind":"DestinationRule","metadata":{"name":"svc","namespace":"app"},"spec":{"host":"svc","trafficPolicy":{"loadBalancer":{"simple":"LEAST_REQUEST"},"connectionPool":{"tcp":{"connectTimeout":"2s"}}}}}""";
        var snapshot = World(Service, Other, grpcGateway, rule, VirtualService(
            """[{"match":[{"uri":{"prefix":"/pkg.Orders/"}}],"route":[{"destination":{"host":"svc"}}],"timeout":"1.5s","retries":{"attempts":4,"retryOn":"unavailable,deadline-exceeded"}},{"route":[{"destination":{"host":"other"}}],"fault":{"abort":{"grpcStatus":"UNAVAILABLE","percentage":{"value":1}}}}]"""));
        var plain = IstioConverter.Convert(snapshot);
        Assert.Contains(plain.Report.Issues, n => n.Field == "spec.http[0].timeout" && n.Outcome == ConversionOutcome.Dropped);

        var result = IstioConverter.Convert(snapshot, new IstioConversionOptions { EnvoyGateway = true });
        Assert.False(result.HasErrors);
        var route = Assert.Single(result.Objects.OfType<GrpcRoute>());
        Assert.All(route.Rules, r => Assert.NotNull(r.Name));
        var policies = result.Manifests.Select(m => JsonDocument.Parse(m).RootElement).Where(m => m.GetProperty("kind").GetString() == "BackendTrafficPolicy").ToList();
        Assert.Equal(2, policies.Count);
        var targets = policies.Select(p => p.GetProperty("spec").GetProperty("targetRefs")[0]).ToList();
        Assert.All(targets, t => Assert.Equal(("GRPCRoute", route.Name), (t.GetProperty("kind").GetString(), t.GetProperty("name").GetString())));
        Assert.Equal(route.Rules.Select(r => r.Name).Order(StringComparer.Ordinal), targets.Select(t => t.GetProperty("sectionName").GetString()).Order(StringComparer.Ordinal));

        var first = policies.Single(p => p.GetProperty("spec").GetProperty("targetRefs")[0].GetProperty("sectionName").GetString() == route.Rules[0].Name).GetProperty("spec");
        Assert.Equal("1s500ms", first.GetProperty("timeout").GetProperty("http").GetProperty("requestTimeout").GetString());
        Assert.Equal("2s", first.GetProperty("timeout").GetProperty("tcp").GetProperty("connectTimeout").GetString());
        Assert.Equal(4, first.GetProperty("retry").GetProperty("numRetries").GetInt32());
        Assert.Equal("LeastRequest", first.GetProperty("loadBalancer").GetProperty("type").GetString());
        var second = policies.Single(p => p.GetProperty("spec").GetProperty("targetRefs")[0].GetProperty("sectionName").GetString() == route.Rules[1].Name).GetProperty("spec");
        Assert.Equal(14, second.GetProperty("faultInjection").GetProperty("abort").GetProperty("grpcStatus").GetInt32());

        var notes = result.Report.Issues;
        Assert.Contains(notes, n => n.Field == "spec.http[0].timeout" && n.Outcome == ConversionOutcome.Carried);
        Assert.Contains(notes, n => n.Field == "spec.http[0].retries.attempts" && n.Outcome == ConversionOutcome.Carried);
        Assert.Contains(notes, n => n.Field == "spec.http[1].fault.abort" && n.Outcome == ConversionOutcome.Carried);
        Assert.DoesNotContain(notes, n => n.Subject?.Kind == "VirtualService" && n.Outcome == ConversionOutcome.Dropped && n.Field!.Contains("timeout", StringComparison.Ordinal));

        // The GRPCRoute with its rule names and the policies read back as written (ConversionReadBack refuses otherwise).
        for (var i = 0; i < result.Objects.Count; i++)
        {
            using var json = JsonDocument.Parse(result.Manifests[i]);
            var read = ManifestReader.Read(json.RootElement, new ManifestReadOptions { DefaultCreationTimestamp = result.Objects[i].Metadata.CreationTimestamp });
            Assert.Equal(result.Objects[i], read.Resource);
        }

        Assert.True(IstioConverter.Verify(snapshot, result, new IstioConversionOptions { EnvoyGateway = true }).Clean);
    }

    private const string GrpcService = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"greeter","namespace":"app"},"spec":{"selector":{"app":"greeter"},"ports":[{"name":"grpc-api","port":9090}]}}""";
    private const string GrpcCanary = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"greeter-canary","namespace":"app"},"spec":{"selector":{"app":"greeter","track":"canary"},"ports":[{"name":"api","port":9090,"appProtocol":"grpc"}]}}""";

    [Fact]
    public void Convert_HttpServerWithOnlyGrpcDestinations_WritesGrpcRoutesThatRouteCallsAsIstio()
    {
        var snapshot = World(GrpcService, GrpcCanary, Gateway, VirtualService(
            """[{"match":[{"uri":{"exact":"/pkg.Greeter/SayHello"},"headers":{"x-canary":{"exact":"1"}}}],"route":[{"destination":{"host":"greeter-canary"}}]},{"match":[{"uri":{"prefix":"/pkg.Greeter/"}}],"route":[{"destination":{"host":"greeter","port":{"number":9090}}}]},{"route":[{"destination":{"host":"greeter"},"weight":90},{"destination":{"host":"greeter-canary"},"weight":10}]}]"""));
        var result = IstioConverter.Convert(snapshot);
        Assert.False(result.HasErrors);
        Assert.DoesNotContain(result.Objects, o => o is HttpRoute);
        var route = Assert.Single(result.Objects.OfType<GrpcRoute>());
        Assert.Equal(new GrpcMethodMatch { Service = "pkg.Greeter", Method = "SayHello" }, route.Rules[0].Matches[0].Method);
        Assert.Contains(result.Report.Issues, n => n.Field == "spec.http" && n.Outcome == ConversionOutcome.Approximated && n.Message.Contains("GRPCRoutes on the HTTP listeners", StringComparison.Ordinal));

        var input = IstioReader.Read(snapshot);
        var probes = IstioProbes.Generate(input, snapshot, "cluster.local").Where(p => p.Authority == "a.example.com").ToList();
        Assert.NotEmpty(probes);
        Assert.All(probes, p => Assert.Equal(RequestProtocol.Grpc, p.Protocol));
        var verification = IstioConverter.Verify(snapshot, result);
        Assert.True(verification.Clean, string.Join("\n", verification.Differences.Select(d => d.Difference.Probe + ": " + d.Difference.Source + " / " + d.Difference.Converted)));
    }

    [Theory]
    [InlineData("""{"uri":{"regex":"/pkg\\..*/Get"}}""", "regex")]
    [InlineData("""{"uri":{"prefix":"/pkg.Greeter"}}""", "prefix")]
    [InlineData("""{"uri":{"exact":"/pkg.Greeter/SayHello"},"method":{"exact":"GET"}}""", "method condition other than POST")]
    [InlineData("""{"queryParams":{"v":{"exact":"1"}}}""", "query parameters")]
    public void Convert_HttpServerGrpcDestinationsWithoutAGrpcForm_KeepsHttpRoutesAndSaysWhy(string match, string why)
    {
        var snapshot = World(GrpcService, Gateway, VirtualService("""[{"match":[""" + match + """],"route":[{"destination":{"host":"greeter"}}]},{"route":[{"destination":{"host":"greeter"}}]}]"""));
        var result = IstioConverter.Convert(snapshot);
        Assert.Empty(result.Objects.OfType<GrpcRoute>());
        Assert.Single(result.Objects.OfType<HttpRoute>());
        Assert.Contains(result.Report.Issues, n => n.Field == "spec.http" && n.Message.Contains("the rules stay HTTPRoutes", StringComparison.Ordinal) && n.Message.Contains(why, StringComparison.Ordinal));
        Assert.All(IstioProbes.Generate(IstioReader.Read(snapshot), snapshot, "cluster.local"), p => Assert.NotEqual(RequestProtocol.Grpc, p.Protocol));
    }

    [Fact]
    public void Convert_HttpServerSharedWithAnHttpVirtualService_KeepsHttpRoutes()
    {
        // Both VirtualServices serve a.example.com: were one of them GRPCRoutes, Gateway API would route the host's
        // gRPC calls by the GRPCRoutes alone, so both stay HTTPRoutes.
        var snapshot = World(GrpcService, Service, Gateway,
            VirtualService("""[{"match":[{"uri":{"prefix":"/pkg.Greeter/"}}],"route":[{"destination":{"host":"greeter"}}]}]"""),
            VirtualService("""[{"match":[{"uri":{"prefix":"/web/"}}],"route":[{"destination":{"host":"svc"}}]}]""", name: "web"));
        var result = IstioConverter.Convert(snapshot);
        Assert.Empty(result.Objects.OfType<GrpcRoute>());
        Assert.Equal(2, result.Objects.OfType<HttpRoute>().Count());
        Assert.Contains(result.Report.Issues, n => n.Subject?.Name == "vs" && n.Field == "spec.http" && n.Message.Contains("shares a host", StringComparison.Ordinal));
    }

    private const string ApiService = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"api","namespace":"app"},"spec":{"selector":{"app":"api"},"ports":[{"name":"http","port":80}]}}""";
    private static readonly ResourceKey ApiKey = new(Groups.Core, "Service", "app", "api");

    [Fact]
    public void Convert_MeshHttpPortWithOnlyGrpcDestinations_WritesGrpcRoutesThatRouteCallsAsIstio()
    {
        // A mesh VirtualService for an HTTP port whose destinations are all gRPC ports: GAMMA GRPCRoutes, as at a
        // Gateway's HTTP server, and --verify sends the Service gRPC calls.
        var snapshot = World(ApiService, GrpcService, GrpcCanary, VirtualService(
            """[{"match":[{"uri":{"exact":"/pkg.Greeter/SayHello"},"headers":{"x-canary":{"exact":"1"}}}],"route":[{"destination":{"host":"greeter-canary"}}]},{"match":[{"uri":{"prefix":"/pkg.Greeter/"}}],"route":[{"destination":{"host":"greeter","port":{"number":9090}}}]},{"route":[{"destination":{"host":"greeter"},"weight":90},{"destination":{"host":"greeter-canary"},"weight":10}]}]""",
            hosts: "[\"api\"]", gateways: "[]"));
        var result = IstioConverter.Convert(snapshot);
        Assert.False(result.HasErrors);
        Assert.DoesNotContain(result.Objects, o => o is HttpRoute);
        var route = Assert.Single(result.Objects.OfType<GrpcRoute>());
        var parent = Assert.Single(route.ParentRefs);
        Assert.Equal((Kinds.Service.Kind, "api"), (parent.Kind, parent.Name));
        Assert.Equal(3, route.Rules.Count);
        Assert.Equal(new GrpcMethodMatch { Service = "pkg.Greeter", Method = "SayHello" }, route.Rules[0].Matches[0].Method);
        Assert.Contains(result.Report.Issues, n => n.Field == "spec.http" && n.Outcome == ConversionOutcome.Approximated && n.Message.Contains("GRPCRoutes on the ports of Service app/api", StringComparison.Ordinal));

        var probes = IstioProbes.Generate(IstioReader.Read(snapshot), snapshot, "cluster.local").Where(p => p.Service == ApiKey).ToList();
        Assert.NotEmpty(probes);
        Assert.All(probes, p => Assert.Equal(RequestProtocol.Grpc, p.Protocol));
        var verification = IstioConverter.Verify(snapshot, result);
        Assert.True(verification.Clean, string.Join("\n", verification.Differences.Select(d => d.Difference.Probe + ": " + d.Difference.Source + " / " + d.Difference.Converted)));

        // The check can fail: the canary rule's backend swapped in the output is a difference nothing explains.
        var swapped = route with { Rules = route.Rules.Select((r, i) => i == 0 ? r with { BackendRefs = route.Rules[1].BackendRefs } : r).ToEquatableArray() };
        var tampered = result with { Objects = result.Objects.Select(o => o == route ? (KubeObject)swapped : o).ToEquatableArray() };
        Assert.Contains(IstioConverter.Verify(snapshot, tampered).Differences, d => !d.Explained && d.Difference.Aspects.Contains("backend"));
    }

    [Theory]
    [InlineData("""{"uri":{"regex":"/pkg\\..*/Get"}}""", "regex")]
    [InlineData("""{"uri":{"exact":"/pkg.Greeter/SayHello"},"method":{"exact":"GET"}}""", "method condition other than POST")]
    public void Convert_MeshHttpPortGrpcDestinationsWithoutAGrpcForm_KeepsHttpRoutesAndSaysWhy(string match, string why)
    {
        var snapshot = World(ApiService, GrpcService, VirtualService("""[{"match":[""" + match + """],"route":[{"destination":{"host":"greeter"}}]},{"route":[{"destination":{"host":"greeter"}}]}]""", hosts: "[\"api\"]", gateways: "[\"mesh\"]"));
        var result = IstioConverter.Convert(snapshot);
        Assert.Empty(result.Objects.OfType<GrpcRoute>());
        Assert.Equal(ApiKey.Name, Assert.Single(Assert.Single(result.Objects.OfType<HttpRoute>()).ParentRefs).Name);
        Assert.Contains(result.Report.Issues, n => n.Field == "spec.http" && n.Message.Contains("the rules stay HTTPRoutes on the ports of Service app/api", StringComparison.Ordinal) && n.Message.Contains(why, StringComparison.Ordinal));
        Assert.All(IstioProbes.Generate(IstioReader.Read(snapshot), snapshot, "cluster.local"), p => Assert.NotEqual(RequestProtocol.Grpc, p.Protocol));
        Assert.True(IstioConverter.Verify(snapshot, result).Differences.All(d => d.Explained));
    }

    private const string DbService = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"db","namespace":"app"},"spec":{"selector":{"app":"db"},"ports":[{"name":"tcp-db","port":5432},{"name":"http-admin","port":8080}]}}""";
    private const string DbV1 = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"db-v1","namespace":"app"},"spec":{"selector":{"app":"db","version":"v1"},"ports":[{"name":"tcp-db","port":5432},{"name":"http-admin","port":8080}]}}""";
    private const string DbV2 = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"db-v2","namespace":"app"},"spec":{"selector":{"app":"db","version":"v2"},"ports":[{"name":"tcp-db","port":5432},{"name":"http-admin","port":8080}]}}""";

    private static string TcpVirtualService(string name, string tcp)
        => "{\"apiVersion\":\"networking.istio.io/v1\",\"kind\":\"VirtualService\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"app\"},\"spec\":{\"hosts\":[\"db\"],\"tcp\":" + tcp + "}}";

    [Fact]
    public void Verify_MeshTcpRules_ProbesEveryTcpPortAndComparesBackendsAndWeights()
    {
        var snapshot = World(DbService, DbV1, DbV2,
            TcpVirtualService("a-db", """[{"match":[{"port":5432,"sourceNamespace":"batch"}],"route":[{"destination":{"host":"db-v2"}}]},{"match":[{"port":5432}],"route":[{"destination":{"host":"db-v1"},"weight":80},{"destination":{"host":"db-v2"},"weight":20}]}]"""),
            TcpVirtualService("b-db", """[{"route":[{"destination":{"host":"db-v2"}}]}]"""));
        var result = IstioConverter.Convert(snapshot);
        Assert.False(result.HasErrors);
        // TCPRoutes for the TCP port only (8080 declares HTTP: Istio applies http rules there), from the older
        // VirtualService: the producer route, and a consumer route for clients in batch (sourceNamespace).
        var routes = result.Objects.OfType<TcpRoute>().ToList();
        Assert.Equal(2, routes.Count);
        Assert.All(routes, r => Assert.Equal(5432, Assert.Single(r.ParentRefs).Port));
        var route = Assert.Single(routes, r => r.Metadata.Namespace == "app");
        Assert.Equal([("db-v1", 80), ("db-v2", 20)], Assert.Single(route.Rules).BackendRefs.Select(b => (b.Name, b.Weight)).ToArray());
        var consumer = Assert.Single(routes, r => r.Metadata.Namespace == "batch");
        Assert.Equal(["db-v2"], Assert.Single(consumer.Rules).BackendRefs.Select(b => b.Name).ToArray());
        var issues = result.Report.Issues;
        Assert.Contains(issues, n => n.Subject?.Name == "b-db" && n.Field == "spec.tcp" && n.Outcome == ConversionOutcome.Dropped && n.AffectsRouting);
        Assert.Contains(issues, n => n.Subject?.Name == "a-db" && n.Field == "spec.tcp[0].match[0].sourceNamespace" && n.Outcome == ConversionOutcome.Carried);
        Assert.DoesNotContain(issues, n => n.Message.StartsWith("not converted: the converter does not read", StringComparison.Ordinal));

        var probes = IstioProbes.Generate(IstioReader.Read(snapshot), snapshot, "cluster.local").Where(p => p.Protocol == RequestProtocol.Tcp).ToList();
        Assert.Equal([5432], probes.Select(p => p.Port).Distinct().ToArray());
        Assert.Contains(probes, p => p.ClientNamespace == "batch");
        Assert.Contains(probes, p => p.ClientNamespace == IstioProbes.OtherNamespace);

        // The model: the older VirtualService's first applicable rule, by client namespace.
        var router = new IstioRouter(IstioReader.Read(snapshot), snapshot, "cluster.local", (s, subset) => subset is null ? s : null);
        var fromBatch = router.Answer(new TargetedProbe { Service = new ResourceKey(Groups.Core, "Service", "app", "db"), ClientNamespace = "batch", Port = 5432, Protocol = RequestProtocol.Tcp }).Answer;
        Assert.Equal(["app/db-v2:5432"], fromBatch.Backends.Select(b => b.Backend).ToArray());

        var verification = IstioConverter.Verify(snapshot, result);
        Assert.True(verification.Requests >= probes.Count);
        Assert.True(verification.Clean, string.Join("\n", verification.Differences.Select(d => d.Difference.Probe + ": " + d.Difference.Source + " / " + d.Difference.Converted)));

        // The check can fail: other weights in the output are differences nothing explains.
        var wrong = route with { Rules = route.Rules.Select(r => r with { BackendRefs = r.BackendRefs.Select(b => b with { Weight = 50 }).ToEquatableArray() }).ToEquatableArray() };
        var tampered = result with { Objects = result.Objects.Select(o => o == route ? (KubeObject)wrong : o).ToEquatableArray() };
        var unexplained = IstioConverter.Verify(snapshot, tampered).Differences.Where(d => !d.Explained).ToList();
        Assert.NotEmpty(unexplained);
        Assert.All(unexplained, d => Assert.Equal(["backend"], d.Difference.Aspects.ToArray()));
    }

    [Theory]
    [InlineData("tcp-db", null, false)]
    [InlineData("db", null, false)]
    [InlineData("mysql", null, false)]
    [InlineData("http", null, true)]
    [InlineData("http2-api", null, true)]
    [InlineData("grpc-web", null, true)]
    [InlineData("db", "http", true)]
    [InlineData("http", "tcp", false)]
    [InlineData("api", "kubernetes.io/h2c", true)]
    public void IsDeclaredHttpPort_NameOrAppProtocol_AsIstiosProtocolSelection(string name, string? appProtocol, bool http)
        => Assert.Equal(http, IstioRules.IsDeclaredHttpPort(new ServicePort { Name = name, Port = 1, AppProtocol = appProtocol }));

    /// <summary>
    /// Issue 22's list of Istio fields, each in one input: every one has its own note in the report (carried,
    /// approximated or dropped, with how or why), and no field of the input is left "not converted".
    /// </summary>
    [Fact]
    public void Convert_EveryFieldTheIssueNames_IsInTheReport()
    {
        const string gateway = """{"apiVersion":"networking.istio.io/v1","kind":"Gateway","metadata":{"name":"gw","namespace":"app"},"spec":{"selector":{"istio":"ingressgateway"},"servers":[{"port":{"number":80,"name":"http","protocol":"HTTP"},"hosts":["app/*.example.com"]},{"port":{"number":443,"name":"https","protocol":"HTTPS"},"hosts":["*.example.com"],"tls":{"mode":"SIMPLE","credentialName":"cert"}},{"port":{"number":8080,"name":"http-redirect","protocol":"HTTP"},"hosts":["r.example.com"],"tls":{"httpsRedirect":true}}]}}""";
        const string http = """
            [{"name":"main","match":[{"uri":{"prefix":"/api"},"ignoreUriCase":true,"headers":{"x":{"exact":"1"}},"queryParams":{"q":{"regex":"[0-9]+"}},"method":{"exact":"GET"},"authority":{"exact":"a.example.com"},"withoutHeaders":{"x-skip":{}},"sourceLabels":{"istio":"ingressgateway"},"port":80}],
              "route":[{"destination":{"host":"svc","subset":"v1"},"weight":80,"headers":{"request":{"set":{"x-b":"1"}}}},{"destination":{"host":"svc","subset":"v2"},"weight":20}],
              "headers":{"request":{"add":{"x-c":"1"},"remove":["x-d"]},"response":{"set":{"x-e":"1"}}},
              "timeout":"3s","retries":{"attempts":2,"perTryTimeout":"1s","retryOn":"5xx"},
              "mirror":{"host":"other"},"mirrorPercentage":{"value":10},
              "fault":{"delay":{"fixedDelay":"1s","percentage":{"value":5}}},
              "corsPolicy":{"allowOrigins":[{"exact":"https://x.example"}],"allowMethods":["GET"]}},
             {"match":[{"uri":{"prefix":"/old"}}],"rewrite":{"uriRegexRewrite":{"match":"^/old(.*)$","rewrite":"/new\\1"}},"route":[{"destination":{"host":"svc"}}]},
             {"match":[{"uri":{"exact":"/moved"}}],"redirect":{"uri":"/new","authority":"b.example.com","redirectCode":301}},
             {"match":[{"uri":{"prefix":"/v1"}}],"rewrite":{"uri":"/v2","authority":"c.example.com"},"route":[{"destination":{"host":"svc"}}]},
             {"match":[{"uri":{"prefix":"/d"}}],"delegate":{"name":"del","namespace":"app"}},
             {"match":[{"uri":{"exact":"/gone"}}],"directResponse":{"status":410}}]
            """;
        const string delegated = """{"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"del","namespace":"app"},"spec":{"http":[{"match":[{"uri":{"prefix":"/d/x"}}],"route":[{"destination":{"host":"other"}}]}]}}""";
        const string rule = """{"apiVersion":"networking.istio.io/v1","kind":"DestinationRule","metadata":{"name":"svc","namespace":"app"},"spec":{"host":"svc","trafficPolicy":{"loadBalancer":{"simple":"LEAST_REQUEST"},"connectionPool":{"tcp":{"maxConnections":10}},"outlierDetection":{"consecutive5xxErrors":3},"tls":{"mode":"SIMPLE"},"portLevelSettings":[{"port":{"number":80},"loadBalancer":{"simple":"RANDOM"}}]},"subsets":[{"name":"v1","labels":{"version":"v1"},"trafficPolicy":{"loadBalancer":{"simple":"ROUND_ROBIN"}}},{"name":"v2","labels":{"version":"v2"}}]}}""";
        var snapshot = World(Service, Other, gateway, rule, delegated, VirtualService(http, extra: string.Empty));
        var result = IstioConverter.Convert(snapshot);
        var unread = result.Report.Issues.Where(n => n.Message.StartsWith("not converted: the converter does not read", StringComparison.Ordinal)).Select(n => n.Subject + " " + n.Field).ToList();
        Assert.True(unread.Count == 0, "fields the converter does not read: " + string.Join(", ", unread));

        string[] vsFields =
        [
            "spec.hosts[0]", "spec.gateways",
            "spec.http[0].name", "spec.http[0].match[0].uri.prefix", "spec.http[0].match[0].ignoreUriCase", "spec.http[0].match[0].headers.x.exact",
            "spec.http[0].match[0].queryParams.q.regex", "spec.http[0].match[0].method.exact", "spec.http[0].match[0].authority.exact",
            "spec.http[0].match[0].withoutHeaders", "spec.http[0].match[0].sourceLabels", "spec.http[0].match[0].port",
            "spec.http[0].route[0].destination", "spec.http[0].route[0].weight", "spec.http[0].route[0].headers",
            "spec.http[0].headers", "spec.http[0].timeout", "spec.http[0].retries", "spec.http[0].mirror", "spec.http[0].mirrorPercentage",
            "spec.http[0].fault", "spec.http[0].corsPolicy",
            "spec.http[1].rewrite.uriRegexRewrite", "spec.http[2].redirect", "spec.http[3].rewrite.uri", "spec.http[3].rewrite.authority",
            "spec.http[4].delegate", "spec.http[5].directResponse",
        ];
        string[] ruleFields =
        [
            "spec.host", "spec.subsets[0]", "spec.subsets[0].trafficPolicy", "spec.trafficPolicy.loadBalancer", "spec.trafficPolicy.connectionPool",
            "spec.trafficPolicy.outlierDetection", "spec.trafficPolicy.tls", "spec.trafficPolicy.portLevelSettings",
        ];
        string[] gatewayFields = ["spec.selector", "spec.servers[0].port", "spec.servers[0].hosts", "spec.servers[1].tls", "spec.servers[2].tls.httpsRedirect"];
        foreach (var (kind, name, fields) in new[] { ("VirtualService", "vs", vsFields), ("DestinationRule", "svc", ruleFields), ("Gateway", "gw", gatewayFields) })
        {
            var notes = result.Report.Issues.Where(n => n.Subject?.Kind == kind && n.Subject?.Name == name).ToList();
            Assert.All(fields, f => Assert.True(notes.Any(n => n.Field is { } x && (x == f || x.StartsWith(f + ".", StringComparison.Ordinal) || x.StartsWith(f + "[", StringComparison.Ordinal))), $"{kind} {f} has no note"));
        }
    }

    [Fact]
    public void Convert_EveryField_HasANote()
    {
        var snapshot = World(Service, Gateway, VirtualService(
            """[{"name":"main","match":[{"uri":{"exact":"/a"},"headers":{"x":{"prefix":"p"}},"unknownField":1}],"route":[{"destination":{"host":"svc"}}],"timeout":"2.5s","corsPolicy":{"allowOrigins":[{"exact":"https://x.example"}],"maxAge":"1h"}}]"""));
        var result = IstioConverter.Convert(snapshot);
        var notes = result.Report.Issues.Where(n => n.Subject?.Kind == "VirtualService").ToList();
        Assert.Contains(notes, n => n.Field == "spec.http[0].timeout" && n.Outcome == ConversionOutcome.Carried && n.Message.Contains("2s500ms", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.Field == "spec.http[0].match[0].unknownField" && n.Outcome == ConversionOutcome.Dropped);
        Assert.Contains(notes, n => n.Field == "spec.http[0].match[0].headers.x.prefix");
        Assert.Contains(notes, n => n.Field == "spec.http[0].corsPolicy.maxAge");
    }

    [Fact]
    public void Convert_SubsetsAndGatewayRoute_ManifestsReadBackAsTheObjects()
    {
        var rule = """{"apiVersion":"networking.istio.io/v1","kind":"DestinationRule","metadata":{"name":"svc","namespace":"app"},"spec":{"host":"svc","subsets":[{"name":"v1","labels":{"version":"v1"}}]}}""";
        var snapshot = World(Service, Gateway, rule, VirtualService("""[{"match":[{"uri":{"prefix":"/x/"}}],"rewrite":{"uri":"/y/"},"headers":{"request":{"set":{"a":"1"}}},"route":[{"destination":{"host":"svc","subset":"v1"}}],"mirror":{"host":"svc"},"mirrorPercentage":{"value":12.5}}]"""));
        var result = IstioConverter.Convert(snapshot);
        Assert.False(result.HasErrors);
        var subset = Assert.Single(result.Objects.OfType<PolicyAttach.Model.Service>());
        Assert.Equal("svc-v1", subset.Name);
        Assert.Equal("v1", subset.Selector["version"]);
        Assert.Equal("svc", subset.Selector["app"]);
        for (var i = 0; i < result.Objects.Count; i++)
        {
            using var json = JsonDocument.Parse(result.Manifests[i]);
            var read = ManifestReader.Read(json.RootElement, new ManifestReadOptions { DefaultCreationTimestamp = result.Objects[i].Metadata.CreationTimestamp });
            Assert.Equal(result.Objects[i], read.Resource);
        }
    }

    [Fact]
    public void Convert_WrongFieldType_ReportsAndConvertsNothingOfTheObject()
    {
        var snapshot = World(Service, Gateway, VirtualService("""[{"match":"everything","route":[{"destination":{"host":"svc"}}]}]"""));
        var result = IstioConverter.Convert(snapshot);
        Assert.Contains(result.InputProblems, p => p.Path == "spec.http[0].match");
        Assert.DoesNotContain(result.Objects, o => o is HttpRoute);
    }

    [Fact]
    public void Durations_GoStyle_BecomeGatewayDurations()
    {
        Assert.Equal("1s500ms", Durations.GoToGateway("1.5s", out _));
        Assert.Equal("1m30s", Durations.GoToGateway("90s", out _));
        Assert.Equal("24h", Durations.GoToGateway("24h", out _));
        Assert.Equal("100ms", Durations.GoToGateway("0.1s", out var rounded));
        Assert.False(rounded);
        Assert.Null(Durations.GoToGateway("soon", out _));
    }

    [Fact]
    public void ServiceHosts_ShortAndQualifiedNames_ResolveToServices()
    {
        Assert.Equal(ServiceKey, ServiceHosts.Resolve("svc", "app", "cluster.local"));
        Assert.Equal(ServiceKey, ServiceHosts.Resolve("svc.app.svc.cluster.local", "other", "cluster.local"));
        Assert.Null(ServiceHosts.Resolve("example.com", "app", "cluster.local"));
        Assert.Null(ServiceHosts.Resolve("*.app.svc.cluster.local", "app", "cluster.local"));
    }
}
