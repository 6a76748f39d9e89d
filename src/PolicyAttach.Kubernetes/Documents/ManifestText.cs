using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Loading;

namespace PolicyAttach.Kubernetes.Documents;

/// <summary>
/// Manifest text without files: YAML or JSON text read into JSON documents with the loader's own parsers, and JSON
/// written as block-style YAML that reads back as the same data (strings are quoted whenever YAML could read them as
/// something else). The CLI's <c>--output yaml</c> and PolicyAttach.Testing's counterexamples are written here.
/// </summary>
public static class ManifestText
{
    /// <summary>The words YAML 1.1 reads as booleans or null, in any case.</summary>
    private static readonly string[] Reserved = ["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"];

    private static readonly JsonSerializerOptions StringOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Converts a JSON text to one YAML document (without a <c>---</c> marker).</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The YAML, ending with a newline.</returns>
    public static string ToYaml(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        return ToYaml(document.RootElement);
    }

    /// <summary>Converts a JSON value to one YAML document (without a <c>---</c> marker).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The YAML, ending with a newline.</returns>
    public static string ToYaml(JsonElement value)
    {
        var text = new StringBuilder();
        WriteValue(text, value, 0, topLevel: true);
        return text.ToString();
    }

    /// <summary>
    /// A string as <see cref="ToYaml(JsonElement)"/> writes it, as a key or a value: plain when YAML reads it back as the
    /// same string, else double-quoted. For writers that make the same YAML token by token.
    /// </summary>
    /// <param name="value">The string.</param>
    /// <returns>The YAML scalar.</returns>
    public static string YamlString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Key(value);
    }

    /// <summary>
    /// Appends a string as <see cref="YamlString(string)"/> writes it; a string written plain is copied without
    /// making a string of it.
    /// </summary>
    /// <param name="builder">Where to append.</param>
    /// <param name="value">The string.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static StringBuilder AppendYamlString(StringBuilder builder, ReadOnlySpan<char> value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return IsPlain(value) ? builder.Append(value) : builder.Append(Quote(value.ToString()));
    }

    /// <summary>
    /// Reads YAML (multi-document) or JSON text into its documents, as the loader does before it reads objects:
    /// JSON when the text starts with <c>{</c> or <c>[</c>, YAML otherwise. Kubernetes lists are not expanded.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="name">The name used in diagnostics.</param>
    /// <returns>The documents in order, and a diagnostic for each part that could not be read.</returns>
    public static ParsedText Parse(string text, string name = "-")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(name);
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var limits = ReaderLimits.From(new ManifestLoaderOptions());
        var items = new List<ParsedItem>();
        var trimmed = text.AsSpan().TrimStart();
        if (!trimmed.IsEmpty && trimmed[0] is '{' or '[')
        {
            JsonSourceReader.Read(Encoding.UTF8.GetBytes(text), name, limits, items);
        }
        else
        {
            YamlSourceReader.Read(text, name, limits, items.AddRange);
        }

        var documents = new List<JsonElement>();
        var diagnostics = new List<Diagnostic>();
        foreach (var item in items)
        {
            if (item.Diagnostic is { } diagnostic)
            {
                diagnostics.Add(diagnostic);
            }
            else if (item.Tokens is { } tokens)
            {
                using (tokens)
                {
                    documents.Add(tokens.ToElement());
                }
            }
            else if (JsonEmitter.TryConvert(item.Root!, limits, out var element, out var problem))
            {
                documents.Add(element);
            }
            else
            {
                diagnostics.Add(TextDiagnostics.Malformed(problem + " The document is skipped.", name, item.Root!.Line, item.Root.Column));
            }
        }

        return new ParsedText(documents, diagnostics.ToEquatableArray());
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
    /// <remarks>
    /// Plain: a letter, <c>_</c> or <c>/</c> first, then only letters, digits, <c>_ - . /</c>, and neither a YAML 1.1
    /// keyword (<see cref="Reserved"/>) nor a number. Of such strings only <c>Infinity</c> and <c>NaN</c> (any case)
    /// parse as a number (the floating-point parser's words), so no parse is needed: this runs for every string of a
    /// large <c>-o yaml</c> output.
    /// </remarks>
    internal static bool IsPlain(ReadOnlySpan<char> text)
    {
        if (text.Length == 0 || !(char.IsAsciiLetter(text[0]) || text[0] is '_' or '/'))
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

        return text.Length > 8 || !(IsReserved(text) || text.Equals("Infinity", StringComparison.OrdinalIgnoreCase) || text.Equals("NaN", StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsReserved(ReadOnlySpan<char> text)
    {
        foreach (var word in Reserved)
        {
            if (text.Equals(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The documents of a text and the problems met reading it.</summary>
/// <param name="Documents">The documents, in order.</param>
/// <param name="Diagnostics">A diagnostic for each part that could not be read, with its line and column.</param>
public sealed record ParsedText(IReadOnlyList<JsonElement> Documents, EquatableArray<Diagnostic> Diagnostics);
