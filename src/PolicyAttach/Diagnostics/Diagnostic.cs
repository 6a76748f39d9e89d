using PolicyAttach.Model;

namespace PolicyAttach.Diagnostics;

/// <summary>How serious a diagnostic is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Worth knowing; nothing was lost.</summary>
    Info = 0,

    /// <summary>Something was read in a way the author may not expect, or a later object replaced an earlier one.</summary>
    Warning = 1,

    /// <summary>Input was dropped or could not be read; the command exits 1.</summary>
    Error = 2,
}

/// <summary>A position in an input file; lines and columns count from 1.</summary>
/// <param name="File">The file path as the user gave it, or <c>-</c> for standard input.</param>
/// <param name="Line">The line, from 1.</param>
/// <param name="Column">The column, from 1.</param>
public sealed record SourceLocation(string File, int Line, int Column)
{
    /// <summary><c>file:line:column</c>.</summary>
    /// <returns>The location as editors and compilers print it.</returns>
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>
/// A problem found in user data: what is wrong, on which object and field, and how to fix it. Bad input never
/// throws; it becomes one of these and the rest of the input is still evaluated.
/// </summary>
public sealed record Diagnostic
{
    /// <summary>The severity.</summary>
    public required DiagnosticSeverity Severity { get; init; }

    /// <summary>A stable code such as <c>PA1001</c>; <c>docs/diagnostics.md</c> lists every code.</summary>
    public required string Code { get; init; }

    /// <summary>What is wrong and how to fix it.</summary>
    public required string Message { get; init; }

    /// <summary>The object concerned, when known.</summary>
    public ResourceKey? Subject { get; init; }

    /// <summary>The field path inside the object, such as <c>spec.listeners[0].port</c>.</summary>
    public string? Path { get; init; }

    /// <summary>Where in the input the problem is, when it came from a file.</summary>
    public SourceLocation? Location { get; init; }

    /// <summary>The diagnostic as <c>file:line:column: severity: message</c> (the location is omitted when unknown).</summary>
    /// <returns>One line of text.</returns>
    public override string ToString()
    {
        var severity = Severity switch
        {
            DiagnosticSeverity.Error => "error",
            DiagnosticSeverity.Warning => "warning",
            _ => "info",
        };
        var where = Location is null ? string.Empty : Location + ": ";
        var what = Subject is null ? string.Empty : Subject + (Path is null ? string.Empty : " " + Path) + ": ";
        return $"{where}{severity}: {what}{Message} [{Code}]";
    }
}
