using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyAttach.Binding;
using PolicyAttach.Manifests;
using PolicyAttach.Model;

namespace PolicyAttach.Benchmarks;

/// <summary>
/// The large cluster the evaluation benchmarks share: 100 Gateways with 64 HTTP listeners each, and HTTPRoutes with
/// two parentRefs, 4 named rules and 2 backends per rule, 20% of the backends in a shared namespace reached through a
/// ReferenceGrant.
/// </summary>
internal static class BenchmarkWorld
{
    public const string GatewayGroup = "gateway.networking.k8s.io";
    public const string Controller = "example.com/gateway-controller";
    public const int GatewayCount = 100;
    public const int ListenersPerGateway = 64;
    public const int RulesPerRoute = 4;
    public const int RouteNamespaces = 20;
    private const int ServicesPerNamespace = 10;

    public static EvaluationOptions Options { get; } = new() { ControllerNames = Collections.EquatableArray.Create(Controller) };

    public static string GatewayName(int g) => "gw-" + Number(g);

    public static string ListenerName(int l) => "l" + Number(l);

    public static string RouteName(int r) => "route-" + Number(r);

    public static string RuleName(int rule) => "rule-" + Number(rule);

    public static string AppNamespace(int n) => "app-" + Number(n);

    /// <summary>The namespace of route <paramref name="r"/>.</summary>
    public static string RouteNamespace(int r) => AppNamespace(r % RouteNamespaces);

    /// <summary>The documents of the cluster with <paramref name="routes"/> HTTPRoutes.</summary>
    public static List<JsonObject> Documents(int routes)
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
                    ["name"] = ListenerName(l),
                    ["protocol"] = "HTTP",
                    ["port"] = 80,
                    ["hostname"] = $"h{Number(l)}.example.com",
                    ["allowedRoutes"] = new JsonObject { ["namespaces"] = new JsonObject { ["from"] = "All" } },
                });
            }

            documents.Add(Doc($"{GatewayGroup}/v1", "Gateway", GatewayName(g), "infra", new JsonObject { ["gatewayClassName"] = "gc", ["listeners"] = listeners }));
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
                documents.Add(Service($"svc-{Number(s)}", ns));
            }
        }

        for (var s = 0; s < ServicesPerNamespace; s++)
        {
            documents.Add(Service($"svc-{Number(s)}", "shared"));
        }

        var backendIndex = 0;
        for (var r = 0; r < routes; r++)
        {
            var rules = new JsonArray();
            for (var rule = 0; rule < RulesPerRoute; rule++)
            {
                var backends = new JsonArray();
                for (var b = 0; b < 2; b++, backendIndex++)
                {
                    // Every fifth backend is in the shared namespace: 20% cross-namespace, all granted.
                    var backend = new JsonObject { ["name"] = $"svc-{Number(backendIndex % ServicesPerNamespace)}", ["port"] = 80 };
                    if (backendIndex % 5 == 0)
                    {
                        backend["namespace"] = "shared";
                    }

                    backends.Add(backend);
                }

                rules.Add(new JsonObject
                {
                    ["name"] = RuleName(rule),
                    ["matches"] = new JsonArray(new JsonObject { ["path"] = new JsonObject { ["type"] = "PathPrefix", ["value"] = $"/r{Number(r)}/{Number(rule)}" } }),
                    ["backendRefs"] = backends,
                });
            }

            var parents = new JsonArray(
                new JsonObject { ["name"] = GatewayName(r % GatewayCount), ["namespace"] = "infra" },
                new JsonObject { ["name"] = GatewayName((r + 1) % GatewayCount), ["namespace"] = "infra" });
            documents.Add(Doc($"{GatewayGroup}/v1", "HTTPRoute", RouteName(r), RouteNamespace(r), new JsonObject
            {
                ["parentRefs"] = parents,
                ["hostnames"] = new JsonArray((JsonNode)$"h{Number(r % ListenersPerGateway)}.example.com"),
                ["rules"] = rules,
            }));
        }

        return documents;
    }

    /// <summary>Reads the documents; fails when the reader drops one.</summary>
    public static List<KubeObject> Read(IEnumerable<JsonObject> documents)
    {
        var objects = new List<KubeObject>();
        foreach (var document in documents)
        {
            using var parsed = JsonDocument.Parse(document.ToJsonString());
            var read = ManifestReader.Read(parsed.RootElement);
            objects.Add(read.Resource ?? throw new InvalidOperationException($"The benchmark input was dropped: {string.Join("; ", read.Diagnostics.Select(d => d.Message))}"));
        }

        return objects;
    }

    /// <summary>Fails unless every route attached twice and every backend resolved.</summary>
    public static void Check(EvaluationResult result, int routes)
    {
        var attached = result.Gateways.Sum(gw => gw.Listeners.Sum(l => l.AttachedRoutes));
        if (result.Routes.Count != routes || attached != 2 * routes || result.Routes.Any(route => route.BackendRefs.Any(b => !b.IsValid)))
        {
            throw new InvalidOperationException($"Unexpected benchmark world: {result.Routes.Count} routes, {attached} attachments.");
        }
    }

    public static JsonObject Doc(string apiVersion, string kind, string name, string? ns, JsonObject spec)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        return new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata, ["spec"] = spec };
    }

    private static JsonObject Service(string name, string ns)
        => Doc("v1", "Service", name, ns, new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80 }) });

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
}
