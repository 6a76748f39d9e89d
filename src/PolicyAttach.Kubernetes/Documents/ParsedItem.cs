using PolicyAttach.Diagnostics;
using PolicyAttach.Manifests;

namespace PolicyAttach.Kubernetes.Documents;

/// <summary>One result of parsing a file, in input order: a document root or a diagnostic.</summary>
/// <param name="Root">The document.</param>
/// <param name="Diagnostic">The diagnostic.</param>
/// <param name="Chunk">The YAML text the document was parsed from, to locate its fields later without its tree; null for JSON.</param>
/// <param name="Document">Which document of <paramref name="Chunk"/> it is.</param>
internal readonly record struct ParsedItem(SourceNode? Root, Diagnostic? Diagnostic, IYamlDocuments? Chunk = null, int Document = 0)
{
    /// <summary>The document already read into tokens (the YAML fast path), instead of <see cref="Root"/>; whoever reads it disposes it.</summary>
    public ManifestTokens? Tokens { get; init; }

    /// <summary>The line (from 1) where <see cref="Tokens"/>' document starts.</summary>
    public int Line { get; init; }

    /// <summary>The column (from 1) where <see cref="Tokens"/>' document starts.</summary>
    public int Column { get; init; }
}

/// <summary>The limits that keep hostile input from exhausting the stack, memory or time; checked while reading.</summary>
/// <param name="MaxDepth">The deepest nesting of sequences and mappings accepted.</param>
/// <param name="MaxNodes">The most nodes one document may expand to once aliases are resolved.</param>
/// <param name="MaxAliasBytes">The most JSON bytes YAML aliases may add to one document.</param>
/// <param name="FastYaml">Whether YAML documents in the block-style subset are read by <see cref="YamlFastReader"/> (tests compare with false).</param>
internal sealed record ReaderLimits(int MaxDepth, long MaxNodes, long MaxAliasBytes, bool FastYaml = true)
{
    /// <summary>The limits a loader's options set.</summary>
    public static ReaderLimits From(ManifestLoaderOptions options) => new(options.MaxDepth, options.MaxNodesPerDocument, options.MaxAliasBytes, !options.ExactYamlOnly);
}

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

    /// <summary>Bytes that are not UTF-8 (decoded as U+FFFD, which would hide them); the document is skipped.</summary>
    public static Diagnostic InvalidUtf8(int count, string file, int line, int column)
        => Malformed(
            count == 1
                ? "the text is not valid UTF-8 here; Kubernetes reads manifests as UTF-8 (kubectl refuses such a file). Save the file as UTF-8. The document is skipped."
                : $"the text is not valid UTF-8 here ({count} invalid byte sequences in this document); Kubernetes reads manifests as UTF-8 (kubectl refuses such a file). Save the file as UTF-8. The document is skipped.",
            file,
            line,
            column);
}

/// <summary>Line and column (from 1, in characters) of an offset in text.</summary>
internal static class TextPosition
{
    /// <summary>The position of <paramref name="offset"/>, counting lines from <paramref name="from"/>, which is on line <paramref name="fromLine"/>.</summary>
    public static (int Line, int Column) Of(string text, int from, int fromLine, int offset)
    {
        var line = fromLine;
        var lineStart = from;
        for (var i = from; i < offset; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, offset - lineStart + 1);
    }
}
