using PolicyAttach.Binding;
using PolicyAttach.Model;
using static PolicyAttach.Tests.Binding.World;

namespace PolicyAttach.Tests.Binding;

/// <summary>
/// Spec digest §10 ("Never merge GRPCRoute and HTTPRoute"): when a listener has an HTTPRoute and a GRPCRoute with
/// intersecting hostnames, exactly one is accepted: the oldest, then the first by <c>{namespace}/{name}</c>; the
/// other gets <c>Accepted=False</c> (no reason is specified; we say <c>Conflicted</c>, as for mesh route kinds).
/// </summary>
public sealed class RouteKindConflictTests
{
    private const string Listener = """{"name":"http","port":80,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"All"}}}""";
    private const string Parent = """{"name":"g","namespace":"infra"}""";

    private static string GrpcRoute(string ns, string name, string hostnames, string created)
        => $$$"""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GRPCRoute","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","creationTimestamp":"{{{created}}}"},"spec":{"parentRefs":[{{{Parent}}}],"hostnames":[{{{hostnames}}}],"rules":[{"backendRefs":[]}]}}""";

    private static ResourceKey GrpcKey(string ns, string name) => new(Groups.Gateway, "GRPCRoute", ns, name);

    [Fact]
    public void HttpAndGrpcRoute_IntersectingHostnamesHttpOlder_OnlyTheHttpRouteIsAccepted()
    {
        // §10: the oldest wins. The GRPCRoute sorts first by kind; age must decide, not the snapshot's order.
        var result = Evaluate(
            GatewayClass(),
            Gateway("infra", "g", Listener),
            HttpRoute("apps", "web", Parent, "\"*.example.com\"", created: "2020-01-01T00:00:00Z"),
            GrpcRoute("apps", "rpc", "\"api.example.com\"", "2020-01-01T00:00:05Z"));

        AssertCondition(Assert.Single(result.FindRoute(RouteKey("apps", "web"))!.Parents).Conditions, ConditionType.Accepted, "True", "Accepted");
        var loser = Assert.Single(result.FindRoute(GrpcKey("apps", "rpc"))!.Parents);
        AssertCondition(loser.Conditions, ConditionType.Accepted, "False", ConditionReason.Conflicted);
        Assert.Contains("HTTPRoute apps/web", Condition(loser.Conditions, ConditionType.Accepted).Message, StringComparison.Ordinal);
        Assert.Equal(BindingCause.RouteKindConflict, Assert.Single(loser.Listeners).Cause);
        Assert.Equal(1, result.FindGateway(GatewayKey("infra", "g"))!.Listeners[0].AttachedRoutes);
    }

    [Fact]
    public void HttpAndGrpcRoute_IntersectingHostnamesGrpcOlder_OnlyTheGrpcRouteIsAccepted()
    {
        var result = Evaluate(
            GatewayClass(),
            Gateway("infra", "g", Listener),
            HttpRoute("apps", "web", Parent, "\"api.example.com\"", created: "2020-01-01T00:00:05Z"),
            GrpcRoute("apps", "rpc", "\"api.example.com\"", "2020-01-01T00:00:00Z"));

        AssertCondition(Assert.Single(result.FindRoute(GrpcKey("apps", "rpc"))!.Parents).Conditions, ConditionType.Accepted, "True", "Accepted");
        AssertCondition(Assert.Single(result.FindRoute(RouteKey("apps", "web"))!.Parents).Conditions, ConditionType.Accepted, "False", ConditionReason.Conflicted);
    }

    [Fact]
    public void HttpAndGrpcRoute_SameAgeIntersectingHostnames_FirstByNamespaceAndNameIsAccepted()
    {
        // §10: equal ages fall back to {namespace}/{name}: a/web before b/rpc.
        var result = Evaluate(
            GatewayClass(),
            Gateway("infra", "g", Listener),
            HttpRoute("a", "web", Parent),
            GrpcRoute("b", "rpc", string.Empty, "2020-01-01T00:00:00Z"));

        AssertCondition(Assert.Single(result.FindRoute(RouteKey("a", "web"))!.Parents).Conditions, ConditionType.Accepted, "True", "Accepted");
        AssertCondition(Assert.Single(result.FindRoute(GrpcKey("b", "rpc"))!.Parents).Conditions, ConditionType.Accepted, "False", ConditionReason.Conflicted);
    }

    [Fact]
    public void HttpAndGrpcRoute_DisjointHostnames_BothAreAccepted()
    {
        var result = Evaluate(
            GatewayClass(),
            Gateway("infra", "g", Listener),
            HttpRoute("apps", "web", Parent, "\"www.example.com\""),
            GrpcRoute("apps", "rpc", "\"api.example.com\"", "2020-01-01T00:00:05Z"));

        AssertCondition(Assert.Single(result.FindRoute(RouteKey("apps", "web"))!.Parents).Conditions, ConditionType.Accepted, "True", "Accepted");
        AssertCondition(Assert.Single(result.FindRoute(GrpcKey("apps", "rpc"))!.Parents).Conditions, ConditionType.Accepted, "True", "Accepted");
        Assert.Equal(2, result.FindGateway(GatewayKey("infra", "g"))!.Listeners[0].AttachedRoutes);
    }

    [Fact]
    public void HttpAndGrpcRoute_EnvoyGatewayProfile_BothAreAccepted()
    {
        // Envoy Gateway accepts both (its corpus case grpcroute-mixed-with-httproute); the profile follows it.
        var snapshot = Snapshot.Create(new[]
        {
            GatewayClass(), Gateway("infra", "g", Listener), HttpRoute("apps", "web", Parent),
            GrpcRoute("apps", "rpc", string.Empty, "2020-01-01T00:00:05Z"),
        }.Select(Obj));
        var result = Evaluator.Evaluate(snapshot, new EvaluationOptions { ControllerNames = [Controller], Profile = ImplementationProfile.EnvoyGateway });

        AssertCondition(Assert.Single(result.FindRoute(GrpcKey("apps", "rpc"))!.Parents).Conditions, ConditionType.Accepted, "True", "Accepted");
        Assert.Equal(2, result.FindGateway(GatewayKey("infra", "g"))!.Listeners[0].AttachedRoutes);
    }
}
