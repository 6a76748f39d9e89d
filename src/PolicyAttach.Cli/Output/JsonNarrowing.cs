using System.Text;
using System.Text.Json;
using PolicyAttach.Cli.Input;
using PolicyAttach.Model;
using PolicyAttach.Status;

namespace PolicyAttach.Cli.Output;

/// <summary>Narrows a JSON array of Kubernetes objects (the output of <c>status</c>) to the objects <c>-n</c>/<c>-l</c> keep.</summary>
internal static class JsonNarrowing
{
    /// <summary>Keeps the elements whose object the filter includes; returns the text unchanged when nothing is narrowed.</summary>
    /// <param name="json">An indented JSON array of objects with <c>apiVersion</c>, <c>kind</c> and <c>metadata</c>.</param>
    /// <param name="snapshot">The input, for the objects' labels.</param>
    /// <param name="filter">The filter.</param>
    /// <returns>The narrowed array, written as the status writer writes.</returns>
    public static string Objects(string json, Snapshot snapshot, ObjectFilter filter)
    {
        if (filter.IsEverything)
        {
            return json;
        }

        using var document = JsonDocument.Parse(json);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, StatusWriter.WriterOptions(indented: true)))
        {
            writer.WriteStartArray();
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (filter.Includes(snapshot, KeyOf(element)))
                {
                    element.WriteTo(writer);
                }
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The key of an object written as JSON.</summary>
    private static ResourceKey KeyOf(JsonElement element)
    {
        var apiVersion = element.TryGetProperty("apiVersion", out var a) ? a.GetString() ?? string.Empty : string.Empty;
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var kind = element.TryGetProperty("kind", out var k) ? k.GetString() ?? string.Empty : string.Empty;
        var metadata = element.TryGetProperty("metadata", out var m) ? m : default;
        string Field(string name) => metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(name, out var v) ? v.GetString() ?? string.Empty : string.Empty;
        return new ResourceKey(slash < 0 ? string.Empty : apiVersion[..slash], kind, Field("namespace"), Field("name"));
    }
}
