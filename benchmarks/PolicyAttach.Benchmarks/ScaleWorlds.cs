using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyAttach.Kubernetes.Documents;

namespace PolicyAttach.Benchmarks;

/// <summary>
/// The two inputs of the whole-path measurements, written as files the way users hand them to the tool: the
/// <see cref="PolicyBenchmarks"/> world (10,000 HTTPRoutes, 10,000 policies) as one JSON <c>List</c> (about 17 MB), and
/// 50,000 HTTPRoutes with 4 rules and two parents each on 100 Gateways of 64 listeners as one block-style YAML stream
/// (about 65 MB); and for the commands whose output grows with the input (<c>explain</c>, <c>graph</c>, <c>diff</c>),
/// one Gateway <c>default/gw</c> of 64 listeners with 50,000 HTTPRoutes, as compact JSON, with a copy where a few
/// routes changed. All are deterministic: the same bytes on every machine.
/// </summary>
internal static class ScaleWorlds
{
    public const string JsonWorldFile = "world-10k.json";
    public const string YamlWorldFile = "routes-50k.yaml";
    public const int YamlRoutes = 50_000;
    public const string GatewayWorldFile = "gateway-50k.json";
    public const string GatewayWorldChangedFile = "gateway-50k-changed.json";

    /// <summary>The documents of the JSON world: the cluster, then the policies.</summary>
    public static List<JsonObject> JsonWorldDocuments()
    {
        var documents = BenchmarkWorld.Documents(PolicyBenchmarks.Routes);
        for (var p = 0; p < PolicyBenchmarks.Policies; p++)
        {
            documents.Add(PolicyBenchmarks.Policy(p));
        }

        return documents;
    }

    /// <summary>The JSON world as UTF-8 bytes: a <c>v1</c> <c>List</c>, written compactly.</summary>
    public static byte[] JsonWorld() => JsonList(JsonWorldDocuments());

    /// <summary>The YAML world as UTF-8 bytes: one document per object, each after a <c>---</c> line.</summary>
    public static byte[] YamlWorld()
    {
        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" })
        {
            foreach (var document in BenchmarkWorld.Documents(YamlRoutes))
            {
                document["metadata"]!["labels"] = new JsonObject
                {
                    ["app.kubernetes.io/name"] = document["metadata"]!["name"]!.GetValue<string>(),
                    ["app.kubernetes.io/part-of"] = "scale-benchmark",
                };
                writer.Write("---\n");
                writer.Write(ManifestText.ToYaml(JsonSerializer.SerializeToElement(document)));
            }
        }

        return stream.ToArray();
    }

    /// <summary>
    /// One Gateway <c>default/gw</c> of <see cref="BenchmarkWorld.ListenersPerGateway"/> HTTP listeners (hostnames
    /// <c>h0.example.com</c>...) and <paramref name="routes"/> HTTPRoutes in <c>default</c>, each with one parentRef to
    /// it (no sectionName, so every listener is considered), one hostname (so one listener attaches and the others
    /// refuse with a hostname mismatch), 4 named rules and 2 backends per rule. With <paramref name="changed"/>, every
    /// thousandth route serves another hostname and the last route is gone: the input of <c>diff</c>.
    /// </summary>
    public static List<JsonObject> GatewayWorldDocuments(int routes, bool changed = false)
    {
        var group = BenchmarkWorld.GatewayGroup;
        var listeners = new JsonArray();
        for (var l = 0; l < BenchmarkWorld.ListenersPerGateway; l++)
        {
            listeners.Add(new JsonObject
            {
                ["name"] = BenchmarkWorld.ListenerName(l),
                ["protocol"] = "HTTP",
                ["port"] = 80,
                ["hostname"] = $"h{l}.example.com",
            });
        }

        var documents = new List<JsonObject>
        {
            BenchmarkWorld.Doc($"{group}/v1", "GatewayClass", "gc", null, new JsonObject { ["controllerName"] = BenchmarkWorld.Controller }),
            BenchmarkWorld.Doc($"{group}/v1", "Gateway", "gw", "default", new JsonObject { ["gatewayClassName"] = "gc", ["listeners"] = listeners }),
        };
        for (var s = 0; s < 10; s++)
        {
            documents.Add(BenchmarkWorld.Doc("v1", "Service", $"svc-{s}", "default", new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80 }) }));
        }

        for (var r = 0; r < (changed ? routes - 1 : routes); r++)
        {
            var rules = new JsonArray();
            for (var rule = 0; rule < BenchmarkWorld.RulesPerRoute; rule++)
            {
                rules.Add(new JsonObject
                {
                    ["name"] = BenchmarkWorld.RuleName(rule),
                    ["matches"] = new JsonArray(new JsonObject { ["path"] = new JsonObject { ["type"] = "PathPrefix", ["value"] = $"/r{r}/{rule}" } }),
                    ["backendRefs"] = new JsonArray(
                        new JsonObject { ["name"] = $"svc-{(r + rule) % 10}", ["port"] = 80 },
                        new JsonObject { ["name"] = $"svc-{(r + rule + 1) % 10}", ["port"] = 80 }),
                });
            }

            var host = changed && r % 1000 == 0 ? (r + 1) % BenchmarkWorld.ListenersPerGateway : r % BenchmarkWorld.ListenersPerGateway;
            documents.Add(BenchmarkWorld.Doc($"{group}/v1", "HTTPRoute", BenchmarkWorld.RouteName(r), "default", new JsonObject
            {
                ["parentRefs"] = new JsonArray(new JsonObject { ["name"] = "gw" }),
                ["hostnames"] = new JsonArray((JsonNode)$"h{host}.example.com"),
                ["rules"] = rules,
            }));
        }

        return documents;
    }

    /// <summary>Documents as one compact JSON <c>v1</c> <c>List</c>, UTF-8.</summary>
    public static byte[] JsonList(IEnumerable<JsonObject> documents)
    {
        var items = new JsonArray();
        foreach (var document in documents)
        {
            items.Add(document);
        }

        var list = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = items };
        return Encoding.UTF8.GetBytes(list.ToJsonString() + "\n");
    }

    /// <summary>Writes the worlds into a folder (created if needed).</summary>
    public static void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, JsonWorldFile), JsonWorld());
        File.WriteAllBytes(Path.Combine(folder, YamlWorldFile), YamlWorld());
        File.WriteAllBytes(Path.Combine(folder, GatewayWorldFile), JsonList(GatewayWorldDocuments(YamlRoutes)));
        File.WriteAllBytes(Path.Combine(folder, GatewayWorldChangedFile), JsonList(GatewayWorldDocuments(YamlRoutes, changed: true)));
    }
}
