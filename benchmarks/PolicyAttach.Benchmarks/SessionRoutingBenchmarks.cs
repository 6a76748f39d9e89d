using BenchmarkDotNet.Attributes;

namespace PolicyAttach.Benchmarks;

/// <summary>
/// A session's routing tables (issue 18, item 3) on the <see cref="SessionBenchmarks"/> world: compiling every table
/// of a result, against a session applying one change and reading the update's tables, which compiles only the tables
/// of the Gateways whose routing changed and shares the other 99. The same change without reading the tables is the
/// step's own cost, so the difference is the tables'.
/// </summary>
[MemoryDiagnoser]
public class SessionRoutingBenchmarks
{
    private readonly SessionBenchmarks _session = new();
    private EvaluationResult _result = null!;

    [GlobalSetup]
    public void Setup()
    {
        _session.Setup();

        // The first tables are compiled in full; every later read compiles from the last one.
        _result = _session.Run(nameof(SessionBenchmarks.RoutePath)).Result;
        _ = _session.Run(nameof(SessionBenchmarks.RoutePath)).Routing;
    }

    /// <summary>Every table of a result, as a controller without a session compiles them after every event.</summary>
    [Benchmark(Baseline = true)]
    public RoutingTable CompileAll() => RoutingTable.Compile(_result);

    /// <summary>A route's path, without reading the tables.</summary>
    [Benchmark]
    public SessionUpdate RoutePathOnly() => _session.Run(nameof(SessionBenchmarks.RoutePath));

    /// <summary>A route's path, then the update's tables (the route's two Gateways compiled again).</summary>
    [Benchmark]
    public RoutingTable RoutePathAndTables() => _session.Run(nameof(SessionBenchmarks.RoutePath)).Routing;

    /// <summary>A route-level policy's spec, then the tables (the route's two Gateways: their rules carry the policy).</summary>
    [Benchmark]
    public RoutingTable PolicySpecAndTables() => _session.Run(nameof(SessionBenchmarks.PolicySpec)).Routing;

    /// <summary>A Gateway listener's hostname, then the tables (that Gateway and the other Gateways of its routes).</summary>
    [Benchmark]
    public RoutingTable GatewayListenerHostnameAndTables() => _session.Run(nameof(SessionBenchmarks.GatewayListenerHostname)).Routing;
}
