using PolicyAttach.Model;
using PolicyAttach.Policies;
using PolicyAttach.Status;
using PolicyAttach.Testing;

namespace PolicyAttach.PropertyTests.Sessions;

public sealed class EvaluationSessionTests
{
    private const string Controller = TestWorld.DefaultControllerName;

    // Two Gateways that share nothing but their GatewayClass, each with one route.
    private static readonly TestWorld World = TestWorld.Of(
        new GatewayClassBuilder("gc", Controller),
        new GatewayBuilder("infra", "gw-a", "gc", ListenerBuilder.Http("http") with { RoutesFrom = "All" }),
        new GatewayBuilder("infra", "gw-b", "gc", ListenerBuilder.Http("http") with { RoutesFrom = "All" }),
        new HttpRouteBuilder("app", "route-a", ObjectRefBuilder.Gateway("infra", "gw-a")),
        new HttpRouteBuilder("app", "route-b", ObjectRefBuilder.Gateway("infra", "gw-b")));

    [Fact]
    public void Apply_SameObjectAgain_IsUnchangedWithAnEmptyDelta()
    {
        var session = EvaluationSession.Start(World.Snapshot, World.Options);
        var before = session.Result;

        var update = session.Apply(new ChangeBatch().Put(Object("route-a")));

        Assert.Equal(EvaluationPath.Unchanged, update.Path);
        Assert.True(update.IsEmpty);
        Assert.Same(before, update.Result);
        Assert.Same(before, session.Result);
    }

    [Fact]
    public void Apply_DeleteOfAnAbsentKey_IsUnchangedWithAnEmptyDelta()
    {
        var session = EvaluationSession.Start(World.Snapshot, World.Options);

        var update = session.Apply(new ChangeBatch().Delete(ResourceKey.ForHttpRoute("app", "missing")));

        Assert.Equal(EvaluationPath.Unchanged, update.Path);
        Assert.True(update.IsEmpty);
    }

    [Fact]
    public void Apply_RouteDeletedBehindOneGateway_BindsOnlyItAgainstItsGatewayAndReportsItsStatuses()
    {
        var session = EvaluationSession.Start(World.Snapshot, World.Options);
        session.FullEvaluationShare = 1.0;
        var before = session.Result;

        var update = session.Apply(new ChangeBatch().Delete(ResourceKey.ForHttpRoute("app", "route-a")));

        Assert.Equal(EvaluationPath.Incremental, update.Path);
        Assert.StartsWith("Bound 1 route(s) again", update.Reason, StringComparison.Ordinal);
        Assert.Equal(1, update.EvaluatedObjects); // gw-a alone: the route is gone
        Assert.Equal([ResourceKey.ForGateway("infra", "gw-a")], update.Changed); // its listener's attachedRoutes
        Assert.Equal([ResourceKey.ForHttpRoute("app", "route-a")], update.Removed);
        Assert.Equal([ResourceKey.ForGateway("infra", "gw-a")], update.RoutingChanged);
        Assert.Equal(StatusWriter.ToJson(Evaluator.Evaluate(session.Snapshot, World.Options)), StatusWriter.ToJson(session.Result));
        Assert.Same(before, update.Previous);
        Assert.NotNull(before.FindRoute(ResourceKey.ForHttpRoute("app", "route-a"))); // the old result is untouched
    }

    [Fact]
    public void Apply_PolicyRetargetedFromOneRouteToAnother_ResolvesOnlyThoseRoutesAndReportsTheirContexts()
    {
        var policy = new PolicyBuilder("example.com", "RetryPolicy", "app", "retry")
        {
            TargetRefs = [ObjectRefBuilder.Route("HTTPRoute", "route-a")],
            Default = Collections.JsonData.Parse("{\"retries\":3}"),
        };
        var world = World.With(policy);
        var session = EvaluationSession.Start(world.Snapshot, world.Options);
        session.FullEvaluationShare = 1.0;
        var moved = (policy with { TargetRefs = [ObjectRefBuilder.Route("HTTPRoute", "route-b")] }).Read().Resource!;

        var update = session.Apply(new ChangeBatch().Put(moved));

        Assert.Equal(EvaluationPath.Incremental, update.Path);
        Assert.StartsWith("Resolved 1 changed policy again below their 2 target route(s)", update.Reason, StringComparison.Ordinal);
        var full = Evaluator.Evaluate(session.Snapshot, world.Options);
        Assert.Equal(StatusWriter.ToJson(full), StatusWriter.ToJson(session.Result));
        Assert.Contains(moved.Key, update.Changed); // its ancestor moved from gw-a to gw-b
        Assert.Equal([ResourceKey.ForGateway("infra", "gw-a"), ResourceKey.ForGateway("infra", "gw-b")], update.RoutingChanged);
        foreach (var (gateway, route) in new[] { ("gw-a", "route-a"), ("gw-b", "route-b") })
        {
            var context = PolicyContext.ForGateway(ResourceKey.ForGateway("infra", gateway)).WithListener("http").WithRoute(ResourceKey.ForHttpRoute("app", route));
            Assert.Contains(context, update.PoliciesChanged);
            Assert.Equal(full.Policies.For(context).Kinds, session.Result.Policies.For(context).Kinds);
        }

        Assert.Single(session.Result.Policies.For(PolicyContext.ForGateway(ResourceKey.ForGateway("infra", "gw-b")).WithListener("http").WithRoute(ResourceKey.ForHttpRoute("app", "route-b"))).Kinds);
    }

