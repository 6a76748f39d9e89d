using System.Globalization;
using System.Text;
using PolicyAttach.Diagnostics;
using PolicyAttach.Findings;

namespace PolicyAttach.Cli.Check;

/// <summary>The text, JSON and GitHub workflow-command forms of <c>check</c>.</summary>
internal static class CheckText
{
    /// <summary>The message with the object and path in front: <c>HTTPRoute/apps/store spec.hostnames[0]: ...</c>.</summary>
    public static string What(CheckItem item)
    {
        var subject = item.Subject?.ToString();
        var what = subject is null || item.Message.StartsWith(subject, StringComparison.Ordinal)
            ? string.Empty
            : subject + (item.Path is null ? string.Empty : " " + item.Path) + ": ";
        return what + item.Message.ReplaceLineEndings(" ");
    }

    /// <summary>One line per result, as compilers print them, then the summary.</summary>
    public static string Write(CheckReport report)
    {
        var text = new StringBuilder();
        foreach (var item in report.Items)
        {
            text.Append(item.Location?.ToString() ?? "policyattach").Append(": ").Append(Severity(item.Severity)).Append(": ")
                .Append(What(item)).Append(" [").Append(item.Code).Append("]\n");
        }

        text.Append(Summary(report)).Append('\n');
        return text.ToString();
    }

    /// <summary>"2 errors, 1 warning, 0 infos; 1 suppressed (PA3401 ReferenceGrant/bar/bar by annotation); fails at error".</summary>
    public static string Summary(CheckReport report)
    {
        var text = new StringBuilder();
        text.Append(Plural(report.Count(DiagnosticSeverity.Error), "error")).Append(", ")
            .Append(Plural(report.Count(DiagnosticSeverity.Warning), "warning")).Append(", ")
            .Append(Plural(report.Count(DiagnosticSeverity.Info), "info"));
        if (report.Suppressed.Count > 0)
        {
            text.Append("; ").Append(report.Suppressed.Count.ToString(CultureInfo.InvariantCulture)).Append(" suppressed (")
                .Append(string.Join(", ", report.Suppressed.Select(s => $"{s.Code}{(s.Subject is { } o ? " " + o : string.Empty)} by {(s.SuppressedBy == "annotation" ? "annotation" : "--suppress")}")))
                .Append(')');
        }

        text.Append(report.FailOn is not { } threshold
            ? "; --fail-on none"
            : report.Failed ? $"; fails: at or above {Severity(threshold)}" : $"; passes: nothing at or above {Severity(threshold)}");
        return text.ToString();
    }

    /// <summary>
    /// GitHub workflow commands, one per result in force: <c>::error file=PATH,line=N,col=N::message</c> (<c>::warning</c>,
    /// <c>::notice</c> for info), values escaped as the runner expects.
    /// </summary>
    public static string GitHub(CheckReport report)
    {
        var text = new StringBuilder();
        foreach (var item in report.Items)
        {
            var command = item.Severity switch
            {
                DiagnosticSeverity.Error => "error",
                DiagnosticSeverity.Warning => "warning",
                _ => "notice",
            };
            text.Append("::").Append(command);
            if (item.Location is { } location)
            {
                text.Append(" file=").Append(Property(location.File))
                    .Append(",line=").Append(location.Line.ToString(CultureInfo.InvariantCulture))
                    .Append(",col=").Append(location.Column.ToString(CultureInfo.InvariantCulture));
            }

            text.Append("::").Append(Data(What(item) + " [" + item.Code + "]")).Append('\n');
        }

        return text.ToString();
    }

    private static string Data(string value) => value.Replace("%", "%25", StringComparison.Ordinal)
        .Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    private static string Property(string value) => Data(value).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);

    public static string Severity(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "info",
    };

    private static string Plural(int count, string noun) => string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");

    /// <summary><c>check --list</c>: every check, one line each.</summary>
    public static string List()
    {
        var text = new StringBuilder();
        foreach (var rule in FindingRules.All)
        {
            text.Append(rule.Code).Append("  ").Append(Severity(rule.Severity).PadRight(7)).Append("  ").Append(rule.Title).Append('\n');
        }

        return text.ToString();
    }
}

/// <summary>The JSON of <c>check --output json</c>.</summary>
/// <param name="FailOn">The threshold: error, warning, info or none.</param>
/// <param name="Failed">Whether a result is at or above it (exit status 1).</param>
/// <param name="Summary">Counts by severity, and of the suppressed.</param>
/// <param name="Findings">The results in force.</param>
/// <param name="Suppressed">The suppressed results.</param>
internal sealed record CheckJson(string FailOn, bool Failed, CheckJsonSummary Summary, IReadOnlyList<CheckJsonItem> Findings, IReadOnlyList<CheckJsonItem> Suppressed)
{
    public static CheckJson From(CheckReport report) => new(
        report.FailOn is { } t ? CheckText.Severity(t) : "none",
        report.Failed,
        new CheckJsonSummary(report.Count(DiagnosticSeverity.Error), report.Count(DiagnosticSeverity.Warning), report.Count(DiagnosticSeverity.Info), report.Suppressed.Count),
        [.. report.Items.Select(CheckJsonItem.From)],
        [.. report.Suppressed.Select(CheckJsonItem.From)]);
}

/// <summary>Counts of <c>check</c>'s results.</summary>
internal sealed record CheckJsonSummary(int Errors, int Warnings, int Infos, int Suppressed);

/// <summary>One result as JSON.</summary>
internal sealed record CheckJsonItem(string Code, string Severity, Explain.ObjectRef? Object, string? Path, string Message, CheckJsonLocation? Location, string Documentation, string? SuppressedBy)
{
    public static CheckJsonItem From(CheckItem item) => new(item.Code, CheckText.Severity(item.Severity), item.Subject is { } s ? Explain.ObjectRef.From(s) : null,
        item.Path, item.Message, item.Location is { } l ? new CheckJsonLocation(l.File, l.Line, l.Column) : null, FindingRules.AnchorOf(item.Code), item.SuppressedBy);
}

/// <summary>A position.</summary>
internal sealed record CheckJsonLocation(string File, int Line, int Column);

/// <summary>A check of <c>check --list --output json</c>.</summary>
internal sealed record CheckRuleJson(string Code, string Severity, string Title, string Help, string Documentation);
