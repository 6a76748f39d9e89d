using System.Buffers;
using System.Text.Json;

namespace PolicyAttach.Kubernetes.Documents;

/// <summary>
/// Writes a <see cref="SourceNode"/> as JSON and reads it back as a standalone <see cref="JsonElement"/>, expanding
/// aliases within the node budget and depth limit.
/// </summary>
internal static class JsonEmitter
{
    /// <summary>Converts a node; returns false with a reason when a limit is exceeded.</summary>
    public static bool TryConvert(SourceNode root, ReaderLimits limits, out JsonElement element, out string? problem)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, MaxDepth = limits.MaxDepth + 1 }))
        {
            var budget = limits.MaxNodes;
            problem = Write(writer, root, 0, ref budget, limits.MaxDepth);
            if (problem is not null)
            {
                element = default;
                return false;
            }
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan, new JsonReaderOptions { MaxDepth = limits.MaxDepth + 1 });
        element = JsonElement.ParseValue(ref reader);
        return true;
    }

    private static string? Write(Utf8JsonWriter writer, SourceNode node, int depth, ref long budget, int maxDepth)
    {
        if (--budget < 0)
        {
            return "the document expands to too many nodes once its aliases are resolved (an alias bomb?).";
        }

        switch (node.Kind)
        {
            case SourceNodeKind.Null:
                writer.WriteNullValue();
                return null;
            case SourceNodeKind.Boolean:
                writer.WriteBooleanValue(node.Text == "true");
                return null;
            case SourceNodeKind.Number:
                writer.WriteRawValue(node.Text!, skipInputValidation: true);
                return null;
            case SourceNodeKind.String:
                writer.WriteStringValue(node.Text);
                return null;
        }

        if (depth >= maxDepth)
        {
            return $"the document is nested more than {maxDepth} levels deep once its aliases are resolved.";
        }

        if (node.Kind == SourceNodeKind.Sequence)
        {
            writer.WriteStartArray();
            foreach (var item in node.Items!)
            {
                if (Write(writer, item, depth + 1, ref budget, maxDepth) is { } problem)
                {
                    return problem;
                }
            }

            writer.WriteEndArray();
            return null;
        }

        writer.WriteStartObject();
        foreach (var property in node.Properties!)
        {
            writer.WritePropertyName(property.Key);
            if (Write(writer, property.Value, depth + 1, ref budget, maxDepth) is { } problem)
            {
                return problem;
            }
        }

        writer.WriteEndObject();
        return null;
    }
}
