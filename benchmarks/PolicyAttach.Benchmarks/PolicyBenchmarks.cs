using System.Globalization;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using PolicyAttach.Binding;
using PolicyAttach.Model;
using PolicyAttach.Policies;

namespace PolicyAttach.Benchmarks;

/// <summary>
/// Policy attachment at scale: the <see cref="BenchmarkWorld"/> cluster with 10,000 HTTPRoutes (4 named rules each)
/// on 100 Gateways of 64 listeners, and 10,000 Inherited policies (Patch defaults and overrides) on Gateways,
/// listeners, routes and rules, 10% with overrides, 100 of them on one shared target. Measures a full evaluation
/// (binding plus policy resolution, which <see cref="Evaluator.Evaluate"/> includes) and one effective-policy lookup.
/// </summary>
[MemoryDiagnoser]
public class PolicyBenchmarks
{
    internal const int Routes = 10_000;
    internal const int Policies = 10_000;
    private const int OnSharedTarget = 100;
    private static readonly GroupKind Kind = new("networking.acme.io", "RetryPolicy");

    private Snapshot _snapshot = Snapshot.Empty;
    private PolicyResolution? _policies;
    private PolicyContext _rule;

    [GlobalSetup]
    public void Setup()
    {
        var documents = BenchmarkWorld.Documents(Routes);
        for (var p = 0; p < Policies; p++)
        {
            documents.Add(Policy(p));
        }

        _snapshot = Snapshot.Create(BenchmarkWorld.Read(documents));
        var result = Evaluator.Evaluate(_snapshot, BenchmarkWorld.Options);
        BenchmarkWorld.Check(result, Routes);
        _policies = result.Policies;

        // Route 0 is attached to gw-0 and gw-1 through listener l0; the shared target is gw-0.
        var gateway = new ResourceKey(BenchmarkWorld.GatewayGroup, "Gateway", "infra", BenchmarkWorld.GatewayName(0));
        var route = new ResourceKey(BenchmarkWorld.GatewayGroup, "HTTPRoute", BenchmarkWorld.RouteNamespace(0), BenchmarkWorld.RouteName(0));
        _rule = PolicyContext.ForGateway(gateway).WithListener(BenchmarkWorld.ListenerName(0)).WithRoute(route).WithRule(BenchmarkWorld.RuleName(1));
        if (EffectivePolicyLookup() is null)
        {
            throw new InvalidOperationException("The looked-up rule has no effective policy.");
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        _ = EffectivePolicyLookup();
        if (GC.GetAllocatedBytesForCurrentThread() != before)
        {
            throw new InvalidOperationException("The effective-policy lookup allocates.");
        }
    }

    /// <summary>Binding and policy resolution of the whole cluster, on a prebuilt snapshot.</summary>
    [Benchmark]
    public EvaluationResult FullEvaluationWithPolicies() => Evaluator.Evaluate(_snapshot, BenchmarkWorld.Options);

    /// <summary>One lookup: the effective policy of a kind for a rule served through a listener.</summary>
    [Benchmark]
    public EffectivePolicy? EffectivePolicyLookup() => _policies!.For(_rule).Find(Kind);

    /// <summary>
    /// Policy <paramref name="p"/>: the first 100 on gw-0; then in turn on a Gateway, a listener, a route and a rule;
    /// every tenth with an override.
    /// </summary>
    internal static JsonObject Policy(int p)
    {
        JsonObject target;
        string ns;
        if (p < OnSharedTarget)
        {
            (target, ns) = (Target("Gateway", BenchmarkWorld.GatewayName(0), null), "infra");
        }
        else
        {
            var route = p % Routes;
            (target, ns) = (p % 4) switch
            {
                0 => (Target("Gateway", BenchmarkWorld.GatewayName(p % BenchmarkWorld.GatewayCount), null), "infra"),
                1 => (Target("Gateway", BenchmarkWorld.GatewayName(p % BenchmarkWorld.GatewayCount), BenchmarkWorld.ListenerName(p % BenchmarkWorld.ListenersPerGateway)), "infra"),
                2 => (Target("HTTPRoute", BenchmarkWorld.RouteName(route), null), BenchmarkWorld.RouteNamespace(route)),
                _ => (Target("HTTPRoute", BenchmarkWorld.RouteName(route), BenchmarkWorld.RuleName(p % BenchmarkWorld.RulesPerRoute)), BenchmarkWorld.RouteNamespace(route)),
            };
        }

        var number = p.ToString(CultureInfo.InvariantCulture);
        var spec = new JsonObject
        {
            ["targetRefs"] = new JsonArray(target),
            ["default"] = new JsonObject
            {
                ["retries"] = p % 5,
                ["timeout"] = $"{number}ms",
                ["backoff"] = new JsonObject { ["base"] = $"{p % 7}s", ["codes"] = new JsonArray(500, 502 + (p % 2)) },
            },
        };
        if (p % 10 == 0)
        {
            spec["override"] = new JsonObject { ["retries"] = 3, ["backoff"] = new JsonObject { ["max"] = $"{number}s" } };
        }

        var doc = BenchmarkWorld.Doc("networking.acme.io/v1alpha1", "RetryPolicy", "policy-" + number, ns, spec);
        doc["metadata"]!["creationTimestamp"] = $"2024-01-01T00:{p / 60 % 60:00}:{p % 60:00}Z";
        return doc;
    }

    private static JsonObject Target(string kind, string name, string? section)
    {
        var target = new JsonObject { ["group"] = BenchmarkWorld.GatewayGroup, ["kind"] = kind, ["name"] = name };
        if (section is not null)
        {
            target["sectionName"] = section;
        }

        return target;
    }
}
