using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using PolicyAttach.Diagnostics;
using PolicyAttach.Manifests;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace PolicyAttach.Kubernetes.Documents;

/// <summary>
/// Reads a YAML stream into <see cref="SourceNode"/> documents over YamlDotNet's event parser. The text is first
/// split at <c>---</c> and <c>...</c> document markers (a marker at the start of a line always ends the previous
/// document, YAML 1.2 §9.1), so one malformed document never loses the documents after it, and a document that
/// breaks a limit (nesting, alias expansion) stops at once without reading the rest of its text.
/// </summary>
internal static class YamlSourceReader
{
    /// <summary>
    /// Reads every document of <paramref name="text"/>, handing them on in batches in input order: the documents of a
    /// batch are parsed on all cores, and a batch's trees can be dropped before the next is parsed.
    /// </summary>
    /// <param name="text">The decoded text.</param>
    /// <param name="file">The name diagnostics print.</param>
    /// <param name="limits">The limits.</param>
    /// <param name="batch">Receives documents and diagnostics in input order, a batch at a time.</param>
    /// <param name="invalidUtf8">Offsets in <paramref name="text"/> where invalid UTF-8 was replaced; documents holding one are skipped.</param>
    /// <param name="utf8">The bytes <paramref name="text"/> was decoded from when it is exactly their decoding; empty otherwise. Documents then keep their bytes for later positions, not the text.</param>
    public static void Read(string text, string file, ReaderLimits limits, Action<List<ParsedItem>> batch, IReadOnlyList<int>? invalidUtf8 = null, ReadOnlyMemory<byte> utf8 = default)
    {
        var invalid = 0;
        var chunks = SplitDocuments(text);
        // The fast path's tokens are held for a batch, read, then disposed: the next batch writes in the same arrays.
        var pool = new ManifestTokenPool();
        var bytes = utf8.IsEmpty ? null : ByteRanges(text, chunks);
        InBatches(
            chunks.Count,
            c =>
            {
                // In input order: where the text was not UTF-8.
                var (start, end, firstLine) = chunks[c];
                var bad = -1;
                var badCount = 0;
                while (invalidUtf8 is not null && invalid < invalidUtf8.Count && invalidUtf8[invalid] < end)
                {
                    bad = bad < 0 ? invalidUtf8[invalid] : bad;
                    badCount++;
                    invalid++;
                }

                if (bad < 0)
                {
                    return null;
                }

                var (line, column) = TextPosition.Of(text, start, firstLine, bad);
                return [new ParsedItem(null, TextDiagnostics.InvalidUtf8(badCount, file, line, column))];
            },
            c =>
            {
                var (start, end, firstLine) = chunks[c];
                var items = new List<ParsedItem>(1);
                var chunk = new YamlChunk(text, start, end, firstLine, file, limits) { Utf8 = bytes is null ? default : utf8[bytes[c].Start..bytes[c].End] };
                if (!limits.FastYaml || !YamlFastReader.TryRead(chunk, items, pool))
                {
                    ReadChunk(chunk, items);
                }

                return items;
            },
            batch);
    }

    /// <summary>
    /// Reads every document of a file's bytes as <see cref="Read(string, string, ReaderLimits, Action{List{ParsedItem}}, IReadOnlyList{int}?, ReadOnlyMemory{byte})"/>
    /// reads its decoded text, without decoding the whole file: the bytes must be valid UTF-8 with no byte order mark
    /// anywhere. Documents are split and read by the fast path on the bytes (lines are the same, and columns too: a
    /// chunk starts at the start of a line and the fast path reports only where a document starts, after spaces);
    /// only a document the fast path declines is decoded, alone, for the exact path. Documents keep their bytes for
    /// later positions.
    /// </summary>
    /// <param name="utf8">The bytes.</param>
    /// <param name="file">The name diagnostics print.</param>
    /// <param name="limits">The limits.</param>
    /// <param name="batch">Receives documents and diagnostics in input order, a batch at a time.</param>
    public static void ReadUtf8(ArraySegment<byte> utf8, string file, ReaderLimits limits, Action<List<ParsedItem>> batch)
    {
        var bytes = utf8.Array!;
        var offset = utf8.Offset;
        var chunks = SplitDocuments(utf8.AsSpan());
        var pool = new ManifestTokenPool();
        InBatches(
            chunks.Count,
            _ => null,
            c =>
            {
                var (start, end, firstLine) = chunks[c];
                var items = new List<ParsedItem>(1);
                var range = utf8.AsMemory(start, end - start);
                if (limits.FastYaml && YamlFastReader.TryRead(bytes, offset + start, offset + end, firstLine, limits, new YamlKeptChunk(range, firstLine, file, limits), items, pool))
                {
                    return items;
                }

                var text = System.Text.Encoding.UTF8.GetString(range.Span);
                ReadChunk(new YamlChunk(text, 0, text.Length, firstLine, file, limits) { Utf8 = range }, items);
                return items;
            },
            batch);
    }

