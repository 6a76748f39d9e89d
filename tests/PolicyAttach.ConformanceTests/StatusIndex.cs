using System.Text.Json;
using PolicyAttach.Model;

namespace PolicyAttach.ConformanceTests;

/// <summary>The parsed output of <c>StatusWriter.ToJson</c>, indexed by (group, kind, namespace, name).</summary>
internal sealed class StatusIndex
{
    private readonly Dictionary<string, JsonElement> _entries = new(StringComparer.Ordinal);

    public StatusIndex(JsonDocument document)
    {
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            var apiVersion = entry.GetProperty("apiVersion").GetString()!;
            var slash = apiVersion.LastIndexOf('/');
            var group = slash < 0 ? string.Empty : apiVersion[..slash];
            var metadata = entry.GetProperty("metadata");
            var ns = metadata.TryGetProperty("namespace", out var n) ? n.GetString() : null;
            _entries[Key(group, entry.GetProperty("kind").GetString()!, ns, metadata.GetProperty("name").GetString()!)] = entry;
        }
    }

    public static string Key(string group, string kind, string? ns, string name) => $"{group}/{kind}/{ns ?? string.Empty}/{name}";

    public JsonElement? Find(string group, string kind, string? ns, string name) =>
        _entries.TryGetValue(Key(group, kind, ns, name), out var entry) ? entry : null;

    public IEnumerable<JsonElement> Entries => _entries.Values;
}

/// <summary>Reading helpers over status JSON.</summary>
internal static class StatusJson
{
    public static string? Str(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static IEnumerable<JsonElement> Items(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    public static JsonElement? Condition(this JsonElement holder, string type) =>
        holder.Items("conditions").Where(c => c.Str("type") == type).Select(c => (JsonElement?)c).FirstOrDefault();

    public static string Describe(this JsonElement? condition) =>
        condition is { } c ? $"{c.Str("type")}={c.Str("status")}/{c.Str("reason")}" : "absent";

    public static string DescribeConditions(this JsonElement holder)
    {
        var conditions = holder.Items("conditions").Select(c => ((JsonElement?)c).Describe()).ToList();
        return conditions.Count == 0 ? "[]" : "[" + string.Join(", ", conditions) + "]";
    }
}
