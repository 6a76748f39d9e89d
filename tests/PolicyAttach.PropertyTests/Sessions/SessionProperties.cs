using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.Manifests;
using PolicyAttach.Model;
using PolicyAttach.Sessions;
using PolicyAttach.Status;
using PolicyAttach.Testing;

namespace PolicyAttach.PropertyTests.Sessions;

/// <summary>
/// The oracle of incremental evaluation (issue 18): over generated worlds and sequences of batches of every kind of
/// change (deletes and re-adds, renames, retargets, label changes, policy conflicts appearing and disappearing), after
/// each batch the session's result equals a full evaluation of the same objects (byte-identical status JSON, equal
/// results, equal effective policies in every context, equal match answers), and the reported deltas are exactly the
/// difference between consecutive full evaluations. CI runs the count below; <c>POLICYATTACH_PROPERTY_SCALE=N</c>
/// runs N times as many histories.
/// </summary>
public sealed class SessionProperties
{
    private static readonly StatusWriterOptions Json = new() { Indented = false, Time = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero) };

    // Worlds where most route and route-policy changes can be evaluated below the unit: no mesh parents, no GRPCRoutes
    // beside HTTPRoutes, no BackendTLSPolicies on backends (the step declines those; the histories above cover them).
    private static readonly WorldOptions RouteFocus = new() { Mesh = false, RouteKinds = RouteKinds.All & ~RouteKinds.Grpc, BackendTlsPolicies = false };

    // The route histories the coverage test replays: two fixed samples, so each kind of batch is drawn often enough.
    private static readonly Gen<WorldHistory> RouteHistories = WorldGenerators.RouteHistory(RouteFocus, maxBatches: 6);

    // Worlds of HTTPRoutes only, where a listener's hostname decides which routes attach: the Gateway step that binds
    // the routes again against the changed listeners alone, and resolves the routes that gained an attachment, is
    // taken often (in the worlds above most routes are of kinds a hostname does not refuse).
    private static readonly WorldOptions ListenerFocus = RouteFocus with { RouteKinds = RouteKinds.Http };

    // The reason a Gateway step gives when it binds the routes again against the changed listeners alone.
    private static readonly System.Text.RegularExpressions.Regex ListenerStep = new(@"^Judged \d+ changed listener\(s\) of .*: (\d+) attach differently, (\d+) resolved again", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    // How many of the routes that name the Gateways the listener step bound again: fewer when some name other listeners by section.
    private static readonly System.Text.RegularExpressions.Regex ListenerStepRoutes = new(@" against (\d+) of the (\d+) route\(s\) that name them", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    // How a listener step judged the routes: on the changed listeners alone, or bound again.
    private static readonly System.Text.RegularExpressions.Regex ListenerStepHow = new(@"\((judged on the changed listeners alone|bound again); ", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    // The reason a step gives when it resolves policies on Gateways again with the routes below them.
    private static readonly System.Text.RegularExpressions.Regex GatewayPolicyStep = new(@"^Resolved \d+ changed polic(y|ies) on \d+ Gateway\(s\) again", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static int Scale => int.TryParse(Environment.GetEnvironmentVariable("POLICYATTACH_PROPERTY_SCALE"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 1;

    [Fact]
    public void Session_GeneratedHistories_EqualFullEvaluationAndReportExactDeltas()
        => Check.One(
            PropertyAttribute.Seeded(Config.QuickThrowOnFailure.WithMaxTest(40 * Scale)),
            Prop.ForAll(WorldArbitraries.History(maxBatches: 6), (Action<WorldHistory>)(h => Verify(h, 0.5))));

    [Fact]
    public void Session_GeneratedHistoriesEvaluatedUnitByUnit_EqualFullEvaluationAndReportExactDeltas()
        => Check.One(
            PropertyAttribute.Seeded(Config.QuickThrowOnFailure.WithMaxTest(60 * Scale)),
            Prop.ForAll(WorldArbitraries.History(maxBatches: 6), (Action<WorldHistory>)(h => Verify(h, 1.0))));

    [Fact]
    public void Session_GeneratedRouteAndRoutePolicyHistories_EqualFullEvaluationAndReportExactDeltas()
        => Check.One(
            PropertyAttribute.Seeded(Config.QuickThrowOnFailure.WithMaxTest(40 * Scale)),
            Prop.ForAll(WorldArbitraries.RouteHistory(RouteFocus, maxBatches: 6), (Action<WorldHistory>)(h => Verify(h, 1.0))));

    [Fact]
    public void Session_GeneratedListenerHostnameHistories_EqualFullEvaluationAndReportExactDeltas()
        => Check.One(
            PropertyAttribute.Seeded(Config.QuickThrowOnFailure.WithMaxTest(30 * Scale)),
            Prop.ForAll(WorldArbitraries.RouteHistory(ListenerFocus, maxBatches: 6), (Action<WorldHistory>)(h => Verify(h, 1.0))));

    [Fact]
    public void Session_ListenerHostnameBatchesOfAFixedSample_BindAgainstTheChangedListenersAndResolveTheRoutesThatGain()
    {
        var (gatewayBatches, listenerSteps, moved, resolved, narrowed) = (0, 0, 0, 0, 0);
        var (alone, boundAgain) = (0, 0);
        var others = new List<string>();
        var histories = WorldGenerators.RouteHistory(ListenerFocus, maxBatches: 6);
        foreach (var (update, _, _, gatewayBatch, _) in Replay(histories, 30).Concat(Replay(histories, 45)).Concat(Replay(histories, 60)))
        {
            if (!gatewayBatch || update.Path == EvaluationPath.Unchanged)
            {
                continue;
            }

            gatewayBatches++;
            if (ListenerStep.Match(update.Reason) is { Success: true } listener)
            {
                listenerSteps++;
                moved += listener.Groups[1].Value == "0" ? 0 : 1;
                resolved += listener.Groups[2].Value == "0" ? 0 : 1;
                var counts = ListenerStepRoutes.Match(update.Reason);
                narrowed += counts.Success && counts.Groups[1].Value != counts.Groups[2].Value ? 1 : 0;
                var how = ListenerStepHow.Match(update.Reason);
                alone += how.Groups[1].Value.StartsWith("judged", StringComparison.Ordinal) ? 1 : 0;
                boundAgain += how.Groups[1].Value == "bound again" ? 1 : 0;
            }
            else
            {
                others.Add(update.Reason);
            }
        }

        var why = $"{listenerSteps} of {gatewayBatches} Gateway batches were bound against their changed listeners alone, {moved} moving attachments, {resolved} resolving routes that gained one and {narrowed} binding only the routes that consider the changed listeners; {alone} judged the routes on the changed listeners alone, {boundAgain} bound them again; the others: {string.Join(" | ", others)}";
        Assert.True(gatewayBatches >= 15 && listenerSteps * 100 >= 50 * gatewayBatches, why);
        Assert.True(moved >= 5 && resolved >= 2 && narrowed >= 2, why);

        // The listener steps judge the routes on the changed listeners alone, keeping every other cell (the binder's
        // entry for a step); binding them again is left for a listener that did not change but moved into or out of a
        // conflict (EvaluationSessionTests covers it).
        Assert.True(alone >= 8 && alone == listenerSteps, why);

        // The oracle on the same histories: every result and delta of theirs equals the full evaluations'.
        foreach (var count in new[] { 30, 45, 60 })
        {
            foreach (var history in histories.Sample(30, new Rnd(20261207UL, 1442695040888963407UL), count))
            {
                if (history.Batches.Any(b => b.Description.StartsWith("set the hostname of listener ", StringComparison.Ordinal)))
                {
                    Verify(history, 1.0);
                }
            }
        }
    }

    [Fact]
    public void Session_RouteHistoriesOfAFixedSample_TakeTheRouteAndPolicyStepsInTheirStatedShares()
    {
        // The focused histories must exercise the steps below the unit (route changes, policies on routes, ReferenceGrants
        // that only routes use), or the property above could pass while they never run.
        var (routeBatches, routeSteps, policyBatches, policySteps, grantBatches, grantSteps) = (0, 0, 0, 0, 0, 0);
        var (gatewayBatches, gatewaySteps, listenerSteps) = (0, 0, 0);
        var declined = new List<string>();
        foreach (var (update, policyBatch, grantBatch, gatewayBatch, _) in Replay(RouteHistories, 30).Concat(Replay(RouteHistories, 60)))
        {
            if (update.Path == EvaluationPath.Unchanged)
            {
                continue;
            }

            if (gatewayBatch)
            {
                // A Gateway is judged again below the unit with its listeners, its ListenerSets and the routes that name them.
                var judged = update.Reason.StartsWith("Judged ", StringComparison.Ordinal);
                (gatewayBatches, gatewaySteps) = (gatewayBatches + 1, gatewaySteps + (judged ? 1 : 0));

                // A change to listeners alone binds the routes again against the changed Gateway only, and resolves again
                // only the routes that gained an attachment there.
                listenerSteps += ListenerStep.IsMatch(update.Reason) ? 1 : 0;

                if (!judged)
                {
                    declined.Add(update.Reason);
                }

                continue;
            }

            if (grantBatch)
            {
                // A ReferenceGrant that only routes may use is checked below the unit: the routes it permits differently are bound again.
                var checkedBelow = update.Reason.StartsWith("Checked ", StringComparison.Ordinal);
                (grantBatches, grantSteps) = (grantBatches + 1, grantSteps + (checkedBelow ? 1 : 0));
                if (!checkedBelow)
                {
                    declined.Add(update.Reason);
                }

                continue;
            }

            var below = update.Reason.StartsWith(policyBatch ? "Resolved " : "Bound ", StringComparison.Ordinal);
            (routeBatches, routeSteps, policyBatches, policySteps) = policyBatch
                ? (routeBatches, routeSteps, policyBatches + 1, policySteps + (below ? 1 : 0))
                : (routeBatches + 1, routeSteps + (below ? 1 : 0), policyBatches, policySteps);
            if (!below)
            {
                declined.Add(update.Reason);
            }
        }

        var why = $"{routeSteps} of {routeBatches} route batches, {policySteps} of {policyBatches} policy batches {grantSteps} of {grantBatches} ReferenceGrant batches and {gatewaySteps} of {gatewayBatches} Gateway batches were evaluated below the unit ({listenerSteps} by their changed listeners alone); the others: {string.Join(" | ", declined)}";
        Assert.True(routeBatches >= 20 && routeSteps * 100 >= 40 * routeBatches, why);
        Assert.True(policyBatches >= 20 && policySteps * 100 >= 40 * policyBatches, why);
        Assert.True(grantBatches >= 10 && grantSteps * 100 >= 40 * grantBatches, why);
        Assert.True(gatewayBatches >= 20 && gatewaySteps * 100 >= 40 * gatewayBatches, why);
        Assert.True(listenerSteps * 100 >= 40 * gatewayBatches, why);
    }

    [Fact]
    public void Session_EveryBatchOfAFixedSample_IsCoveredByBothPaths()
    {
        // The property must exercise both paths, or it could pass while the incremental path never runs.
        var paths = new List<EvaluationPath>();
        var routeSteps = 0;
        var policySteps = 0;
        var policyBatches = 0;
        var gatewayPolicySteps = 0;
        var notBelow = new List<string>();
        var onGateways = new List<WorldHistory>();
        foreach (var (update, policyBatch, grantBatch, gatewayBatch, history) in Replay(WorldGenerators.History(maxBatches: 6)))
        {
            paths.Add(update.Path);
            policyBatches += policyBatch ? 1 : 0;
            routeSteps += update.Reason.StartsWith("Bound ", StringComparison.Ordinal) ? 1 : 0;
            policySteps += update.Reason.StartsWith("Resolved ", StringComparison.Ordinal) ? 1 : 0;
            if (GatewayPolicyStep.IsMatch(update.Reason))
            {
                gatewayPolicySteps++;
                onGateways.Add(history);
            }

            const string NotAlone = "not evaluated again alone: ";
            var at = update.Reason.IndexOf(NotAlone, StringComparison.Ordinal);
            if (at >= 0 && !policyBatch && !grantBatch && !gatewayBatch)
            {
                notBelow.Add(update.Reason[(at + NotAlone.Length)..]);
            }
        }

        // Most batches are bounded; GatewayClass, Namespace and CRD changes are not.
        Assert.True(paths.Count(p => p == EvaluationPath.Incremental) * 2 > paths.Count, $"{paths.Count(p => p == EvaluationPath.Incremental)} of {paths.Count} batches were incremental.");
        Assert.Contains(EvaluationPath.Full, paths);

        // Batches of route changes are bound again below the unit (the session's route step) often enough to be checked;
        // the others say why not (these worlds are dense in what the step leaves to units: mesh parents, HTTPRoutes
        // beside GRPCRoutes, policies on backends and selectors).
        Assert.True(routeSteps >= 5 && routeSteps * 3 >= routeSteps + notBelow.Count, $"{routeSteps} of {paths.Count} batches were route steps; not bound alone: {string.Join(" | ", notBelow)}");

        // Batches of policy changes on routes are resolved again below their targets (the same step) often enough to be checked.
        Assert.True(policySteps >= 2, $"{policySteps} of {policyBatches} batches changing policies (of {paths.Count}) were policy steps.");

        // Batches of policies on Gateways (and their listeners) are resolved again with the routes below those Gateways.
        Assert.True(gatewayPolicySteps >= 2, $"{gatewayPolicySteps} of {policyBatches} batches changing policies (of {paths.Count}) were resolved again on their Gateways.");
        foreach (var history in onGateways.Distinct())
        {
            Verify(history, 1.0);
        }
    }

    /// <summary>Each batch of a fixed sample of histories (30 unless told) applied to a session (with no full-evaluation fallback
    /// by share), with whether the batch changed a policy, a ReferenceGrant, a Gateway.</summary>
    private static IEnumerable<(SessionUpdate Update, bool PolicyBatch, bool GrantBatch, bool GatewayBatch, WorldHistory History)> Replay(Gen<WorldHistory> histories, int count = 30)
    {
        foreach (var history in histories.Sample(30, new Rnd(20261207UL, 1442695040888963407UL), count))
        {
            var session = EvaluationSession.Start(history.Initial.Snapshot, history.Initial.Options);
            session.FullEvaluationShare = 1.0;
            var world = history.Initial;
            foreach (var batch in history.Batches)
            {
                var changes = ToChangeBatch(world, batch);
                var policyBatch = changes.Changes.Any(c => (c.Object ?? session.Snapshot.Find(c.Key)) is IPolicyObject);
                var grantBatch = changes.Changes.Any(c => (c.Object ?? session.Snapshot.Find(c.Key)) is ReferenceGrant);
                var gatewayBatch = changes.Changes.Any(c => (c.Object ?? session.Snapshot.Find(c.Key)) is Gateway);
                var update = session.Apply(changes);
                world = batch.ApplyTo(world);
                yield return (update, policyBatch, grantBatch, gatewayBatch, history);
            }
        }
    }

    internal static void Verify(WorldHistory history, double fullEvaluationShare)
    {
        var world = history.Initial;
        var session = EvaluationSession.Start(world.Snapshot, world.Options);
        session.FullEvaluationShare = fullEvaluationShare;
        AssertEqual(world, session.Result, "the start");
        var previous = world.Result;

        // The session's routing tables, read after every other batch (so changes also accumulate across a batch whose
        // tables nobody read): equal in their answers to tables compiled from a full evaluation, and every table whose
        // routing did not change since the last read is the earlier table itself.
        var tables = session.Routing;
        var changedSinceRead = new HashSet<ResourceKey>();
        for (var i = 0; i < history.Batches.Count; i++)
        {
            var batch = history.Batches[i];
            var before = session.Result;
            var beforeJson = StatusWriter.ToJson(before, Json);
            var update = session.Apply(ToChangeBatch(world, batch));
            world = batch.ApplyTo(world);
            var where = $"batch {i + 1} ({batch.Description}, {update.Path}: {update.Reason})";
            AssertEqual(world, update.Result, where);
            Assert.Same(before, update.Previous);
            Assert.True(beforeJson == StatusWriter.ToJson(before, Json), $"{where}: the previous result changed.");

            var full = world.Result;
            var (changed, removed) = ResultDiff.StatusDelta(previous, full, null);
            var (changedJson, removedJson) = JsonDelta(previous, full);
            Assert.True(changed.SequenceEqual(changedJson) && removed.SequenceEqual(removedJson), $"{where}: the typed delta of consecutive full evaluations differs from their written JSON: typed [{string.Join(", ", changed)}] removed [{string.Join(", ", removed)}], JSON [{string.Join(", ", changedJson)}] removed [{string.Join(", ", removedJson)}]");
            var (routing, contexts) = ResultDiff.RoutingDelta(previous, full, ResultDiff.RoutingOwners(previous).Concat(ResultDiff.RoutingOwners(full)));
            Assert.True(changed.SequenceEqual(update.Changed), $"{where}: changed statuses: expected [{string.Join(", ", changed)}], reported [{string.Join(", ", update.Changed)}]");
            Assert.True(removed.SequenceEqual(update.Removed), $"{where}: removed statuses: expected [{string.Join(", ", removed)}], reported [{string.Join(", ", update.Removed)}]");
            Assert.True(routing.SequenceEqual(update.RoutingChanged), $"{where}: routing changed: expected [{string.Join(", ", routing)}], reported [{string.Join(", ", update.RoutingChanged)}]");
            Assert.True(contexts.SequenceEqual(update.PoliciesChanged), $"{where}: policy contexts: expected [{string.Join("; ", contexts)}], reported [{string.Join("; ", update.PoliciesChanged)}]");
            changedSinceRead.UnionWith(update.RoutingChanged);
            if (i % 2 == 1 || i == history.Batches.Count - 1)
            {
                var read = update.Routing;
                AssertSameAnswers(world, RoutingTable.Compile(full), read, $"{where}, the session's routing tables");
                foreach (var table in read.Gateways)
                {
                    var kept = !changedSinceRead.Contains(table.Gateway) && tables.FindGateway(table.Gateway) is not null;
                    Assert.True(!kept || ReferenceEquals(table, tables.FindGateway(table.Gateway)), $"{where}: the table of {table.Gateway} was compiled again though its routing did not change.");
                }

                foreach (var table in read.Services)
                {
                    var kept = !changedSinceRead.Contains(table.Service) && tables.FindService(table.Service) is not null;
                    Assert.True(!kept || ReferenceEquals(table, tables.FindService(table.Service)), $"{where}: the mesh table of {table.Service} was compiled again though its routing did not change.");
                }

                Assert.Same(read, session.Routing);
                (tables, changedSinceRead) = (read, []);
            }

            previous = full;
        }
    }

    /// <summary>The batch as a session takes it: a put that the reader refuses removes the key, as it leaves the world.</summary>
    internal static ChangeBatch ToChangeBatch(TestWorld world, WorldChangeBatch batch)
    {
        var changes = new ChangeBatch();
        foreach (var change in batch.Changes)
        {
            if (change.NewObject?.Read(new ManifestReadOptions { DefaultCreationTimestamp = ObjectMeta.DefaultEpoch }).Resource is { } obj)
            {
                changes.Put(obj);
            }
            else
            {
                changes.Delete(change.Key);
            }
        }

        return changes;
    }

    /// <summary>
    /// The status delta by the written JSON of each status (without a time), independent of the typed definition the
    /// session uses: the two must agree, so a field a record carries but the status does not write is never a change.
    /// </summary>
    private static (List<ResourceKey> Changed, List<ResourceKey> Removed) JsonDelta(EvaluationResult before, EvaluationResult after)
    {
        static Dictionary<ResourceKey, string> Written(EvaluationResult result)
            => StatusModel.Build(result).ToDictionary(s => s.Key, s =>
            {
                var buffer = new System.Buffers.ArrayBufferWriter<byte>();
                using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
                {
                    StatusWriter.WriteObject(writer, s);
                }

                return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
            });

        var (old, now) = (Written(before), Written(after));
        var changed = now.Where(p => !old.TryGetValue(p.Key, out var was) || was != p.Value).Select(p => p.Key).Order().ToList();
        var removed = old.Keys.Where(k => !now.ContainsKey(k)).Order().ToList();
        return (changed, removed);
    }

    private static void AssertEqual(TestWorld world, EvaluationResult actual, string where)
    {
        var expected = world.Result;
        Assert.True(expected.Snapshot.Equals(actual.Snapshot), $"{where}: the session's objects differ from the world's.");
        var expectedJson = StatusWriter.ToJson(expected, Json);
        var actualJson = StatusWriter.ToJson(actual, Json);
        Assert.True(expectedJson == actualJson, $"{where}: status JSON differs.\nexpected: {expectedJson}\nactual:   {actualJson}");
        Assert.True(expected.GatewayClasses.SequenceEqual(actual.GatewayClasses), $"{where}: GatewayClass results differ.");
        Assert.True(expected.Gateways.SequenceEqual(actual.Gateways), $"{where}: Gateway results differ.");
        Assert.True(expected.ListenerSets.SequenceEqual(actual.ListenerSets), $"{where}: ListenerSet results differ.");
        Assert.True(expected.Routes.SequenceEqual(actual.Routes), $"{where}: route results differ.");
        Assert.True(expected.Policies.Statuses.SequenceEqual(actual.Policies.Statuses), $"{where}: policy statuses differ.");
        foreach (var route in expected.Routes)
        {
            Assert.Equal(route, actual.FindRoute(route.Route.Key));
        }

        var owners = ResultDiff.RoutingOwners(expected).ToList();
        var (routing, contexts) = ResultDiff.RoutingDelta(expected, actual, owners);
        Assert.True(contexts.Count == 0, $"{where}: effective policies differ in [{string.Join("; ", contexts)}]");
        Assert.True(routing.Count == 0, $"{where}: routing inputs differ for [{string.Join(", ", routing)}]");

        AssertSameAnswers(world, RoutingTable.Compile(expected), RoutingTable.Compile(actual), where);
    }

    /// <summary>Both tables answer every generated request (hits and near misses) alike, to the backends, filters and effective policies.</summary>
    private static void AssertSameAnswers(TestWorld world, RoutingTable expectedTable, RoutingTable actualTable, string where)
    {
        Assert.True(expectedTable.Gateways.Select(t => t.Gateway).SequenceEqual(actualTable.Gateways.Select(t => t.Gateway)), $"{where}: the tables are of other Gateways.");
        Assert.True(expectedTable.Services.Select(t => t.Service).SequenceEqual(actualTable.Services.Select(t => t.Service)), $"{where}: the mesh tables are of other Services.");
        foreach (var request in WorldGenerators.Hits(world).SelectMany(h => WorldGenerators.NearMisses(h).Take(2).Prepend(h)))
        {
            var (expected, actual) = (Outcome(expectedTable, request), Outcome(actualTable, request));
            Assert.True(Answer(expected) == Answer(actual), $"{where}: match answers differ for {request}: expected {Answer(expected)}, actual {Answer(actual)}");
            Assert.True(expected is null || expected.Policies.Kinds.Equals(actual!.Policies.Kinds), $"{where}: effective policies of the answer differ for {request}.");
        }
    }

    private static MatchOutcome? Outcome(RoutingTable table, TestRequest request)
    {
        var view = request.ToView();
        return request.Target == RequestTarget.Service
            ? table.FindService(request.TargetKey)?.Match(view)
            : table.FindGateway(request.TargetKey)?.Match(view);
    }

    private static string Answer(MatchOutcome? outcome)
        => outcome is null
            ? "no table"
            : $"{outcome.Kind} {outcome.StatusCode} {outcome.GrpcStatus} {outcome.ListenerOwner}/{outcome.SectionName} {outcome.RouteKey} rule {outcome.RuleIndex} {outcome.RuleName} "
                + $"match {outcome.MatchIndex} mesh default {outcome.IsMeshDefault} chosen {outcome.ChosenBackend} filters {outcome.HasFilters} backends ["
                + string.Join("; ", outcome.Backends.Select(b => $"{b.BackendRef} {b.Weight} {b.IsValid} {b.Reason} {b.Filters.Count}")) + "]";
}
