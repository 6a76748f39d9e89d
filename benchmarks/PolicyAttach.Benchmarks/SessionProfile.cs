using System.Diagnostics;
using System.Globalization;
using PolicyAttach.Sessions;

namespace PolicyAttach.Benchmarks;

/// <summary>
/// A one-shot map of where a session's time goes on the <see cref="SessionBenchmarks"/> world (<c>session-profile</c>):
/// a full evaluation, the pieces a batch evaluated in full adds to it (the dependency index, the status delta, the
/// routing and effective-policy delta over every Gateway and Service), then each change kind twice, with its path and
/// reason. Stopwatch figures of single runs: a guide to where the time goes, not a benchmark (<see cref="SessionBenchmarks"/> is).
/// </summary>
internal static class SessionProfile
{
    public static void Run()
    {
        var benchmarks = new SessionBenchmarks();
        benchmarks.Setup();
        var snapshot = benchmarks.Snapshot;
        var first = Time("full evaluation", () => Evaluator.Evaluate(snapshot, BenchmarkWorld.Options));
        var second = Time("full evaluation again", () => Evaluator.Evaluate(snapshot, BenchmarkWorld.Options));
        Time("dependency index", () => new DependencyIndex(snapshot));
        Time("snapshot of the same objects", () => Snapshot.FromSorted(snapshot.Objects.AsImmutableArray(), []));
        Time("binding result of the same results", () => new Binding.BindingResult(snapshot, BenchmarkWorld.Options.ControllerNames, first.GatewayClasses, first.Gateways, first.ListenerSets, first.Routes));
        Time("policy scan", () => snapshot.Policies.Sum(p => p.TargetRefs.Count(t => t.GroupKind == Model.Kinds.Gateway)));
        Time("object scan", () => snapshot.Objects.Count(o => !DependencyIndex.IsPartitioned(o)));
        Time("status delta of two full results", () => ResultDiff.StatusDelta(first, second, null));
        Time("routing delta of two full results", () => ResultDiff.RoutingDelta(first, second, ResultDiff.RoutingOwners(first).Concat(ResultDiff.RoutingOwners(second))));
        foreach (var name in new[]
                 {
                     nameof(SessionBenchmarks.RoutePath), nameof(SessionBenchmarks.RouteParentRef), nameof(SessionBenchmarks.PolicySpec),
                     nameof(SessionBenchmarks.PolicyTarget), nameof(SessionBenchmarks.ReferenceGrant), nameof(SessionBenchmarks.NamespaceLabel),
                     nameof(SessionBenchmarks.GatewayListenerHostname), nameof(SessionBenchmarks.GatewayPolicySpec),
                 })
        {
            for (var i = 0; i < 2; i++)
            {
                var update = Time(name, () => benchmarks.Run(name));
                Console.WriteLine($"    {update.Path}: {update.Reason} ({update.Changed.Count} changed, {update.RoutingChanged.Count} routing, {update.PoliciesChanged.Count} contexts)");
            }
        }
    }

    private static T Time<T>(string name, Func<T> run)
    {
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var value = run();
        var elapsed = watch.Elapsed.TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {elapsed:F0} ms, {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e6:F1} MB"));
        return value;
    }
}
