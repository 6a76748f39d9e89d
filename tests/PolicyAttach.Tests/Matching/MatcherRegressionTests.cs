using PolicyAttach.Matching;
using PolicyAttach.Model;
using static PolicyAttach.Tests.Matching.MatchWorld;

namespace PolicyAttach.Tests.Matching;

/// <summary>Matcher bugs found by the request conformance harness, and the effective policies of the outcome.</summary>
public class MatcherRegressionTests
{
    private static readonly GroupKind Retry = new("networking.acme.io", "RetryPolicy");

    private static string RetryPolicy(string ns, string name, string targetKind, string targetName, string body, string? section = null)
        => "{\"apiVersion\":\"networking.acme.io/v1alpha1\",\"kind\":\"RetryPolicy\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns
            + "\",\"creationTimestamp\":\"2020-01-01T00:00:00Z\"},\"spec\":{" + body + ",\"targetRef\":{\"group\":\"gateway.networking.k8s.io\",\"kind\":\""
            + targetKind + "\",\"name\":\"" + targetName + "\"" + (section is null ? string.Empty : ",\"sectionName\":\"" + section + "\"") + "}}}";

    [Fact]
    public void Policies_AreThoseOfTheRuleOnTheSelectedListener()
    {
        var t = Compile(L("a", 80, "HTTP") + "," + L("b", 8080, "HTTP"),
            Http("app", "r", """{"name":"named","backendRefs":[{"name":"svc","port":80}]}"""),
            RetryPolicy("infra", "on-a", "Gateway", "gw", """ "default":{"retries":1}""", section: "a"),
            RetryPolicy("app", "on-route", "HTTPRoute", "r", """ "default":{"timeout":"5s"}"""));

        var onA = Get(t, "x", "/", port: 80);
        Assert.Equal("""{"retries":1,"timeout":"5s"}""", onA.Policies.Find(Retry)!.Document.ToCanonicalString());
        var onB = Get(t, "x", "/", port: 8080);
        Assert.Equal("""{"timeout":"5s"}""", onB.Policies.Find(Retry)!.Document.ToCanonicalString());
        Assert.Empty(Get(t, "x", "/", port: 9999).Policies.Kinds);

        var outcome = new MatchOutcome();
        var gw = Gw(t);
        gw.Match(new RequestView(RequestProtocol.Http, 80, "GET", "x", "/"), outcome);
        _ = outcome.Policies;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            gw.Match(new RequestView(RequestProtocol.Http, 80, "GET", "x", "/"), outcome);
            _ = outcome.Policies.Find(Retry);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void RequestRedirect_OnTheBackend_Answers()
    {
        // Conformance HTTPRouteBackendRequestRedirect: the filter sits on the backendRef, not on the rule.
        var t = Compile(L("http", 80, "HTTP"), Http("app", "r", """{"matches":[{"path":{"type":"PathPrefix","value":"/prefix"}}],"backendRefs":[{"name":"svc","port":80,"filters":[{"type":"RequestRedirect","requestRedirect":{"path":{"type":"ReplacePrefixMatch","replacePrefixMatch":"/redirected-prefix"}}}]}]}"""));
        var request = new RequestView(RequestProtocol.Http, 80, "GET", "example.com", "/prefix/original");
        var o = Gw(t).Match(request);
        Assert.Equal((MatchOutcomeKind.Redirect, 302, 0), (o.Kind, o.StatusCode, o.ChosenBackend));
        Assert.Equal("http://example.com/redirected-prefix/original", o.ApplyFilters(request, o.ChosenBackend).Location);
    }

    [Fact]
    public void BackendTlsPolicy_WithUnresolvedCaRef_MakesTheBackendInvalid()
    {
        // Conformance BackendTLSPolicyInvalidCACertificateRef / InvalidKind: connections through it fail with a 5xx.
        const string Btp = """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"BackendTLSPolicy","metadata":{"name":"p","namespace":"app"},"spec":{"targetRefs":[{"group":"","kind":"Service","name":"a"}],"validation":{"hostname":"a.example.com","caCertificateRefs":[{"group":"","kind":"ConfigMap","name":"missing"}]}}}""";
        var t = Compile(L("http", 80, "HTTP"), Http("app", "r", Rule("""{"path":{"type":"PathPrefix","value":"/a"}}""", "a") + "," + Rule("""{"path":{"type":"PathPrefix","value":"/b"}}""", "b")), Btp);
        var failed = Get(t, "x", "/a");
        Assert.Equal((MatchOutcomeKind.NoBackend, 500), (failed.Kind, failed.StatusCode));
        Assert.Equal("InvalidBackendTLS", Assert.Single(failed.Backends).Reason);
        Assert.Equal(MatchOutcomeKind.Routed, Get(t, "x", "/b").Kind);
    }

    [Fact]
    public void CorsPreflight_ExposesHeaders_AndEchoesWildcardsWithCredentials()
    {
        // Conformance HTTPRouteCORS r1 and r14.
        var t = Compile(L("http", 80, "HTTP"), Http("app", "r", """{"filters":[{"type":"CORS","cors":{"allowOrigins":["*"],"allowMethods":["*"],"allowHeaders":["*"],"exposeHeaders":["x-3"],"allowCredentials":true}}],"backendRefs":[{"name":"svc","port":80}]}"""));
        var preflight = new RequestView(RequestProtocol.Http, 80, "OPTIONS", "x", "/", [new("Origin", "https://o.example"), new("Access-Control-Request-Method", "PUT"), new("Access-Control-Request-Headers", "x-1, x-2")]);
        var o = Gw(t).Match(preflight);
        Assert.Equal(MatchOutcomeKind.Answered, o.Kind);
        var headers = o.ApplyFilters(preflight).PreflightHeaders.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);
        Assert.Equal("https://o.example", headers["Access-Control-Allow-Origin"]);
        Assert.Equal("PUT", headers["Access-Control-Allow-Methods"]);
        Assert.Equal("x-1, x-2", headers["Access-Control-Allow-Headers"]);
        Assert.Equal("x-3", headers["Access-Control-Expose-Headers"]);
    }

