using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using PolicyAttach.Kubernetes.Documents;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.Manifests;

namespace PolicyAttach.Benchmarks;

/// <summary>
/// A one-shot profile of the whole path on the two <see cref="ScaleWorlds"/> files (<c>profile FOLDER</c>): the time and
/// the bytes allocated by each stage, with the reference stages (the bytes alone through System.Text.Json, the text
/// through the public parsers, the core reader alone) that tell the reading path from the formats. Only public API is
/// used, so the same file measures any version of the library. One run after a warm-up; the figures are a map of where
/// the time goes, not a benchmark (<see cref="WholePathBenchmarks"/> is).
/// </summary>
internal static class StageProfile
{
    /// <summary>Profiles both worlds, or the one named.</summary>
    /// <param name="folder">The folder the worlds were written to.</param>
    /// <param name="only">One world's file name, or null for both.</param>
    public static void Run(string folder, string? only = null)
    {
        foreach (var file in only is null ? new[] { ScaleWorlds.JsonWorldFile, ScaleWorlds.YamlWorldFile } : [only])
        {
            var path = Path.Combine(folder, file);
            Profile(path);
            Console.WriteLine($"{file} ({new FileInfo(path).Length / 1e6:F1} MB), second run:");
            Profile(path, print: true);
            Console.WriteLine();
        }
    }

    private static void Profile(string path, bool print = false)
    {
        var rows = new List<(string Stage, double Ms, long Bytes, long Live)>();
        T Stage<T>(string name, Func<T> run)
        {
            GC.Collect();
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            var value = run();
            var ms = watch.Elapsed.TotalMilliseconds;
            var stageAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            rows.Add((name, ms, stageAllocated, GC.GetTotalMemory(forceFullCollection: true)));
            return value;
        }

        var bytes = Stage("read the file's bytes", () => File.ReadAllBytes(path));
        var text = Stage("decode to a string", () => Encoding.UTF8.GetString(bytes));
        if (path.EndsWith(".json", StringComparison.Ordinal))
        {
            Stage("reference: JsonDocument.Parse of the bytes", () => { using var d = JsonDocument.Parse(bytes); return d.RootElement.ValueKind; });
        }

        var parsed = Stage("reference: ManifestText.Parse (text to elements)", () => ManifestText.Parse(text));
        Stage("reference: ManifestReader.Read of those elements", () =>
        {
            var count = 0;
            foreach (var document in parsed.Documents)
            {
                var items = document.TryGetProperty("items", out var i) && i.ValueKind == JsonValueKind.Array ? i.EnumerateArray().ToList() : [document];
                count += items.Count(item => ManifestReader.Read(item).Resource is not null);
            }

            return count;
        });
        parsed = null;
        (bytes, text) = (null!, null!);
        var load = Stage("ManifestLoader.Load (file to objects, positions)", () => new ManifestLoader().Load([path]));
        var snapshot = Stage("Snapshot.Create", () => Snapshot.Create(load.Resources));
        var result = Stage("Evaluator.Evaluate", () => Evaluator.Evaluate(snapshot, BenchmarkWorld.Options));
        Stage("FindingAnalyzer.Analyze (the findings validate and status print)", () => PolicyAttach.Findings.FindingAnalyzer.Analyze(result).Findings.Count);
        var table = Stage("... RoutingTable.Compile (every table; the never-matching check compiles only suspect Gateways' precedence)", () => RoutingTable.Compile(result));
        Stage("... FindingAnalyzer.Analyze given those tables", () => PolicyAttach.Findings.FindingAnalyzer.Analyze(result, table).Findings.Count);
        Stage("StatusWriter.Write (indented, to a null stream)", () =>
        {
            using var writer = new Utf8JsonWriter(Stream.Null, StatusWriter.WriterOptions(indented: true));
            StatusWriter.Write(result, writer);
            writer.Flush();
            return writer.BytesCommitted;
        });
        Stage("StatusWriter.ToJson (a string)", () => StatusWriter.ToJson(result).Length);
        if (!print)
        {
            return;
        }

        // Live: the managed heap after a full collection at the end of the stage (what the stages so far keep).
        Console.WriteLine("| stage | ms | MB allocated | MB live after |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (stage, ms, allocated, live) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {stage} | {ms:F0} | {allocated / 1e6:F0} | {live / 1e6:F0} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"objects: {load.Objects.Count}; diagnostics: {load.Diagnostics.Count}; peak working set so far: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB"));
    }
}
