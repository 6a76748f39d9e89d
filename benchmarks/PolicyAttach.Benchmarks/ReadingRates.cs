using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.Manifests;

namespace PolicyAttach.Benchmarks;

/// <summary>
/// Reading rates in process (<c>reading FOLDER</c>): the core reader alone on the objects of the JSON world (one
/// thread; time and bytes allocated per object), and <see cref="ManifestLoader"/> on each <see cref="ScaleWorlds"/>
/// file (megabytes of input per second, positions included, on all cores), best of three runs after a warm-up. Only
/// public API is used, so the same file measures any version of the library.
/// </summary>
internal static class ReadingRates
{
    public static void Run(string folder)
    {
        var json = Path.Combine(folder, ScaleWorlds.JsonWorldFile);
        using (var document = JsonDocument.Parse(File.ReadAllBytes(json)))
        {
            var items = document.RootElement.GetProperty("items").EnumerateArray().ToList();
            ReadAll(items);
            var best = (Ms: double.MaxValue, Bytes: 0L);
            for (var run = 0; run < 3; run++)
            {
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var watch = Stopwatch.StartNew();
                ReadAll(items);
                var ms = watch.Elapsed.TotalMilliseconds;
                best = ms < best.Ms ? (ms, GC.GetAllocatedBytesForCurrentThread() - allocated) : best;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"core reader (ManifestReader.Read, one thread) on {items.Count} objects: {best.Ms / items.Count * 1000:F1} µs and {best.Bytes / items.Count:N0} bytes allocated per object"));
        }

        foreach (var file in new[] { ScaleWorlds.JsonWorldFile, ScaleWorlds.YamlWorldFile })
        {
            var path = Path.Combine(folder, file);
            var size = new FileInfo(path).Length;
            var objects = new ManifestLoader().Load([path]).Objects.Count;
            var best = double.MaxValue;
            for (var run = 0; run < 3; run++)
            {
                GC.Collect();
                var watch = Stopwatch.StartNew();
                _ = new ManifestLoader().Load([path]);
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ManifestLoader.Load {file} ({size / 1e6:F1} MB, {objects} objects): {best * 1000:F0} ms, {size / 1e6 / best:F1} MB/s"));
        }

        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static void ReadAll(List<JsonElement> items)
    {
        foreach (var item in items)
        {
            _ = ManifestReader.Read(item);
        }
    }
}