    [Fact]
    public void Apply_GatewayClassChanged_EvaluatesInFullAndSaysWhy()
    {
        var session = EvaluationSession.Start(World.Snapshot, World.Options);
        var changed = new GatewayClassBuilder("gc", "example.com/other").Read().Resource!;

        var update = session.Apply(new ChangeBatch().Put(changed));

        Assert.Equal(EvaluationPath.Full, update.Path);
        Assert.Contains("GatewayClass", update.Reason, StringComparison.Ordinal);
        Assert.Empty(update.Result.Gateways);
        Assert.Contains(ResourceKey.ForHttpRoute("app", "route-a"), update.Removed);
    }

    [Fact]
    public void Apply_KeyNamedTwiceInABatch_TakesTheLaterChange()
    {
        var session = EvaluationSession.Start(World.Snapshot, World.Options);
        var key = ResourceKey.ForHttpRoute("app", "route-a");

        var update = session.Apply(new ChangeBatch().Delete(key).Put(Object("route-a")));

        Assert.Equal(EvaluationPath.Unchanged, update.Path);
        Assert.NotNull(session.Result.FindRoute(key));
    }

    [Fact]
    public void Apply_ParentRefOfNoOwnedParentInsertedFirst_ReportsNoStatusChange()
    {
        // The owned parent's index moves from 0 to 1 and the route's record with it, but the written status is the same.
        var session = EvaluationSession.Start(World.Snapshot, World.Options);
        var moved = new HttpRouteBuilder("app", "route-a", ObjectRefBuilder.Gateway("infra", "missing"), ObjectRefBuilder.Gateway("infra", "gw-a")).Read().Resource!;

        var update = session.Apply(new ChangeBatch().Put(moved));

        var key = ResourceKey.ForHttpRoute("app", "route-a");
        Assert.NotEqual(StatusModel.Find(update.Previous, key), StatusModel.Find(update.Result, key));
        Assert.Empty(update.Changed);
        Assert.Empty(update.Removed);
    }

    [Fact]
    public void FullEvaluationShare_OutOfRange_Throws()
    {
        var session = EvaluationSession.Start(World.Snapshot, World.Options);
        Assert.Throws<ArgumentOutOfRangeException>(() => session.FullEvaluationShare = 1.5);
    }

    [Fact]
    public void Routing_RouteChangedBehindOneGateway_CompilesThatTableAndSharesTheOther()
    {
        var session = EvaluationSession.Start(World.Snapshot, World.Options);
        session.FullEvaluationShare = 1.0;
        var before = session.Routing;
        var moved = new HttpRouteBuilder("app", "route-a", ObjectRefBuilder.Gateway("infra", "gw-a")) { Rules = [new HttpRuleBuilder { Matches = [new HttpMatchBuilder { PathType = "PathPrefix", PathValue = "/moved" }] }] };

        var update = session.Apply(new ChangeBatch().Put(moved.Read().Resource!));

        var (gwA, gwB) = (ResourceKey.ForGateway("infra", "gw-a"), ResourceKey.ForGateway("infra", "gw-b"));
        Assert.Equal([gwA], update.RoutingChanged);
        Assert.Same(before.FindGateway(gwB), update.Routing.FindGateway(gwB));
        Assert.NotSame(before.FindGateway(gwA), update.Routing.FindGateway(gwA));
        var view = new RequestView(RequestProtocol.Http, 80, "GET", "example.com", "/moved/x");
        Assert.Equal(ResourceKey.ForHttpRoute("app", "route-a"), update.Routing.FindGateway(gwA)!.Match(view).RouteKey);
        Assert.Same(update.Routing, session.Routing);
    }

