using System.Text.Json;
using BenchmarkDotNet.Attributes;
using PolicyAttach.Kubernetes.Loading;

namespace PolicyAttach.Benchmarks;

/// <summary>
/// The whole path of <c>policyattach status</c> in process, on the two <see cref="ScaleWorlds"/> files written by the
/// setup: reading the file to objects with positions (<see cref="Load"/>; its input size over its time is the
/// reading throughput), and load, snapshot, evaluation and the indented status JSON written to a null stream
/// (<see cref="WholePath"/>).
/// </summary>
[MemoryDiagnoser]
public class WholePathBenchmarks
{
    private string _path = string.Empty;

    /// <summary>The world: the 10,000-route, 10,000-policy JSON List, or the 50,000-route YAML stream.</summary>
    [Params(ScaleWorlds.JsonWorldFile, ScaleWorlds.YamlWorldFile)]
    public string World { get; set; } = ScaleWorlds.JsonWorldFile;

    [GlobalSetup]
    public void Setup()
    {
        var folder = Path.Combine(Path.GetTempPath(), "policyattach-worlds");
        _path = Path.Combine(folder, World);
        if (!File.Exists(_path))
        {
            ScaleWorlds.Write(folder);
        }

        var load = Load();
        if (load.HasErrors || load.Objects.Count < 20_000)
        {
            throw new InvalidOperationException($"Unexpected world {World}: {load.Objects.Count} objects, {load.ErrorCount} errors.");
        }
    }

    /// <summary>The file to objects, with the position of every object and field.</summary>
    [Benchmark]
    public LoadResult Load() => new ManifestLoader().Load([_path]);

    /// <summary>Load, snapshot, evaluation and the status JSON.</summary>
    [Benchmark]
    public long WholePath()
    {
        var snapshot = Snapshot.Create(Load().Resources);
        var result = Evaluator.Evaluate(snapshot, BenchmarkWorld.Options);
        using var writer = new Utf8JsonWriter(Stream.Null, StatusWriter.WriterOptions(indented: true));
        StatusWriter.Write(result, writer);
        writer.Flush();
        return writer.BytesCommitted;
    }
}
