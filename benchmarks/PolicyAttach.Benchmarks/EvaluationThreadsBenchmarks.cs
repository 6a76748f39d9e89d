using BenchmarkDotNet.Attributes;
using PolicyAttach.Kubernetes.Loading;

namespace PolicyAttach.Benchmarks;

/// <summary>
/// One evaluation of each scale world (<see cref="ScaleWorlds"/>) on the calling thread alone and on two threads
/// (<see cref="EvaluationOptions.MaxDegreeOfParallelism"/>): what binding the routes on both cores of the project's
/// machine gains, with the snapshot built once in the setup.
/// </summary>
[MemoryDiagnoser]
public class EvaluationThreadsBenchmarks
{
    private Snapshot _snapshot = null!;
    private EvaluationOptions _options = null!;

    /// <summary>The world's file.</summary>
    [Params(ScaleWorlds.JsonWorldFile, ScaleWorlds.YamlWorldFile)]
    public string World { get; set; } = ScaleWorlds.JsonWorldFile;

    /// <summary>The evaluation's degree of parallelism.</summary>
    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    /// <summary>Loads the world (writing it first when it is missing) and builds its snapshot.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var folder = Path.Combine(Path.GetTempPath(), "policyattach-worlds");
        var path = Path.Combine(folder, World);
        if (!File.Exists(path))
        {
            ScaleWorlds.Write(folder);
        }

        var load = new ManifestLoader().Load([path]);
        if (load.HasErrors)
        {
            throw new InvalidOperationException($"Unexpected world {World}: {load.ErrorCount} errors.");
        }

        _snapshot = Snapshot.Create(load.Resources);
        _options = BenchmarkWorld.Options with { MaxDegreeOfParallelism = Threads };
    }

    /// <summary>Evaluates the snapshot.</summary>
    /// <returns>The number of route results, so that the work is kept.</returns>
    [Benchmark]
    public int Evaluate() => Evaluator.Evaluate(_snapshot, _options).Binding.Routes.Count;
}
