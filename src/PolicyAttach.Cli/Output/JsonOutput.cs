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

    /// <summary>Writes a JSON text in the requested format (JSON as is, or YAML).</summary>
    /// <param name="json">The JSON.</param>
    /// <param name="format">JSON or YAML.</param>
    /// <returns>The text.</returns>
    public static string Render(string json, OutputFormat format)
        => format == OutputFormat.Yaml ? ManifestText.ToYaml(json) : json.Replace("\r\n", "\n", StringComparison.Ordinal);
}
