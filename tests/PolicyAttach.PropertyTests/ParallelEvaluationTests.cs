using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.Binding;
using PolicyAttach.PropertyTests.Support;
using PolicyAttach.Testing;

namespace PolicyAttach.PropertyTests;

/// <summary>
/// Evaluation on several threads (<see cref="EvaluationOptions.MaxDegreeOfParallelism"/>) gives the result of the
/// evaluation on the calling thread, on generated worlds large enough to be bound in parallel (fixed seed): the same
/// status JSON, byte for byte, and the same route and Gateway results.
/// </summary>
public class ParallelEvaluationTests
{
    private const int Seed = 20261207;

    private static readonly StatusWriterOptions Written = new() { Indented = false, Time = new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero) };

    [Theory]
    [InlineData(RouteKinds.Http | RouteKinds.Tls | RouteKinds.Tcp | RouteKinds.Udp, true)]
    [InlineData(RouteKinds.All, false)]
    public void Evaluate_ParallelAndSerial_WriteTheSameStatus(RouteKinds kinds, bool httpOnly)
    {
        var options = new WorldOptions { RouteKinds = kinds, MaxRoutes = 64, MaxGateways = 3, MaxListeners = 6 };
        var worlds = WorldGenerators.World(options).Sample(4, new Rnd(Seed), 1000);
        var largest = 0;
        foreach (var world in worlds)
        {
            var serial = Evaluator.Evaluate(world.Snapshot, world.Options with { MaxDegreeOfParallelism = 1 });
            var parallel = Evaluator.Evaluate(world.Snapshot, world.Options with { MaxDegreeOfParallelism = 4 });

            var json = StatusWriter.ToJson(serial, Written);
            var parallelJson = StatusWriter.ToJson(parallel, Written);
            Assert.True(string.Equals(json, parallelJson, StringComparison.Ordinal), "Status JSON differs: " + Engine.FirstDifference(json, parallelJson));
            Assert.True(serial.Routes.SequenceEqual(parallel.Routes), "Route results (parents, verdicts, backendRefs) differ.");
            Assert.True(serial.Gateways.SequenceEqual(parallel.Gateways), "Gateway results (attached routes) differ.");
            Assert.True(serial.ListenerSets.SequenceEqual(parallel.ListenerSets), "ListenerSet results differ.");
            largest = Math.Max(largest, serial.Routes.Count);
        }

        // The HTTPRoute-only worlds are bound in parallel; with GRPCRoutes too, binding stays serial.
        Assert.True(largest >= Binder.ParallelRoutes, $"The largest world has {largest} routes; parallel binding starts at {Binder.ParallelRoutes}.");
        Assert.Equal(httpOnly, worlds.All(w => !w.Resources.Any(r => r.Kind == "GRPCRoute")));
    }

    [Fact]
    public void Evaluate_PoliciesFoldedInParallel_SameEffectivePoliciesAndStatus()
    {
        // Generated policies of every strategy on every level (Gateways, listeners, routes, rules, backends), on worlds
        // with enough routes for their contexts to be folded on several threads.
        var options = PolicyGenerators.Options with { RouteKinds = RouteKinds.Http, MaxRoutes = 64, MaxPolicies = 64, MaxGateways = 3, MaxListeners = 6 };
        var worlds = WorldGenerators.World(options).Sample(12, new Rnd(Seed), 1000);
        var folded = 0;
        foreach (var world in worlds)
        {
            var serial = Policies.PolicyRun.Of(world.Snapshot.Objects, world.Options with { MaxDegreeOfParallelism = 1 });
            var parallel = Policies.PolicyRun.Of(world.Snapshot.Objects, world.Options with { MaxDegreeOfParallelism = 4 });

            var (json, parallelJson) = (serial.StatusJson(), parallel.StatusJson());
            Assert.True(string.Equals(json, parallelJson, StringComparison.Ordinal), "Status JSON differs: " + Engine.FirstDifference(json, parallelJson));
            var (dump, parallelDump) = (serial.EffectiveDump(), parallel.EffectiveDump());
            Assert.True(string.Equals(dump, parallelDump, StringComparison.Ordinal), "Effective policies differ: " + Engine.FirstDifference(dump, parallelDump));
            if (serial.Result.Routes.Count >= Binder.ParallelRoutes && serial.Policies.Length > 0)
            {
                folded++;
            }
        }

        Assert.True(folded >= 3, $"Only {folded} worlds have policies and at least {Binder.ParallelRoutes} routes (the routes' contexts are folded in parallel from there).");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void Validate_DegreeOfParallelismNeitherMinusOneNorPositive_IsAProblem(int degree)
    {
        var problems = new EvaluationOptions { ControllerNames = ["example.com/gateway-controller"], MaxDegreeOfParallelism = degree }.Validate();

        Assert.Contains(problems, p => p.StartsWith("MaxDegreeOfParallelism:", StringComparison.Ordinal));
    }

    [Fact]
    public void MaxDegreeOfParallelism_Default_IsEveryProcessor()
        => Assert.Equal(-1, new EvaluationOptions { ControllerNames = [] }.MaxDegreeOfParallelism);
}
