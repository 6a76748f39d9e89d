using System.Collections.Immutable;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.Testing;

namespace PolicyAttach.PropertyTests.Support;

/// <summary>JSON documents that are valid JSON but not necessarily valid objects, printed one a line.</summary>
public sealed record GarbageDocuments(ImmutableArray<string> Documents)
{
    public IEnumerable<GarbageDocuments> Shrink()
    {
        for (var i = Documents.Length - 1; i >= 0; i--)
        {
            yield return new GarbageDocuments(Documents.RemoveAt(i));
        }
    }

    /// <inheritdoc />
    public override string ToString()
        => $"Documents ({Documents.Length}):{Environment.NewLine}" + string.Join(Environment.NewLine, Documents);

    /// <inheritdoc />
    public bool Equals(GarbageDocuments? other) => other is not null && Documents.SequenceEqual(other.Documents, StringComparer.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => Documents.Length;
}

/// <summary>
/// Random JSON trees, known kinds with random specs, generated objects with fields replaced, deleted or flipped to
/// another JSON type, and documents with repeated keys.
/// </summary>
internal static class GarbageGenerators
{
    private static readonly string[] FieldNames =
    [
        "apiVersion", "kind", "metadata", "name", "namespace", "generation", "creationTimestamp", "labels", "spec",
        "gatewayClassName", "controllerName", "listeners", "protocol", "port", "hostname", "hostnames", "tls", "mode",
        "certificateRefs", "allowedRoutes", "namespaces", "from", "selector", "matchLabels", "matchExpressions", "kinds",
        "parentRefs", "parentRef", "sectionName", "group", "rules", "backendRefs", "matches", "filters", "path", "value",
        "type", "to", "ports", "data", "stringData", "weight", "key", "operator", "values",
    ];

    private static readonly string[] Strings =
    [
        "", "HTTP", "HTTPS", "TLS", "TCP", "UDP", "Gateway", "HTTPRoute", "Service", "Secret", "default", "gw-a", "l0",
        "*", "*.", "*.example.com", "example.com", "Exists", "In", "NotIn", "DoesNotExist", "Same", "All", "Selector",
        "Terminate", "Passthrough", "v1", "gateway.networking.k8s.io/v1", "80", "-1", "2024-13-45T99:99:99Z",
        "\u00e9\u4e2d\u0000", new string('a', 300), "gateway.networking.k8s.io", "PathPrefix", "/", "RequestMirror",
    ];

    private static readonly string[] ApiVersions =
    [
        "v1", "gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1", "gateway.networking.k8s.io/v1alpha2",
        "gateway.networking.k8s.io/v9", "gateway.networking.x-k8s.io/v1alpha1", "example.com/v1",
    ];

    private static readonly string[] Kinds =
    [
        "Gateway", "GatewayClass", "ListenerSet", "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute",
        "ReferenceGrant", "Service", "Secret", "ConfigMap", "Namespace", "BackendTLSPolicy", "XBackendTrafficPolicy",
        "Ingress", "IngressClass", "SomethingPolicy",
    ];

    private static readonly string[] Namespaces = ["default", "infra", "app", "team", "shared"];

    /// <summary>Documents of one generated world (valid ones, and others broken from them) and random JSON.</summary>
    public static Gen<GarbageDocuments> Documents() =>
        from world in WorldGenerators.World()
        let valid = Gen.Elements(world.Objects.Select(o => o.ToJson()).ToArray())
        from docs in Gen.Frequency(
                (1, Tree(3).Select(t => t?.ToJsonString() ?? "null")),
                (3, KnownKindWithRandomSpec()),
                (5, Mutated(valid)),
                (1, RepeatedKey(valid)),
                (2, valid))
            .NonEmptyListOf().Resize(6)
        select new GarbageDocuments([.. docs]);

    private static Gen<JsonNode?> Leaf() => Gen.OneOf(
        Gen.Constant<JsonNode?>(null),
        Gen.Elements(true, false).Select(b => (JsonNode?)b),
        Gen.Elements(0L, -1L, 1L, 80L, 443L, 65536L, long.MaxValue, long.MinValue).Select(n => (JsonNode?)n),
        Gen.Elements(1.5, -0.0, 1e300).Select(d => (JsonNode?)d),
        Gen.Elements(Strings).Select(s => (JsonNode?)s));

