using PolicyAttach.Model;
using PolicyAttach.Policies;
using static PolicyAttach.Tests.Binding.World;

namespace PolicyAttach.Tests.Policies;

/// <summary>Typed policy lookups: a <see cref="PolicyContext"/> built from the top down, and the contexts a route is served in.</summary>
public class PolicyContextTests
{
    private const string Listeners = """{"name":"http","port":80,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"All"}}},{"name":"alt","port":8080,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"All"}}}""";
    private static readonly GroupKind Retry = new("networking.acme.io", "RetryPolicy");
    private static readonly ResourceKey Gw = GatewayKey("infra", "g");
    private static readonly ResourceKey Route = RouteKey("foo", "r");
    private static readonly ResourceKey Svc = ResourceKey.ForService("foo", "svc");

    private static string Policy(string name, string ns, string targetGroup, string targetKind, string targetName, int retries, string? section = null)
        => "{\"apiVersion\":\"networking.acme.io/v1alpha1\",\"kind\":\"RetryPolicy\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\"},\"spec\":{\"default\":{\"retries\":" + retries + "},"
            + "\"targetRef\":{\"group\":\"" + targetGroup + "\",\"kind\":\"" + targetKind + "\",\"name\":\"" + targetName + "\"" + (section is null ? string.Empty : ",\"sectionName\":\"" + section + "\"") + "}}}";

    private static EvaluationResult World()
        => Evaluate(
            GatewayClass(), Gateway("infra", "g", Listeners), Service("foo", "svc"), Service("foo", "mesh"),
            """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r","namespace":"foo"},"spec":{"parentRefs":[{"name":"g","namespace":"infra"},{"group":"","kind":"Service","name":"mesh","port":80}],"rules":[{"name":"one","backendRefs":[{"name":"svc","port":80}]}]}}""",
            Policy("on-gateway", "infra", Groups.Gateway, "Gateway", "g", 1),
            Policy("on-listener", "infra", Groups.Gateway, "Gateway", "g", 2, "alt"),
            Policy("on-route", "foo", Groups.Gateway, "HTTPRoute", "r", 3),
            Policy("on-rule", "foo", Groups.Gateway, "HTTPRoute", "r", 4, "one"),
            Policy("on-service", "foo", string.Empty, "Service", "svc", 5),
            Policy("on-mesh", "foo", string.Empty, "Service", "mesh", 6));

    [Fact]
    public void For_EveryLevel_GivesWhatThePositionalLookupGives()
    {
        var policies = World().Policies;
        var listener = PolicyContext.ForGateway(Gw).WithListener("alt");
        var rule = listener.WithRoute(Route).WithRule("one");
        var mesh = PolicyContext.ForMeshService(ResourceKey.ForService("foo", "mesh")).WithRoute(Route);

        Assert.Equal(policies.ForGateway(Gw), policies.For(PolicyContext.ForGateway(Gw)));
        Assert.Equal(policies.ForListener(Gw, "alt"), policies.For(listener));
        Assert.Equal(policies.ForRoute(Gw, "alt", Route), policies.For(listener.WithRoute(Route)));
        Assert.Equal(policies.ForRule(Gw, "alt", Route, "one"), policies.For(rule));
        Assert.Equal(policies.ForBackend(Gw, "alt", Route, "one", Svc, null), policies.For(rule.WithBackend(Svc, null)));
        Assert.Equal(policies.ForMeshRule(mesh.Parent, Route, "one"), policies.For(mesh.WithRule("one")));
        Assert.Equal(policies.ForMeshBackend(mesh.Parent, Route, "one", Svc, null), policies.For(mesh.WithRule("one").WithBackend(Svc, null)));

        // And the values, so that the comparison above cannot pass on two empty answers.
        Assert.Equal("""{"retries":2}""", policies.For(listener).Find(Retry)!.Document.ToCanonicalString());
        Assert.Equal("""{"retries":4}""", policies.For(rule).Find(Retry)!.Document.ToCanonicalString());
        Assert.Equal("""{"retries":5}""", policies.For(rule.WithBackend(Svc, null)).Find(Retry)!.Document.ToCanonicalString());
        Assert.Equal("""{"retries":6}""", policies.For(PolicyContext.ForMeshService(mesh.Parent)).Find(Retry)!.Document.ToCanonicalString());
        Assert.Equal("""{"retries":3}""", policies.For(mesh).Find(Retry)!.Document.ToCanonicalString());
    }

    [Fact]
    public void PolicyContextsOf_RouteOnTwoListenersAndAMeshService_GivesOnePerPlaceItIsServed()
    {
        var contexts = World().PolicyContextsOf(Route);

        Assert.Equal(
            ["Service/foo/mesh › HTTPRoute/foo/r", "Gateway/infra/g › listener alt › HTTPRoute/foo/r", "Gateway/infra/g › listener http › HTTPRoute/foo/r"],
            contexts.Select(c => c.ToString()));
        Assert.All(contexts, c => Assert.Equal(PolicyContextLevel.Route, c.Level));
        Assert.Equal([true, false, false], contexts.Select(c => c.IsMesh));
        Assert.Empty(World().PolicyContextsOf(RouteKey("foo", "absent")));
    }

    [Fact]
    public void Builders_OutOfOrder_ThrowAsProgrammerErrors()
    {
        var gateway = PolicyContext.ForGateway(Gw);
        Assert.Throws<InvalidOperationException>(() => gateway.WithRoute(Route));
        Assert.Throws<InvalidOperationException>(() => gateway.WithRule("one"));
        Assert.Throws<InvalidOperationException>(() => gateway.WithListener("http").WithBackend(Svc, null));
        Assert.Throws<InvalidOperationException>(() => PolicyContext.ForMeshService(Svc).WithListener("http"));
        Assert.Throws<ArgumentException>(() => PolicyContext.ForGateway(Svc));
        Assert.Throws<ArgumentException>(() => PolicyContext.ForMeshService(Gw));
    }

    [Fact]
    public void ToString_UnnamedRuleAndBackendPort_AreNamed()
    {
        var context = PolicyContext.ForGateway(Gw).WithListener("http").WithRoute(Route).WithRule(null).WithBackend(Svc, "web");
        Assert.Equal("Gateway/infra/g › listener http › HTTPRoute/foo/r › rule (unnamed) › Service/foo/svc:web", context.ToString());
    }
}