    [Fact]
    public void Routing_ServicePortRenumberedUnderANamedMeshParent_CompilesTheServiceTableAgain()
    {
        // A mesh route names the Service's port by name; the number behind the name decides the table's port, though
        // neither the route nor its status changes.
        var service = new ServiceBuilder("app", "svc") { Ports = [new ServicePortBuilder(80) { Name = "http" }] };
        var world = TestWorld.Of(
            new GatewayClassBuilder("gc", Controller),
            service,
            new HttpRouteBuilder("app", "mesh", ObjectRefBuilder.Service("app", "svc") with { SectionName = "http" }));
        var session = EvaluationSession.Start(world.Snapshot, world.Options);
        _ = session.Routing;

        var update = session.Apply(new ChangeBatch().Put((service with { Ports = [new ServicePortBuilder(8080) { Name = "http" }] }).Read().Resource!));

        var key = ResourceKey.ForService("app", "svc");
        Assert.Contains(key, update.RoutingChanged);
        var view = new RequestView(RequestProtocol.Http, 8080, "GET", "svc.app", "/");
        var expected = RoutingTable.Compile(update.Result).FindService(key)!.Match(view);
        Assert.Equal(ResourceKey.ForHttpRoute("app", "mesh"), expected.RouteKey);
        Assert.Equal(expected.RouteKey, update.Routing.FindService(key)!.Match(view).RouteKey);
    }

    [Fact]
    public void Apply_ListenerHostnameChanged_JudgesOnlyThatListenersCellsAndEqualsAFullEvaluation()
    {
        var (world, gateway) = Listeners("b.example.com");
        var session = EvaluationSession.Start(world.Snapshot, world.Options);

        var update = session.Apply(new ChangeBatch().Put(gateway with { Listeners = [gateway.Listeners[0], gateway.Listeners[1] with { Hostname = "c.example.com" }] }));

        Assert.Equal(EvaluationPath.Incremental, update.Path);
        Assert.Contains("(judged on the changed listeners alone;", update.Reason, StringComparison.Ordinal);
        Assert.Contains(": 2 attach differently,", update.Reason, StringComparison.Ordinal); // route-b leaves l2, route-c comes
        AssertEqualsFullEvaluation(session.Result, world.Options);
    }

    [Fact]
    public void Apply_ListenerHostnameMakesAConflict_BindsTheRoutesAgainAndEqualsAFullEvaluation()
    {
        // l2 takes l1's hostname on the same port: both are conflicted, so l1's cells cannot be kept.
        var (world, gateway) = Listeners("b.example.com");
        var session = EvaluationSession.Start(world.Snapshot, world.Options);

        var update = session.Apply(new ChangeBatch().Put(gateway with { Listeners = [gateway.Listeners[0], gateway.Listeners[1] with { Hostname = "a.example.com" }] }));

        Assert.Equal(EvaluationPath.Incremental, update.Path);
        Assert.Contains("(bound again;", update.Reason, StringComparison.Ordinal);
        AssertEqualsFullEvaluation(session.Result, world.Options);
    }

    /// <summary>
    /// A Gateway of two HTTP listeners on one port (l1 for a.example.com, l2 for the given hostname) and three routes
    /// that name it, for a.example.com, b.example.com and c.example.com.
    /// </summary>
    private static (TestWorld World, Gateway Gateway) Listeners(string hostname)
    {
        var world = TestWorld.Of(
            new GatewayClassBuilder("gc", Controller),
            new GatewayBuilder("infra", "gw", "gc", ListenerBuilder.Http("l1") with { Hostname = "a.example.com", RoutesFrom = "All" }, ListenerBuilder.Http("l2") with { Hostname = hostname, RoutesFrom = "All" }),
            new HttpRouteBuilder("app", "route-a", ObjectRefBuilder.Gateway("infra", "gw")) { Hostnames = ["a.example.com"] },
            new HttpRouteBuilder("app", "route-b", ObjectRefBuilder.Gateway("infra", "gw")) { Hostnames = ["b.example.com"] },
            new HttpRouteBuilder("app", "route-c", ObjectRefBuilder.Gateway("infra", "gw")) { Hostnames = ["c.example.com"] });
        return (world, (Gateway)world.Snapshot.Find(ResourceKey.ForGateway("infra", "gw"))!);
    }

    /// <summary>The session's result has the statuses, and every route every verdict with its message, of a full evaluation.</summary>
    private static void AssertEqualsFullEvaluation(EvaluationResult result, EvaluationOptions options)
    {
        var full = Evaluator.Evaluate(result.Snapshot, options);
        Assert.Equal(StatusWriter.ToJson(full), StatusWriter.ToJson(result));
        Assert.Equal(full.Gateways, result.Gateways);
        Assert.Equal(full.Routes, result.Routes);
        foreach (var route in full.Routes)
        {
            var mine = result.FindRoute(route.Route.Key)!;
            Assert.Equal(route.Parents.SelectMany(p => p.Listeners), mine.Parents.SelectMany(p => p.Listeners));
        }
    }

    private static KubeObject Object(string route) => World.Snapshot.Find(ResourceKey.ForHttpRoute("app", route))!;
}
