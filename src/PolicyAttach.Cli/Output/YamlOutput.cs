using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PolicyAttach.Cli.Output;

/// <summary>Writes JSON data as block-style YAML (the same data; strings quoted whenever YAML could read them otherwise).</summary>
internal static class YamlOutput
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
    };

    private static readonly JsonSerializerOptions StringOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Converts a JSON text to YAML.</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The YAML, ending with a newline.</returns>
    public static string FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var text = new StringBuilder();
        WriteValue(text, document.RootElement, 0, topLevel: true);
        return text.ToString();
    }

    private static void WriteValue(StringBuilder text, JsonElement value, int indent, bool topLevel = false)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when value.EnumerateObject().Any():
                if (!topLevel)
                {
                    text.Append('\n');
                }

                WriteMapping(text, value, indent);
                break;
            case JsonValueKind.Array when value.GetArrayLength() > 0:
                if (!topLevel)
                {
                    text.Append('\n');
                }

                WriteSequence(text, value, indent);
                break;
            default:
                if (!topLevel)
                {
                    text.Append(' ');
                }

                text.Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static void WriteMapping(StringBuilder text, JsonElement value, int indent, bool firstInline = false)
    {
        var first = true;
        foreach (var property in value.EnumerateObject())
        {
            if (!(first && firstInline))
            {
                text.Append(' ', indent);
            }

            first = false;
            text.Append(Key(property.Name)).Append(':');
            WriteValue(text, property.Value, indent + 2);
        }
    }

    private static void WriteSequence(StringBuilder text, JsonElement value, int indent)
    {
        foreach (var item in value.EnumerateArray())
        {
            text.Append(' ', indent).Append("- ");
            if (item.ValueKind == JsonValueKind.Object && item.EnumerateObject().Any())
            {
                WriteMapping(text, item, indent + 2, firstInline: true);
            }
            else if (item.ValueKind == JsonValueKind.Array && item.GetArrayLength() > 0)
            {
                text.Append('\n');
                WriteSequence(text, item, indent + 2);
            }
            else
            {
                text.Append(Scalar(item)).Append('\n');
            }
        }
    }

    private static string Key(string name) => IsPlain(name) ? name : Quote(name);

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "{}",
        JsonValueKind.Array => "[]",
        JsonValueKind.String => IsPlain(value.GetString()!) ? value.GetString()! : Quote(value.GetString()!),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };

    private static string Quote(string text) => JsonSerializer.Serialize(text, StringOptions);

    /// <summary>Whether a string can be written unquoted and reads back as the same string.</summary>
    private static bool IsPlain(string text)
    {
        if (text.Length == 0 || Reserved.Contains(text) || !(char.IsAsciiLetter(text[0]) || text[0] is '_' or '/'))
        {
            return false;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/'))
            {
                return false;
            }
        }

        return true;
    }
}
