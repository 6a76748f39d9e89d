using System.Globalization;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using PolicyAttach.Model;

namespace PolicyAttach.Benchmarks;

/// <summary>
/// Incremental evaluation (issue 18) on the <see cref="PolicyBenchmarks"/> world (100 Gateways of 64 listeners,
/// 10,000 HTTPRoutes, 10,000 policies): a full evaluation, and an <see cref="EvaluationSession"/> applying one change
/// of each kind. Each change benchmark puts one of two versions of one object in turn, so every invocation is a
/// real change (and half of them undo the other half). The session's update includes its deltas.
/// </summary>
[MemoryDiagnoser]
public class SessionBenchmarks
{
    private static readonly string Group = BenchmarkWorld.GatewayGroup;

    private Snapshot _snapshot = Snapshot.Empty;
    private EvaluationSession _session = null!;
    private readonly Dictionary<string, (KubeObject A, KubeObject B, bool Flip)> _changes = [];

    [GlobalSetup]
    public void Setup()
    {
        var documents = ScaleWorlds.JsonWorldDocuments();
        _snapshot = Snapshot.Create(BenchmarkWorld.Read(documents));
        _session = EvaluationSession.Start(_snapshot, BenchmarkWorld.Options);
        BenchmarkWorld.Check(_session.Result, PolicyBenchmarks.Routes);

        var route = Find(documents, "HTTPRoute", "route-0");
        Pair(nameof(RoutePath), route, d => d["spec"]!["rules"]![0]!["matches"]![0]!["path"]!["value"] = "/changed");
        Pair(nameof(RouteParentRef), route, d => d["spec"]!["parentRefs"]![1]!["name"] = BenchmarkWorld.GatewayName(50));
        var policy = Find(documents, "RetryPolicy", "policy-150");
        Pair(nameof(PolicySpec), policy, d => d["spec"]!["default"]!["retries"] = 9);
        Pair(nameof(PolicyTarget), policy, d => d["spec"]!["targetRefs"]![0]!["name"] = BenchmarkWorld.RouteName(151));
        var grant = Find(documents, "ReferenceGrant", "from-app-0");
        Pair(nameof(ReferenceGrant), grant, d => d["spec"]!["to"]!.AsArray().Add(new JsonObject { ["group"] = "", ["kind"] = "Secret" }));
        var ns = BenchmarkWorld.Doc("v1", "Namespace", BenchmarkWorld.AppNamespace(0), null, new JsonObject());
        ns["metadata"]!["labels"] = new JsonObject { ["env"] = "a" };
        Pair(nameof(NamespaceLabel), ns, d => d["metadata"]!["labels"]!["env"] = "b");
        _session.Apply(new ChangeBatch().Put(_changes[nameof(NamespaceLabel)].A));
        var onGateway = Find(documents, "RetryPolicy", "policy-0");
        Pair(nameof(GatewayPolicySpec), onGateway, d => d["spec"]!["override"]!["retries"] = 9);
        var gateway = Find(documents, "Gateway", BenchmarkWorld.GatewayName(0));
        Pair(nameof(GatewayListenerHostname), gateway, d => d["spec"]!["listeners"]![63]!["hostname"] = "changed.example.com");
    }

    /// <summary>A full evaluation of the world, as a controller without a session does after every event.</summary>
    [Benchmark(Baseline = true)]
    public EvaluationResult FullEvaluation() => Evaluator.Evaluate(_snapshot, BenchmarkWorld.Options);

    /// <summary>A route's path.</summary>
    [Benchmark]
    public SessionUpdate RoutePath() => Toggle(nameof(RoutePath));

    /// <summary>A route's second parentRef, to another Gateway.</summary>
    [Benchmark]
    public SessionUpdate RouteParentRef() => Toggle(nameof(RouteParentRef));

    /// <summary>A policy's spec (a route-level RetryPolicy).</summary>
    [Benchmark]
    public SessionUpdate PolicySpec() => Toggle(nameof(PolicySpec));

    /// <summary>A policy's target, to another route.</summary>
    [Benchmark]
    public SessionUpdate PolicyTarget() => Toggle(nameof(PolicyTarget));

    /// <summary>A ReferenceGrant (one more kind allowed).</summary>
    [Benchmark]
    public SessionUpdate ReferenceGrant() => Toggle(nameof(ReferenceGrant));

    /// <summary>A Namespace's label (not bounded: a full evaluation by design).</summary>
    [Benchmark]
    public SessionUpdate NamespaceLabel() => Toggle(nameof(NamespaceLabel));

    /// <summary>A Gateway listener's hostname.</summary>
    [Benchmark]
    public SessionUpdate GatewayListenerHostname() => Toggle(nameof(GatewayListenerHostname));

    /// <summary>
    /// A Gateway policy's spec: the override of the oldest RetryPolicy on gw-0 (one of the 100 on it), which wins in
    /// every context below the Gateway (its 64 listeners and the 200 routes attached there).
    /// </summary>
    [Benchmark]
    public SessionUpdate GatewayPolicySpec() => Toggle(nameof(GatewayPolicySpec));

    /// <summary>
    /// The managed heap held by a full result and by a session (after one applied change), each measured after a
    /// forced collection with the snapshot already held; printed by <c>session-memory</c>.
    /// </summary>
    public static void PrintMemory()
    {
        var documents = ScaleWorlds.JsonWorldDocuments();
        var snapshot = Snapshot.Create(BenchmarkWorld.Read(documents));
        documents = null;
        var baseline = Heap();
        var full = Evaluator.Evaluate(snapshot, BenchmarkWorld.Options);
        var withResult = Heap();
        var session = EvaluationSession.Start(snapshot, BenchmarkWorld.Options);
        var route = session.Snapshot.Find(new ResourceKey(Group, "HTTPRoute", BenchmarkWorld.RouteNamespace(0), BenchmarkWorld.RouteName(0)))!;
        var update = session.Apply(new ChangeBatch().Put(route with { Metadata = route.Metadata with { Labels = Collections.StringMap.Of(("changed", "yes")) } }));
        var withBoth = Heap();
        var resultBytes = withResult - baseline;
        var sessionBytes = withBoth - withResult;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"full result: {resultBytes / 1e6:F1} MB; session after one change ({update.Path}): {sessionBytes / 1e6:F1} MB; ratio {(double)sessionBytes / resultBytes:F2}"));
        GC.KeepAlive(full);
        GC.KeepAlive(session);
        GC.KeepAlive(snapshot);
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>The world's objects (after <see cref="Setup"/>).</summary>
    internal Snapshot Snapshot => _snapshot;

    /// <summary>Applies the change a benchmark of this name applies.</summary>
    internal SessionUpdate Run(string name) => Toggle(name);

    private SessionUpdate Toggle(string name)
    {
        var (a, b, flip) = _changes[name];
        _changes[name] = (a, b, !flip);
        return _session.Apply(new ChangeBatch().Put(flip ? a : b));
    }

    private void Pair(string name, JsonObject document, Action<JsonObject> change)
    {
        var changed = (JsonObject)document.DeepClone();
        change(changed);
        var read = BenchmarkWorld.Read([document, changed]);
        _changes[name] = (read[0], read[1], false);
    }

    private static JsonObject Find(List<JsonObject> documents, string kind, string name)
        => documents.First(d => d["kind"]!.GetValue<string>() == kind && d["metadata"]!["name"]!.GetValue<string>() == name);
}
