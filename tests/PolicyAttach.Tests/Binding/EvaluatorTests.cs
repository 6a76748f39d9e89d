using PolicyAttach.Binding;
using PolicyAttach.Model;
using static PolicyAttach.Tests.Binding.World;

namespace PolicyAttach.Tests.Binding;

public class EvaluatorTests
{
    private const string HttpAll = """{"name":"default","hostname":"*.example.com","port":80,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"All"}}}""";

    [Fact]
    public void Route_ArticleScenario_AttachesWithIntersectedHostname()
    {
        var result = Evaluate(
            GatewayClass(),
            Gateway("istio-ingress", "gateway", HttpAll),
            HttpRoute("default", "http", """{"name":"gateway","namespace":"istio-ingress"}""", "\"httpbin.example.com\"", """{"name":"httpbin","port":8000}"""),
            Service("default", "httpbin", 8000));

        var parent = Assert.Single(result.FindRoute(RouteKey("default", "http"))!.Parents);
        AssertCondition(parent.Conditions, ConditionType.Accepted, "True", "Accepted");
        AssertCondition(parent.Conditions, ConditionType.ResolvedRefs, "True", "ResolvedRefs");
        var verdict = Assert.Single(parent.Listeners);
        Assert.Equal(BindingCause.Attached, verdict.Cause);
        Assert.Equal(["httpbin.example.com"], verdict.Hostnames);
        var listener = Assert.Single(result.FindGateway(GatewayKey("istio-ingress", "gateway"))!.Listeners);
        Assert.Equal(1, listener.AttachedRoutes);
        Assert.Equal(["HTTPRoute", "GRPCRoute"], listener.SupportedKinds.Select(k => k.Kind));
    }

    [Fact]
    public void Route_OtherNamespaceWithSameAllowedRoutes_IsNotAllowedByListeners()
    {
        var result = Evaluate(
            GatewayClass(),
            Gateway("infra", "g", """{"name":"http","port":80,"protocol":"HTTP"}"""),
            HttpRoute("apps", "r", """{"name":"g","namespace":"infra"}"""));

        var parent = Assert.Single(result.FindRoute(RouteKey("apps", "r"))!.Parents);
        AssertCondition(parent.Conditions, ConditionType.Accepted, "False", ConditionReason.NotAllowedByListeners);
        Assert.Equal(BindingCause.NamespaceNotAllowed, Assert.Single(parent.Listeners).Cause);
        Assert.Equal(0, result.FindGateway(GatewayKey("infra", "g"))!.Listeners[0].AttachedRoutes);
    }

