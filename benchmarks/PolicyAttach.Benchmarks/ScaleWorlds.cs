using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyAttach.Kubernetes.Documents;

namespace PolicyAttach.Benchmarks;

/// <summary>
/// The two inputs of the whole-path measurements, written as files the way users hand them to the tool: the
/// <see cref="PolicyBenchmarks"/> world (10,000 HTTPRoutes, 10,000 policies) as one JSON <c>List</c> (about 17 MB), and
/// 50,000 HTTPRoutes with 4 rules and two parents each on 100 Gateways of 64 listeners as one block-style YAML stream
/// (about 65 MB). Both are deterministic: the same bytes on every machine.
/// </summary>
internal static class ScaleWorlds
{
    public const string JsonWorldFile = "world-10k.json";
    public const string YamlWorldFile = "routes-50k.yaml";
    public const int YamlRoutes = 50_000;

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
    public static byte[] JsonWorld()
    {
        var items = new JsonArray();
        foreach (var document in JsonWorldDocuments())
        {
            items.Add(document);
        }

        var list = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = items };
        return Encoding.UTF8.GetBytes(list.ToJsonString() + "\n");
    }

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

    /// <summary>Writes both worlds into a folder (created if needed).</summary>
    public static void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, JsonWorldFile), JsonWorld());
        File.WriteAllBytes(Path.Combine(folder, YamlWorldFile), YamlWorld());
    }
}
