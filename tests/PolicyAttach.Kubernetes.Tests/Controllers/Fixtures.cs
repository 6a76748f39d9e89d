using System.Text.Json;
using k8s;
using PolicyAttach.Kubernetes.Controllers;

namespace PolicyAttach.Kubernetes.Tests.Controllers;

/// <summary>The recorded list response and watch events under Fixtures.</summary>
internal static class Fixtures
{
    public const string Controller = "example.com/gateway-controller";

    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    public static IEnumerable<JsonElement> ListItems()
    {
        using var document = JsonDocument.Parse(Read("list.json"));
        return document.RootElement.GetProperty("items").EnumerateArray().Select(i => i.Clone()).ToList();
    }

    public static IReadOnlyList<(WatchEventType Type, JsonElement Object)> WatchEvents()
        => Read("watch-events.jsonl").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            var type = Enum.Parse<WatchEventType>(document.RootElement.GetProperty("type").GetString()!, ignoreCase: true);
            return (type, document.RootElement.GetProperty("object").Clone());
        }).ToList();

    public static ObjectStore LoadedStore()
    {
        var store = new ObjectStore();
        foreach (var item in ListItems())
        {
            store.Apply(WatchEventType.Added, item);
        }

        return store;
    }
}
