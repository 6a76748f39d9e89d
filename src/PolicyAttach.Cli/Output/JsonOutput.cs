using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using PolicyAttach.Kubernetes.Documents;

namespace PolicyAttach.Cli.Output;

/// <summary>Serializes the CLI's own data records: camelCase, indented, nulls written, <c>\n</c> newlines.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Serializes a value by its runtime type.</summary>
    /// <param name="value">The value.</param>
    /// <returns>Indented JSON.</returns>
    public static string Serialize(object value) => JsonSerializer.Serialize(value, value.GetType(), Options);

    /// <summary>
    /// Writes a value to standard output in the requested format, ending with one newline. JSON goes straight to the
    /// output's bytes as it is serialized when the host has them (the tool's own process), so output of any size is
    /// never held; otherwise, and for YAML, it is the text of <see cref="Render"/>. The bytes are the same either way.
    /// </summary>
    /// <param name="context">The CLI context.</param>
    /// <param name="value">The value (serialized by its runtime type).</param>
    /// <param name="format">JSON or YAML.</param>
    public static void Write(CommandLine.CliContext context, object value, OutputFormat format)
    {
        if (format == OutputFormat.Json && context.StdoutBytes is { } open)
        {
            context.Stdout.Flush();
            using var stream = new BufferedStream(open(), 1 << 16);
            JsonSerializer.Serialize(stream, value, value.GetType(), Options);
            stream.WriteByte((byte)'\n');
            return;
        }

        context.Out(Render(Serialize(value), format));
    }

    /// <summary>Writes a JSON text in the requested format (JSON as is, or YAML).</summary>
    /// <param name="json">The JSON.</param>
    /// <param name="format">JSON or YAML.</param>
    /// <returns>The text.</returns>
    public static string Render(string json, OutputFormat format)
        => format == OutputFormat.Yaml ? ManifestText.ToYaml(json) : json.Replace("\r\n", "\n", StringComparison.Ordinal);
}
