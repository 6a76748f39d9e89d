using PolicyAttach.Diagnostics;
using PolicyAttach.Findings;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Check;

/// <summary>One result of <c>check</c>: a reader diagnostic or a finding, with where it is and what suppressed it.</summary>
/// <param name="Code">The code.</param>
/// <param name="Severity">The severity.</param>
/// <param name="Subject">The object, or null (a syntax error, an unreadable path).</param>
/// <param name="Path">The field path, or null.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
/// <param name="Location">Where it is, or null when unknown.</param>
/// <param name="SuppressedBy"><c>annotation</c> or <c>option</c> when suppressed, else null.</param>
internal sealed record CheckItem(string Code, DiagnosticSeverity Severity, ResourceKey? Subject, string? Path, string Message, SourceLocation? Location, string? SuppressedBy)
{
    /// <summary>The rule of the code, when the catalogue has it.</summary>
    public FindingRule? Rule => FindingRules.Find(Code);
}

/// <summary>The results of <c>check</c> and the verdict.</summary>
/// <param name="Items">The results in force, sorted by file, line, column, code and message.</param>
/// <param name="Suppressed">The suppressed results, in the same order.</param>
/// <param name="FailOn">The threshold, or null for <c>none</c>.</param>
/// <param name="Inputs">What was read, for results without a location.</param>
internal sealed record CheckReport(IReadOnlyList<CheckItem> Items, IReadOnlyList<CheckItem> Suppressed, DiagnosticSeverity? FailOn, IReadOnlyList<string> Inputs)
{
    /// <summary>Whether a result is at or above the threshold (exit status 1).</summary>
    public bool Failed => FailOn is { } threshold && Items.Any(i => i.Severity >= threshold);

    /// <summary>How many results of a severity.</summary>
    public int Count(DiagnosticSeverity severity) => Items.Count(i => i.Severity == severity);
}