    [Fact]
    public void Route_HostnamesDoNotIntersect_NoMatchingListenerHostname()
    {
        var result = Evaluate(
            GatewayClass(),
            Gateway("infra", "g", HttpAll),
            HttpRoute("infra", "r", """{"name":"g"}""", "\"other.org\""));

        var parent = Assert.Single(result.FindRoute(RouteKey("infra", "r"))!.Parents);
        AssertCondition(parent.Conditions, ConditionType.Accepted, "False", ConditionReason.NoMatchingListenerHostname);
        Assert.Contains("other.org", parent.Conditions.First(c => c.Type == ConditionType.Accepted).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_SectionNameMatchesNoListener_NoMatchingParent()
    {
        var result = Evaluate(
            GatewayClass(),
            Gateway("infra", "g", HttpAll),
            HttpRoute("infra", "r", """{"name":"g","sectionName":"missing"}"""));

        var parent = Assert.Single(result.FindRoute(RouteKey("infra", "r"))!.Parents);
        AssertCondition(parent.Conditions, ConditionType.Accepted, "False", ConditionReason.NoMatchingParent);
    }

    [Fact]
    public void Route_ForeignParent_GetsNoStatus()
    {
        var result = Evaluate(
            GatewayClass(),
            Gateway("infra", "g", HttpAll).Replace("\"gc\"", "\"someone-else\"", StringComparison.Ordinal),
            HttpRoute("infra", "r", """{"name":"g"}"""));

        Assert.Null(result.FindRoute(RouteKey("infra", "r")));
        Assert.Null(result.FindGateway(GatewayKey("infra", "g")));
    }

    [Fact]
    public void Backend_CrossNamespaceWithoutGrant_RefNotPermittedButAccepted()
    {
        var result = Evaluate(
            GatewayClass(),
            Gateway("infra", "g", HttpAll),
            HttpRoute("foo", "foo", """{"name":"g","namespace":"infra"}""", backendRefs: """{"name":"bar","namespace":"bar","port":8080}"""),
            Service("bar", "bar", 8080));

        var route = result.FindRoute(RouteKey("foo", "foo"))!;
        AssertCondition(route.Parents[0].Conditions, ConditionType.Accepted, "True", "Accepted");
        AssertCondition(route.Parents[0].Conditions, ConditionType.ResolvedRefs, "False", ConditionReason.RefNotPermitted);
        Assert.False(Assert.Single(route.BackendRefs).IsValid);
    }

    [Fact]
    public void Backend_CrossNamespaceWithGrant_Resolves()
    {
        var grant = """
            {"apiVersion":"gateway.networking.k8s.io/v1beta1","kind":"ReferenceGrant","metadata":{"name":"bar","namespace":"bar"},
             "spec":{"from":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","namespace":"foo"}],"to":[{"group":"","kind":"Service"}]}}
            """;
        var result = Evaluate(
            GatewayClass(),
            Gateway("infra", "g", HttpAll),
            HttpRoute("foo", "foo", """{"name":"g","namespace":"infra"}""", backendRefs: """{"name":"bar","namespace":"bar","port":8080}"""),
            Service("bar", "bar", 8080),
            grant);

        AssertCondition(result.FindRoute(RouteKey("foo", "foo"))!.Parents[0].Conditions, ConditionType.ResolvedRefs, "True", "ResolvedRefs");
    }

    [Fact]
    public void Backend_MissingServiceAndUnknownKind_ReportReasons()
    {
        var missing = Evaluate(GatewayClass(), Gateway("infra", "g", HttpAll), HttpRoute("infra", "r", """{"name":"g"}""", backendRefs: """{"name":"nope","port":80}"""));
        AssertCondition(missing.FindRoute(RouteKey("infra", "r"))!.Parents[0].Conditions, ConditionType.ResolvedRefs, "False", ConditionReason.BackendNotFound);

        var kind = Evaluate(GatewayClass(), Gateway("infra", "g", HttpAll), HttpRoute("infra", "r", """{"name":"g"}""", backendRefs: """{"group":"example.com","kind":"Thing","name":"x"}"""));
        AssertCondition(kind.FindRoute(RouteKey("infra", "r"))!.Parents[0].Conditions, ConditionType.ResolvedRefs, "False", ConditionReason.InvalidKind);
    }

    [Fact]
    public void Listener_UnsupportedProtocol_NotAcceptedWithEmptyKinds()
    {
        var result = Evaluate(GatewayClass(), Gateway("infra", "g", """{"name":"http","port":80,"protocol":"HTTP"},{"name":"bad","port":81,"protocol":"INVALID"}"""));
        var gateway = result.FindGateway(GatewayKey("infra", "g"))!;
        AssertCondition(gateway.Conditions, ConditionType.Accepted, "True", ConditionReason.ListenersNotValid);
        AssertCondition(gateway.Listeners[1].Conditions, ConditionType.Accepted, "False", ConditionReason.UnsupportedProtocol);
        Assert.True(gateway.Listeners[1].SupportedKinds.IsEmpty);
    }

    [Fact]
    public void Listener_HttpAndHttpsOnSamePort_BothProtocolConflicted()
    {
        var result = Evaluate(
            GatewayClass(),
            Gateway("infra", "g", """{"name":"a","port":443,"protocol":"HTTP"},{"name":"b","port":443,"protocol":"HTTPS","tls":{"options":{"x":"y"}}}"""));
        var gateway = result.FindGateway(GatewayKey("infra", "g"))!;
        Assert.All(gateway.Listeners, l => AssertCondition(l.Conditions, ConditionType.Conflicted, "True", ConditionReason.ProtocolConflict));
        AssertCondition(gateway.Conditions, ConditionType.Accepted, "False", ConditionReason.ListenersNotValid);
    }

    [Fact]
    public void Listener_MissingCertificate_ResolvedRefsFalseButCountsRoutes()
    {
        var result = Evaluate(
            GatewayClass(),
            Gateway("infra", "g", """{"name":"https","port":443,"protocol":"HTTPS","tls":{"certificateRefs":[{"name":"missing"}]}}"""),
            HttpRoute("infra", "r", """{"name":"g"}"""));
        var listener = result.FindGateway(GatewayKey("infra", "g"))!.Listeners[0];
        AssertCondition(listener.Conditions, ConditionType.ResolvedRefs, "False", ConditionReason.InvalidCertificateRef);
        AssertCondition(listener.Conditions, ConditionType.Programmed, "False", ConditionReason.Invalid);
        Assert.Equal(1, listener.AttachedRoutes);
    }

    [Fact]
    public void Listener_InvalidRouteKind_ResolvedRefsFalseAndKindDropped()
    {
        var result = Evaluate(
            GatewayClass(),
            Gateway("infra", "g", """{"name":"http","port":80,"protocol":"HTTP","allowedRoutes":{"kinds":[{"kind":"HTTPRoute"},{"kind":"TCPRoute"}]}}"""));
        var listener = result.FindGateway(GatewayKey("infra", "g"))!.Listeners[0];
        AssertCondition(listener.Conditions, ConditionType.ResolvedRefs, "False", ConditionReason.InvalidRouteKinds);
        Assert.Equal("HTTPRoute", Assert.Single(listener.SupportedKinds).Kind);
    }

    [Fact]
    public void Listener_SelectorNamespaces_UsesNamespaceLabels()
    {
        var listener = """{"name":"http","port":80,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"Selector","selector":{"matchLabels":{"team":"a"}}}}}""";
        var result = Evaluate(
            GatewayClass(),
            Gateway("infra", "g", listener),
            Namespace("yes", "\"team\":\"a\""),
            Namespace("no", "\"team\":\"b\""),
            HttpRoute("yes", "r", """{"name":"g","namespace":"infra"}"""),
            HttpRoute("no", "r", """{"name":"g","namespace":"infra"}"""));
        AssertCondition(result.FindRoute(RouteKey("yes", "r"))!.Parents[0].Conditions, ConditionType.Accepted, "True", "Accepted");
        AssertCondition(result.FindRoute(RouteKey("no", "r"))!.Parents[0].Conditions, ConditionType.Accepted, "False", ConditionReason.NotAllowedByListeners);
        Assert.Equal(1, result.FindGateway(GatewayKey("infra", "g"))!.Listeners[0].AttachedRoutes);
    }

    [Fact]
    public void GatewayClass_Owned_IsAcceptedWithSortedFeatures()
    {
        var result = Evaluate(GatewayClass());
        var cls = Assert.Single(result.GatewayClasses);
        AssertCondition(cls.Conditions, ConditionType.Accepted, "True", "Accepted");
        Assert.Equal(cls.SupportedFeatures.Order(StringComparer.Ordinal), cls.SupportedFeatures);
    }

    [Fact]
    public void Mesh_HttpAndGrpcRouteOnOneService_GrpcWinsHttpConflicted()
    {
        var grpc = """
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"GRPCRoute","metadata":{"name":"g","namespace":"mesh"},
             "spec":{"parentRefs":[{"group":"","kind":"Service","name":"echo","port":80}],"rules":[{"backendRefs":[{"name":"echo","port":80}]}]}}
            """;
        var http = """
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"h","namespace":"mesh"},
             "spec":{"parentRefs":[{"group":"","kind":"Service","name":"echo"}],"rules":[{"backendRefs":[{"name":"echo","port":80}]}]}}
            """;
        var result = Evaluate(Service("mesh", "echo"), grpc, http);

        AssertCondition(result.FindRoute(new ResourceKey("gateway.networking.k8s.io", "GRPCRoute", "mesh", "g"))!.Parents[0].Conditions, ConditionType.Accepted, "True", "Accepted");
        AssertCondition(result.FindRoute(RouteKey("mesh", "h"))!.Parents[0].Conditions, ConditionType.Accepted, "False", ConditionReason.Conflicted);
    }

    [Fact]
    public void Mesh_CrossNamespaceBackend_NeedsNoReferenceGrant()
    {
        var route = """
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r","namespace":"client"},
             "spec":{"parentRefs":[{"group":"","kind":"Service","name":"echo","namespace":"mesh"}],"rules":[{"backendRefs":[{"name":"echo","namespace":"mesh","port":80}]}]}}
            """;
        var result = Evaluate(Service("mesh", "echo"), route);

        AssertCondition(result.FindRoute(RouteKey("client", "r"))!.Parents[0].Conditions, ConditionType.ResolvedRefs, "True", ConditionReason.ResolvedRefs);
    }
}
