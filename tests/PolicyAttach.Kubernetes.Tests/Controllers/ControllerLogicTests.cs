using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using PolicyAttach.Binding;
using PolicyAttach.Kubernetes.Controllers;
using PolicyAttach.Kubernetes.Engine;
using PolicyAttach.Kubernetes.Status;
using PolicyAttach.Model;

namespace PolicyAttach.Kubernetes.Tests.Controllers;

public sealed class ControllerLogicTests
{
    private static readonly DateTimeOffset T1 = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly PolicyAttachEngine Engine = new(new EvaluationOptions { ControllerNames = [Fixtures.Controller] });

    private static IReadOnlyList<ObjectStatus> Reconcile(ObjectStore store, DateTimeOffset now)
    {
        var result = Engine.Evaluate(store.CreateSnapshot());
        var statuses = StatusPatches.Build(result, new StatusPatchOptions { Time = now, PreviousStatus = store.StatusOf });
        return StatusPatchPlanner.Plan(statuses, store.Observed());
    }

    /// <summary>What the API server does with a status merge patch, and the watch event it sends back.</summary>
    private static void Echo(ObjectStore store, IEnumerable<ObjectStatus> patches, Func<ResourceKey, JsonElement> current)
    {
        foreach (var patch in patches)
        {
            var patched = JsonMergePatch.Apply(JsonNode.Parse(current(patch.Key).GetRawText()), JsonNode.Parse(patch.MergePatch))!;
            store.Apply(WatchEventType.Modified, JsonDocument.Parse(patched.ToJsonString()).RootElement);
        }
    }

    private static Func<ResourceKey, JsonElement> FromList() => key => Fixtures.ListItems().Single(i => ObjectStore.KeyOf(i) == key);

    [Fact]
    public void FirstReconcile_PatchesEveryOwnedObject_ThenReachesAFixedPoint()
    {
        var store = Fixtures.LoadedStore();

        var first = Reconcile(store, T1);
        Assert.Equal(["Gateway/infra/edge", "GatewayClass/acme", "HTTPRoute/shop/store"], first.Select(p => p.Key.ToString()));

        Echo(store, first, FromList());
        Assert.Empty(Reconcile(store, T1.AddMinutes(5)));
    }

    [Fact]
    public void StatusOnlyEvents_DoNotChangeTheSnapshot_SpecEventsDo()
    {
        var store = Fixtures.LoadedStore();
        var events = Fixtures.WatchEvents();

        Assert.False(store.Apply(events[0].Type, events[0].Object)); // Service status (load balancer) only
        Assert.False(store.Apply(events[1].Type, events[1].Object)); // bookmark
        Assert.True(store.Apply(events[2].Type, events[2].Object));  // route moved to another Gateway
        Assert.True(store.Apply(events[3].Type, events[3].Object));  // Service deleted
        Assert.Null(store.CreateSnapshot().Find(new ResourceKey(string.Empty, "Service", "shop", "store")));
        Assert.NotNull(store.StatusOf(new ResourceKey(Groups.Gateway, "HTTPRoute", "shop", "store")));
    }

    [Fact]
    public void RouteThatLeavesOurGateway_GetsItsEntryRemoved_AndOtherControllersEntriesKept()
    {
        var store = Fixtures.LoadedStore();
        Echo(store, Reconcile(store, T1), FromList());
        var moved = Fixtures.WatchEvents()[2];
        store.Apply(moved.Type, moved.Object);

        var plan = Reconcile(store, T1.AddMinutes(1));

        var release = Assert.Single(plan, p => p.Key.Kind == "HTTPRoute");
        using var patch = JsonDocument.Parse(release.MergePatch);
        var parents = patch.RootElement.GetProperty("status").GetProperty("parents").EnumerateArray().ToList();
        Assert.Equal(["other.io/controller"], parents.Select(p => p.GetProperty("controllerName").GetString()));
        Assert.Equal("httproutes", release.Resource.Plural);
        var gateway = Assert.Single(plan, p => p.Key.Kind == "Gateway"); // attachedRoutes went from 1 to 0
        Assert.Equal(0, JsonDocument.Parse(gateway.MergePatch).RootElement.GetProperty("status").GetProperty("listeners")[0].GetProperty("attachedRoutes").GetInt32());
    }

    [Fact]
    public void DeletedBackend_ChangesTheRouteConditions_WithTheNewTimeOnlyOnTheTransition()
    {
        var store = Fixtures.LoadedStore();
        Echo(store, Reconcile(store, T1), FromList());
        var deleted = Fixtures.WatchEvents()[3];
        store.Apply(deleted.Type, deleted.Object);
        var t2 = T1.AddMinutes(7);

        var route = Assert.Single(Reconcile(store, t2), p => p.Key.Kind == "HTTPRoute");

        var conditions = route.GetConditions("parents/0");
        var resolved = Assert.Single(conditions, c => c.Type == "ResolvedRefs");
        Assert.Equal(("False", "BackendNotFound"), (resolved.Status, resolved.Reason));
        Assert.Equal(t2.UtcDateTime, resolved.LastTransitionTime.ToUniversalTime());
        var accepted = Assert.Single(conditions, c => c.Type == "Accepted");
        Assert.Equal(new DateTime(2024, 5, 1, 10, 4, 0, DateTimeKind.Utc), accepted.LastTransitionTime.ToUniversalTime());
    }

    [Fact]
    public void Debouncer_WaitsForQuiet_ButNeverLongerThanMaxDelay()
    {
        var debouncer = new Debouncer(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
        var t0 = T1;
        DateTimeOffset At(int ms) => t0.AddMilliseconds(ms);

        Assert.Equal([At(220)], debouncer.Evaluations([At(0), At(50), At(120)]));
        Assert.Equal([At(100), At(600)], debouncer.Evaluations([At(0), At(500)]));
        var burst = Enumerable.Range(0, 50).Select(i => At(i * 50)).ToList(); // an event every 50 ms for 2.5 s
        Assert.Equal([At(1000), At(2050), At(2550)], debouncer.Evaluations(burst));
        Assert.Empty(debouncer.Evaluations([]));
    }

    [Fact]
    public void Debouncer_StateFunctions_PendingAndDueAtTheRightTime()
    {
        var debouncer = new Debouncer(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        var state = Debouncer.OnChange(default, T1);
        state = Debouncer.OnChange(state, T1.AddSeconds(2));

        Assert.True(state.IsPending);
        Assert.Equal(T1.AddSeconds(3), debouncer.DueAt(state));
        Assert.False(debouncer.IsDue(state, T1.AddSeconds(2.5)));
        Assert.True(debouncer.IsDue(state, T1.AddSeconds(3)));
        Assert.Null(debouncer.DueAt(default));
    }

    [Fact]
    public void Replace_NewListOfAKind_DropsObjectsNoLongerListed()
    {
        var store = Fixtures.LoadedStore();
        var services = new k8s.Models.V1ServiceList
        {
            Items = [new k8s.Models.V1Service { Metadata = new() { Name = "other", NamespaceProperty = "shop" }, Spec = new() { Ports = [new() { Port = 80 }] } }],
        };

        Assert.True(store.Replace(new GroupKind(string.Empty, "Service"), [services]));

        var snapshot = store.CreateSnapshot();
        Assert.Equal(["other"], snapshot.Services.Select(s => s.Name));
        Assert.Single(snapshot.Gateways, g => g.Name == "edge");
    }
}
