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

    /// <summary>The writer options that give the same bytes as <see cref="Serialize"/>: indented, <c>\n</c> newlines, relaxed escaping.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Indented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Serializes a value by its runtime type.</summary>
    /// <param name="value">The value.</param>
    /// <returns>Indented JSON.</returns>
    public static string Serialize(object value) => JsonSerializer.Serialize(value, value.GetType(), Options);

    /// <summary>
    /// Writes a value to standard output in the requested format, ending with one newline, as it is serialized: JSON
    /// goes straight to the output's bytes when the host has them (the tool's own process), and YAML is written from
    /// the JSON tokens as they come (<see cref="YamlStream"/>), so output of any size is never held whole. The bytes
    /// are those of <see cref="Render"/> of <see cref="Serialize"/>.
    /// </summary>
    /// <param name="context">The CLI context.</param>
    /// <param name="value">The value (serialized by its runtime type).</param>
    /// <param name="format">JSON or YAML.</param>
    public static void Write(CommandLine.CliContext context, object value, OutputFormat format)
        => WriteStream(context, stream => JsonSerializer.Serialize(stream, value, value.GetType(), Options), format);

    /// <summary>
    /// Writes one JSON value made by a <see cref="Utf8JsonWriter"/> (with <see cref="WriterOptions"/>) to standard
    /// output in the requested format, streamed as <see cref="Write(CommandLine.CliContext, object, OutputFormat)"/> is.
    /// </summary>
    /// <param name="context">The CLI context.</param>
    /// <param name="write">Writes the value.</param>
    /// <param name="format">JSON or YAML.</param>
    public static void Write(CommandLine.CliContext context, Action<Utf8JsonWriter> write, OutputFormat format)
        => WriteStream(context, stream =>
        {
            using var writer = new Utf8JsonWriter(stream, WriterOptions);
            write(writer);
        }, format);

    /// <summary>Writes a value by its runtime type into a writer, as <see cref="Serialize"/> writes it.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value.</param>
    public static void WriteValue(Utf8JsonWriter writer, object value) => JsonSerializer.Serialize(writer, value, value.GetType(), Options);

    /// <summary>Writes a JSON text in the requested format (JSON as is, or YAML).</summary>
    /// <param name="json">The JSON.</param>
    /// <param name="format">JSON or YAML.</param>
    /// <returns>The text.</returns>
    public static string Render(string json, OutputFormat format)
        => format == OutputFormat.Yaml ? ManifestText.ToYaml(json) : json.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static void WriteStream(CommandLine.CliContext context, Action<Stream> serialize, OutputFormat format)
    {
        if (format == OutputFormat.Yaml)
        {
            using var yaml = new YamlStream(context.Stdout);
            using (var buffered = new BufferedStream(yaml, 1 << 16))
            {
                serialize(buffered);
            }

            yaml.Finish();
            return;
        }

        if (context.StdoutBytes is { } open)
        {
            context.Stdout.Flush();
            using var stream = new BufferedStream(open(), 1 << 16);
            serialize(stream);
            stream.WriteByte((byte)'\n');
            return;
        }

        using var memory = new MemoryStream();
        serialize(memory);
        context.Out(System.Text.Encoding.UTF8.GetString(memory.GetBuffer(), 0, (int)memory.Length));
    }
}
