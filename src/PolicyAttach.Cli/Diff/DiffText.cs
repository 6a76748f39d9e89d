using System.Globalization;
using System.Text;
using PolicyAttach.Cli.Output;

namespace PolicyAttach.Cli.Diff;

/// <summary>Renders a diff for review: one block per object, one line per change marked <c>+</c>, <c>-</c> or <c>~</c>.</summary>
internal static class DiffText
{
    /// <summary>Renders the report, every change.</summary>
    /// <param name="report">The report.</param>
    /// <param name="palette">The colours.</param>
    /// <returns>The text.</returns>
    public static string Write(DiffReport report, Palette palette)
    {
        var chunks = new ChunkedText(null);
        Write(report, palette, ListLimit.None, chunks);
        return chunks.ToString();
    }

    /// <summary>
    /// Writes the report while it is made: the first objects and, of each, the first changes as
    /// <paramref name="limit"/> allows, each rest counted on one line; the last line counts every change.
    /// </summary>
    /// <param name="report">The report.</param>
    /// <param name="palette">The colours.</param>
    /// <param name="limit">How many objects, and changes per object, to print.</param>
    /// <param name="output">Where to write.</param>
    public static void Write(DiffReport report, Palette palette, ListLimit limit, TextWriter output)
    {
        var chunks = new ChunkedText(output);
        Write(report, palette, limit, chunks);
        chunks.Flush();
    }

    private static void Write(DiffReport report, Palette palette, ListLimit limit, ChunkedText chunks)
    {
        var text = chunks.Text;
        if (!report.Changed)
        {
            text.Append("no changes: the same statuses, attachments, routing and effective policies.\n");
            return;
        }

        var objects = limit.Shown(report.Objects.Count);
        if (objects < report.Objects.Count)
        {
            text.Append(Summary(report, objects)).Append('\n');
        }

        for (var o = 0; o < objects; o++)
        {
            var obj = report.Objects[o];
            text.Append(palette.Bold(Describe.Facts.Name(obj.Object.ToKey()))).Append('\n');
            var shown = limit.Shown(obj.Changes.Count);
            for (var c = 0; c < shown; c++)
            {
                var change = obj.Changes[c];
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
                chunks.LineDone();
            }

            if (limit.Rest(obj.Changes.Count, "changes") is { } rest)
            {
                text.Append("  ").Append(rest).Append('\n');
            }
        }

        var count = report.Objects.Sum(o => o.Changes.Count);
        var more = limit.Rest(report.Objects.Count, "objects",
            shown => string.Create(CultureInfo.InvariantCulture, $"{report.Objects.Skip(shown).Sum(o => o.Changes.Count):N0} changes"));
        if (more is not null)
        {
            text.Append(more).Append('\n');
        }

        text.Append(string.Create(CultureInfo.InvariantCulture,
            $"{count} change{(count == 1 ? string.Empty : "s")} in {report.Objects.Count} object{(report.Objects.Count == 1 ? string.Empty : "s")}.\n"));
    }

    /// <summary>
    /// The first line when not every object is printed: the changed objects counted by kind, each with its changes
    /// by kind of change (<c>+</c> added, <c>-</c> removed, <c>~</c> changed), kinds in ordinal order.
    /// </summary>
    private static string Summary(DiffReport report, int shown)
    {
        var kinds = new SortedDictionary<string, (int Objects, int Added, int Removed, int Changed)>(StringComparer.Ordinal);
        foreach (var obj in report.Objects)
        {
            var (objects, added, removed, changed) = kinds.GetValueOrDefault(obj.Object.Kind);
            foreach (var change in obj.Changes)
            {
                switch (change.Change)
                {
                    case "added":
                        added++;
                        break;
                    case "removed":
                        removed++;
                        break;
                    default:
                        changed++;
                        break;
                }
            }

            kinds[obj.Object.Kind] = (objects + 1, added, removed, changed);
        }

        return "changed objects by kind: " + string.Join(", ", kinds.Select(k => string.Create(CultureInfo.InvariantCulture,
            $"{k.Key} {k.Value.Objects:N0} (+{k.Value.Added:N0} -{k.Value.Removed:N0} ~{k.Value.Changed:N0})")))
            + string.Create(CultureInfo.InvariantCulture, $"; the first {shown:N0} objects by key:");
    }

    private static string Value(string? value) => string.IsNullOrEmpty(value) ? string.Empty : ": " + value;
}
