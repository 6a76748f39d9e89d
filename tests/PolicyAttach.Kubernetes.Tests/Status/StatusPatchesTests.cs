using System.Text.Json;
using k8s.Models;
using PolicyAttach.Binding;
using PolicyAttach.Kubernetes.Engine;
using PolicyAttach.Kubernetes.Status;
using PolicyAttach.Kubernetes.Tests.Controllers;
using PolicyAttach.Model;

namespace PolicyAttach.Kubernetes.Tests.Status;

public sealed class StatusPatchesTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ResourceKey GatewayKey = new(Groups.Gateway, "Gateway", "infra", "edge");
    private static readonly ResourceKey RouteKey = new(Groups.Gateway, "HTTPRoute", "shop", "store");

    private static StatusSet Build(bool withPrevious)
    {
        var store = Fixtures.LoadedStore();
        var engine = new PolicyAttachEngine(new EvaluationOptions { ControllerNames = [Fixtures.Controller] });
        var result = engine.Evaluate(store.CreateSnapshot());
        return StatusPatches.Build(result, new StatusPatchOptions { Time = Now, PreviousStatus = withPrevious ? store.StatusOf : null });
    }

    [Fact]
    public void GatewayPatch_Built_IsAStatusOnlyMergePatchForTheGatewaysResource()
    {
        var gateway = Build(withPrevious: true).Find(GatewayKey)!;

        using var patch = JsonDocument.Parse(gateway.MergePatch);
        var root = patch.RootElement;
        Assert.Equal(["status"], root.EnumerateObject().Select(p => p.Name));
        var status = root.GetProperty("status");
        Assert.Equal(["conditions", "listeners", "attachedListenerSets"], status.EnumerateObject().Select(p => p.Name));
        Assert.False(status.TryGetProperty("addresses", out _)); // a merge patch leaves fields it does not name alone
        var listener = Assert.Single(status.GetProperty("listeners").EnumerateArray());
        Assert.Equal("http", listener.GetProperty("name").GetString());
        Assert.Equal(1, listener.GetProperty("attachedRoutes").GetInt32());
        Assert.Contains(status.GetProperty("conditions").EnumerateArray(), c => c.GetProperty("type").GetString() == "Programmed");
        Assert.Equal(new KubernetesResource(Groups.Gateway, "v1", "gateways", Namespaced: true), gateway.Resource);
        Assert.Equal(V1Patch.PatchType.MergePatch, gateway.ToV1Patch().Type);
        Assert.Equal(gateway.MergePatch, gateway.ToV1Patch().Content);
    }

    [Fact]
    public void Patches_Built_CarryTheCoreModelStampedAndWriteItsStatus()
    {
        var store = Fixtures.LoadedStore();
        var engine = new PolicyAttachEngine(new EvaluationOptions { ControllerNames = [Fixtures.Controller] });
        var result = engine.Evaluate(store.CreateSnapshot());
        var patches = StatusPatches.Build(result, new StatusPatchOptions { Time = Now });

        Assert.Equal(PolicyAttach.Status.StatusModel.Build(result).Select(s => s.WithTransitionTimes(Now, null)), patches.Select(p => p.Model!));
        foreach (var patch in patches)
        {
            var model = patch.Model!;
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, StatusWriter.WriterOptions(indented: false)))
            {
                StatusWriter.WriteStatus(writer, model);
            }

            Assert.Equal("{\"status\":" + System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "}", patch.MergePatch);
            Assert.Equal(model.ConditionLists().Select(l => l.Scope.ToString()), patch.Scopes);
            Assert.All(model.ConditionLists(), l => Assert.Equal(l.Conditions.Select(c => c.Type.Value), patch.ConditionsOf(l.Scope).Select(c => c.Type)));
        }
    }

    [Fact]
    public void RoutePatch_OtherControllersParents_KeepsThemAndWritesOurs()
    {
        var route = Build(withPrevious: true).Find(RouteKey)!;

        using var patch = JsonDocument.Parse(route.MergePatch);
        var parents = patch.RootElement.GetProperty("status").GetProperty("parents").EnumerateArray().ToList();
        Assert.Equal(["other.io/controller", Fixtures.Controller], parents.Select(p => p.GetProperty("controllerName").GetString()));
        Assert.Equal("Accepted by the other controller.", parents[0].GetProperty("conditions")[0].GetProperty("message").GetString());
        var ours = parents[1];
        Assert.Equal(
            """{"group":"gateway.networking.k8s.io","kind":"Gateway","namespace":"infra","name":"edge"}""",
            ours.GetProperty("parentRef").GetRawText());
        Assert.Equal(["Accepted", "ResolvedRefs"], ours.GetProperty("conditions").EnumerateArray().Select(c => c.GetProperty("type").GetString()));
        Assert.Equal(new KubernetesResource(Groups.Gateway, "v1", "httproutes", Namespaced: true), route.Resource);
        Assert.Equal(["parents/0"], route.Scopes);
    }

    [Fact]
    public void V1Conditions_KeepThePreviousTransitionTime_WhenStatusAndReasonAreUnchanged()
    {
        var route = Build(withPrevious: true).Find(RouteKey)!;

        var conditions = route.GetConditions("parents/0");

        var accepted = Assert.Single(conditions, c => c.Type == "Accepted");
        Assert.Equal("True", accepted.Status);
        Assert.Equal(new DateTime(2024, 5, 1, 10, 4, 0, DateTimeKind.Utc), accepted.LastTransitionTime.ToUniversalTime());
        Assert.Equal(3, accepted.ObservedGeneration); // the message and generation are new, the time is not

        var resolved = Assert.Single(conditions, c => c.Type == "ResolvedRefs");
        Assert.Equal("True", resolved.Status); // was False/BackendNotFound: a transition, stamped with the clock value
        Assert.Equal(Now.UtcDateTime, resolved.LastTransitionTime.ToUniversalTime());
    }

    [Fact]
    public void V1Conditions_WithoutPrevious_AllTakeTheClockValue()
    {
        var statuses = Build(withPrevious: false);

        var all = statuses.SelectMany(s => s.Scopes.SelectMany(scope => s.GetConditions(scope))).ToList();

        Assert.NotEmpty(all);
        Assert.All(all, c => Assert.Equal(Now.UtcDateTime, c.LastTransitionTime.ToUniversalTime()));
        var gateway = statuses.Find(GatewayKey)!;
        Assert.Equal(["", "listeners/http"], gateway.Scopes);
        Assert.Contains(gateway.GetConditions(), c => c is { Type: "Accepted", Status: "True" });
        Assert.Empty(gateway.GetConditions("listeners/nope"));
    }

    [Fact]
    public void Statuses_AreTheStatusWriterOutput_ForOwnedObjectsOnly()
    {
        var statuses = Build(withPrevious: false);

        Assert.Equal(
            ["Gateway/infra/edge", "GatewayClass/acme", "HTTPRoute/shop/store"],
            statuses.Select(s => s.Key.ToString()));
        Assert.Equal(new KubernetesResource(Groups.Gateway, "v1", "gatewayclasses", Namespaced: false), statuses[1].Resource);
    }

    [Theory]
    [InlineData("gateway.envoyproxy.io/v1alpha1", "BackendTrafficPolicy", "backendtrafficpolicies", true)]
    [InlineData("gateway.networking.k8s.io/v1", "BackendTLSPolicy", "backendtlspolicies", true)]
    [InlineData("gateway.networking.x-k8s.io/v1alpha1", "XListenerSet", "xlistenersets", true)]
    [InlineData("example.com/v1", "Widget", "widgets", true)]
    [InlineData("example.com/v1", "Relay", "relaies", true)] // the API machinery's guess, vowel or not
    [InlineData("example.com/v1", "Address", "addresses", true)]
    public void KubernetesResource_KnownOrUnknownKind_KnownOrGuessedPlural(string apiVersion, string kind, string plural, bool namespaced)
    {
        var resource = KubernetesResource.For(apiVersion, kind);

        Assert.Equal((plural, namespaced, apiVersion), (resource.Plural, resource.Namespaced, resource.ApiVersion));
    }

    [Fact]
    public void KubernetesResource_CrdInSnapshot_TakesPluralAndScopeFromIt()
    {
        var crd = """
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"meshes.example.com"},
             "spec":{"group":"example.com","scope":"Cluster","names":{"kind":"MeshPolicy","plural":"meshes"},"versions":[]}}
            """;
        var snapshot = PolicyAttach.Snapshot.Create(PolicyAttach.Kubernetes.Conversion.KubernetesObjectConverter.ConvertAll([JsonDocument.Parse(crd)]).Resources);

        var resource = KubernetesResource.For("example.com/v2", "MeshPolicy", snapshot);

        Assert.Equal(new KubernetesResource("example.com", "v2", "meshes", Namespaced: false), resource);
    }
}
