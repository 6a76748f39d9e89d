using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Policies;
using static PolicyAttach.Tests.Binding.World;

namespace PolicyAttach.Tests.Policies;

/// <summary>
/// An unresolvable BackendTLSPolicy CA invalidates its Service only where that policy governs it: per ancestor (each
/// Gateway whose routes reach the Service, spec digest §14.6) and per target (the older policy wins a target,
/// §14.7), with the route's ResolvedRefs and the match outcome agreeing (§8 item 5, §14.7: connections fail, 5xx).
/// </summary>
public class BackendTlsPerAncestorTests
{
    private static string Btp(string name, string created, string targets, string validation)
        => "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"BackendTLSPolicy\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"app\",\"creationTimestamp\":\"" + created + "\"},"
            + "\"spec\":{\"targetRefs\":[" + targets + "],\"validation\":{\"hostname\":\"svc.example.com\"," + validation + "}}}";

    private static string Target(string service) => "{\"group\":\"\",\"kind\":\"Service\",\"name\":\"" + service + "\"}";

    private const string Missing = "\"caCertificateRefs\":[{\"group\":\"\",\"kind\":\"ConfigMap\",\"name\":\"missing\"}]";

    private static EvaluationResult World(params string[] policies)
        => Evaluate([GatewayClass(),
            Gateway("app", "g1", """{"name":"http","port":80,"protocol":"HTTP"}"""),
            Gateway("app", "g2", """{"name":"http","port":80,"protocol":"HTTP"}"""),
            HttpRoute("app", "ra", """{"name":"g1"}""", backendRefs: """{"name":"a","port":443}"""),
            HttpRoute("app", "rb", """{"name":"g2"}""", backendRefs: """{"name":"b","port":443}"""),
            Service("app", "a", 443), Service("app", "b", 443), .. policies]);

    private static Condition ResolvedRefs(EvaluationResult result, string route)
        => Assert.Single(Assert.Single(result.FindRoute(RouteKey("app", route))!.Parents).Conditions, c => c.Type == ConditionType.ResolvedRefs);

    private static MatchOutcome Get(EvaluationResult result, string gateway)
        => RoutingTable.Compile(result).FindGateway(GatewayKey("app", gateway))!.Match(new RequestView(RequestProtocol.Http, 80, "GET", "x", "/"));

    [Fact]
    public void UnresolvableCa_InvalidatesTheServiceOnlyOnTheAncestorsWhereItGoverns_Spec14_6And14_7()
    {
        // Regression (issue 17): "new" has no valid CA and targets a and b; on a the older "old" wins (§14.7), so only
        // b fails. Before, any ancestor's ResolvedRefs=False invalidated every target on every Gateway (a too), and no
        // route said so.
        var result = World(
            Btp("old", "2020-01-01T00:00:00Z", Target("a"), "\"wellKnownCACertificates\":\"System\""),
            Btp("new", "2021-01-01T00:00:00Z", Target("a") + "," + Target("b"), Missing));

        Assert.True(ResolvedRefs(result, "ra").IsTrue);
        Assert.Equal(MatchOutcomeKind.Routed, Get(result, "g1").Kind);

        var failed = ResolvedRefs(result, "rb");
        Assert.False(failed.IsTrue);
        Assert.Equal(ConditionReason.InvalidBackendTLS.Value, failed.Reason.Value);
        Assert.Contains("BackendTLSPolicy app/new", failed.Message, StringComparison.Ordinal);
        var o = Get(result, "g2");
        Assert.Equal((MatchOutcomeKind.NoBackend, 500), (o.Kind, o.StatusCode));

        // The policy's ancestors say so per ancestor: Conflicted through g1 (where a is old's), NoValidCACertificate with
        // ResolvedRefs=False through g2.
        var status = Assert.Single(result.Policies.Statuses, s => s.Policy.Key.Name == "new");
        var g1 = Assert.Single(status.Ancestors, a => a.AncestorRef.Name == "g1").Conditions;
        AssertCondition(g1, ConditionType.Accepted, "False", ConditionReason.Conflicted);
        Assert.DoesNotContain(g1, c => c.Type == ConditionType.ResolvedRefs);
        var g2 = Assert.Single(status.Ancestors, a => a.AncestorRef.Name == "g2").Conditions;
        AssertCondition(g2, ConditionType.Accepted, "False", ConditionReason.NoValidCACertificate);
        AssertCondition(g2, ConditionType.ResolvedRefs, "False", ConditionReason.InvalidCACertificateRef);
    }

