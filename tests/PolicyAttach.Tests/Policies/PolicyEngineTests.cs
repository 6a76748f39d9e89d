using PolicyAttach.Binding;
using PolicyAttach.Model;
using PolicyAttach.Policies;
using static PolicyAttach.Tests.Binding.World;

namespace PolicyAttach.Tests.Policies;

public class PolicyEngineTests
{
    private const string Listener = """{"name":"http","port":80,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"All"}}}""";
    private static readonly GroupKind Retry = new("networking.acme.io", "RetryPolicy");

    private static string Policy(string ns, string name, string targetKind, string targetName, string body, string created = "2020-01-01T00:00:00Z", string? section = null, string? targetNs = null)
    {
        var target = "{\"group\":\"gateway.networking.k8s.io\",\"kind\":\"" + targetKind + "\",\"name\":\"" + targetName + "\""
            + (section is null ? string.Empty : ",\"sectionName\":\"" + section + "\"")
            + (targetNs is null ? string.Empty : ",\"namespace\":\"" + targetNs + "\"") + "}";
        return "{\"apiVersion\":\"networking.acme.io/v1alpha1\",\"kind\":\"RetryPolicy\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns
            + "\",\"creationTimestamp\":\"" + created + "\"},\"spec\":{" + body + ",\"targetRef\":" + target + "}}";
    }

    private static EvaluationResult World(params string[] extra)
        => Evaluate([GatewayClass(), Gateway("infra", "g", Listener), HttpRoute("foo", "foo", """{"name":"g","namespace":"infra"}"""), .. extra]);

    private static EffectivePolicy RouteEffective(EvaluationResult result)
        => result.Policies.ForRoute(GatewayKey("infra", "g"), "http", RouteKey("foo", "foo")).Find(Retry)!;

    [Fact]
    public void PolicyCrd_NamesNotAnObject_DeclaresNoKindAndDoesNotThrow()
    {
        // Found by the garbage-document property: a labelled CRD whose spec.names is a string made WithCrds throw.
        var crd = """{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"retrypolicies.networking.acme.io","labels":{"gateway.networking.k8s.io/policy":"Direct"}},"spec":{"group":"networking.acme.io","names":"RetryPolicy"}}""";
        var result = World(crd, Policy("foo", "p", "HTTPRoute", "foo", """ "default":{"a":1}"""));

        Assert.Equal("""{"a":1}""", RouteEffective(result).Document.ToCanonicalString());
    }

    [Fact]
    public void Effective_ArticleRetryPolicy_OverrideWinsWithSource()
    {
        var result = World(Policy("foo", "foo-retries", "HTTPRoute", "foo", """ "override":{"maxRetries":10},"default":{"maxRetries":5}"""));

        var effective = RouteEffective(result);
        Assert.Equal("""{"maxRetries":10}""", effective.Document.ToCanonicalString());
        var field = Assert.Single(effective.Fields);
        Assert.Equal("maxRetries", field.Path);
        Assert.Equal(new FieldSource(new ResourceKey("networking.acme.io", "RetryPolicy", "foo", "foo-retries"), PolicyLevel.Route, StanzaKind.Override), field.Source);
        Assert.Contains(field.Overrode, s => s.Stanza == StanzaKind.Default);
    }

    [Fact]
    public void Effective_DefaultsAndOverridesAcrossLevels_FollowGep713()
    {
        // A gateway override beats the route; the route's default beats the gateway's default (GEP-713 example 2).
        var result = World(
            Policy("infra", "gw", "Gateway", "g", """ "default":{"timeout":"10s","retries":1},"override":{"retries":3}"""),
            Policy("foo", "route", "HTTPRoute", "foo", """ "default":{"timeout":"5s","retries":5}"""));

        var effective = RouteEffective(result);
        Assert.Equal("""{"retries":3,"timeout":"5s"}""", effective.Document.ToCanonicalString());
        var retries = effective.Fields.Single(f => f.Path == "retries");
        Assert.Equal(("gw", StanzaKind.Override, PolicyLevel.Gateway), (retries.Source.Policy.Name, retries.Source.Stanza, retries.Source.Level));
        Assert.Contains(retries.Overrode, s => s.Policy.Name == "route");
        var timeout = effective.Fields.Single(f => f.Path == "timeout");
        Assert.Equal("route", timeout.Source.Policy.Name);

        // The Gateway itself only sees its own policy.
        var gateway = result.Policies.ForGateway(GatewayKey("infra", "g")).Find(Retry)!;
        Assert.Equal("""{"retries":3,"timeout":"10s"}""", gateway.Document.ToCanonicalString());
    }

