using PolicyAttach.Model;
using PolicyAttach.Policies;
using static PolicyAttach.Tests.Binding.World;

namespace PolicyAttach.Tests.Policies;

/// <summary>
/// Namespace levels of Inherited policies, as the article's hierarchy draws them (spec digest §14.3, the declined
/// GEP-2649's diagram: GatewayClass > Gateway namespace > Gateway > listener > Route namespace > route > rule >
/// Backend namespace > backend).
/// </summary>
public class NamespaceLevelTests
{
    private const string Listener = """{"name":"http","port":80,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"All"}}}""";
    private static readonly GroupKind Retry = new("networking.acme.io", "RetryPolicy");

    private static string Policy(string ns, string name, string targetGroup, string targetKind, string targetName, string body, string kind = "RetryPolicy", string apiVersion = "networking.acme.io/v1alpha1")
        => "{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns
            + "\",\"creationTimestamp\":\"2020-01-01T00:00:00Z\"},\"spec\":{" + body + ",\"targetRefs\":[{\"group\":\"" + targetGroup + "\",\"kind\":\"" + targetKind + "\",\"name\":\"" + targetName + "\"}]}}";

    private static string OnNamespace(string ns, string name, string target, string body) => Policy(ns, name, string.Empty, "Namespace", target, body);

    private static EvaluationResult World(params string[] extra)
        => Evaluate([GatewayClass(), Gateway("infra", "g", Listener), HttpRoute("foo", "foo", """{"name":"g","namespace":"infra"}""", backendRefs: """{"name":"svc","namespace":"foo","port":80}"""), Service("foo", "svc"), .. extra]);

    private static EffectivePolicy? RouteEffective(EvaluationResult result)
        => result.Policies.ForRoute(GatewayKey("infra", "g"), "http", RouteKey("foo", "foo")).Find(Retry);

    private static PolicyAncestorResult Ancestor(EvaluationResult result, string name)
        => Assert.Single(Assert.Single(result.Policies.Statuses, s => s.Policy.Key.Name == name).Ancestors);

    [Fact]
    public void NamespaceTarget_InheritedKind_AppliesAtTheRouteNamespaceLevel_Gep2649Hierarchy()
    {
        // §14.3: a Route-namespace default sits below the Gateway: it beats the Gateway's default on the routes of the
        // namespace; the Gateway's override still wins.
        var result = World(
            Policy("infra", "gw", "gateway.networking.k8s.io", "Gateway", "g", """ "default":{"timeout":"10s","retries":1},"override":{"budget":3}"""),
            OnNamespace("foo", "ns", "foo", """ "default":{"timeout":"5s","budget":9}"""));

        var effective = RouteEffective(result)!;
        Assert.Equal("""{"budget":3,"retries":1,"timeout":"5s"}""", effective.Document.ToCanonicalString());
        var timeout = effective.Fields.Single(f => f.Path == "timeout");
        Assert.Equal(new FieldSource(new ResourceKey("networking.acme.io", "RetryPolicy", "foo", "ns"), PolicyLevel.RouteNamespace, StanzaKind.Default), timeout.Source);
        Assert.Equal(["gw", "ns"], effective.Policies.Select(p => p.Name));

        // The Gateway in another namespace is not reached.
        Assert.DoesNotContain("ns", result.Policies.ForGateway(GatewayKey("infra", "g")).Find(Retry)!.Policies.Select(p => p.Name));
    }

    [Fact]
    public void NamespaceTarget_RoutePolicyDefault_BeatsTheNamespaceDefault_AndTheNamespaceOverrideBeatsIt()
    {
        // §14.5: defaults flow up (the more specific wins), overrides flow down (the less specific wins).
        var result = World(
            OnNamespace("foo", "ns", "foo", """ "default":{"timeout":"5s"},"override":{"retries":7}"""),
            Policy("foo", "route", "gateway.networking.k8s.io", "HTTPRoute", "foo", """ "default":{"timeout":"1s","retries":2}"""));

        var effective = RouteEffective(result)!;
        Assert.Equal("""{"retries":7,"timeout":"1s"}""", effective.Document.ToCanonicalString());
        Assert.Equal((PolicyLevel.RouteNamespace, StanzaKind.Override), (effective.Fields.Single(f => f.Path == "retries").Source.Level, effective.Fields.Single(f => f.Path == "retries").Source.Stanza));
    }