    [Fact]
    public void OlderPolicyWithoutValidCa_WinsTheTarget_AndTheNewerIsConflicted_Spec14_7()
    {
        // §14.7: the older policy wins the target whatever its CA; a newer valid one does not hide the failure.
        var result = World(
            Btp("old", "2020-01-01T00:00:00Z", Target("b"), Missing),
            Btp("new", "2021-01-01T00:00:00Z", Target("b"), "\"wellKnownCACertificates\":\"System\""));

        AssertCondition(Assert.Single(Assert.Single(result.Policies.Statuses, s => s.Policy.Key.Name == "new").Ancestors).Conditions, ConditionType.Accepted, "False", ConditionReason.Conflicted);
        Assert.Equal(ConditionReason.InvalidBackendTLS.Value, ResolvedRefs(result, "rb").Reason.Value);
        Assert.Equal(500, Get(result, "g2").StatusCode);
    }

    [Fact]
    public void FailingPolicy_IsDecidedWhenBackendsResolve_AndTheRouteResultIsBuiltOnce()
    {
        // Issue 14: the binder resolves the backend with the policy stage's verdict; the evaluation result carries the
        // binder's route result as it is (no second, amended copy), and the backend is still a policy context.
        const string retry = """{"apiVersion":"example.com/v1","kind":"RetryPolicy","metadata":{"name":"retry","namespace":"app"},"spec":{"targetRefs":[{"group":"","kind":"Service","name":"b"}],"default":{"attempts":3}}}""";
        var result = World(Btp("new", "2021-01-01T00:00:00Z", Target("b"), Missing), retry);

        var route = Assert.Single(result.Routes, r => r.Route.Name == "rb");
        Assert.Same(route, result.FindRoute(RouteKey("app", "rb")));
        var backend = Assert.Single(route.BackendRefs);
        Assert.False(backend.IsValid);
        Assert.True(backend.IsResolved);
        Assert.Equal(ConditionReason.InvalidBackendTLS, backend.Reason);
        Assert.StartsWith("backendRef Service app/b of HTTPRoute app/rb rule 0: BackendTLSPolicy app/new cannot be honoured", backend.Message, StringComparison.Ordinal);
        Assert.Equal(backend.Message, ResolvedRefs(result, "rb").Message);
        Assert.NotNull(result.Policies.ForBackend(GatewayKey("app", "g2"), "http", RouteKey("app", "rb"), null, new ResourceKey(Kinds.Service, "app", "b"), null).Find(new GroupKind("example.com", "RetryPolicy")));
    }

    [Fact]
    public void UnresolvedReference_NamesResolvedRefs_BeforeABackendTlsFailure()
    {
        // A reference that does not resolve is the route's ResolvedRefs reason even when an earlier backend fails only
        // for its BackendTLSPolicy; each backend keeps its own reason.
        var result = Evaluate([GatewayClass(),
            Gateway("app", "g", """{"name":"http","port":80,"protocol":"HTTP"}"""),
            HttpRoute("app", "r", """{"name":"g"}""", backendRefs: """{"name":"b","port":443},{"name":"nope","port":443}"""),
            Service("app", "b", 443), Btp("new", "2021-01-01T00:00:00Z", Target("b"), Missing)]);

        var route = result.FindRoute(RouteKey("app", "r"))!;
        Assert.Equal([ConditionReason.InvalidBackendTLS, ConditionReason.BackendNotFound], route.BackendRefs.Select(b => b.Reason!.Value));
        Assert.Equal(ConditionReason.BackendNotFound.Value, ResolvedRefs(result, "r").Reason.Value);
    }
}
