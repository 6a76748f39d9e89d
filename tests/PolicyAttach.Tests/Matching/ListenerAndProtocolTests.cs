using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Tests.Binding;
using static PolicyAttach.Tests.Matching.MatchWorld;

namespace PolicyAttach.Tests.Matching;

public class ListenerAndProtocolTests
{
    private static string Section(string s) => $$"""{"name":"gw","namespace":"infra","sectionName":"{{s}}"}""";

    [Fact]
    public void ListenerSelection_ExactThenLongestWildcardThenNone_WithIsolation()
    {
        var listeners = string.Join(",", L("exact", 80, "HTTP", "a.b.example.com"), L("long", 80, "HTTP", "*.b.example.com"), L("short", 80, "HTTP", "*.example.com"), L("any", 80, "HTTP"));
        var t = Compile(listeners,
            Http("app", "r-exact", Rule("""{"path":{"type":"PathPrefix","value":"/exact"}}"""), parentRefs: Section("exact")),
            Http("app", "r-long", Rule("""{"path":{"type":"PathPrefix","value":"/long"}}"""), parentRefs: Section("long")),
            Http("app", "r-short", Rule("""{"path":{"type":"PathPrefix","value":"/"}}"""), parentRefs: Section("short")),
            Http("app", "r-any", Rule("""{"path":{"type":"PathPrefix","value":"/"}}"""), parentRefs: Section("any")));
        Assert.Equal("exact", Get(t, "a.b.example.com", "/exact").SectionName);
        Assert.Equal("long", Get(t, "x.b.example.com", "/long").SectionName);
        Assert.Equal("short", Get(t, "x.example.com", "/long").SectionName);
        Assert.Equal("any", Get(t, "example.com", "/").SectionName);

        // Isolation: the exact listener's routes do not match "/", and the request does not fall through.
        var isolated = Get(t, "a.b.example.com", "/");
        Assert.Equal(404, isolated.StatusCode);
        Assert.Equal("exact", isolated.SectionName);
        Assert.Equal(404, Get(t, "x.b.example.com", "/exact").StatusCode);

        // Port and protocol select first.
        Assert.Equal(404, Get(t, "a.b.example.com", "/exact", port: 8080).StatusCode);
        Assert.Null(Get(t, "a.b.example.com", "/exact", port: 8080).Listener);
    }

    [Fact]
    public void ListenerSetListeners_AreSelected()
    {
        var gateway = World.Gateway("infra", "gw", L("http", 80, "HTTP"), ""","allowedListeners":{"namespaces":{"from":"All"}}""");
        var set = """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"ListenerSet","metadata":{"name":"ls","namespace":"app"},"spec":{"parentRef":{"name":"gw","namespace":"infra"},"listeners":[{"name":"extra","port":80,"protocol":"HTTP","hostname":"extra.com","allowedRoutes":{"namespaces":{"from":"All"}}}]}}""";
        var route = Http("app", "r", Rule("{}"), parentRefs: """{"kind":"ListenerSet","name":"ls","namespace":"app"}""");
        var table = RoutingTable.Compile(World.Evaluate(World.GatewayClass(), gateway, set, route, World.Service("app", "svc")));
        var o = table.FindGateway(World.GatewayKey("infra", "gw"))!.Match(new RequestView(RequestProtocol.Http, 80, "GET", "extra.com", "/"));
        Assert.Equal(MatchOutcomeKind.Routed, o.Kind);
        Assert.Equal("ListenerSet", o.ListenerOwner!.Value.Kind);
        Assert.Equal("extra", o.SectionName);
    }