    [Fact]
    public void Effective_PatchMerge_CombinesObjectsAndReplacesScalars()
    {
        // GEP-713 example 3: Patch defaults merge field by field; nested objects merge, scalars are replaced.
        var result = World(
            Policy("infra", "gw", "Gateway", "g", """ "default":{"backoff":{"base":"1s","max":"10s"},"codes":[500,502]}"""),
            Policy("foo", "route", "HTTPRoute", "foo", """ "default":{"backoff":{"max":"30s"},"codes":[503]}"""));

        Assert.Equal("""{"backoff":{"base":"1s","max":"30s"},"codes":[503]}""", RouteEffective(result).Document.ToCanonicalString());
    }

    [Fact]
    public void Effective_NullInPatch_DeletesField()
    {
        var result = World(
            Policy("infra", "gw", "Gateway", "g", """ "default":{"a":1,"b":2}"""),
            Policy("foo", "route", "HTTPRoute", "foo", """ "default":{"b":null}"""));

        Assert.Equal("""{"a":1}""", RouteEffective(result).Document.ToCanonicalString());
    }

    [Fact]
    public void Effective_OverridesAcrossLevels_ApplyOneByOneAsMergePatches()
    {
        // Regression: the overrides of all levels were first merged into one patch, which lost a null (the Gateway
        // override's delete of a route default) and merged an object override into a default a lower override had
        // replaced by a scalar. RFC 7386 patches do not compose; each override applies in turn, the highest last.
        var deleted = World(
            Policy("infra", "gw", "Gateway", "g", """ "override":{"a":null}"""),
            Policy("foo", "route", "HTTPRoute", "foo", """ "default":{"a":1,"b":2}"""));
        Assert.Equal("""{"b":2}""", RouteEffective(deleted).Document.ToCanonicalString());

        var replaced = World(
            Policy("infra", "gw", "Gateway", "g", """ "override":{"a":{"x":1}}"""),
            Policy("foo", "route", "HTTPRoute", "foo", """ "default":{"a":{"y":2}},"override":{"a":3}"""));
        Assert.Equal("""{"a":{"x":1}}""", RouteEffective(replaced).Document.ToCanonicalString());
    }

    [Fact]
    public void Effective_ListenerPolicy_AppliesBelowGatewayPolicy()
    {
        var result = World(
            Policy("infra", "gw", "Gateway", "g", """ "default":{"x":"gateway"}"""),
            Policy("infra", "listener", "Gateway", "g", """ "default":{"x":"listener"}""", section: "http"));

        Assert.Equal("""{"x":"listener"}""", RouteEffective(result).Document.ToCanonicalString());
        Assert.Equal("""{"x":"gateway"}""", result.Policies.ForGateway(GatewayKey("infra", "g")).Find(Retry)!.Document.ToCanonicalString());
        var status = result.Policies.Statuses.Single(s => s.Resource.Name == "listener");
        Assert.Equal("http", Assert.Single(status.Ancestors).AncestorRef.SectionName);
    }

    [Fact]
    public void Effective_GatewayClassTarget_IsClusterScopedAndInherited()
    {
        // Regression: a GatewayClass target took the policy's namespace and was never found.
        var result = World(Policy("foo", "cls", "GatewayClass", "gc", """ "default":{"x":"class"}"""));

        Assert.Equal("""{"x":"class"}""", RouteEffective(result).Document.ToCanonicalString());
        AssertCondition(Assert.Single(Assert.Single(result.Policies.Statuses).Ancestors).Conditions, ConditionType.Accepted, "True", ConditionReason.Accepted);
    }

    [Fact]
    public void Effective_CustomMerger_IsUsedForTheKind()
    {
        // A kind registered in code with its own merge: here numbers add up instead of replacing each other.
        var kind = PolicyKindRegistry.InheritedDefinition(Retry) with { Strategy = MergeStrategy.Custom, CustomMerger = new SumMerger() };
        var documents = new[]
        {
            GatewayClass(), Gateway("infra", "g", Listener), HttpRoute("foo", "foo", """{"name":"g","namespace":"infra"}"""),
            Policy("infra", "gw", "Gateway", "g", """ "default":{"retries":1}"""),
            Policy("foo", "route", "HTTPRoute", "foo", """ "default":{"retries":2}"""),
        };
        var result = PolicyAttach.Evaluator.Evaluate(
            PolicyAttach.Snapshot.Create(documents.Select(Obj)),
            new EvaluationOptions { ControllerNames = [Controller], PolicyKinds = PolicyKindRegistry.Standard.With([kind]) });

        Assert.Equal("""{"retries":3}""", RouteEffective(result).Document.ToCanonicalString());
    }

