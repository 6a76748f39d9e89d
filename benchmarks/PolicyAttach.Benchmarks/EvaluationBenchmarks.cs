using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using PolicyAttach.Binding;
using PolicyAttach.Manifests;
using PolicyAttach.Model;
using PolicyAttach.Snapshots;

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
    private const string GatewayGroup = "gateway.networking.k8s.io";
    private const string Controller = "example.com/gateway-controller";
    private const int GatewayCount = 100;
    private const int ListenersPerGateway = 64;
    private const int RouteNamespaces = 20;
    private const int ServicesPerNamespace = 10;

    private static readonly EvaluationOptions Options = new() { ControllerNames = Collections.EquatableArray.Create(Controller) };

    private List<KubeObject> _objects = [];
    private Snapshot _snapshot = Snapshot.Empty;

    /// <summary>How many HTTPRoutes.</summary>
    [Params(1_000, 10_000)]
    public int Routes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var documents = new List<JsonObject>
        {
            Doc($"{GatewayGroup}/v1", "GatewayClass", "gc", null, new JsonObject { ["controllerName"] = Controller }),
        };

        for (var g = 0; g < GatewayCount; g++)
        {
            var listeners = new JsonArray();
            for (var l = 0; l < ListenersPerGateway; l++)
            {
                listeners.Add(new JsonObject
                {
                    ["name"] = $"l{l}",
                    ["protocol"] = "HTTP",
                    ["port"] = 80,
                    ["hostname"] = $"h{l}.example.com",
                    ["allowedRoutes"] = new JsonObject { ["namespaces"] = new JsonObject { ["from"] = "All" } },
                });
            }

            documents.Add(Doc($"{GatewayGroup}/v1", "Gateway", $"gw-{g}", "infra", new JsonObject { ["gatewayClassName"] = "gc", ["listeners"] = listeners }));
        }

        for (var n = 0; n < RouteNamespaces; n++)
        {
            var ns = AppNamespace(n);
            documents.Add(Doc($"{GatewayGroup}/v1beta1", "ReferenceGrant", $"from-{ns}", "shared", new JsonObject
            {
                ["from"] = new JsonArray(new JsonObject { ["group"] = GatewayGroup, ["kind"] = "HTTPRoute", ["namespace"] = ns }),
                ["to"] = new JsonArray(new JsonObject { ["group"] = "", ["kind"] = "Service" }),
            }));
            for (var s = 0; s < ServicesPerNamespace; s++)
            {
                documents.Add(Service($"svc-{s}", ns));
            }
        }

        for (var s = 0; s < ServicesPerNamespace; s++)
        {
            documents.Add(Service($"svc-{s}", "shared"));
        }

        var backendIndex = 0;
        for (var r = 0; r < Routes; r++)
        {
            var ns = AppNamespace(r % RouteNamespaces);
            var rules = new JsonArray();
            for (var rule = 0; rule < 4; rule++)
            {
                var backends = new JsonArray();
                for (var b = 0; b < 2; b++, backendIndex++)
                {
                    // Every fifth backend is in the shared namespace: 20% cross-namespace, all granted.
                    var backend = new JsonObject { ["name"] = $"svc-{backendIndex % ServicesPerNamespace}", ["port"] = 80 };
                    if (backendIndex % 5 == 0)
                    {
                        backend["namespace"] = "shared";
                    }

                    backends.Add(backend);
                }

                rules.Add(new JsonObject
                {
                    ["matches"] = new JsonArray(new JsonObject { ["path"] = new JsonObject { ["type"] = "PathPrefix", ["value"] = $"/r{r}/{rule}" } }),
                    ["backendRefs"] = backends,
                });
            }

            var parents = new JsonArray(
                new JsonObject { ["name"] = $"gw-{r % GatewayCount}", ["namespace"] = "infra" },
                new JsonObject { ["name"] = $"gw-{(r + 1) % GatewayCount}", ["namespace"] = "infra" });
            documents.Add(Doc($"{GatewayGroup}/v1", "HTTPRoute", $"route-{r}", ns, new JsonObject
            {
                ["parentRefs"] = parents,
                ["hostnames"] = new JsonArray((JsonNode)$"h{r % ListenersPerGateway}.example.com"),
                ["rules"] = rules,
            }));
        }

        _objects = [];
        foreach (var document in documents)
        {
            using var parsed = JsonDocument.Parse(document.ToJsonString());
            var read = ManifestReader.Read(parsed.RootElement);
            _objects.Add(read.Resource ?? throw new InvalidOperationException($"The benchmark input was dropped: {string.Join("; ", read.Diagnostics.Select(d => d.Message))}"));
        }

        _snapshot = Snapshot.Create(_objects);
        var check = Evaluator.Evaluate(_snapshot, Options);
        var attached = check.Gateways.Sum(gw => gw.Listeners.Sum(l => l.AttachedRoutes));
        if (check.Routes.Count != Routes || attached != 2 * Routes || check.Routes.Any(route => route.BackendRefs.Any(b => !b.IsValid)))
        {
            throw new InvalidOperationException($"Unexpected benchmark world: {check.Routes.Count} routes, {attached} attachments.");
        }
    }

    /// <summary>Snapshot build plus evaluation: what the CLI does per run.</summary>
    [Benchmark(Baseline = true)]
    public EvaluationResult SnapshotAndEvaluate() => Evaluator.Evaluate(Snapshot.Create(_objects), Options);

    /// <summary>The snapshot build alone, to split the time.</summary>
    [Benchmark]
    public Snapshot SnapshotOnly() => Snapshot.Create(_objects);

    /// <summary>The evaluation alone, on a prebuilt snapshot.</summary>
    [Benchmark]
    public EvaluationResult EvaluateOnly() => Evaluator.Evaluate(_snapshot, Options);

    private static string AppNamespace(int n) => "app-" + n.ToString(CultureInfo.InvariantCulture);

    private static JsonObject Service(string name, string ns)
        => Doc("v1", "Service", name, ns, new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80 }) });

    private static JsonObject Doc(string apiVersion, string kind, string name, string? ns, JsonObject spec)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        return new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata, ["spec"] = spec };
    }
}