    /// <summary>
    /// Reads <paramref name="count"/> chunks a batch at a time: <paramref name="before"/> in input order (items that
    /// stand for the chunk, or null), then <paramref name="parse"/> for the rest on all cores, and hands each batch on
    /// in input order.
    /// </summary>
    private static void InBatches(int count, Func<int, List<ParsedItem>?> before, Func<int, List<ParsedItem>> parse, Action<List<ParsedItem>> batch)
    {
        for (var from = 0; from < count; from += BatchDocuments)
        {
            var size = Math.Min(BatchDocuments, count - from);
            var parsed = new List<ParsedItem>?[size];
            for (var c = 0; c < size; c++)
            {
                parsed[c] = before(from + c);
            }

            // Documents are independent once split: parse them on all cores, and keep them in input order.
            void ParseChunk(int c) => parsed[c] ??= parse(from + c);

            if (size < ParallelFrom || Environment.ProcessorCount == 1)
            {
                for (var c = 0; c < size; c++)
                {
                    ParseChunk(c);
                }
            }
            else
            {
                Parallel.For(0, size, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, ParseChunk);
            }

            batch(parsed.SelectMany(items => items!).ToList());
        }
    }

    /// <summary>Where each chunk is in the UTF-8 bytes of <paramref name="text"/> (chunks are in order and do not overlap).</summary>
    private static (int Start, int End)[] ByteRanges(string text, List<(int Start, int End, int FirstLine)> chunks)
    {
        var ranges = new (int Start, int End)[chunks.Count];
        int chars = 0, bytes = 0;
        for (var c = 0; c < chunks.Count; c++)
        {
            var (start, end, _) = chunks[c];
            bytes += System.Text.Encoding.UTF8.GetByteCount(text.AsSpan(chars, start - chars));
            var length = System.Text.Encoding.UTF8.GetByteCount(text.AsSpan(start, end - start));
            ranges[c] = (bytes, bytes + length);
            (chars, bytes) = (end, bytes + length);
        }

        return ranges;
    }

    /// <summary>Parses the documents of one chunk.</summary>
    internal static void ReadChunk(YamlChunk chunk, List<ParsedItem> output)
    {
        var text = chunk.Start == 0 && chunk.End == chunk.Text.Length ? chunk.Text : chunk.Text[chunk.Start..chunk.End];
        new ChunkReader(chunk, output).Read(WithoutByteOrderMarks(text));
    }

    /// <summary>Below this many documents, parsing on one core costs less than sharing the work.</summary>
    private const int ParallelFrom = 16;

    /// <summary>The documents parsed before they are handed on: enough to share among the cores, few enough to keep memory flat.</summary>
    private const int BatchDocuments = 1024;

    /// <summary>The chunks of text between document markers, each with its first line (from 1).</summary>
    internal static List<(int Start, int End, int FirstLine)> SplitDocuments(string text) => SplitDocuments(text.AsSpan());

    /// <summary>The chunks of text between document markers, each with its first line (from 1).</summary>
    /// <remarks>On UTF-8 bytes as on decoded text: every character the splitter looks at is ASCII (a byte order mark is looked for in text only; bytes given here have none). Compiled fully optimized when first called, as the fast reader's loops are (it runs once over the whole file).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static List<(int Start, int End, int FirstLine)> SplitDocuments<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T>
    {
        var chunks = new List<(int, int, int)>();
        int chunkStart = 0, chunkLine = 1, line = 1;
        int directiveStart = -1, directiveLine = 0;
        var pos = 0;
        while (pos < text.Length)
        {
            var newline = text[pos..].IndexOf(T.CreateTruncating('\n'));
            newline = newline < 0 ? -1 : pos + newline;
            var lineEnd = newline < 0 ? text.Length : newline + 1;
            var marker = DocumentMarker(text, pos);
            if (marker == '-' && pos > chunkStart)
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

            if (text[pos] == T.CreateTruncating('%'))
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

            if (marker == '.' && lineEnd < text.Length)
            {
                // "..." ends the document; what follows is the next one.
                chunks.Add((chunkStart, lineEnd, chunkLine));
                chunkStart = lineEnd;
                chunkLine = line + 1;
            }

            if (newline < 0)
            {
                break;
            }

            pos = lineEnd;
            line++;
        }

        chunks.Add((chunkStart, text.Length, chunkLine));
        return chunks;
    }

