using System.Buffers;
using System.Text;
using System.Text.Json;
using PolicyAttach.Conversion;
using PolicyAttach.Ingresses;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Conversion;

/// <summary>
/// The JSON of a conversion: each converted object as a Kubernetes manifest (<see cref="ManifestWriter"/>; what
/// <c>kubectl apply</c> reads), and the report. Produces strings only; writing them is the caller's business.
/// </summary>
internal static class IngressConversionJson
{
    /// <summary>One manifest per object to apply, in <see cref="IngressConversion.Objects"/> order.</summary>
    /// <param name="conversion">The conversion.</param>
    /// <returns>Compact JSON objects.</returns>
    public static IReadOnlyList<string> Manifests(IngressConversion conversion)
        => conversion.Objects.Select(ManifestWriter.Write).ToList();

    /// <summary>
    /// The report as a JSON array of issues (<c>kind</c>, <c>outcome</c>, <c>subject</c>, <c>field</c>, <c>host</c>,
    /// <c>path</c>, <c>affectsRouting</c>, <c>message</c>).
    /// </summary>
    /// <param name="report">The report.</param>
    /// <returns>Compact JSON.</returns>
    public static string Report(ConversionReport report)
        => Write(w => WriteIssues(w, report));

    /// <summary>
    /// The whole conversion as one JSON object: <c>{"objects":[...],"report":[...]}</c>, with <c>"errors"</c> (the
    /// output withheld because the API server would refuse it) when there are any.
    /// </summary>
    /// <param name="conversion">The conversion.</param>
    /// <returns>Compact JSON.</returns>
    public static string Document(IngressConversion conversion)
    {
        var text = new StringBuilder("{\"objects\":[");
        text.AppendJoin(',', Manifests(conversion));
        text.Append("],\"report\":").Append(Report(conversion.Report));
        if (conversion.Report.Errors.Count > 0)
        {
            text.Append(",\"errors\":").Append(Write(w => WriteErrors(w, conversion.Report)));
        }

        return text.Append('}').ToString();
    }

    /// <summary><c>Kind/namespace/name</c> (or <c>Kind/name</c>), the form reports use for objects.</summary>
    /// <param name="key">The object.</param>
    /// <returns>The text.</returns>
    public static string Subject(ResourceKey key) => $"{key.Kind}/{(key.Namespace.Length == 0 ? string.Empty : key.Namespace + "/")}{key.Name}";

    private static void WriteIssues(Utf8JsonWriter w, ConversionReport report)
    {
        w.WriteStartArray();
        foreach (var issue in report.Issues)
        {
            w.WriteStartObject();
            w.WriteString("kind", issue.Kind);
            w.WriteString("outcome", issue.Outcome.ToString());
            if (issue.Subject is { } s)
            {
                w.WriteString("subject", Subject(s));
            }

            Optional(w, "field", issue.Field);
            Optional(w, "host", issue.Host);
            Optional(w, "path", issue.Path);
            w.WriteBoolean("affectsRouting", issue.AffectsRouting);
            w.WriteString("message", issue.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteErrors(Utf8JsonWriter w, ConversionReport report)
    {
        w.WriteStartArray();
        foreach (var error in report.Errors)
        {
            w.WriteStartObject();
            if (error.Subject is { } s)
            {
                w.WriteString("subject", Subject(s));
            }

            Optional(w, "field", error.Field);
            w.WriteString("output", Subject(error.Output));
            Optional(w, "outputField", error.OutputField);
            w.WriteString("code", error.Code);
            w.WriteString("message", error.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            body(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