    [Theory]
    [InlineData("example.org", "example.org", 200, "https")]
    [InlineData("second-example.org", "example.org", 421, null)]
    [InlineData("unknown-example.org", "example.org", 404, "https")]
    [InlineData("second-example.org", "second-example.org", 200, "https-with-hostname")]
    [InlineData("example.org", "second-example.org", 421, null)]
    [InlineData("unknown-example.org", "second-example.org", 421, null)]
    [InlineData("fith-example.wildcard.org", "third-example.wildcard.org", 200, "https-with-wildcard-hostname")]
    [InlineData("fourth-example.wildcard.org", "third-example.wildcard.org", 421, null)]
    [InlineData("fourth-example.wildcard.org", "fourth-example.wildcard.org", 200, "https-with-hostname-matching-wildcard")]
    [InlineData("example.org", "unknown-example.org", 200, "https")]
    [InlineData("unknown-example.org", "unknown-example.org", 404, "https")]
    public void Https_MisdirectedRequests(string host, string sni, int status, string? section)
    {
        var listeners = string.Join(",", Https("https"), Https("https-with-hostname", "second-example.org"), Https("https-with-wildcard-hostname", "*.wildcard.org"), Https("https-with-hostname-matching-wildcard", "fourth-example.wildcard.org"));
        var rule = Rule("""{"path":{"type":"PathPrefix","value":"/detect"}}""");
        var t = Compile(listeners,
            Http("app", "r1", rule, "\"example.org\"", parentRefs: Section("https")),
            Http("app", "r2", rule, parentRefs: Section("https-with-hostname")),
            Http("app", "r3", rule, parentRefs: Section("https-with-wildcard-hostname")),
            Http("app", "r4", rule, parentRefs: Section("https-with-hostname-matching-wildcard")));
        var o = Get(t, host, "/detect", port: 443, protocol: RequestProtocol.Https, sni: sni);
        Assert.Equal(status, o.StatusCode);
        Assert.Equal(status == 421 ? MatchOutcomeKind.Misdirected : status == 200 ? MatchOutcomeKind.Routed : MatchOutcomeKind.NotRouted, o.Kind);
        if (section is not null)
        {
            Assert.Equal(section, o.SectionName);
        }
    }

    [Fact]
    public void Grpc_ServiceMethodHeaders_AndUnimplemented()
    {
        string G(string rules) => Http("app", "g", rules, kind: "GRPCRoute");
        var t = Compile(L("http", 80, "HTTP"), G(string.Join(",",
            Rule("""{"method":{"service":"pkg.Echo","method":"Say"}}"""),
            Rule("""{"method":{"service":"pkg.Echo"}}"""),
            Rule("""{"method":{"type":"RegularExpression","method":"S.*"}}"""),
            Rule("""{"method":{"service":"pkg.Echo"},"headers":[{"name":"x","value":"1"}]}"""))));
        MatchOutcome Call(string path, RequestHeader[]? headers = null) => Get(t, "x", path, headers, "POST", protocol: RequestProtocol.Grpc);
        var a = Call("/pkg.Echo/Say");
        Assert.Equal((0, GrpcStatusCodes.Ok), (a.RuleIndex, a.GrpcStatus));
        Assert.Equal(1, Call("/pkg.Echo/Other").RuleIndex);
        Assert.Equal(3, Call("/pkg.Echo/Other", [new("X", "1")]).RuleIndex);
        Assert.Equal(2, Call("/other.Svc/Shout").RuleIndex);
        var none = Call("/other.Svc/Other");
        Assert.Equal(MatchOutcomeKind.NotRouted, none.Kind);
        Assert.Equal(GrpcStatusCodes.Unimplemented, none.GrpcStatus);
    }

    [Fact]
    public void TlsRoute_BySni_ExactBeforeWildcard()
    {
        var t = Compile(L("tls", 443, "TLS", extra: ""","tls":{"mode":"Passthrough"}"""),
            Stream("TLSRoute", "app", "exact", "a", "\"abc.example.com\"", version: "v1"),
            Stream("TLSRoute", "app", "wild", "b", "\"*.example.com\"", version: "v1"));
        MatchOutcome Tls(string sni) => Get(t, "", "", port: 443, protocol: RequestProtocol.Tls, sni: sni);
        Assert.Equal("exact", RouteName(Tls("abc.example.com")));
        Assert.Equal("wild", RouteName(Tls("x.example.com")));
        var miss = Tls("example.org");
        Assert.Equal(MatchOutcomeKind.NotRouted, miss.Kind);
        Assert.Equal(0, miss.StatusCode);
    }

    [Fact]
    public void TcpAndUdp_OldestRouteCarriesTraffic()
    {
        var t = Compile(L("tcp", 9000, "TCP") + "," + L("udp", 9000, "UDP"),
            Stream("TCPRoute", "app", "newer", "a", created: "2021-01-01T00:00:00Z"),
            Stream("TCPRoute", "app", "older", "b", created: "2020-06-01T00:00:00Z"),
            Stream("UDPRoute", "app", "udp-b", "a"),
            Stream("UDPRoute", "app", "udp-a", "b"));
        Assert.Equal("older", RouteName(Get(t, "", "", port: 9000, protocol: RequestProtocol.Tcp)));
        Assert.Equal("udp-a", RouteName(Get(t, "", "", port: 9000, protocol: RequestProtocol.Udp)));
        Assert.Equal(MatchOutcomeKind.NotRouted, Get(t, "", "", port: 9001, protocol: RequestProtocol.Tcp).Kind);
    }

