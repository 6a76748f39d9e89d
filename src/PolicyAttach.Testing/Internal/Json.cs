using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyAttach.Collections;

namespace PolicyAttach.Testing.Internal;

/// <summary>Small helpers to write manifests as JSON nodes in a fixed field order.</summary>
internal static class Json
{
    /// <summary>An object of the given properties, in order, leaving out null values.</summary>
    public static JsonObject Obj(params (string Key, JsonNode? Value)[] properties)
    {
        var result = new JsonObject();
        foreach (var (key, value) in properties)
        {
            if (value is not null)
            {
                result[key] = value;
            }
        }

        return result;
    }

    /// <summary>An array of the nodes, or null when there are none (so the field is left out).</summary>
    public static JsonArray? ArrayOrNull(IEnumerable<JsonNode?> items)
    {
        var array = new JsonArray([.. items]);
        return array.Count == 0 ? null : array;
    }

    /// <summary>An array of strings, or null when empty.</summary>
    public static JsonArray? Strings(IEnumerable<string> items) => ArrayOrNull(items.Select(i => (JsonNode?)i));

    /// <summary>A map as a JSON object, or null when empty.</summary>
    public static JsonObject? Map(StringMap map)
    {
        if (map.Count == 0)
        {
            return null;
        }

        var result = new JsonObject();
        foreach (var (key, value) in map)
        {
            result[key] = value;
        }

        return result;
    }

    /// <summary>A copy of JSON data as a node.</summary>
    public static JsonNode? Node(JsonData? data) => data is null ? null : JsonNode.Parse(data.Element.GetRawText());

    /// <summary>RFC 3339 in UTC, as Kubernetes writes timestamps.</summary>
    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Compact JSON text of a node, in the writer options the engine uses.</summary>
    public static string Text(JsonNode node) => node.ToJsonString(Options);

    private static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
