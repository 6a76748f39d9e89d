using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PolicyAttach.Cli.Output;
using PolicyAttach.Diagnostics;
using PolicyAttach.Migration;

namespace PolicyAttach.Cli.Migration;

/// <summary>
/// Prints a migration (<c>convert-istio</c>, <c>convert-smi</c>): YAML documents ready for <c>kubectl apply</c>
/// followed by the report and the verification as comments, or one JSON object
/// <c>{"objects": [...], "report": {...}, "verification": {...}}</c>.
/// </summary>
internal static class MigrationOutput
{
    public static string Yaml(MigrationResult result, VerificationResult? verification, string sourceName)
    {
        var text = new StringBuilder();
        foreach (var manifest in result.Manifests)
        {
            text.Append("---\n").Append(YamlOutput.FromJson(manifest));
        }

        if (result.Objects.Count == 0)
        {
            text.Append("# Nothing to convert: the input has no ").Append(sourceName).Append(" object that converts.\n");
        }

        var notes = result.Report.Notes;
        var routing = notes.Count(n => n.AffectsRouting && n.Fate != FieldFate.Carried);
        text.Append(CultureInfo.InvariantCulture, $"# Conversion report: {notes.Count(n => n.Fate == FieldFate.Carried)} carried, {notes.Count(n => n.Fate == FieldFate.Approximated)} approximated, {notes.Count(n => n.Fate == FieldFate.Dropped)} dropped")
            .Append(routing == 0 ? "; none may route requests differently.\n" : $"; {routing.ToString(CultureInfo.InvariantCulture)} may route requests differently (marked !).\n");
        foreach (var problem in result.Report.Problems)
        {
            text.Append("# ").Append(problem.Severity == DiagnosticSeverity.Error ? "error" : "warning").Append(": ")
                .Append(problem.Subject?.ToString() ?? string.Empty).Append(problem.Path is null ? string.Empty : " " + problem.Path)
                .Append(": ").Append(OneLine(problem.Message)).Append(" [").Append(problem.Code).Append("]\n");
        }

        foreach (var group in notes.GroupBy(n => n.Source))
        {
            text.Append("# ").Append(group.Key.ToString()).Append('\n');
            foreach (var note in group)
            {
                text.Append("#   ").Append(note.AffectsRouting && note.Fate != FieldFate.Carried ? '!' : ' ').Append(' ')
                    .Append(FateName(note.Fate).PadRight(12)).Append(' ').Append(note.Field).Append(": ").Append(OneLine(note.Message)).Append('\n');
            }
        }

        if (verification is not null)
        {
            AppendVerification(text, verification, sourceName);
        }

        return text.ToString();
    }

    private static void AppendVerification(StringBuilder text, VerificationResult verification, string sourceName)
    {
        text.Append(CultureInfo.InvariantCulture, $"# Verification: {verification.Requests} requests sent to the {sourceName} model and to the converted objects; ");
        if (verification.Clean)
        {
            text.Append("every one answered the same.\n");
            return;
        }

        text.Append(CultureInfo.InvariantCulture, $"{verification.Differences.Count} answered differently ({verification.Differences.Count(d => !d.Explained)} not explained by the report):\n");
        foreach (var d in verification.Differences)
        {
            text.Append("# - ").Append(OneLine(d.Request)).Append('\n');
            text.Append("#     ").Append(sourceName).Append(": ").Append(OneLine(d.Source)).Append('\n');
            text.Append("#     converted: ").Append(OneLine(d.Converted)).Append('\n');
            foreach (var field in d.Fields)
            {
                text.Append("#     ").Append(OneLine(field)).Append('\n');
            }

            foreach (var note in d.Explanations.Take(3))
            {
                text.Append("#     explained by ").Append(note.Source.ToString()).Append(' ').Append(note.Field).Append(" (").Append(FateName(note.Fate)).Append(")\n");
            }

            if (!d.Explained)
            {
                text.Append("#     not explained by the report\n");
            }
        }
    }

    public static string Json(MigrationResult result, VerificationResult? verification)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartArray("objects");
            foreach (var manifest in result.Manifests)
            {
                using var document = JsonDocument.Parse(manifest);
                document.RootElement.WriteTo(w);
            }

            w.WriteEndArray();
            w.WriteStartObject("report");
            w.WriteStartArray("notes");
            foreach (var note in result.Report.Notes)
            {
                w.WriteStartObject();
                w.WriteString("source", note.Source.ToString());
                w.WriteString("field", note.Field);
                w.WriteString("fate", FateName(note.Fate));
                w.WriteBoolean("affectsRouting", note.AffectsRouting);
                w.WriteString("message", note.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("problems");
            foreach (var problem in result.Report.Problems)
            {
                w.WriteStartObject();
                w.WriteString("severity", problem.Severity == DiagnosticSeverity.Error ? "error" : problem.Severity == DiagnosticSeverity.Warning ? "warning" : "info");
                w.WriteString("code", problem.Code);
                if (problem.Subject is { } subject)
                {
                    w.WriteString("subject", subject.ToString());
                }

                if (problem.Path is { } path)
                {
                    w.WriteString("field", path);
                }

                w.WriteString("message", problem.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            if (verification is not null)
            {
                w.WriteStartObject("verification");
                w.WriteNumber("requests", verification.Requests);
                w.WriteStartArray("differences");
                foreach (var d in verification.Differences)
                {
                    w.WriteStartObject();
                    w.WriteString("request", d.Request);
                    w.WriteString("source", d.Source);
                    w.WriteString("converted", d.Converted);
                    w.WriteStartArray("fields");
                    foreach (var field in d.Fields)
                    {
                        w.WriteStringValue(field);
                    }

                    w.WriteEndArray();
                    w.WriteBoolean("explained", d.Explained);
                    w.WriteStartArray("explanations");
                    foreach (var note in d.Explanations)
                    {
                        w.WriteStringValue($"{note.Source} {note.Field}");
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string FateName(FieldFate fate) => fate switch
    {
        FieldFate.Carried => "carried",
        FieldFate.Approximated => "approximated",
        _ => "dropped",
    };

    private static string OneLine(string text) => text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ');
}
