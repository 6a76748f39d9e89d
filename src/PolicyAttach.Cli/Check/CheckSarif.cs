using System.Text;
using System.Text.Json;
using PolicyAttach.Diagnostics;
using PolicyAttach.Findings;

namespace PolicyAttach.Cli.Check;

/// <summary>
/// <c>check --output sarif</c>: one SARIF 2.1.0 log that GitHub code scanning accepts. Every check of
/// <see cref="FindingRules"/> is declared as a rule (id, short and full description, help text and Markdown,
/// default level); each result has its ruleId and ruleIndex, level (error, warning, note), message, and a physical
/// location (the file as given, line and column; the first input at line 1 when the position is unknown) with the
/// object as a logical location. Suppressed results are kept with their suppression (inSource for the object's
/// annotation, external for <c>--suppress</c>).
/// </summary>
internal static class CheckSarif
{
    private const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    public static string Write(CheckReport report)
    {
        var rules = FindingRules.All;
        var index = rules.Select((r, i) => (r.Code, i)).ToDictionary(p => p.Code, p => p.i, StringComparer.Ordinal);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, StatusWriter.WriterOptions(indented: true)))
        {
            writer.WriteStartObject();
            writer.WriteString("$schema", SchemaUri);
            writer.WriteString("version", "2.1.0");
            writer.WriteStartArray("runs");
            writer.WriteStartObject();
            writer.WriteStartObject("tool");
            writer.WriteStartObject("driver");
            writer.WriteString("name", "policyattach");
            writer.WriteString("version", Cli.Version);
            writer.WriteStartArray("rules");
            foreach (var rule in rules)
            {
                writer.WriteStartObject();
                writer.WriteString("id", rule.Code);
                writer.WriteStartObject("shortDescription");
                writer.WriteString("text", rule.Title);
                writer.WriteEndObject();
                writer.WriteStartObject("fullDescription");
                writer.WriteString("text", rule.Title + " " + rule.Help);
                writer.WriteEndObject();
                writer.WriteStartObject("help");
                writer.WriteString("text", $"{rule.Help} See docs/{rule.DocumentationAnchor}.");
                writer.WriteString("markdown", $"{rule.Help}\n\nSee [docs/{rule.DocumentationAnchor}](docs/{rule.DocumentationAnchor}).");
                writer.WriteEndObject();
                writer.WriteStartObject("defaultConfiguration");
                writer.WriteString("level", Level(rule.Severity));
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartArray("results");
            foreach (var item in report.Items.Concat(report.Suppressed))
            {
                Result(writer, item, index, report.Inputs);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Result(Utf8JsonWriter writer, CheckItem item, Dictionary<string, int> index, IReadOnlyList<string> inputs)
    {
        writer.WriteStartObject();
        writer.WriteString("ruleId", item.Code);
        if (index.TryGetValue(item.Code, out var i))
        {
            writer.WriteNumber("ruleIndex", i);
        }

        writer.WriteString("level", Level(item.Severity));
        writer.WriteStartObject("message");
        writer.WriteString("text", CheckText.What(item));
        writer.WriteEndObject();
        writer.WriteStartArray("locations");
        writer.WriteStartObject();
        writer.WriteStartObject("physicalLocation");
        writer.WriteStartObject("artifactLocation");
        writer.WriteString("uri", Uri(item.Location?.File ?? (inputs.Count > 0 ? inputs[0] : "-")));
        writer.WriteEndObject();
        writer.WriteStartObject("region");
        writer.WriteNumber("startLine", Math.Max(1, item.Location?.Line ?? 1));
        writer.WriteNumber("startColumn", Math.Max(1, item.Location?.Column ?? 1));
        writer.WriteEndObject();
        writer.WriteEndObject();
        if (item.Subject is { } subject)
        {
            writer.WriteStartArray("logicalLocations");
            writer.WriteStartObject();
            writer.WriteString("fullyQualifiedName", item.Path is null ? subject.ToString() : subject + " " + item.Path);
            writer.WriteString("kind", "object");
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteEndArray();
        if (item.SuppressedBy is { } by)
        {
            writer.WriteStartArray("suppressions");
            writer.WriteStartObject();
            writer.WriteString("kind", by == "annotation" ? "inSource" : "external");
            writer.WriteString("justification", by == "annotation" ? $"annotation {FindingAnalyzer.SuppressAnnotation}" : "--suppress");
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static string Level(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "note",
    };

    /// <summary>
    /// A file as a URI reference: a relative path as given, with <c>/</c> separators and each segment escaped (what
    /// code scanning resolves against the repository root); an absolute path as a <c>file:</c> URI; standard input as
    /// <c>stdin</c>.
    /// </summary>
    internal static string Uri(string file)
    {
        if (file == "-")
        {
            return "stdin";
        }

        if (System.IO.Path.IsPathRooted(file))
        {
            return new Uri(file).AbsoluteUri;
        }

        var segments = file.Replace('\\', '/').Split('/');
        return string.Join('/', segments.Select(s => s is "." or ".." ? s : System.Uri.EscapeDataString(s)));
    }
}
