using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PolicyAttach.Conversion;
using PolicyAttach.Ingresses;
using PolicyAttach.Kubernetes.Documents;

namespace PolicyAttach.Cli.Conversion;

/// <summary>
/// How every convert command prints: the objects as YAML documents ready for <c>kubectl apply</c>, then the report,
/// the withheld objects and the verification as comments; or one JSON document with <c>objects</c>, <c>report</c>,
/// <c>errors</c> and <c>verification</c>.
/// </summary>
internal static class ConversionOutput
{
    /// <summary>The YAML form.</summary>
    /// <param name="manifests">The objects, as compact JSON manifests.</param>
    /// <param name="report">The report.</param>
    /// <param name="verification">The verification, when it ran.</param>
    /// <param name="source">What the source is called in verification lines, such as <c>ingress-nginx</c>.</param>
    /// <param name="sourceObjects">What the source objects are called in the report, such as <c>the Ingresses</c>.</param>
    /// <param name="empty">The comment printed when there is no object.</param>
    /// <returns>The text.</returns>
    public static string Yaml(IReadOnlyList<string> manifests, ConversionReport report, VerificationResult? verification, string source, string sourceObjects, string? empty)
    {
        var text = new StringBuilder();
        foreach (var manifest in manifests)
        {
            text.Append("---\n").Append(ManifestText.ToYaml(manifest));
        }

        if (manifests.Count == 0 && empty is not null)
        {
            text.Append("# ").Append(empty).Append('\n');
        }

        foreach (var error in report.Errors)
        {
            text.Append("# Not printed: ").Append(IngressConversionJson.Subject(error.Output));
            if (error.OutputField is not null)
            {
                text.Append(' ').Append(error.OutputField);
            }

            text.Append(" would be refused by the API server (").Append(error.Code).Append(": ").Append(OneLine(error.Message)).Append(')');
            if (error.Subject is { } from)
            {
                text.Append("; it comes from ").Append(IngressConversionJson.Subject(from)).Append(error.Field is null ? string.Empty : " " + error.Field);
            }

            text.Append(".\n");
        }

        var issues = report.Issues;
        text.Append("# Conversion report: ");
        if (issues.Count == 0 && report.Errors.Count == 0)
        {
            text.Append("everything was carried over; the routes route every request as ").Append(sourceObjects).Append(" do.\n");
        }
        else
        {
            var routing = issues.Count(i => i.AffectsRouting);
            text.Append(issues.Count).Append(issues.Count == 1 ? " entry" : " entries");
            var counts = issues.GroupBy(i => i.Outcome).OrderBy(g => g.Key).Select(g => $"{g.Count()} {Word(g.Key)}").ToList();
            if (counts.Count > 0)
            {
                text.Append(" (").Append(string.Join(", ", counts)).Append(')');
            }

            text.Append(", ").Append(routing).Append(" may route requests differently.\n");
            foreach (var issue in issues)
            {
                text.Append("# - ");
                if (issue.Outcome != ConversionOutcome.Carried || issues.Any(i => i.Outcome == ConversionOutcome.Carried))
                {
                    text.Append(Word(issue.Outcome)).Append(' ');
                }

                text.Append(issue.Kind);
                if (issue.Subject is { } s)
                {
                    text.Append(' ').Append(IngressConversionJson.Subject(s));
                }

                if (issue.Field is not null)
                {
                    text.Append(' ').Append(issue.Field);
                }

                var where = new List<string>();
                if (issue.Host is not null)
                {
                    where.Add("host " + issue.Host);
                }

                if (issue.Path is not null)
                {
                    where.Add("path " + issue.Path);
                }

                if (issue.AffectsRouting)
                {
                    where.Add("routing");
                }

                if (where.Count > 0)
                {
                    text.Append(" (").Append(string.Join(", ", where)).Append(')');
                }

                text.Append(": ").Append(OneLine(issue.Message)).Append('\n');
            }
        }

        if (verification is not null)
        {
            text.Append("# Verification: ").Append(verification.Requests).Append(verification.Requests == 1 ? " request" : " requests")
                .Append(" answered by ").Append(source).Append(" and by the converted objects; ");
            if (verification.Differences.Count == 0)
            {
                text.Append("all answered alike.\n");
            }
            else
            {
                text.Append(verification.Differences.Count).Append(" answered differently:\n");
                foreach (var d in verification.Differences)
                {
                    text.Append("# - ").Append(Line(d, source)).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    /// <summary>One difference in one line.</summary>
    public static string Line(RoutingDifference d, string source)
        => $"{d.Probe}: {string.Join(", ", d.Aspects)} differ; {source}: {d.Source}; converted: {d.Converted}";

    /// <summary>The JSON form: the conversion document with the verification added.</summary>
    public static string Json(string document, VerificationResult? verification, string source)
    {
        using var parsed = JsonDocument.Parse(document);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            foreach (var property in parsed.RootElement.EnumerateObject())
            {
                property.WriteTo(w);
            }

            if (verification is not null)
            {
                w.WriteStartObject("verification");
                w.WriteString("source", source);
                w.WriteNumber("requests", verification.Requests);
                w.WriteStartArray("differences");
                foreach (var d in verification.Differences)
                {
                    w.WriteStartObject();
                    w.WriteString("request", d.Probe.ToString());
                    w.WriteString("purpose", d.Probe.Purpose);
                    w.WriteStartArray("aspects");
                    foreach (var aspect in d.Aspects)
                    {
                        w.WriteStringValue(aspect);
                    }

                    w.WriteEndArray();
                    w.WriteString("source", d.Source.ToString());
                    w.WriteString("converted", d.Converted.ToString());
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static string Word(ConversionOutcome outcome) => outcome switch
    {
        ConversionOutcome.Carried => "carried",
        ConversionOutcome.Approximated => "approximated",
        _ => "dropped",
    };

    private static string OneLine(string text) => text.Replace('\n', ' ');
}
