using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PolicyAttach.Benchmarks;

/// <summary>
/// The latency of <c>policyattach status DIR --watch -o json</c> on the <see cref="SessionBenchmarks"/> world (100
/// Gateways of 64 listeners, 10,000 HTTPRoutes, 10,000 policies), written one object per file: from the moment a
/// changed file is saved to the moment the tool's delta line for it has been read. Each kind of change is saved a
/// number of times, alternating two versions, one at a time (the next save waits for the previous delta). The figure
/// includes the tool's debounce (it gathers an editor's writes for 0.1 s) and the time the file system takes to report
/// the write; whole-process timing, so not a BenchmarkDotNet benchmark.
/// </summary>
internal static class WatchLatency
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Runs the measurement with the tool's published folder, writing the world into a folder.</summary>
    /// <param name="tool">The published tool's folder (holds PolicyAttach.Cli.dll).</param>
    /// <param name="folder">An empty folder for the world's files.</param>
    /// <param name="saves">How many saves of each kind of change.</param>
    public static void Run(string tool, string folder, int saves)
    {
        var documents = ScaleWorlds.JsonWorldDocuments();
        var files = new Dictionary<(string Kind, string Name), string>();
        foreach (var document in documents)
        {
            var kind = document["kind"]!.GetValue<string>();
            var name = document["metadata"]!["name"]!.GetValue<string>();
            var ns = document["metadata"]!["namespace"]?.GetValue<string>() ?? "cluster";
            var directory = Path.Combine(folder, ns);
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, $"{kind.ToLowerInvariant()}-{name}.json");
            File.WriteAllText(path, document.ToJsonString(Indented));
            files[(kind, name)] = path;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{documents.Count} objects in {files.Values.Select(Path.GetDirectoryName).Distinct().Count()} folders"));
        var changes = new (string What, string Kind, string Name, Action<JsonObject> Change)[]
        {
            ("route path", "HTTPRoute", "route-0", d => d["spec"]!["rules"]![0]!["matches"]![0]!["path"]!["value"] = "/changed"),
            ("policy spec", "RetryPolicy", "policy-150", d => d["spec"]!["default"]!["retries"] = 9),
            ("Gateway listener hostname", "Gateway", BenchmarkWorld.GatewayName(0), d => d["spec"]!["listeners"]![63]!["hostname"] = "changed.example.com"),
        };

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(tool, "PolicyAttach.Cli.dll"), "status", folder, "-R", "--watch", "-o", "json" })
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("tool: " + e.Data);
            }
        };
        process.BeginErrorReadLine();
        var snapshot = NextLine(process);
        if (snapshot.Length < 1000)
        {
            throw new InvalidOperationException("The snapshot holds no statuses: " + snapshot);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"snapshot line after {clock.Elapsed.TotalSeconds:F1} s ({snapshot.Length / 1e6:F1} MB)"));
        try
        {
            foreach (var (what, kind, name, change) in changes)
            {
                var path = files[(kind, name)];
                var original = File.ReadAllText(path);
                var changed = JsonNode.Parse(original)!.AsObject();
                change(changed);
                var versions = new[] { changed.ToJsonString(Indented), original };
                var latencies = new List<double>();
                for (var i = 0; i < saves; i++)
                {
                    File.WriteAllText(path, versions[i % 2]);
                    var saved = Stopwatch.GetTimestamp();
                    var line = NextLine(process);
                    latencies.Add(Stopwatch.GetElapsedTime(saved).TotalMilliseconds);
                    using var delta = JsonDocument.Parse(line);
                    if (delta.RootElement.GetProperty("type").GetString() != "delta")
                    {
                        throw new InvalidOperationException("Not a delta line: " + line[..Math.Min(line.Length, 200)]);
                    }

                    if (i == 0)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: first delta {delta.RootElement.GetProperty("changed").GetArrayLength()} changed, {delta.RootElement.GetProperty("removed").GetArrayLength()} removed, {line.Length} bytes"));
                    }
                }

                latencies.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{what}: {saves} saves, latency median {latencies[latencies.Count / 2]:F0} ms, min {latencies[0]:F0} ms, max {latencies[^1]:F0} ms"));
            }
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    /// <summary>The tool's next line on standard output, waiting at most two minutes.</summary>
    private static string NextLine(Process process)
    {
        var read = process.StandardOutput.ReadLineAsync();
        if (!read.Wait(TimeSpan.FromMinutes(2)))
        {
            throw new TimeoutException("The tool printed no line for two minutes.");
        }

        return read.Result ?? throw new InvalidOperationException("The tool ended.");
    }
}
