using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PolicyAttach.Conversion;
using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Documents;

namespace PolicyAttach.Cli.Conversion;

/// <summary>
/// Prints a mesh-API conversion (<c>convert-istio</c>, <c>convert-smi</c>): YAML documents ready for
/// <c>kubectl apply</c> followed by the report and the verification as comments, or one JSON object
/// <c>{"objects": [...], "report": {...}, "verification": {...}}</c>.
/// </summary>
internal static class MeshConversionOutput
{
    public static string Yaml(ConversionResult result, MeshVerificationResult? verification, string sourceName)
    {
        var text = new StringBuilder();
        foreach (var manifest in result.Manifests)
        {
            text.Append("---\n").Append(ManifestText.ToYaml(manifest));
        }

        if (result.Objects.Count == 0)
        {
            text.Append("# Nothing to convert: the input has no ").Append(sourceName).Append(" object that converts.\n");
        }

        foreach (var error in result.Report.Errors)
        {
            text.Append("# Not printed: ").Append(error.Output.ToString()).Append(error.OutputField is null ? string.Empty : " " + error.OutputField)
                .Append(" would be refused by the API server (").Append(error.Code).Append(": ").Append(OneLine(error.Message)).Append(')');
            if (error.Subject is { } source)
            {
                text.Append("; it comes from ").Append(source.ToString()).Append(error.Field is null ? string.Empty : " " + error.Field);
            }

            text.Append(".\n");
        }

        foreach (var problem in result.InputProblems)
        {
            text.Append("# ").Append(problem.Severity == DiagnosticSeverity.Error ? "error" : "warning").Append(": ")
                .Append(problem.Subject?.ToString() ?? string.Empty).Append(problem.Path is null ? string.Empty : " " + problem.Path)
                .Append(": ").Append(OneLine(problem.Message)).Append(" [").Append(problem.Code).Append("]\n");
        }

        var issues = result.Report.Issues;
        var routing = issues.Count(n => n.AffectsRouting && n.Outcome != ConversionOutcome.Carried);
        text.Append(CultureInfo.InvariantCulture, $"# Conversion report: {issues.Count(n => n.Outcome == ConversionOutcome.Carried)} carried, {issues.Count(n => n.Outcome == ConversionOutcome.Approximated)} approximated, {issues.Count(n => n.Outcome == ConversionOutcome.Dropped)} dropped")
            .Append(routing == 0 ? "; none may route requests differently.\n" : $"; {routing.ToString(CultureInfo.InvariantCulture)} may route requests differently (marked !).\n");
        foreach (var group in issues.GroupBy(n => n.Subject))
        {
            text.Append("# ").Append(group.Key?.ToString() ?? string.Empty).Append('\n');
            foreach (var issue in group)
            {
                text.Append("#   ").Append(issue.AffectsRouting && issue.Outcome != ConversionOutcome.Carried ? '!' : ' ').Append(' ')
                    .Append(OutcomeName(issue.Outcome).PadRight(12)).Append(' ').Append(issue.Field).Append(": ").Append(OneLine(issue.Message)).Append('\n');
            }
        }

        if (verification is not null)
        {
            AppendVerification(text, verification, sourceName);
        }

        return text.ToString();
    }

    private static void AppendVerification(StringBuilder text, MeshVerificationResult verification, string sourceName)
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
            text.Append("# - ").Append(OneLine(d.Difference.Probe.ToString())).Append(" at ").Append(d.Target);
            if (d.Difference.Probe.Purpose.Length > 0)
            {
                text.Append(" (").Append(OneLine(d.Difference.Probe.Purpose)).Append(')');
            }

            text.Append('\n');
            text.Append("#     ").Append(sourceName).Append(": ").Append(OneLine(d.Difference.Source.ToString())).Append('\n');
            text.Append("#     converted: ").Append(OneLine(d.Difference.Converted.ToString())).Append('\n');
            text.Append("#     differ: ").Append(string.Join(", ", d.Difference.Aspects)).Append('\n');
            foreach (var issue in d.Explanations.Take(3))
            {
                text.Append("#     explained by ").Append(issue.Subject?.ToString() ?? string.Empty).Append(' ').Append(issue.Field).Append(" (").Append(OutcomeName(issue.Outcome)).Append(")\n");
            }

            if (!d.Explained)
            {
                text.Append("#     not explained by the report\n");
            }
        }
    }

    public static string Json(ConversionResult result, MeshVerificationResult? verification)
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
            w.WriteStartArray("issues");
            foreach (var issue in result.Report.Issues)
            {
                w.WriteStartObject();
                w.WriteString("kind", issue.Kind);
                w.WriteString("outcome", OutcomeName(issue.Outcome));
                w.WriteString("subject", issue.Subject?.ToString());
                w.WriteString("field", issue.Field);
                w.WriteBoolean("affectsRouting", issue.AffectsRouting);
                w.WriteString("message", issue.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("errors");
            foreach (var error in result.Report.Errors)
            {
                w.WriteStartObject();
                w.WriteString("output", error.Output.ToString());
                if (error.OutputField is { } field)
                {
                    w.WriteString("outputField", field);
                }

                if (error.Subject is { } subject)
                {
                    w.WriteString("subject", subject.ToString());
                }

                w.WriteString("code", error.Code);
                w.WriteString("message", error.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("inputProblems");
            foreach (var problem in result.InputProblems)
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
                    w.WriteString("request", d.Difference.Probe.ToString());
                    w.WriteString("target", d.Target);
                    w.WriteString("purpose", d.Difference.Probe.Purpose);
                    w.WriteString("source", d.Difference.Source.ToString());
                    w.WriteString("converted", d.Difference.Converted.ToString());
                    w.WriteStartArray("aspects");
                    foreach (var aspect in d.Difference.Aspects)
                    {
                        w.WriteStringValue(aspect);
                    }

                    w.WriteEndArray();
                    w.WriteBoolean("explained", d.Explained);
                    w.WriteStartArray("explanations");
                    foreach (var issue in d.Explanations)
                    {
                        w.WriteStringValue($"{issue.Subject} {issue.Field}");
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

    public static string OutcomeName(ConversionOutcome outcome) => outcome switch
    {
        ConversionOutcome.Carried => "carried",
        ConversionOutcome.Approximated => "approximated",
        _ => "dropped",
    };

    private static string OneLine(string text) => text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ');
}