    [Fact]
    public void Mesh_ProducerAndConsumer()
    {
        var service = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"echo","namespace":"mesh"},"spec":{"ports":[{"name":"http","port":80},{"name":"alt","port":8080}]}}""";
        var parent = """{"group":"","kind":"Service","name":"echo","namespace":"mesh","port":80}""";
        var producer = Http("mesh", "producer", """{"matches":[{"path":{"type":"PathPrefix","value":"/"}}],"backendRefs":[{"name":"echo","port":80}]}""", parentRefs: parent);
        var consumer = Http("client", "consumer", """{"matches":[{"path":{"type":"PathPrefix","value":"/c"}}],"backendRefs":[{"name":"echo","namespace":"mesh","port":80}]}""", parentRefs: parent);
        var table = RoutingTable.Compile(World.Evaluate(World.GatewayClass(), service, producer, consumer));
        var mesh = table.FindService(new ResourceKey("", "Service", "mesh", "echo"))!;
        MatchOutcome Call(string ns, string path, int port = 80) => mesh.Match(new RequestView(RequestProtocol.Http, port, "GET", "echo", path) { ClientNamespace = ns });
        Assert.Equal("producer", RouteName(Call("other", "/x")));
        Assert.Equal("consumer", RouteName(Call("client", "/c/x")));
        Assert.Equal(404, Call("client", "/x").StatusCode);
        var other = Call("client", "/x", 8080);
        Assert.True(other.IsMeshDefault);
        Assert.Null(table.FindService(new ResourceKey("", "Service", "mesh", "none")));
    }

    [Fact]
    public void Mesh_HeaderQueryAndPathPredicates_MatchAsOnAGateway_AndAllocateNothing()
    {
        // Issue 14: mesh matching reads the same flattened predicate as the gateways (path, then method, headers, query).
        var service = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"echo","namespace":"mesh"},"spec":{"ports":[{"name":"http","port":80}]}}""";
        var parent = """{"group":"","kind":"Service","name":"echo","namespace":"mesh","port":80}""";
        var route = Http("mesh", "r",
            """{"matches":[{"path":{"type":"RegularExpression","value":"/r.*"},"headers":[{"name":"h","value":"v"}],"queryParams":[{"name":"q","value":"1"}]}],"backendRefs":[{"name":"echo","port":80}]},"""
            + """{"matches":[{"path":{"type":"PathPrefix","value":"/p/"}}],"backendRefs":[{"name":"echo","port":80}]}""", parentRefs: parent);
        var mesh = RoutingTable.Compile(World.Evaluate(World.GatewayClass(), service, route)).FindService(new ResourceKey("", "Service", "mesh", "echo"))!;
        var headers = new RequestHeader[] { new("H", "v") };
        var outcome = new MatchOutcome();

        mesh.Match(new RequestView(RequestProtocol.Http, 80, "GET", "echo", "/rx?q=1", headers), outcome);
        Assert.Equal((MatchOutcomeKind.Routed, 0), (outcome.Kind, outcome.RuleIndex));
        mesh.Match(new RequestView(RequestProtocol.Http, 80, "GET", "echo", "/rx?q=2", headers), outcome);
        Assert.Equal(404, outcome.StatusCode);
        mesh.Match(new RequestView(RequestProtocol.Http, 80, "GET", "echo", "/rx?q=1"), outcome);
        Assert.Equal(404, outcome.StatusCode);
        mesh.Match(new RequestView(RequestProtocol.Http, 80, "GET", "echo", "/p"), outcome);
        Assert.Equal((MatchOutcomeKind.Routed, 1), (outcome.Kind, outcome.RuleIndex));
        Assert.Equal(404, mesh.Match(new RequestView(RequestProtocol.Http, 80, "GET", "echo", "/px")).StatusCode);

        void Run()
        {
            mesh.Match(new RequestView(RequestProtocol.Http, 80, "GET", "echo", "/rx?q=1", headers), outcome);
            mesh.Match(new RequestView(RequestProtocol.Http, 80, "GET", "echo", "/p/q", headers), outcome);
            mesh.Match(new RequestView(RequestProtocol.Http, 80, "GET", "echo", "/miss", headers), outcome);
        }

        Assert.Equal(0, AllocatedByHundredRuns(Run));
    }
}
