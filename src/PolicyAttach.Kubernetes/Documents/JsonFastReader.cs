using System.Text;
using System.Text.Json;
using PolicyAttach.Manifests;

namespace PolicyAttach.Kubernetes.Documents;

/// <summary>
/// The fast path for a JSON file: one pass of <see cref="Utf8JsonReader"/> over the bytes as read checks the whole file
/// and finds its objects (the document, or the items of a <c>*List</c>) as byte ranges with their positions; each object
/// is then read straight from its range, with no node tree, no text copy and no JSON written again. Positions of
/// fields are found later, only when asked, by reading the object's range again. Any file the fast path does not
/// take exactly as <see cref="JsonSourceReader"/> would (a syntax error, a duplicate key, a lone surrogate escape, a
/// node or depth limit reached) is declined as a whole, and the caller reads it on the exact path, so diagnostics and
/// their order are unchanged.
/// </summary>
internal static class JsonFastReader
{
    /// <summary>
    /// Finds the objects of a valid UTF-8 JSON file (no byte order mark), handing each item of what may be a
    /// <c>*List</c> to <paramref name="found"/> as soon as its end is read, before the rest of the file is checked;
    /// false to decline the file (then nothing handed over counts).
    /// </summary>
    /// <param name="utf8">The file's bytes.</param>
    /// <param name="limits">The reader limits.</param>
    /// <param name="found">Given each list item in input order while the file is read, or null.</param>
    /// <param name="items">The objects in input order (a <c>null</c> document or list item is not one).</param>
    /// <param name="handedOver">
    /// Whether <paramref name="items"/> are exactly the items given to <paramref name="found"/>, in that order; false
    /// when the file turned out not to be a <c>*List</c> (its <c>kind</c> after its <c>items</c>), and what was handed
    /// over is not an object of it.
    /// </param>
    /// <returns>Whether the file was taken.</returns>
    public static bool TryRead(ReadOnlyMemory<byte> utf8, ReaderLimits limits, Action<JsonItemPositions>? found, out List<JsonItemPositions> items, out bool handedOver)
    {
        var list = items = [];
        handedOver = false;
        var options = ReaderOptions(limits);
        var lines = new LinePositions(utf8.Span);
        var reader = new Utf8JsonReader(utf8.Span, options);
        var keySets = new List<KeySet>();
        int rootStart = -1, rootEnd = -1, itemStart = -1;
        string? rootKind = null, lastRootKey = null;
        bool itemsIsArray = false, inItems = false, rootIsObject = false;
        long rootNodes = 0, itemNodes = 0, maxItemNodes = 0;
        try
        {
            while (reader.Read())
            {
                var depth = reader.CurrentDepth;
                var token = reader.TokenType;
                if (token == JsonTokenType.PropertyName)
                {
                    if (!AddKey(ref reader, keySets, depth, out var key))
                    {
                        return false;
                    }

                    if (depth == 1)
                    {
                        lastRootKey = key;
                    }

                    continue;
                }

                if (token == JsonTokenType.String && reader.ValueIsEscaped)
                {
                    // A lone surrogate escape throws here: the exact path reports it.
                    _ = reader.GetString();
                }

                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    if (depth == 0)
                    {
                        rootEnd = (int)reader.BytesConsumed;
                    }
                    else if (depth == 1 && inItems && token == JsonTokenType.EndArray)
                    {
                        inItems = false;
                    }
                    else if (depth == 2 && inItems)
                    {
                        AddItem(utf8, itemStart, (int)reader.BytesConsumed, ref lines, list, options, MayBeList(rootKind) && itemNodes <= limits.MaxNodes ? found : null);
                    }

                    continue;
                }

                // A value: a node as the exact path counts them against MaxNodesPerDocument.
                rootNodes++;
                itemNodes++;
                if (depth == 0)
                {
                    rootStart = (int)reader.TokenStartIndex;
                    rootIsObject = token == JsonTokenType.StartObject;
                    if (token is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                    {
                        rootEnd = (int)reader.BytesConsumed;
                    }

                    if (token == JsonTokenType.StartObject)
                    {
                        StartObject(keySets, depth);
                    }

                    continue;
                }

                if (depth == 1 && rootIsObject)
                {
                    if (lastRootKey == "kind" && token == JsonTokenType.String)
                    {
                        rootKind = reader.GetString();
                    }
                    else if (lastRootKey == "items" && token == JsonTokenType.StartArray)
                    {
                        (itemsIsArray, inItems) = (true, true);
                    }
                }
                else if (depth == 2 && inItems)
                {
                    maxItemNodes = Math.Max(maxItemNodes, itemNodes - 1);
                    itemNodes = 1;
                    itemStart = (int)reader.TokenStartIndex;
                    if (token is not (JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.Null))
                    {
                        AddItem(utf8, itemStart, (int)reader.BytesConsumed, ref lines, list, options, MayBeList(rootKind) && itemNodes <= limits.MaxNodes ? found : null);
                    }
                }

                if (token == JsonTokenType.StartObject)
                {
                    StartObject(keySets, depth);
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        maxItemNodes = Math.Max(maxItemNodes, itemNodes);
        var isList = rootIsObject && itemsIsArray && rootKind is not null && rootKind.EndsWith("List", StringComparison.Ordinal);
        if (rootStart < 0 || (isList ? maxItemNodes : rootNodes) > limits.MaxNodes)
        {
            return false;
        }

        if (!isList)
        {
            items.Clear();
            if (utf8.Span[rootStart] != (byte)'n')
            {
                var (line, column) = new LinePositions(utf8.Span).Position(rootStart);
                items.Add(new JsonItemPositions(utf8[rootStart..rootEnd], line, column, options));
            }

            return true;
        }

        handedOver = found is not null;
        return true;
    }

    /// <summary>Whether a root of this kind (null while not read yet) may be a <c>*List</c>.</summary>
    private static bool MayBeList(string? rootKind) => rootKind is null || rootKind.EndsWith("List", StringComparison.Ordinal);

    /// <summary>
    /// Adds an item of what may be a list (it is not known to be one before the whole root is read), positioned in
    /// input order, and hands it to <paramref name="found"/> at once (the caller passes null for an item over the node
    /// limit, which declines the file once it is read). Every other check of the item's text is done by then.
    /// </summary>
    private static void AddItem(ReadOnlyMemory<byte> utf8, int start, int end, ref LinePositions lines, List<JsonItemPositions> items, JsonReaderOptions options, Action<JsonItemPositions>? found)
    {
        var (line, column) = lines.Position(start);
        var item = new JsonItemPositions(utf8[start..end], line, column, options);
        items.Add(item);
        found?.Invoke(item);
    }

    /// <summary>The reader options of both paths: comments skipped, the depth limit.</summary>
    public static JsonReaderOptions ReaderOptions(ReaderLimits limits) => new() { MaxDepth = limits.MaxDepth, CommentHandling = JsonCommentHandling.Skip };

    private static void StartObject(List<KeySet> keySets, int depth)
    {
        while (keySets.Count <= depth)
        {
            keySets.Add(new KeySet());
        }

        keySets[depth].Clear();
    }

    /// <summary>Records a key of the object at <paramref name="depth"/>; false when it may repeat an earlier one.</summary>
    private static bool AddKey(ref Utf8JsonReader reader, List<KeySet> keySets, int depth, out string? key)
    {
        key = null;
        ulong hash;
        if (reader.ValueIsEscaped)
        {
            key = reader.GetString()!;
            hash = Hash(Encoding.UTF8.GetBytes(key));
        }
        else
        {
            hash = Hash(reader.ValueSpan);
            if (depth == 1)
            {
                key = reader.ValueSpan.SequenceEqual("kind"u8) ? "kind" : reader.ValueSpan.SequenceEqual("items"u8) ? "items" : string.Empty;
            }
        }

        // Equal hashes of different keys only send the file to the exact path, which is never wrong.
        return keySets[depth - 1].Add(hash);
    }

    /// <summary>FNV-1a: deterministic, and enough to tell keys apart (a collision only costs the exact path).</summary>
    private static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>
    /// The key hashes of one open object: open addressing in arrays kept from object to object, emptied by a new mark
    /// rather than cleared (most objects have a few keys, some thousands).
    /// </summary>
    private sealed class KeySet
    {
        private ulong[] _hashes = new ulong[16];
        private int[] _marks = new int[16];
        private int _mark = 1;
        private int _count;

        public void Clear()
        {
            _count = 0;
            if (++_mark == int.MaxValue)
            {
                Array.Clear(_marks);
                _mark = 1;
            }
        }

        /// <summary>Adds a hash; false when it is there already.</summary>
        public bool Add(ulong hash)
        {
            if (_count * 2 >= _hashes.Length)
            {
                Grow();
            }

            var mask = _hashes.Length - 1;
            var i = Slot(hash, mask);
            while (_marks[i] == _mark)
            {
                if (_hashes[i] == hash)
                {
                    return false;
                }

                i = (i + 1) & mask;
            }

            (_hashes[i], _marks[i]) = (hash, _mark);
            _count++;
            return true;
        }

        private static int Slot(ulong hash, int mask) => (int)(uint)((hash * 0x9E3779B97F4A7C15UL) >> 32) & mask;

        private void Grow()
        {
            var (hashes, marks, mark) = (_hashes, _marks, _mark);
            _hashes = new ulong[hashes.Length * 2];
            _marks = new int[hashes.Length * 2];
            (_mark, _count) = (1, 0);
            for (var i = 0; i < hashes.Length; i++)
            {
                if (marks[i] == mark)
                {
                    Add(hashes[i]);
                }
            }
        }
    }

    /// <summary>Line and character column of increasing byte offsets, in one pass over the text.</summary>
    private ref struct LinePositions
    {
        private readonly ReadOnlySpan<byte> _utf8;
        private int _offset;
        private int _line;
        private int _column;

        public LinePositions(ReadOnlySpan<byte> utf8)
        {
            _utf8 = utf8;
            (_line, _column) = (1, 1);
        }

        public (int Line, int Column) Position(int offset)
        {
            var span = _utf8[_offset..offset];
            var newline = span.LastIndexOf((byte)'\n');
            if (newline >= 0)
            {
                _line += span.Count((byte)'\n');
                _column = 1 + Encoding.UTF8.GetCharCount(span[(newline + 1)..]);
            }
            else
            {
                _column += Encoding.UTF8.GetCharCount(span);
            }

            _offset = offset;
            return (_line, _column);
        }
    }
}

/// <summary>
/// One JSON object read on the fast path: its bytes, where it starts, and its fields found on demand by reading the
/// bytes again (a diagnostic or a finding asks for a few; most objects are never asked).
/// </summary>
internal sealed class JsonItemPositions(ReadOnlyMemory<byte> utf8, int line, int column, JsonReaderOptions options) : DocumentPositions
{
    /// <summary>The object's bytes (a slice of the file).</summary>
    public ReadOnlyMemory<byte> Utf8 { get; } = utf8;

    /// <inheritdoc />
    public override int Line { get; } = line;

    /// <inheritdoc />
    public override int Column { get; } = column;

    /// <summary>
    /// The object read into tokens over its bytes, which are not copied; the tokens' arrays come from the shared pool, so
    /// the caller disposes them as soon as the object is read (nothing read from them is kept: the core reader copies
    /// what it keeps).
    /// </summary>
    public ManifestTokens Parse() => ManifestTokens.Parse(Utf8, options);

    /// <inheritdoc />
    public override (int Line, int Column) Locate(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return (Line, Column);
        }

        var reader = new Utf8JsonReader(Utf8.Span, options);
        reader.Read();
        var best = 0L;
        var pos = 0;
        while (pos < path.Length)
        {
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                if (pos > 0)
                {
                    if (path[pos] != '.')
                    {
                        break;
                    }

                    pos++;
                }

                var rest = path.AsSpan(pos);
                var found = false;
                var keyLength = 0;
                var match = reader;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var key = reader.GetString()!;
                    if (IsSegment(rest, key) && (!found || key.Length > keyLength))
                    {
                        found = true;
                        keyLength = key.Length;
                        match = reader;
                    }

                    reader.Skip();
                }

                if (!found)
                {
                    break;
                }

                reader = match;
                best = reader.TokenStartIndex;
                reader.Read();
                pos += keyLength;
            }
            else if (reader.TokenType == JsonTokenType.StartArray && path[pos] == '[')
            {
                if (!TryIndex(path, pos, out var index, out var close))
                {
                    break;
                }

                var at = -1;
                for (var i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
                {
                    if (i == index)
                    {
                        at = i;
                        break;
                    }

                    reader.Skip();
                }

                if (at < 0)
                {
                    break;
                }

                best = reader.TokenStartIndex;
                pos = close + 1;
            }
            else
            {
                break;
            }
        }

        return Position((int)best);
    }

    private (int Line, int Column) Position(int offset)
    {
        var span = Utf8.Span[..offset];
        var newline = span.LastIndexOf((byte)'\n');
        return newline < 0
            ? (Line, Column + Encoding.UTF8.GetCharCount(span))
            : (Line + span.Count((byte)'\n'), 1 + Encoding.UTF8.GetCharCount(span[(newline + 1)..]));
    }
}
