using PolicyAttach.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace PolicyAttach.Kubernetes.Documents;

/// <summary>
/// Reads a YAML stream into <see cref="SourceNode"/> documents over YamlDotNet's event parser. The text is first
/// split at <c>---</c> document markers (a marker at the start of a line always ends the previous document, YAML
/// 1.2 §9.1), so one malformed document never loses the documents after it.
/// </summary>
internal static class YamlSourceReader
{
    public static void Read(string text, string file, ReaderLimits limits, List<ParsedItem> output)
    {
        foreach (var (start, end, firstLine) in SplitDocuments(text))
        {
            var chunk = start == 0 && end == text.Length ? text : text[start..end];
            new ChunkReader(file, firstLine - 1, limits, output).Read(chunk);
        }
    }

    /// <summary>The chunks of text between document markers, each with its first line (from 1).</summary>
    internal static List<(int Start, int End, int FirstLine)> SplitDocuments(string text)
    {
        var chunks = new List<(int, int, int)>();
        int chunkStart = 0, chunkLine = 1, line = 1;
        int directiveStart = -1, directiveLine = 0;
        var pos = 0;
        while (pos < text.Length)
        {
            if (IsDocumentMarker(text, pos) && pos > chunkStart)
            {
                // Directives (%YAML, %TAG) belong to the document whose marker follows them.
                var (cut, cutLine) = directiveStart >= 0 ? (directiveStart, directiveLine) : (pos, line);
                if (cut > chunkStart)
                {
                    chunks.Add((chunkStart, cut, chunkLine));
                    chunkStart = cut;
                    chunkLine = cutLine;
                }
            }

            if (text[pos] == '%')
            {
                if (directiveStart < 0)
                {
                    (directiveStart, directiveLine) = (pos, line);
                }
            }
            else
            {
                directiveStart = -1;
            }

            var newline = text.IndexOf('\n', pos);
            if (newline < 0)
            {
                break;
            }

            pos = newline + 1;
            line++;
        }

        chunks.Add((chunkStart, text.Length, chunkLine));
        return chunks;
    }

    private static bool IsDocumentMarker(string text, int pos)
        => pos + 3 <= text.Length
        && string.CompareOrdinal(text, pos, "---", 0, 3) == 0
        && (pos + 3 == text.Length || text[pos + 3] is ' ' or '\t' or '\r' or '\n');

    private sealed class Frame(SourceNode node, string? anchor)
    {
        public SourceNode Node { get; } = node;

        public string? Anchor { get; } = anchor;

        public bool AwaitingKey { get; set; } = true;

        public string? Key { get; set; }

        public int KeyLine { get; set; }

        public int KeyColumn { get; set; }

        public bool KeyIsMerge { get; set; }

        public List<SourceNode>? MergeSources { get; set; }

        public Dictionary<string, int>? KeyIndex { get; set; }
    }

    private sealed class ChunkReader(string file, int lineOffset, ReaderLimits limits, List<ParsedItem> output)
    {
        private readonly Stack<Frame> _stack = new();
        private readonly Dictionary<string, SourceNode> _anchors = new(StringComparer.Ordinal);
        private SourceNode? _root;
        private bool _failed;

        public void Read(string chunk)
        {
            var parser = new Parser(new Scanner(new StringReader(chunk), skipComments: true));
            try
            {
                while (parser.MoveNext())
                {
                    Handle(parser.Current!);
                }
            }
            catch (YamlException ex)
            {
                output.Add(new ParsedItem(null, TextDiagnostics.Malformed(
                    $"malformed YAML: {StripPosition(ex.Message)} The rest of this document is skipped.",
                    file,
                    (int)ex.Start.Line + lineOffset,
                    (int)ex.Start.Column)));
            }
#pragma warning disable CA1031 // Never throw on user data: any parser failure becomes a diagnostic.
            catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                output.Add(new ParsedItem(null, TextDiagnostics.Malformed(
                    $"the YAML could not be parsed ({ex.GetType().Name}: {ex.Message}). The rest of this document is skipped.",
                    file,
                    lineOffset + 1,
                    1)));
            }
        }

        private static string StripPosition(string message)
        {
            // YamlDotNet prefixes "(Line: l, Col: c, Idx: i) - (Line: ...): " with positions relative to the chunk.
            if (message.StartsWith("(Line:", StringComparison.Ordinal))
            {
                var cut = message.IndexOf("): ", StringComparison.Ordinal);
                if (cut >= 0)
                {
                    message = message[(cut + 3)..];
                }
            }

            message = message.Trim();
            return message.EndsWith('.') ? message : message + ".";
        }

        private int Line(Mark mark) => (int)mark.Line + lineOffset;

        private static int Column(Mark mark) => (int)mark.Column;

        private void Handle(ParsingEvent e)
        {
            switch (e)
            {
                case DocumentStart:
                    _stack.Clear();
                    _anchors.Clear();
                    _root = null;
                    _failed = false;
                    break;
                case DocumentEnd:
                    if (!_failed && _root is not null && _root.Kind != SourceNodeKind.Null)
                    {
                        output.Add(new ParsedItem(_root, null));
                    }

                    _stack.Clear();
                    _root = null;
                    break;
                case var _ when _failed:
                    break;
                case Scalar scalar:
                    OnScalar(scalar);
                    break;
                case AnchorAlias alias:
                    OnAlias(alias);
                    break;
                case MappingStart mapping:
                    OnCollectionStart(SourceNode.Mapping(Line(e.Start), Column(e.Start)), mapping.Anchor, e.Start);
                    break;
                case SequenceStart sequence:
                    OnCollectionStart(SourceNode.Sequence(Line(e.Start), Column(e.Start)), sequence.Anchor, e.Start);
                    break;
                case MappingEnd or SequenceEnd:
                    OnCollectionEnd();
                    break;
                default:
                    break;
            }
        }

