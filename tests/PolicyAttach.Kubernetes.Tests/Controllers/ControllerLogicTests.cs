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
    public void SessionReconcile_SpecEvents_PatchExactlyWhatAFullReconcileWould()
    {
        var store = Fixtures.LoadedStore();
        _ = store.TakeChanges();
        var session = EvaluationSession.Start(store.CreateSnapshot(), Engine.Options);
        var first = StatusPatchPlanner.Plan(StatusPatches.Build(session.Result, new StatusPatchOptions { Time = T1, PreviousStatus = store.StatusOf }), store.Observed());
        Echo(store, first, FromList());
        Assert.Empty(store.TakeChanges().Changes); // this controller's own patches come back as status-only events


        // What the API server holds: the listed objects, then each event's object, with the patches applied.
        var current = Fixtures.ListItems().ToDictionary(i => ObjectStore.KeyOf(i)!.Value);
        JsonElement Current(ResourceKey key) => current[key];
        foreach (var patch in first)
        {
            current[patch.Key] = Patched(current[patch.Key], patch);
        }

        var t2 = T1.AddMinutes(1);
        var patched = 0;
        foreach (var (type, obj) in Fixtures.WatchEvents().Skip(2).Take(2)) // the route leaves this controller's Gateway, then its Service is deleted
        {
            store.Apply(type, obj);
            current[ObjectStore.KeyOf(obj)!.Value] = obj;
            var update = session.Apply(store.TakeChanges());
            var keys = StatusPatchPlanner.Keys(update);
            var statuses = StatusPatches.Build(update.Result, new StatusPatchOptions { Time = t2, PreviousStatus = store.StatusOf, Include = keys.Contains });
            var plan = StatusPatchPlanner.Plan(statuses, update, store.Observed());

            var full = Reconcile(store, t2);
            Assert.Equal(full.Select(p => (p.Key, p.MergePatch)), plan.Select(p => (p.Key, p.MergePatch)));
            Assert.Equal(StatusWriter.ToJson(Engine.Evaluate(store.CreateSnapshot())), StatusWriter.ToJson(update.Result));
            Echo(store, plan, Current);
            foreach (var patch in plan.Where(p => current.ContainsKey(p.Key)))
            {
                current[patch.Key] = Patched(current[patch.Key], patch);
            }

            patched += plan.Count;
        }

        Assert.True(patched > 0, "the events changed no status");
    }

    private static JsonElement Patched(JsonElement obj, ObjectStatus patch)
        => JsonDocument.Parse(JsonMergePatch.Apply(JsonNode.Parse(obj.GetRawText()), JsonNode.Parse(patch.MergePatch))!.ToJsonString()).RootElement.Clone();

    [Fact]
    public void TakeChanges_AddModifyDelete_ReportsTheLatestModelOfEachKeyOnce()
    {
        var store = Fixtures.LoadedStore();
        Assert.NotEmpty(store.TakeChanges().Changes); // the initial list
        Assert.Empty(store.TakeChanges().Changes);

        var events = Fixtures.WatchEvents();
        foreach (var (type, obj) in events)
        {
            store.Apply(type, obj);
        }

        var changes = store.TakeChanges().Changes;
        Assert.Equal(2, changes.Count); // the moved route and the deleted Service; status-only events and bookmarks are none
        Assert.Contains(changes, c => c.Key == new ResourceKey(string.Empty, "Service", "shop", "store") && c.Object is null);
        Assert.Contains(changes, c => c.Key == new ResourceKey(Groups.Gateway, "HTTPRoute", "shop", "store") && c.Object is not null);
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