    [Fact]
    public void MeshRoute_Policies_AreThoseOfTheRuleUnderItsParentService()
    {
        // Regression (issue 17): a request routed by a mesh (GAMMA) route answered no policies. Its context is the
        // parent Service (GEP-1294: the Service is a mesh route's parent as a Gateway is an ingress route's), the
        // route's namespace, the route and the rule (GEP-713 hierarchy, spec digest §14.3).
        var service = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"echo","namespace":"mesh"},"spec":{"ports":[{"name":"http","port":80}]}}""";
        var route = Http("mesh", "producer", """{"name":"main","backendRefs":[{"name":"echo","port":80}]}""", parentRefs: """{"group":"","kind":"Service","name":"echo"}""");
        var onService = "{\"apiVersion\":\"networking.acme.io/v1alpha1\",\"kind\":\"RetryPolicy\",\"metadata\":{\"name\":\"svc\",\"namespace\":\"mesh\",\"creationTimestamp\":\"2020-01-01T00:00:00Z\"},\"spec\":{\"default\":{\"retries\":1,\"timeout\":\"9s\"},\"targetRef\":{\"group\":\"\",\"kind\":\"Service\",\"name\":\"echo\"}}}";
        var table = RoutingTable.Compile(Binding.World.Evaluate(Binding.World.GatewayClass(), service, route, onService,
            RetryPolicy("mesh", "on-rule", "HTTPRoute", "producer", """ "default":{"timeout":"5s"}""", section: "main")));

        var outcome = table.FindService(new ResourceKey("", "Service", "mesh", "echo"))!.Match(new RequestView(RequestProtocol.Http, 80, "GET", "echo", "/"));
        Assert.Equal(MatchOutcomeKind.Routed, outcome.Kind);
        var effective = outcome.Policies.Find(Retry)!;
        Assert.Equal("""{"retries":1,"timeout":"5s"}""", effective.Document.ToCanonicalString());
        Assert.Equal(["svc", "on-rule"], effective.Policies.Select(p => p.Name));
    }

    [Fact]
    public void MeshConsumerRoute_ReachesTheProducerNamespace_WithoutAGrant()
    {
        // Conformance MeshConsumerRoute: mesh routes need no ReferenceGrant for cross-namespace backendRefs.
        var service = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"echo","namespace":"mesh"},"spec":{"ports":[{"name":"http","port":80}]}}""";
        var consumer = Http("client", "consumer", """{"backendRefs":[{"name":"echo","namespace":"mesh","port":80}]}""", parentRefs: """{"group":"","kind":"Service","name":"echo","namespace":"mesh"}""");
        var table = RoutingTable.Compile(Binding.World.Evaluate(Binding.World.GatewayClass(), service, consumer));
        var o = table.FindService(new ResourceKey("", "Service", "mesh", "echo"))!.Match(new RequestView(RequestProtocol.Http, 80, "GET", "echo", "/") { ClientNamespace = "client" });
        Assert.Equal((MatchOutcomeKind.Routed, "consumer"), (o.Kind, RouteName(o)));
        Assert.True(Assert.Single(o.Backends).IsValid);
    }

    [Fact]
    public void MeshRoute_WithAnotherControllersGatewayParent_StatusAndMatchAgreeTheBackendIsPermitted()
    {
        // Issue 14's example: parentRefs [Service app/front, Gateway elsewhere/not-ours] and a backendRef to other/back
        // without a ReferenceGrant. Only the Service parent is ours, so for this controller it is a mesh route: no grant
        // is needed, and both the status and the matcher say so (the status used to say RefNotPermitted while match
        // routed the request).
        var foreign = """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"theirs"},"spec":{"controllerName":"example.com/another-controller"}}""";
        var theirGateway = """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"not-ours","namespace":"elsewhere"},"spec":{"gatewayClassName":"theirs","listeners":[{"name":"http","port":80,"protocol":"HTTP"}]}}""";
        var route = Binding.World.HttpRoute("app", "r", """{"group":"","kind":"Service","name":"front","port":80},{"name":"not-ours","namespace":"elsewhere"}""", backendRefs: """{"name":"back","namespace":"other","port":80}""");
        var result = Binding.World.Evaluate(Binding.World.GatewayClass(), foreign, theirGateway, Binding.World.Service("app", "front"), Binding.World.Service("other", "back"), route);

        var parent = Assert.Single(result.FindRoute(Binding.World.RouteKey("app", "r"))!.Parents);
        Binding.World.AssertCondition(parent.Conditions, ConditionType.ResolvedRefs, "True", ConditionReason.ResolvedRefs);
        var o = RoutingTable.Compile(result).FindService(new ResourceKey("", "Service", "app", "front"))!.Match(new RequestView(RequestProtocol.Http, 80, "GET", "front", "/"));
        Assert.Equal((MatchOutcomeKind.Routed, 200), (o.Kind, o.StatusCode));
        Assert.True(Assert.Single(o.Backends).IsValid);
    }

    [Fact]
    public void RouteWithOwnGatewayAndServiceParents_WithoutAGrant_StatusAndMatchAgreeTheBackendIsNotPermitted()
    {
        // With a Gateway of ours among the parents the route is not a mesh route: the grant is needed on every path.
        var route = Binding.World.HttpRoute("app", "r", """{"group":"","kind":"Service","name":"front","port":80},{"name":"gw","namespace":"infra"}""", backendRefs: """{"name":"back","namespace":"other","port":80}""");
        var result = Binding.World.Evaluate(Binding.World.GatewayClass(), Binding.World.Gateway("infra", "gw", L("http", 80, "HTTP")), Binding.World.Service("app", "front"), Binding.World.Service("other", "back"), route);

        var parents = result.FindRoute(Binding.World.RouteKey("app", "r"))!.Parents;
        Assert.Equal(2, parents.Count);
        Assert.All(parents, p => Binding.World.AssertCondition(p.Conditions, ConditionType.ResolvedRefs, "False", ConditionReason.RefNotPermitted));
        var table = RoutingTable.Compile(result);
        var viaMesh = table.FindService(new ResourceKey("", "Service", "app", "front"))!.Match(new RequestView(RequestProtocol.Http, 80, "GET", "front", "/"));
        var viaGateway = Gw(table).Match(new RequestView(RequestProtocol.Http, 80, "GET", "x", "/"));
        Assert.Equal((MatchOutcomeKind.NoBackend, 500), (viaMesh.Kind, viaMesh.StatusCode));
        Assert.Equal((MatchOutcomeKind.NoBackend, 500), (viaGateway.Kind, viaGateway.StatusCode));
        Assert.Equal(ConditionReason.RefNotPermitted.Value, Assert.Single(viaMesh.Backends).Reason);
    }
}
