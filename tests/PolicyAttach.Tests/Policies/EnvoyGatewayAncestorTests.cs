using PolicyAttach.Model;
using static PolicyAttach.Tests.Binding.World;

namespace PolicyAttach.Tests.Policies;

/// <summary>
/// Policy ancestors under the <c>envoy-gateway</c> profile. PolicyStatus.ancestors is a map keyed by ancestorRef
/// (spec digest §14.6): one Gateway and section is one entry, whether or not a parentRef wrote its namespace.
/// </summary>
public sealed class EnvoyGatewayAncestorTests
{
    private const string Listener = """{"name":"http","port":80,"protocol":"HTTP"}""";

    private static string Policy(string name, string targetKind, string target, string created, string extra = "")
        => $$$"""{"apiVersion":"gateway.envoyproxy.io/v1alpha1","kind":"BackendTrafficPolicy","metadata":{"name":"{{{name}}}","namespace":"infra","creationTimestamp":"{{{created}}}"},"spec":{"targetRefs":[{"group":"gateway.networking.k8s.io","kind":"{{{targetKind}}}","name":"{{{target}}}"}],"timeout":{"http":{"requestTimeout":"5s"}}{{{extra}}}}}""";

    [Theory]
    [InlineData("""{"name":"g","sectionName":"http"}""")]
    [InlineData("""{"name":"g","namespace":"infra","sectionName":"http"}""")]
    public void RoutePolicyWithMergeType_ParentRefWithOrWithoutNamespace_OneAncestorPerGatewaySection(string parentRef)
    {
        // Regression: without namespace, the route's parentRef and the merge's listener reference were two keys, and
        // the route policy had two ancestors for Gateway infra/g section http (spec digest §14.6: a map by ancestorRef).
        var snapshot = Snapshot.Create(new[]
        {
            GatewayClass(), Gateway("infra", "g", Listener),
            HttpRoute("infra", "r", parentRef),
            Policy("gateway-wide", "Gateway", "g", "2020-01-01T00:00:01Z"),
            Policy("route", "HTTPRoute", "r", "2020-01-01T00:00:02Z", ""","mergeType":"StrategicMerge" """),
        }.Select(Obj));
        var result = Evaluator.Evaluate(snapshot, new EvaluationOptions { ControllerNames = [Controller], Profile = ImplementationProfile.EnvoyGateway });

        var status = Assert.Single(result.Policies.Statuses, s => s.Resource.Metadata.Name == "route");
        var ancestor = Assert.Single(status.Ancestors);
        Assert.Equal(("infra", "g", "http"), (ancestor.AncestorRef.Namespace, ancestor.AncestorRef.Name, ancestor.AncestorRef.SectionName));
        AssertCondition(ancestor.Conditions, ConditionType.Accepted, "True", "Accepted");
        AssertCondition(ancestor.Conditions, ConditionType.Merged, "True", "Merged");
    }
}

/// <summary>Policy CRDs read from the input (GEP-713 labels): malformed ones are skipped, never a crash (principle 5).</summary>
public sealed class PolicyCrdTests
{
    [Fact]
    public void WithCrds_LabelledCrdWhoseNamesIsNotAnObject_IsSkipped()
    {
        // Regression (fuzzing found it in a truncated manifest): spec.names was a string and reading names.kind threw.
        var crd = Obj("""{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"retrypolicies.networking.acme.io","labels":{"gateway.networking.k8s.io/policy":"Inherited"}},"spec":{"group":"networking.acme.io","names":"kin"}}""");
        var registry = PolicyAttach.Policies.PolicyKindRegistry.Standard.WithCrds(Snapshot.Create([crd]));
        Assert.Same(PolicyAttach.Policies.PolicyKindRegistry.Standard, registry);
    }
}
