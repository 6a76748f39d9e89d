using PolicyAttach.Diagnostics;

namespace PolicyAttach.Kubernetes.Documents;

/// <summary>One result of parsing a file, in input order: a document root or a diagnostic.</summary>
internal readonly record struct ParsedItem(SourceNode? Root, Diagnostic? Diagnostic);

/// <summary>The limits that keep hostile input from exhausting the stack or memory.</summary>
/// <param name="MaxDepth">The deepest nesting of sequences and mappings accepted.</param>
/// <param name="MaxNodes">The most nodes one document may expand to once aliases are resolved.</param>
internal sealed record ReaderLimits(int MaxDepth, long MaxNodes);

/// <summary>Diagnostics raised while reading text, before the core sees a document.</summary>
internal static class TextDiagnostics
{
    public static Diagnostic Create(DiagnosticSeverity severity, string code, string message, string file, int line, int column)
        => new()
        {
            Severity = severity,
            Code = code,
            Message = message,
            Location = new SourceLocation(file, Math.Max(line, 1), Math.Max(column, 1)),
        };

    public static Diagnostic Malformed(string message, string file, int line, int column)
        => Create(DiagnosticSeverity.Error, DiagnosticCodes.MalformedDocument, message, file, line, column);
}