        private void Fail(string message, Mark at)
        {
            output.Add(new ParsedItem(null, TextDiagnostics.Malformed(message + " The document is skipped.", file, Line(at), Column(at))));
            _failed = true;
        }

        private void OnScalar(Scalar scalar)
        {
            if (_stack.TryPeek(out var frame) && frame.Node.Kind == SourceNodeKind.Mapping && frame.AwaitingKey)
            {
                SetKey(frame, scalar.Value, scalar.Start, scalar.Style == ScalarStyle.Plain && scalar.Value == "<<");
                return;
            }

            var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
            var (kind, text) = ScalarResolver.Resolve(scalar.Value, scalar.Style == ScalarStyle.Plain, tag);
            var node = SourceNode.Scalar(kind, text, Line(scalar.Start), Column(scalar.Start));
            Complete(node, scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value);
        }

        private void OnAlias(AnchorAlias alias)
        {
            if (!_anchors.TryGetValue(alias.Value.Value, out var target))
            {
                Fail($"the alias *{alias.Value.Value} refers to no anchor defined before it.", alias.Start);
                return;
            }

            if (_stack.TryPeek(out var frame) && frame.Node.Kind == SourceNodeKind.Mapping && frame.AwaitingKey)
            {
                if (!target.IsScalar)
                {
                    Fail("a mapping key is a sequence or mapping; Kubernetes objects only have string keys.", alias.Start);
                    return;
                }

                SetKey(frame, target.Text ?? "null", alias.Start, merge: false);
                return;
            }

            Complete(target, null);
        }

        private void SetKey(Frame frame, string key, Mark at, bool merge)
        {
            frame.Key = key;
            frame.KeyLine = Line(at);
            frame.KeyColumn = Column(at);
            frame.KeyIsMerge = merge;
            frame.AwaitingKey = false;
        }

        private void OnCollectionStart(SourceNode node, AnchorName anchor, Mark at)
        {
            if (_stack.TryPeek(out var frame) && frame.Node.Kind == SourceNodeKind.Mapping && frame.AwaitingKey)
            {
                Fail("a mapping key is a sequence or mapping; Kubernetes objects only have string keys.", at);
                return;
            }

            if (_stack.Count >= limits.MaxDepth)
            {
                Fail($"the document is nested more than {limits.MaxDepth} levels deep.", at);
                return;
            }

            _stack.Push(new Frame(node, anchor.IsEmpty ? null : anchor.Value));
        }

        private void OnCollectionEnd()
        {
            var frame = _stack.Pop();
            if (frame.MergeSources is { } sources)
            {
                ApplyMerge(frame, sources);
            }

            Complete(frame.Node, frame.Anchor);
        }

        private static void ApplyMerge(Frame frame, List<SourceNode> sources)
        {
            // Merge keys (<<) as kubectl's YAML reader applies them: explicit keys win, then earlier sources.
            var properties = frame.Node.Properties!;
            var present = new HashSet<string>(properties.Select(p => p.Key), StringComparer.Ordinal);
            foreach (var source in sources)
            {
                foreach (var property in source.Properties!)
                {
                    if (present.Add(property.Key))
                    {
                        properties.Add(property);
                    }
                }
            }
        }

        private void Complete(SourceNode node, string? anchor)
        {
            if (anchor is not null)
            {
                _anchors[anchor] = node;
            }

            if (!_stack.TryPeek(out var parent))
            {
                _root = node;
                return;
            }

            if (parent.Node.Kind == SourceNodeKind.Sequence)
            {
                parent.Node.Items!.Add(node);
                return;
            }

            var key = parent.Key!;
            parent.AwaitingKey = true;
            if (parent.KeyIsMerge)
            {
                parent.MergeSources ??= [];
                if (node.Kind == SourceNodeKind.Mapping)
                {
                    parent.MergeSources.Add(node);
                    return;
                }

                if (node.Kind == SourceNodeKind.Sequence && node.Items!.TrueForAll(i => i.Kind == SourceNodeKind.Mapping))
                {
                    parent.MergeSources.AddRange(node.Items);
                    return;
                }
            }

            var properties = parent.Node.Properties!;
            var property = new SourceProperty(key, parent.KeyLine, parent.KeyColumn, node);
            parent.KeyIndex ??= new Dictionary<string, int>(StringComparer.Ordinal);
            if (parent.KeyIndex.TryGetValue(key, out var existing))
            {
                var first = properties[existing];
                output.Add(new ParsedItem(null, TextDiagnostics.Create(
                    DiagnosticSeverity.Warning,
                    DiagnosticCodes.DuplicateKey,
                    $"the key \"{key}\" appears twice in the same mapping (first at line {first.Line}); the later value is used. Remove one of them.",
                    file,
                    parent.KeyLine,
                    parent.KeyColumn)));
                properties[existing] = property;
                return;
            }

            parent.KeyIndex.Add(key, properties.Count);
            properties.Add(property);
        }
    }
}
