using PolicyAttach.Model;
using PolicyAttach.Status;
using static PolicyAttach.Tests.Binding.World;

namespace PolicyAttach.Tests.Status;

/// <summary>The typed status model: one record per written status, with value equality, read by the writer and the edge.</summary>
public class StatusModelTests
{
    private const string Listeners = """{"name":"http","port":80,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"All"}}}""";
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static EvaluationResult Evaluate(string backendPort = "80")
        => Evaluator.Evaluate(
            Snapshot.Create(new[]
            {
                GatewayClass(), Gateway("infra", "g", Listeners), Service("app", "svc"),
                HttpRoute("app", "a", """{"name":"g","namespace":"infra"}""", backendRefs: """{"name":"svc","port":""" + backendPort + "}"),
                HttpRoute("app", "b", """{"name":"g","namespace":"infra"}"""),
            }.Select(Obj)),
            new EvaluationOptions { ControllerNames = [Controller] });

    [Fact]
    public void Build_EqualInputs_GiveEqualRecords()
    {
        Assert.Equal(StatusModel.Build(Evaluate()), StatusModel.Build(Evaluate()));
    }

    [Fact]
    public void Build_OneRouteChanged_OnlyItsRecordDiffers()
    {
        var before = StatusModel.Build(Evaluate());
        var after = StatusModel.Build(Evaluate(backendPort: "81"));
        var changed = before.Zip(after).Where(p => p.First != p.Second).Select(p => p.First.Key.ToString()).ToList();
        Assert.Equal(before.Select(s => s.Key), after.Select(s => s.Key));
        Assert.Equal([ResourceKey.ForHttpRoute("app", "a").ToString()], changed);
    }

    [Fact]
    public void Build_SortedByKey_OneRecordPerWrittenStatus()
    {
        var statuses = StatusModel.Build(Evaluate());
        Assert.Equal(statuses.Select(s => s.Key).Order(), statuses.Select(s => s.Key));
        Assert.Collection(
            statuses,
            s => Assert.IsType<GatewayStatus>(s),
            s => Assert.IsType<GatewayClassStatus>(s),
            s => Assert.IsType<RouteStatus>(s),
            s => Assert.IsType<RouteStatus>(s));
    }

    [Fact]
    public void Find_EveryKey_GivesTheRecordBuildGives()
    {
        var result = Evaluate();
        foreach (var status in StatusModel.Build(result))
        {
            Assert.Equal(status, StatusModel.Find(result, status.Key));
        }

        Assert.Null(StatusModel.Find(result, ResourceKey.ForService("app", "svc")));
    }

    [Fact]
    public void Writer_StatusesOfTheModel_WriteWhatTheEvaluationWrites()
    {
        var result = Evaluate();
        var options = new StatusWriterOptions { Time = Now };
        using var stream = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(stream, StatusWriter.WriterOptions(indented: true)))
        {
            StatusWriter.WriteStatuses(StatusModel.Build(result), writer, options);
        }

        Assert.Equal(StatusWriter.ToJson(result, options), System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void WithTransitionTimes_UnchangedCondition_KeepsThePreviousTime_ChangedTakesTheClock()
    {
        var gateway = StatusModel.Build(Evaluate()).OfType<GatewayStatus>().Single();
        var earlier = Now.AddDays(-1);
        Condition? Previous(ResourceKey key, ConditionScope scope, ConditionType type)
        {
            var current = gateway.ConditionsOf(scope).Single(c => c.Type == type);
            // Accepted is as it was; every other condition had another reason before.
            return type == ConditionType.Accepted && scope == ConditionScope.Own
                ? current with { LastTransitionTime = earlier }
                : current with { Reason = ConditionReason.Parse("SomethingElse"), LastTransitionTime = earlier };
        }

        var stamped = (GatewayStatus)gateway.WithTransitionTimes(Now, Previous);
        Assert.All(stamped.Conditions, c => Assert.Equal(c.Type == ConditionType.Accepted ? earlier : Now, c.LastTransitionTime));
        Assert.All(stamped.Listeners.SelectMany(l => l.Conditions), c => Assert.Equal(Now, c.LastTransitionTime));
        Assert.NotEqual(gateway, stamped);
        Assert.Same(gateway, gateway.WithTransitionTimes(null, null));
    }

    [Fact]
    public void ConditionScope_ToString_NamesEachScopeAsTheEdgeDoes()
    {
        var ancestor = new ParentReference { Group = Groups.Gateway, Kind = "Gateway", Namespace = "infra", Name = "g", SectionName = "http" };
        Assert.Equal(string.Empty, ConditionScope.Own.ToString());
        Assert.Equal("listeners/http", ConditionScope.Listener("http").ToString());
        Assert.Equal("parents/2", ConditionScope.Parent(2).ToString());
        Assert.Equal("ancestors/Gateway/infra/g/http", ConditionScope.Ancestor(ancestor).ToString());
        Assert.NotEqual(ConditionScope.Parent(1), ConditionScope.Parent(2));
        Assert.Equal(ConditionScope.Listener("http"), ConditionScope.Listener("http"));
    }
}
