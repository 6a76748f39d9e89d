using System.Diagnostics;
using PolicyAttach.Matching;

namespace PolicyAttach.Benchmarks.Matching;

/// <summary>
/// A quick Stopwatch breakdown of the matcher per request kind (<c>quick [routes...]</c>): not a substitute for
/// BenchmarkDotNet, only for finding where the time goes. Compare numbers of one run only.
/// </summary>
public static class QuickMatch
{
    private static readonly string[] KindNames = ["prefix", "header", "port+query", "POST exact", "regex", "miss path", "miss host", "query miss+hdr"];

    public static void Run(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(int.Parse).ToArray() : [100, 1_000, 10_000];
        foreach (var routes in sizes)
        {
            var result = MatchTables.Evaluate(routes);
            var table = RoutingTable.Compile(result).FindGateway(MatchTables.GatewayKey)!;
            var requests = MatchTables.Requests(routes, 1024);
            var outcome = new MatchOutcome();
            Console.WriteLine($"routes={routes}");
            var warm = Stopwatch.StartNew();
            while (warm.ElapsedMilliseconds < 1500)
            {
                Time(table, requests, outcome);
            }

            Console.WriteLine($"  mix            {Time(table, requests, outcome),7:F1} ns");
            for (var k = 0; k < 8; k++)
            {
                var kind = requests.Where((_, i) => i % 8 == k).ToArray();
                Console.WriteLine($"  {KindNames[k],-14} {Time(table, kind, outcome),7:F1} ns");
            }

            Console.WriteLine($"  view only      {TimeView(requests),7:F1} ns");
        }
    }

    private static double Time(GatewayRoutingTable table, BenchRequest[] requests, MatchOutcome outcome)
    {
        var best = double.MaxValue;
        for (var round = 0; round < 7; round++)
        {
            var n = 0;
            var sw = Stopwatch.StartNew();
            while (sw.ElapsedMilliseconds < 60)
            {
                foreach (var r in requests)
                {
                    var view = new RequestView(RequestProtocol.Http, 80, r.Method, r.Host, r.PathAndQuery, r.Headers);
                    table.Match(view, outcome);
                }

                n += requests.Length;
            }

            best = Math.Min(best, sw.Elapsed.TotalNanoseconds / n);
        }

        return best;
    }

    private static double TimeView(BenchRequest[] requests)
    {
        var best = double.MaxValue;
        var sink = 0;
        for (var round = 0; round < 7; round++)
        {
            var n = 0;
            var sw = Stopwatch.StartNew();
            while (sw.ElapsedMilliseconds < 60)
            {
                foreach (var r in requests)
                {
                    var v = new RequestView(RequestProtocol.Http, 80, r.Method, r.Host, r.PathAndQuery, r.Headers);
                    sink += v.Host.Length + v.Path.Length;
                }

                n += requests.Length;
            }

            best = Math.Min(best, sw.Elapsed.TotalNanoseconds / n);
        }

        GC.KeepAlive(sink);
        return best;
    }
}
