using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PolicyAttach.Diagnostics;

namespace PolicyAttach.Kubernetes.Documents;

/// <summary>
/// Reads one JSON document into a <see cref="SourceNode"/> with the line and column of every key. Any failure, syntax
/// or a string that is not text, is a located diagnostic and skips the document; nothing throws.
/// </summary>
internal static partial class JsonSourceReader
{
    public static void Read(ReadOnlyMemory<byte> utf8, string file, ReaderLimits limits, List<ParsedItem> output)
    {
        var lines = new LineIndex(utf8);
        var reader = new Utf8JsonReader(utf8.Span, new JsonReaderOptions { MaxDepth = limits.MaxDepth, CommentHandling = JsonCommentHandling.Skip });
        var stack = new Stack<(SourceNode Node, string? Key, int KeyLine, int KeyColumn)>();
        var keys = new Stack<Dictionary<string, int>?>();
        SourceNode? root = null;
        try
        {
            while (reader.Read())
            {
                var (line, column) = lines.Position(reader.TokenStartIndex);
                SourceNode node;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (!TryGetString(ref reader, file, line, column, output, out var key))
                        {
                            return;
                        }

                        var top = stack.Pop();
                        stack.Push((top.Node, key, line, column));
                        continue;
                    case JsonTokenType.StartObject:
                        stack.Push((SourceNode.Mapping(line, column), null, 0, 0));
                        keys.Push(null);
                        continue;
                    case JsonTokenType.StartArray:
                        stack.Push((SourceNode.Sequence(line, column), null, 0, 0));
                        keys.Push(null);
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        node = stack.Pop().Node;
                        keys.Pop();
                        break;
                    case JsonTokenType.String:
                        if (!TryGetString(ref reader, file, line, column, output, out var text))
                        {
                            return;
                        }

                        node = SourceNode.Scalar(SourceNodeKind.String, text, line, column);
                        break;
                    case JsonTokenType.Number:
                        node = SourceNode.Scalar(SourceNodeKind.Number, Encoding.UTF8.GetString(reader.ValueSpan), line, column);
                        break;
                    case JsonTokenType.True or JsonTokenType.False:
                        node = SourceNode.Scalar(SourceNodeKind.Boolean, reader.TokenType == JsonTokenType.True ? "true" : "false", line, column);
                        break;
                    case JsonTokenType.Null:
                        node = SourceNode.Scalar(SourceNodeKind.Null, null, line, column);
                        break;
                    default:
                        continue;
                }

                if (stack.Count == 0)
                {
                    root = node;
                    continue;
                }

                var parent = stack.Peek();
                if (parent.Node.Kind == SourceNodeKind.Sequence)
                {
                    parent.Node.Items!.Add(node);
                    continue;
                }

                AddProperty(parent.Node, keys, new SourceProperty(parent.Key!, parent.KeyLine, parent.KeyColumn, node), file, output);
            }
        }
        catch (JsonException ex)
        {
            var (line, column) = lines.LineColumn(ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0);
            var message = FirstSentence(ex.Message);
            if (InData(stack))
            {
                // The parser quotes the text it stopped at; inside data or stringData that may be a Secret's value.
                message = QuotedInput().Replace(message, "the value");
            }

            output.Add(new ParsedItem(null, TextDiagnostics.Malformed($"malformed JSON: {message}", file, line, column)));
        }

        if (root is not null && root.Kind != SourceNodeKind.Null)
        {
            output.Add(new ParsedItem(root, null));
        }
    }

    /// <summary>
    /// The string of the current token. A <c>\uD800</c> escape without its pair (or one pair half alone) is not a
    /// character: the reader throws on it, so it becomes a located diagnostic and the document is skipped.
    /// </summary>
    private static bool TryGetString(ref Utf8JsonReader reader, string file, int line, int column, List<ParsedItem> output, out string value)
    {
        try
        {
            value = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = string.Empty;
            output.Add(new ParsedItem(null, TextDiagnostics.Malformed(
                "malformed JSON: the string has a \\u escape of a lone UTF-16 surrogate (such as \\ud800 without the \\udc00-\\udfff that must follow it), which is not a character. Write the character itself, or both halves of its pair. The document is skipped.",
                file,
                line,
                column)));
            return false;
        }
    }

    private static void AddProperty(SourceNode mapping, Stack<Dictionary<string, int>?> keys, SourceProperty property, string file, List<ParsedItem> output)
    {
        var index = keys.Pop() ?? new Dictionary<string, int>(StringComparer.Ordinal);
        keys.Push(index);
        var properties = mapping.Properties!;
        if (index.TryGetValue(property.Key, out var existing))
        {
            output.Add(new ParsedItem(null, TextDiagnostics.Create(
                Diagnostics.DiagnosticSeverity.Warning,
                DiagnosticCodes.DuplicateKey,
                $"the key \"{property.Key}\" appears twice in the same object (first at line {properties[existing].Line}); the later value is used. Remove one of them.",
                file,
                property.Line,
                property.Column)));
            properties[existing] = property;
            return;
        }

        index.Add(property.Key, properties.Count);
        properties.Add(property);
    }

    /// <summary>Whether the reader is inside the <c>data</c> or <c>stringData</c> of an object (a Secret's, perhaps).</summary>
    private static bool InData(Stack<(SourceNode Node, string? Key, int KeyLine, int KeyColumn)> stack)
        => stack.Any(frame => frame.Key is "data" or "stringData");

    [GeneratedRegex("'[^']*'", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedInput();

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends "LineNumber: n | BytePositionInLine: m." which the location already says.
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).Trim();
    }

    /// <summary>Maps byte offsets to 1-based lines and character columns, cheaply for increasing offsets.</summary>
    private sealed class LineIndex
    {
        private readonly ReadOnlyMemory<byte> _utf8;
        private readonly List<int> _starts = [0];
        private int _lastOffset;
        private int _lastLine;
        private int _lastColumn;

        public LineIndex(ReadOnlyMemory<byte> memory)
        {
            var utf8 = memory.Span;
            _utf8 = memory;
            var at = 0;
            while (utf8[at..].IndexOf((byte)'\n') is var next and >= 0)
            {
                at += next + 1;
                _starts.Add(at);
            }
        }

        public (int Line, int Column) Position(long offset)
        {
            var at = (int)Math.Min(offset, _utf8.Length);
            var line = _starts.BinarySearch(at);
            line = line >= 0 ? line : ~line - 1;
            if (line == _lastLine && at >= _lastOffset)
            {
                _lastColumn += Encoding.UTF8.GetCharCount(_utf8.Span[_lastOffset..at]);
            }
            else
            {
                _lastColumn = Encoding.UTF8.GetCharCount(_utf8.Span[_starts[line]..at]);
            }

            (_lastLine, _lastOffset) = (line, at);
            return (line + 1, _lastColumn + 1);
        }

        public (int Line, int Column) LineColumn(long zeroBasedLine, long bytePositionInLine)
        {
            var line = (int)Math.Clamp(zeroBasedLine, 0, _starts.Count - 1);
            var start = _starts[line];
            var length = (int)Math.Clamp(bytePositionInLine, 0, _utf8.Length - start);
            return (line + 1, Encoding.UTF8.GetCharCount(_utf8.Span.Slice(start, length)) + 1);
        }
    }
}