    private sealed class SumMerger : IPolicyMerger
    {
        public PolicyAttach.Collections.JsonData Merge(PolicyAttach.Collections.JsonData established, PolicyAttach.Collections.JsonData challenger, bool isOverride)
        {
            var sum = established.Element.GetProperty("retries").GetInt32() + challenger.Element.GetProperty("retries").GetInt32();
            return PolicyAttach.Collections.JsonData.Parse($$"""{"retries":{{sum}}}""");
        }
    }

    [Fact]
    public void Effective_KeyedPatch_MergesNamedListEntries()
    {
        var kind = PolicyKindRegistry.InheritedDefinition(Retry) with { Strategy = MergeStrategy.KeyedPatch, MergeKeys = PolicyAttach.Collections.StringMap.Of(("rules", "name")) };
        var documents = new[]
        {
            GatewayClass(), Gateway("infra", "g", Listener), HttpRoute("foo", "foo", """{"name":"g","namespace":"infra"}"""),
            Policy("infra", "gw", "Gateway", "g", """ "default":{"rules":[{"name":"a","v":1},{"name":"b","v":1}]}"""),
            Policy("foo", "route", "HTTPRoute", "foo", """ "default":{"rules":[{"name":"b","v":2},{"name":"c","v":2}]}"""),
        };
        var result = PolicyAttach.Evaluator.Evaluate(
            PolicyAttach.Snapshot.Create(documents.Select(Obj)),
            new EvaluationOptions { ControllerNames = [Controller], PolicyKinds = PolicyKindRegistry.Standard.With([kind]) });

        Assert.Equal("""{"rules":[{"name":"a","v":1},{"name":"b","v":2},{"name":"c","v":2}]}""", RouteEffective(result).Document.ToCanonicalString());
    }

    [Fact]
    public void Status_MissingSection_TargetNotFound()
    {
        var result = World(Policy("infra", "p", "Gateway", "g", """ "default":{"x":1}""", section: "nope"));

        var ancestor = Assert.Single(Assert.Single(result.Policies.Statuses).Ancestors);
        AssertCondition(ancestor.Conditions, ConditionType.Accepted, "False", ConditionReason.TargetNotFound);
        Assert.Null(RouteEffective(result));
    }

    [Fact]
    public void Status_MissingTarget_TargetNotFoundAndNoEffect()
    {
        var result = World(Policy("foo", "p", "HTTPRoute", "ghost", """ "default":{"x":1}"""));

        var ancestor = Assert.Single(Assert.Single(result.Policies.Statuses).Ancestors);
        AssertCondition(ancestor.Conditions, ConditionType.Accepted, "False", ConditionReason.TargetNotFound);
        Assert.Equal("ghost", ancestor.AncestorRef.Name);
        Assert.Null(RouteEffective(result));
    }

    [Fact]
    public void Status_CrossNamespaceTarget_IsRefused()
    {
        var result = World(Policy("other", "p", "HTTPRoute", "foo", """ "default":{"x":1}""", targetNs: "foo"));

        var ancestor = Assert.Single(Assert.Single(result.Policies.Statuses).Ancestors);
        AssertCondition(ancestor.Conditions, ConditionType.Accepted, "False", ConditionReason.Invalid);
        Assert.Null(RouteEffective(result));
    }

    [Fact]
    public void Status_RoutePolicy_AncestorIsEachParentGateway()
    {
        var result = World(Policy("foo", "p", "HTTPRoute", "foo", """ "default":{"x":1}"""));

        var ancestor = Assert.Single(Assert.Single(result.Policies.Statuses).Ancestors);
        Assert.Equal(GatewayKey("infra", "g"), ancestor.AncestorRef.TargetKey);
        Assert.Equal(Controller, ancestor.ControllerName);
        AssertCondition(ancestor.Conditions, ConditionType.Accepted, "True", ConditionReason.Accepted);
    }