    [Fact]
    public void NamespaceTarget_GatewayNamespaceAndBackendNamespace_ApplyAtTheirLevels()
    {
        // §14.3: the Gateway namespace sits above the Gateway; the Backend namespace between the rule and the Service.
        var result = World(
            OnNamespace("infra", "infra-ns", "infra", """ "default":{"a":1,"b":1}"""),
            Policy("infra", "gw", "gateway.networking.k8s.io", "Gateway", "g", """ "default":{"b":2}"""),
            Policy("foo", "svc", string.Empty, "Service", "svc", """ "default":{"c":3}"""),
            OnNamespace("foo", "foo-ns", "foo", """ "default":{"c":4,"d":4}"""));

        var gateway = result.Policies.ForGateway(GatewayKey("infra", "g")).Find(Retry)!;
        Assert.Equal("""{"a":1,"b":2}""", gateway.Document.ToCanonicalString());
        Assert.Equal(PolicyLevel.GatewayNamespace, gateway.Fields.Single(f => f.Path == "a").Source.Level);

        var backend = result.Policies.ForBackend(GatewayKey("infra", "g"), "http", RouteKey("foo", "foo"), null, new ResourceKey("", "Service", "foo", "svc"), null).Find(Retry)!;
        Assert.Equal("""{"a":1,"b":2,"c":3,"d":4}""", backend.Document.ToCanonicalString());
        Assert.Contains(backend.Fields.Single(f => f.Path == "c").Overrode, s => s.Level == PolicyLevel.BackendNamespace);
    }

    [Fact]
    public void NamespaceTarget_Status_AcceptedOnTheGatewaysItTakesEffectThrough()
    {
        // §14.6: the ancestor SHOULD be the Gateway; a Namespace policy takes effect through the parents of the
        // namespace's routes (and of the routes using its Services, and through its Gateways).
        var result = World(OnNamespace("foo", "ns", "foo", """ "default":{"timeout":"5s"}"""));

        var ancestor = Ancestor(result, "ns");
        Assert.Equal(("Gateway", "infra", "g"), (ancestor.AncestorRef.Kind, ancestor.AncestorRef.Namespace, ancestor.AncestorRef.Name));
        AssertCondition(ancestor.Conditions, ConditionType.Accepted, "True", ConditionReason.Accepted);
    }

    [Fact]
    public void NamespaceTarget_OtherNamespace_IsInvalidAndSaysWhy()
    {
        // §2.12: a policy applies only to its own namespace's traffic; the kind does not cross namespaces.
        var result = World(OnNamespace("bar", "ns", "foo", """ "default":{"timeout":"5s"}"""), Namespace("bar"));

        Assert.Null(RouteEffective(result));
        var ancestor = Ancestor(result, "ns");
        Assert.Equal(("Namespace", "foo"), (ancestor.AncestorRef.Kind, ancestor.AncestorRef.Name));
        var accepted = Condition(ancestor.Conditions, ConditionType.Accepted);
        Assert.False(accepted.IsTrue);
        Assert.Equal(ConditionReason.Invalid.Value, accepted.Reason.Value);
        Assert.Contains("not the policy's namespace", accepted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NamespaceTarget_KindWithoutNamespaceLevels_IsRefusedNamingTheKindsThatTakeIt()
    {
        // §14.2/§14.3: each kind defines its hierarchy; XBackendTrafficPolicy (Direct, Service targets only) declares no
        // namespace level, so a Namespace target is refused with the reason, not silently.
        var direct = Policy("foo", "xbtp", string.Empty, "Namespace", "foo", """ "retryConstraint":{}""", kind: "XBackendTrafficPolicy", apiVersion: "gateway.networking.x-k8s.io/v1alpha1");
        var result = World(direct);

        var accepted = Condition(Ancestor(result, "xbtp").Conditions, ConditionType.Accepted);
        Assert.Equal(ConditionReason.Invalid.Value, accepted.Reason.Value);
        Assert.Contains("declares no namespace level", accepted.Message, StringComparison.Ordinal);
        Assert.Contains("gateway.networking.k8s.io/policy: Inherited", accepted.Message, StringComparison.Ordinal);
        Assert.Contains("Target one of Service.", accepted.Message, StringComparison.Ordinal);
    }
}
