using System.Globalization;
using System.Text;
using PolicyAttach.Cli.Output;

namespace PolicyAttach.Cli.Diff;

/// <summary>Renders a diff for review: one block per object, one line per change marked <c>+</c>, <c>-</c> or <c>~</c>.</summary>
internal static class DiffText
{
    /// <summary>Renders the report.</summary>
    /// <param name="report">The report.</param>
    /// <param name="palette">The colours.</param>
    /// <returns>The text.</returns>
    public static string Write(DiffReport report, Palette palette)
    {
        if (!report.Changed)
        {
            return "no changes: the same statuses, attachments, routing and effective policies.\n";
        }

        var text = new StringBuilder();
        foreach (var obj in report.Objects)
        {
            text.Append(palette.Bold(Describe.Facts.Name(obj.Object.ToKey()))).Append('\n');
            foreach (var change in obj.Changes)
            {
                var line = change.Change switch
                {
                    "added" => "+ " + change.Category + " " + change.Subject + Value(change.After),
                    "removed" => "- " + change.Category + " " + change.Subject + Value(change.Before),
                    _ => "~ " + change.Category + " " + change.Subject + ": " + change.Before + " -> " + change.After,
                };
                line = change.Category == "object" ? (change.Change == "added" ? "+ added" : "- removed") : line;
                text.Append("  ").Append(change.Change switch
                {
                    "added" => palette.Green(line),
                    "removed" => palette.Red(line),
                    _ => palette.Yellow(line),
                }).Append('\n');
            }
        }

        var count = report.Objects.Sum(o => o.Changes.Count);
        text.Append(string.Create(CultureInfo.InvariantCulture,
            $"{count} change{(count == 1 ? string.Empty : "s")} in {report.Objects.Count} object{(report.Objects.Count == 1 ? string.Empty : "s")}.\n"));
        return text.ToString();
    }

    private static string Value(string? value) => string.IsNullOrEmpty(value) ? string.Empty : ": " + value;
}