    [Fact]
    public void Lookup_AfterResolution_AllocatesNothing()
    {
        var result = World(Policy("foo", "p", "HTTPRoute", "foo", """ "default":{"x":1}"""));
        var policies = result.Policies;
        var gateway = GatewayKey("infra", "g");
        var route = RouteKey("foo", "foo");
        _ = policies.ForRule(gateway, "http", route, null).Find(Retry);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            _ = policies.ForRule(gateway, "http", route, null).Find(Retry);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

public class BackendTlsPolicyTests
{
    private static string Btp(string name, string created, string? section = null, string validation = "\"wellKnownCACertificates\":\"System\"")
        => "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"BackendTLSPolicy\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"infra\",\"creationTimestamp\":\"" + created + "\"},"
            + "\"spec\":{\"targetRefs\":[{\"group\":\"\",\"kind\":\"Service\",\"name\":\"svc\"" + (section is null ? string.Empty : ",\"sectionName\":\"" + section + "\"") + "}],"
            + "\"validation\":{\"hostname\":\"svc.example.com\"," + validation + "}}}";

    private const string ServiceWithPorts = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","namespace":"infra"},"spec":{"ports":[{"name":"https","port":443},{"name":"alt","port":8443}]}}""";

    private static EvaluationResult World(params string[] policies)
        => Evaluate([GatewayClass(), Gateway("infra", "g", """{"name":"http","port":80,"protocol":"HTTP"}"""),
            HttpRoute("infra", "r", """{"name":"g"}""", backendRefs: """{"name":"svc","port":443}"""), ServiceWithPorts, .. policies]);

    private static PolicyAncestorResult AncestorOf(EvaluationResult result, string name)
        => Assert.Single(result.Policies.Statuses.Single(s => s.Resource.Name == name).Ancestors);

    [Fact]
    public void SameTarget_OlderWins_NewerConflicted()
    {
        // GEP-713 example 1: two Direct policies on one backend; the older is enforced.
        var result = World(Btp("old", "2020-01-01T00:00:00Z"), Btp("new", "2021-01-01T00:00:00Z"));
        AssertCondition(AncestorOf(result, "old").Conditions, ConditionType.Accepted, "True", ConditionReason.Accepted);
        AssertCondition(AncestorOf(result, "new").Conditions, ConditionType.Accepted, "False", ConditionReason.Conflicted);
        Assert.Equal(GatewayKey("infra", "g"), AncestorOf(result, "old").AncestorRef.TargetKey);
    }

    [Fact]
    public void BackendTlsPolicy_SectionedAndWholeTarget_DoNotConflict()
    {
        var result = World(Btp("whole", "2020-01-01T00:00:00Z"), Btp("port", "2021-01-01T00:00:00Z", "https"));
        AssertCondition(AncestorOf(result, "whole").Conditions, ConditionType.Accepted, "True", ConditionReason.Accepted);
        AssertCondition(AncestorOf(result, "port").Conditions, ConditionType.Accepted, "True", ConditionReason.Accepted);

        var kind = new GroupKind(Groups.Gateway, "BackendTLSPolicy");
        var effective = result.Policies.ForBackend(GatewayKey("infra", "g"), "http", RouteKey("infra", "r"), null, new ResourceKey("", "Service", "infra", "svc"), "https").Find(kind)!;
        Assert.NotEmpty(effective.Fields);
        Assert.All(effective.Fields, f => Assert.Equal("port", f.Source.Policy.Name));
    }

    [Fact]
    public void BackendTlsPolicy_MissingCaConfigMap_NoValidCaCertificateAndInvalidRef()
    {
        var result = World(Btp("p", "2020-01-01T00:00:00Z", validation: "\"caCertificateRefs\":[{\"group\":\"\",\"kind\":\"ConfigMap\",\"name\":\"missing\"}]"));
        var conditions = AncestorOf(result, "p").Conditions;
        AssertCondition(conditions, ConditionType.Accepted, "False", "NoValidCACertificate");
        AssertCondition(conditions, ConditionType.ResolvedRefs, "False", ConditionReason.InvalidCACertificateRef);
    }

    [Fact]
    public void BackendTlsPolicy_UnknownCaKind_InvalidKind()
    {
        var result = World(Btp("p", "2020-01-01T00:00:00Z", validation: "\"caCertificateRefs\":[{\"group\":\"example.com\",\"kind\":\"Thing\",\"name\":\"x\"}]"));
        AssertCondition(AncestorOf(result, "p").Conditions, ConditionType.ResolvedRefs, "False", ConditionReason.InvalidKind);
    }
}