    /// <summary><c>-</c> for a <c>---</c> line, <c>.</c> for a <c>...</c> line (either after an optional byte order mark), else nothing.</summary>
    private static char DocumentMarker<T>(ReadOnlySpan<T> text, int pos)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) == typeof(char) && pos < text.Length && C(text[pos]) == '\uFEFF')
        {
            pos++;
        }

        if (pos + 3 > text.Length || C(text[pos]) is not ('-' or '.') || text[pos + 1] != text[pos] || text[pos + 2] != text[pos])
        {
            return '\0';
        }

        return pos + 3 == text.Length || C(text[pos + 3]) is ' ' or '\t' or '\r' or '\n' ? C(text[pos]) : '\0';
    }

    /// <summary>A character of text, or a byte read as one (0x80 and above equal no ASCII character).</summary>
    private static char C<T>(T value)
        where T : unmanaged, IBinaryInteger<T> => (char)ushort.CreateTruncating(value);

    /// <summary>
    /// A byte order mark may start any document (YAML 1.2 §5.2), as when files are concatenated; the parser accepts one
    /// only at the start of the stream, so marks at the start of a line are removed (they have no width).
    /// </summary>
    private static string WithoutByteOrderMarks(string chunk)
    {
        if (!chunk.Contains('\uFEFF', StringComparison.Ordinal))
        {
            return chunk;
        }

        var result = new System.Text.StringBuilder(chunk.Length);
        for (var i = 0; i < chunk.Length; i++)
        {
            if (chunk[i] == '\uFEFF' && (i == 0 || chunk[i - 1] == '\n'))
            {
                continue;
            }

            result.Append(chunk[i]);
        }

        return result.ToString();
    }

    private sealed class Frame(SourceNode node, string? anchor, bool flow, Mark start)
    {
        public SourceNode Node { get; } = node;

        public string? Anchor { get; } = anchor;

        public bool Flow { get; } = flow;

        public Mark Start { get; } = start;

        public bool AwaitingKey { get; set; } = true;

        public string? Key { get; set; }

        public int KeyLine { get; set; }

        public int KeyColumn { get; set; }

        public bool KeyIsMerge { get; set; }

        public List<SourceNode>? MergeSources { get; set; }

        public Dictionary<string, int>? KeyIndex { get; set; }

        /// <summary>The JSON size of the children completed so far, aliases expanded.</summary>
        public Size Children { get; set; }
    }

    /// <summary>How large a node is once its aliases are expanded: JSON nodes and (about) JSON bytes.</summary>
    private readonly record struct Size(long Nodes, long Bytes)
    {
        public static Size operator +(Size a, Size b) => new(Saturate(a.Nodes + b.Nodes), Saturate(a.Bytes + b.Bytes));

        private static long Saturate(long value) => value < 0 ? long.MaxValue : value;
    }

    private sealed class ChunkReader(YamlChunk source, List<ParsedItem> output)
    {
        private readonly YamlChunk _source = source;
        private readonly string _file = source.File;
        private readonly int _lineOffset = source.FirstLine - 1;
        private readonly ReaderLimits _limits = source.Limits;
        private int _documentsOut;
        private readonly Stack<Frame> _stack = new();
        private readonly Dictionary<string, (SourceNode Node, Size Size)> _anchors = new(StringComparer.Ordinal);
        private SourceNode? _root;
        private bool _failed;
        private bool _stopped;
        private long _nodes;
        private long _aliasBytes;

        public void Read(string chunk)
        {
            var scanner = new Scanner(new StringReader(chunk), skipComments: true);
            var parser = new Parser(scanner);
            try
            {
                while (!_stopped && parser.MoveNext())
                {
                    Handle(parser.Current!);
                }
            }
            catch (YamlException ex)
            {
                output.Add(new ParsedItem(null, TextDiagnostics.Malformed(
                    $"malformed YAML: {StripPosition(ex.Message)} The rest of this document is skipped.",
                    _file,
                    (int)ex.Start.Line + _lineOffset,
                    (int)ex.Start.Column)));
            }
#pragma warning disable CA1031 // Never throw on user data: any parser failure becomes a diagnostic.
            catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                // YamlDotNet fails without a YamlException on some malformed flow collections (an unclosed "[" before a
                // line at a lower indentation): say what is unfinished, at the position the scanner reached.
                var at = scanner.CurrentPosition;
                output.Add(new ParsedItem(null, TextDiagnostics.Malformed(
                    $"malformed YAML: {Unfinished()} The rest of this document is skipped.",
                    _file,
                    (int)at.Line + _lineOffset,
                    (int)at.Column)));
            }
        }

        private string Unfinished()
        {
            foreach (var frame in _stack)
            {
                if (frame.Flow)
                {
                    var (what, close) = frame.Node.Kind == SourceNodeKind.Sequence ? ("flow sequence", ']') : ("flow mapping", '}');
                    return string.Create(CultureInfo.InvariantCulture, $"while scanning the {what} that starts at line {(int)frame.Start.Line + _lineOffset}, column {(int)frame.Start.Column}, did not find the expected ',' or '{close}' (a value that continues on the next line must be indented more than its key).");
                }
            }

            return "the YAML scanner could not read the text here; check the quoting and the indentation.";
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

        private int Line(Mark mark) => (int)mark.Line + _lineOffset;

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
                    _nodes = 0;
                    _aliasBytes = 0;
                    break;
                case DocumentEnd:
                    if (!_failed && _root is not null && _root.Kind != SourceNodeKind.Null)
                    {
                        output.Add(new ParsedItem(_root, null, _source, _documentsOut++));
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
                    OnCollectionStart(SourceNode.Mapping(Line(e.Start), Column(e.Start)), mapping.Anchor, mapping.Style == MappingStyle.Flow, e.Start);
                    break;
                case SequenceStart sequence:
                    OnCollectionStart(SourceNode.Sequence(Line(e.Start), Column(e.Start)), sequence.Anchor, sequence.Style == SequenceStyle.Flow, e.Start);
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
            output.Add(new ParsedItem(null, TextDiagnostics.Malformed(message + " The document is skipped.", _file, Line(at), Column(at))));
            _failed = true;
        }

        /// <summary>Fails the document and stops reading its text: what follows would only cost time.</summary>
        private void Stop(string message, Mark at)
        {
            Fail(message, at);
            _stopped = true;
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
            Complete(node, scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value, new Size(1, (text?.Length ?? 4) + 3), 1, scalar.Start);
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
                if (!target.Node.IsScalar)
                {
                    Fail("a mapping key is a sequence or mapping; Kubernetes objects only have string keys.", alias.Start);
                    return;
                }

                SetKey(frame, target.Node.Text ?? "null", alias.Start, merge: false);
                return;
            }

            // An alias repeats its anchor's whole subtree in the JSON the core reads: bounded, so that a small file cannot
            // expand to gigabytes ("billion laughs").
            _aliasBytes += target.Size.Bytes;
            if (_aliasBytes < 0 || _aliasBytes > _limits.MaxAliasBytes)
            {
                Stop(string.Create(CultureInfo.InvariantCulture, $"the aliases of this document expand to more than {_limits.MaxAliasBytes} bytes of JSON (an alias bomb?); repeat less through aliases, or raise ManifestLoaderOptions.MaxAliasBytes."), alias.Start);
                return;
            }

            Complete(target.Node, null, target.Size, target.Size.Nodes, alias.Start);
        }

        private void SetKey(Frame frame, string key, Mark at, bool merge)
        {
            frame.Key = key;
            frame.KeyLine = Line(at);
            frame.KeyColumn = Column(at);
            frame.KeyIsMerge = merge;
            frame.AwaitingKey = false;
        }

        private void OnCollectionStart(SourceNode node, AnchorName anchor, bool flow, Mark at)
        {
            if (_stack.TryPeek(out var frame) && frame.Node.Kind == SourceNodeKind.Mapping && frame.AwaitingKey)
            {
                Fail("a mapping key is a sequence or mapping; Kubernetes objects only have string keys.", at);
                return;
            }

            if (_stack.Count >= _limits.MaxDepth)
            {
                // Stop at once: the parser's work per level grows with the depth, so reading on is quadratic.
                Stop($"the document is nested more than {_limits.MaxDepth} levels deep.", at);
                return;
            }

            _stack.Push(new Frame(node, anchor.IsEmpty ? null : anchor.Value, flow, at));
        }

        private void OnCollectionEnd()
        {
            var frame = _stack.Pop();
            if (frame.MergeSources is { } sources)
            {
                ApplyMerge(frame, sources);
            }

            Complete(frame.Node, frame.Anchor, frame.Children + new Size(1, 2), 1, frame.Start);
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

        /// <summary>Adds a node (new, or repeated by an alias) to its parent; <paramref name="added"/> nodes count against the limit.</summary>
        private void Complete(SourceNode node, string? anchor, Size size, long added, Mark at)
        {
            _nodes += added;
            if (_nodes < 0 || _nodes > _limits.MaxNodes)
            {
                Stop(string.Create(CultureInfo.InvariantCulture, $"the document expands to more than {_limits.MaxNodes} nodes once its aliases are resolved (an alias bomb?)."), at);
                return;
            }

            if (anchor is not null)
            {
                _anchors[anchor] = (node, size);
            }

            if (!_stack.TryPeek(out var parent))
            {
                _root = node;
                return;
            }

            if (parent.Node.Kind == SourceNodeKind.Sequence)
            {
                parent.Node.Items!.Add(node);
                parent.Children += size;
                return;
            }

            var key = parent.Key!;
            parent.AwaitingKey = true;
            parent.Children += size + new Size(0, key.Length + 3);
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
                    _file,
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
