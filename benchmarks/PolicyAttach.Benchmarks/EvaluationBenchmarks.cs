using BenchmarkDotNet.Attributes;
using PolicyAttach.Binding;
using PolicyAttach.Model;

namespace PolicyAttach.Benchmarks;

/// <summary>
/// A full evaluation (snapshot build and <see cref="Evaluator.Evaluate"/>) of a large cluster: 100 Gateways with 64
/// HTTP listeners each, and <see cref="Routes"/> HTTPRoutes with two parentRefs, 4 rules and 2 backends per rule,
/// 20% of the backends in a shared namespace reached through a ReferenceGrant. Objects are read from JSON in the
/// setup, which is not timed.
/// </summary>
[MemoryDiagnoser]
public class EvaluationBenchmarks
{
    private List<KubeObject> _objects = [];
    private Snapshot _snapshot = Snapshot.Empty;

    /// <summary>How many HTTPRoutes.</summary>
    [Params(1_000, 10_000)]
    public int Routes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _objects = BenchmarkWorld.Read(BenchmarkWorld.Documents(Routes));
        _snapshot = Snapshot.Create(_objects);
        BenchmarkWorld.Check(Evaluator.Evaluate(_snapshot, BenchmarkWorld.Options), Routes);
    }

    /// <summary>Snapshot build plus evaluation: what the CLI does per run.</summary>
    [Benchmark(Baseline = true)]
    public EvaluationResult SnapshotAndEvaluate() => Evaluator.Evaluate(Snapshot.Create(_objects), BenchmarkWorld.Options);

    /// <summary>The snapshot build alone, to split the time.</summary>
    [Benchmark]
    public Snapshot SnapshotOnly() => Snapshot.Create(_objects);

    /// <summary>The evaluation alone, on a prebuilt snapshot.</summary>
    [Benchmark]
    public EvaluationResult EvaluateOnly() => Evaluator.Evaluate(_snapshot, BenchmarkWorld.Options);

}