    private static Gen<JsonNode?> Tree(int depth)
    {
        if (depth <= 0)
        {
            return Leaf();
        }

        var child = Tree(depth - 1);
        return Gen.Frequency(
            (3, Leaf()),
            (1, child.ListOf().Resize(3).Select(items => (JsonNode?)new JsonArray([.. items]))),
            (2, Gen.Zip(Gen.Elements(FieldNames), child).ListOf().Resize(4).Select(pairs =>
            {
                var result = new JsonObject();
                foreach (var (key, value) in pairs)
                {
                    result[key] = value;
                }

                return (JsonNode?)result;
            })));
    }

    private static Gen<string> KnownKindWithRandomSpec() =>
        from apiVersion in Gen.Elements(ApiVersions)
        from kind in Gen.Elements(Kinds)
        from metadata in Gen.Frequency(
            (4, Gen.Elements(Namespaces).Select(ns => (JsonNode?)new JsonObject { ["name"] = "x", ["namespace"] = ns })),
            (1, Tree(2)))
        from spec in Tree(4)
        select new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata, ["spec"] = spec }.ToJsonString();

    private static Gen<string> Mutated(Gen<string> valid) =>
        from document in valid
        from edits in Gen.Zip(Gen.Choose(0, 10_000), Gen.Zip(Gen.Choose(0, 2), Tree(2))).NonEmptyListOf().Resize(3)
        select Mutate(document, edits.Select(e => (e.Item1, e.Item2.Item1, (JsonNode?)e.Item2.Item2)));

    /// <summary>A document whose top-level object repeats a key (JSON allows it; YAML loaders may too).</summary>
    private static Gen<string> RepeatedKey(Gen<string> valid) =>
        from document in valid
        from key in Gen.Elements("kind", "apiVersion", "metadata", "spec")
        from value in Tree(2)
        select "{\"" + key + "\":" + (value?.ToJsonString() ?? "null") + "," + document[1..];

    private static string Mutate(string document, IEnumerable<(int Pick, int Action, JsonNode? Replacement)> edits)
    {
        var root = JsonNode.Parse(document)!;
        foreach (var (pick, action, replacement) in edits)
        {
            var places = new List<(JsonNode Parent, string? Key, int Index)>();
            Collect(root, places);
            if (places.Count == 0)
            {
                break;
            }

            var (parent, key, index) = places[pick % places.Count];
            var current = key is null ? parent.AsArray()[index] : parent.AsObject()[key];
            var value = action switch
            {
                0 => replacement,
                1 => Flip(current),
                _ => null,
            };
            if (action == 2)
            {
                if (key is null)
                {
                    parent.AsArray().RemoveAt(index);
                }
                else
                {
                    parent.AsObject().Remove(key);
                }

                continue;
            }

            if (key is null)
            {
                parent.AsArray()[index] = value;
            }
            else
            {
                parent.AsObject()[key] = value;
            }
        }

        return root.ToJsonString();
    }

    /// <summary>The same content as another JSON type: string to number, number to string, object to array, ...</summary>
    private static JsonNode? Flip(JsonNode? node) => node switch
    {
        null => new JsonObject(),
        JsonObject o => new JsonArray([.. o.Select(p => p.Value?.DeepClone())]),
        JsonArray a => a.Count == 0 ? JsonValue.Create("") : a[0]?.DeepClone(),
        JsonValue v when v.TryGetValue<string>(out var s) => long.TryParse(s, out var n) ? JsonValue.Create(n) : JsonValue.Create(s.Length),
        JsonValue v when v.TryGetValue<bool>(out var b) => JsonValue.Create(b ? "true" : "false"),
        _ => JsonValue.Create(node.ToJsonString()),
    };

    private static void Collect(JsonNode node, List<(JsonNode Parent, string? Key, int Index)> places)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    places.Add((o, key, -1));
                    if (value is not null)
                    {
                        Collect(value, places);
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    places.Add((a, null, i));
                    if (a[i] is { } item)
                    {
                        Collect(item, places);
                    }
                }

                break;
        }
    }
}
