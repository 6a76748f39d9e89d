using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using PolicyAttach.Manifests;

namespace PolicyAttach.Kubernetes.Documents;

/// <summary>
/// The fast path for one YAML document (the text between two document markers): the block-style subset that
/// manifests are written in (block mappings and sequences, indentless sequences, plain and one-line quoted scalars,
/// literal block scalars, empty and one-line flow sequences of scalars, comments, <c>---</c> and <c>...</c>) is read
/// in one pass over the text and written straight to JSON, with no event objects and no node tree. Plain scalars are
/// resolved by <see cref="ScalarResolver"/>, as on the exact path. Anything outside the subset (anchors, aliases, tags,
/// merge keys, complex keys, folded scalars, multi-line plain or quoted scalars, tabs, carriage returns, byte order
/// marks, characters the YAML parser would refuse, a duplicate key, a depth or node count near the limits) declines
/// the whole document, and the caller reads it on the exact path (<see cref="YamlSourceReader"/>), so every diagnostic
/// and position stays the exact path's. Fields are located later by parsing the document's text again, as for
/// documents read on the exact path.
/// </summary>
/// <remarks>
/// The methods that loop over the text are compiled by the JIT, fully optimized, when first called
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>) instead of being taken from the ReadyToRun image: a large
/// file is read in one run, and with the precompiled code alone (tiered compilation off) the 50,000-route world was
/// read about two times slower than by the code the runtime optimizes later; the precompiled code cannot inline the
/// framework's span methods, and a loop that runs once over the whole file is never compiled again.
/// </remarks>
internal static class YamlFastReader
{
    /// <summary>The thread's reader, used for one document after another (with its token writer and list of keys).</summary>
    [ThreadStatic]
    private static Reader? t_reader;

    /// <summary>Where a quoted or literal scalar with escapes or several lines is put together (one reader at a time per thread).</summary>
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    /// <summary>A key: a plain key's place in the text, or a quoted key's UTF-8 text.</summary>
    private readonly record struct Key(int Start, int Length, byte[]? Quoted);

    /// <summary>Reads the document of a chunk of decoded text; false to decline it (nothing is added then).</summary>
    /// <param name="chunk">The chunk, as <see cref="YamlSourceReader.SplitDocuments"/> found it.</param>
    /// <param name="output">Receives the document, if the chunk holds one that is not a <c>*List</c>.</param>
    /// <param name="pool">The arrays its tokens are written in (the load's, given back when the tokens are read).</param>
    /// <returns>Whether the chunk was taken.</returns>
    public static bool TryRead(YamlChunk chunk, List<ParsedItem> output, ManifestTokenPool pool)
    {
        var text = chunk.Text.AsSpan(chunk.Start, chunk.End - chunk.Start);
        if (!IsPlainText(text))
        {
            return false;
        }

        // The reader reads UTF-8: the text's (it has no surrogates, so its UTF-8 has the same characters).
        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, utf8);
            return Read(utf8, 0, length, chunk.FirstLine, chunk.Limits, chunk, output, pool);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    /// <summary>
    /// Reads the document in <paramref name="utf8"/> from <paramref name="start"/> to <paramref name="end"/> (valid
    /// UTF-8 with no byte order mark, as <see cref="YamlSourceReader.SplitDocuments"/> found it); false to decline it
    /// (nothing is added then).
    /// </summary>
    /// <param name="utf8">The file's bytes.</param>
    /// <param name="start">Where the chunk starts (at the start of a line).</param>
    /// <param name="end">Where it ends.</param>
    /// <param name="firstLine">The line (from 1) it starts on.</param>
    /// <param name="limits">The reader limits.</param>
    /// <param name="source">What the document's positions are found from later.</param>
    /// <param name="output">Receives the document, if the chunk holds one that is not a <c>*List</c>.</param>
    /// <param name="pool">The arrays its tokens are written in.</param>
    /// <returns>Whether the chunk was taken.</returns>
    public static bool TryRead(byte[] utf8, int start, int end, int firstLine, ReaderLimits limits, IYamlDocuments source, List<ParsedItem> output, ManifestTokenPool pool)
        => IsPlainText(utf8.AsSpan(start, end - start)) && Read(utf8, start, end, firstLine, limits, source, output, pool);

    private static bool Read(byte[] utf8, int start, int end, int firstLine, ReaderLimits limits, IYamlDocuments source, List<ParsedItem> output, ManifestTokenPool pool)
    {
        var reader = t_reader ??= new Reader();
        var writer = reader.Writer;
        var taken = reader.Read(utf8, start, end, firstLine, limits, out var found, out var line, out var column);
        if (!taken || !found)
        {
            // Declined, or an empty document (taken, with nothing to add): what was written is dropped.
            writer.Reset();
            return taken;
        }

        var tokens = writer.ToTokens(pool);
        if (tokens.IsList)
        {
            // A *List document is expanded to its items with their own positions: the exact path does that.
            tokens.Dispose();
            return false;
        }

        output.Add(new ParsedItem(null, null, source, 0) { Tokens = tokens, Line = line, Column = column });
        return true;
    }

    /// <summary>
    /// Whether every character is one the subset takes: printable ASCII, line feeds, and printable characters of the
    /// basic multilingual plane other than line separators and byte order marks (no tabs, no carriage returns, no
    /// surrogates).
    /// </summary>
    private static bool IsPlainText(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is '\n' or (>= ' ' and < '\x7F'))
            {
                continue;
            }

            if (c < '\xA0' || c is '\u2028' or '\u2029' or '\uFEFF' or >= '\uFFFE' or (>= '\uD800' and < '\uE000'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Printable ASCII and the line feed: what most of a manifest is.</summary>
    private static readonly SearchValues<byte> PlainAscii = SearchValues.Create("\n !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"u8);

    /// <summary>
    /// <see cref="IsPlainText(ReadOnlySpan{char})"/> on valid UTF-8: the same characters are taken (a four-byte sequence
    /// is a character outside the basic plane, two surrogates once decoded).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsPlainText(ReadOnlySpan<byte> text)
    {
        var i = 0;
        while (true)
        {
            var other = text[i..].IndexOfAnyExcept(PlainAscii);
            if (other < 0)
            {
                return true;
            }

            i += other;
            var b = text[i];
            switch (b)
            {
                case < 0xC2 or >= 0xF0:
                    // ASCII controls, tabs, carriage returns, DEL; continuation bytes cannot start a valid sequence; four-byte sequences.
                    return false;
                case 0xC2 when text[i + 1] < 0xA0:
                    // U+0080 to U+009F.
                    return false;
                case < 0xE0:
                    i += 2;
                    break;
                default:
                    var c = (char)(((b & 0x0F) << 12) | ((text[i + 1] & 0x3F) << 6) | (text[i + 2] & 0x3F));
                    if (c is '\u2028' or '\u2029' or '\uFEFF' or >= '\uFFFE')
                    {
                        return false;
                    }

                    i += 3;
                    break;
            }
        }
    }

    /// <summary>UTF-8 bytes read as characters (a byte of 0x80 or more is part of a longer character and equals no ASCII one).</summary>
    private readonly struct Chars(byte[] bytes)
    {
        public char this[int index] => (char)bytes[index];
    }

    /// <summary>One pass over one document's lines; every method returns false to decline the document.</summary>
    private sealed class Reader
    {
        private readonly ManifestTokenWriter _w = new();

        /// <summary>The keys of the mappings being read, to find duplicates.</summary>
        private readonly List<Key> _keys = new(64);

        /// <summary>The text's bytes, each read as a character: the subset's syntax is all ASCII, and a byte of a longer sequence (0x80 or more) equals none of its characters.</summary>
        private Chars _s;
        private byte[] _b = [];
        private int _end;
        private ReaderLimits _limits = null!;
        private int _ls;
        private int _le;
        private int _line;
        private int _depth;
        private long _nodes;

        private bool AtEnd => _ls >= _end;

        /// <summary>Where the tokens of the document are written.</summary>
        public ManifestTokenWriter Writer => _w;

        /// <summary>Reads the document from <paramref name="start"/> to <paramref name="end"/>; false to decline it.</summary>
        public bool Read(byte[] utf8, int start, int end, int firstLine, ReaderLimits limits, out bool found, out int line, out int column)
        {
            (_s, _b, _end, _limits, _depth, _nodes) = (new Chars(utf8), utf8, end, limits, 0, 0);
            try
            {
                return Read(start, firstLine, out found, out line, out column);
            }
            finally
            {
                // The thread keeps its reader, not the file.
                (_s, _b) = (default, []);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Read(int start, int firstLine, out bool found, out int line, out int column)
        {
            found = false;
            (line, column) = (0, 0);
            _keys.Clear();
            SetLine(start);
            _line = firstLine;
            SkipBlank();
            if (!AtEnd && StartsWithMarker('-'))
            {
                if (!RestIsBlank(_ls + 3))
                {
                    return false;
                }

                NextLine();
                SkipBlank();
            }

            if (AtEnd)
            {
                return true;
            }

            var indent = Indent();
            var at = _ls + indent;
            if (_s[at] == '%' || StartsWithMarker('.') || !IsKey(at, out _, out _))
            {
                return false;
            }

            (line, column) = (_line, indent + 1);
            if (!Mapping(indent, at))
            {
                return false;
            }

            SkipBlank();
            if (!AtEnd)
            {
                if (!StartsWithMarker('.') || !RestIsBlank(_ls + 3))
                {
                    return false;
                }

                NextLine();
                SkipBlank();
                if (!AtEnd)
                {
                    return false;
                }
            }

            found = true;
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void SetLine(int start)
        {
            if (start >= _end)
            {
                (_ls, _le) = (_end, _end);
                return;
            }

            _ls = start;
            var newline = _b.AsSpan(start, _end - start).IndexOf((byte)'\n');
            _le = newline < 0 ? _end : start + newline;
        }

        private void NextLine()
        {
            _line++;
            SetLine(_le + 1);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int Indent()
        {
            var i = _ls;
            while (i < _le && _s[i] == ' ')
            {
                i++;
            }

            return i - _ls;
        }

        /// <summary>Whether the text from <paramref name="at"/> to the end of the line is spaces and perhaps a comment.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool RestIsBlank(int at)
        {
            var i = at;
            while (i < _le && _s[i] == ' ')
            {
                i++;
            }

            return i == _le || (_s[i] == '#' && (i == at ? i == _ls || _s[i - 1] == ' ' : true));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void SkipBlank()
        {
            while (!AtEnd && RestIsBlank(_ls))
            {
                NextLine();
            }
        }

        /// <summary>A <c>---</c> or <c>...</c> line.</summary>
        private bool StartsWithMarker(char marker)
            => _le - _ls >= 3 && _s[_ls] == marker && _s[_ls + 1] == marker && _s[_ls + 2] == marker && (_le - _ls == 3 || _s[_ls + 3] == ' ');

        private bool IsEntry(int at) => _s[at] == '-' && (at + 1 == _le || _s[at + 1] == ' ');

        private bool Push()
        {
            _depth++;
            return _depth < _limits.MaxDepth && Count();
        }

        private bool Count() => ++_nodes < _limits.MaxNodes;

        /// <summary>What follows an entry of a block collection.</summary>
        private enum EntryEnd
        {
            /// <summary>Another entry at the same indent.</summary>
            Next,

            /// <summary>The collection ends: the input ends, or a shallower line or a document end marker follows.</summary>
            Done,

            /// <summary>A deeper line that no entry opened: outside the subset, so the document is declined.</summary>
            Decline,
        }

        /// <summary>Reads past blank lines after an entry of a collection at <paramref name="indent"/> and says what follows.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private EntryEnd AfterEntry(int indent)
        {
            SkipBlank();
            if (AtEnd)
            {
                return EntryEnd.Done;
            }

            var next = Indent();
            if (next < indent || (next == 0 && StartsWithMarker('.')))
            {
                return EntryEnd.Done;
            }

            return next > indent ? EntryEnd.Decline : EntryEnd.Next;
        }

        /// <summary>A block mapping whose entries start at column <paramref name="indent"/>, the first at <paramref name="at"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Mapping(int indent, int at)
        {
            if (!Push())
            {
                return false;
            }

            _w.WriteStartObject();
            // This mapping's keys are the entries of the shared list from here on: a nested mapping adds its own
            // after them and removes them when it ends.
            var first = _keys.Count;
            while (true)
            {
                if (!IsKey(at, out var key, out var afterColon))
                {
                    return false;
                }

                var text = KeyText(key);
                if (text.SequenceEqual("<<"u8))
                {
                    return false;
                }

                for (var k = first; k < _keys.Count; k++)
                {
                    if (KeyText(_keys[k]).SequenceEqual(text))
                    {
                        return false;
                    }
                }

                _keys.Add(key);
                _w.WritePropertyName(text);
                if (!Value(indent, afterColon, inMapping: true))
                {
                    return false;
                }

                var end = AfterEntry(indent);
                if (end == EntryEnd.Decline)
                {
                    return false;
                }

                if (end == EntryEnd.Done)
                {
                    break;
                }

                at = _ls + indent;
            }

            _keys.RemoveRange(first, _keys.Count - first);
            _w.WriteEndObject();
            _depth--;
            return true;
        }

        /// <summary>A block sequence whose <c>-</c> entries are at column <paramref name="indent"/>; the cursor is on the first.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Sequence(int indent)
        {
            if (!Push())
            {
                return false;
            }

            _w.WriteStartArray();
            while (true)
            {
                var dash = _ls + indent;
                var content = dash + 1;
                while (content < _le && _s[content] == ' ')
                {
                    content++;
                }

                if (content < _le && _s[content] != '#' && IsEntry(content))
                {
                    return false;
                }

                var ok = content < _le && _s[content] != '#' && IsKey(content, out _, out _)
                    ? Mapping(content - _ls, content)
                    : Value(indent, dash + 1, inMapping: false);
                if (!ok)
                {
                    return false;
                }

                var end = AfterEntry(indent);
                if (end == EntryEnd.Decline)
                {
                    return false;
                }

                if (end == EntryEnd.Done)
                {
                    break;
                }

                if (!IsEntry(_ls + indent))
                {
                    break;
                }
            }

            _w.WriteEndArray();
            _depth--;
            return true;
        }

        /// <summary>
        /// The value after a key's colon or an entry's dash at <paramref name="at"/>, in a collection at column
        /// <paramref name="indent"/>. Leaves the cursor on a line after the value (perhaps blank).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Value(int indent, int at, bool inMapping)
        {
            var p = at;
            while (p < _le && _s[p] == ' ')
            {
                p++;
            }

            if (p == _le || _s[p] == '#')
            {
                NextLine();
                SkipBlank();
                if (!AtEnd)
                {
                    var next = Indent();
                    var first = _ls + next;
                    if (next > indent && !(next == 0 && StartsWithMarker('.')))
                    {
                        return IsEntry(first) ? Sequence(next) : IsKey(first, out _, out _) && Mapping(next, first);
                    }

                    if (next == indent && inMapping && IsEntry(first))
                    {
                        return Sequence(next);
                    }
                }

                _w.WriteNullValue();
                return Count();
            }

            if (p == at && at < _le)
            {
                // "key:value" is not a key, and "-x" not an entry: the callers never get here with one.
                return false;
            }

            switch (_s[p])
            {
                case '|':
                    return Literal(indent, p);
                case '"':
                case '\'':
                    if (!Quoted(p, out var text, out var after) || !RestIsBlank(after))
                    {
                        return false;
                    }

                    _w.WriteStringValue(text);
                    NextLine();
                    return Count();
                case '[':
                    return FlowSequence(p);
                case '{':
                    if (p + 1 < _le && _s[p + 1] == '}' && RestIsBlank(p + 2) && Push())
                    {
                        _w.WriteStartObject();
                        _w.WriteEndObject();
                        _depth--;
                        NextLine();
                        return true;
                    }

                    return false;
                case '-' when p + 1 == _le || _s[p + 1] == ' ':
                    return false;
                case '>' or '&' or '*' or '!' or '%' or '@' or '`' or '?' or ':' or ',' or ']' or '}':
                    return false;
            }

            var end = PlainEnd(p, out var colon);
            if (colon)
            {
                return false;
            }

            WriteScalar(_b.AsSpan(p, end - p));
            NextLine();
            return Count();
        }

        /// <summary>Where a plain scalar starting at <paramref name="start"/> ends on its line (trailing spaces and a comment excluded).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int PlainEnd(int start, out bool colon)
        {
            colon = false;
            var i = start;
            for (; i < _le; i++)
            {
                var c = _s[i];
                if (c == '#' && _s[i - 1] == ' ')
                {
                    break;
                }

                if (c == ':' && (i + 1 == _le || _s[i + 1] == ' '))
                {
                    colon = true;
                    break;
                }
            }

            while (i > start && _s[i - 1] == ' ')
            {
                i--;
            }

            return i;
        }

        /// <summary>Digits only, with no leading zero unless the value is <c>0</c>: the resolver's integer text is the value itself.</summary>
        private static bool IsPlainInteger(ReadOnlySpan<byte> value)
            => !value.IsEmpty && (value[0] != '0' || value.Length == 1) && !value.ContainsAnyExceptInRange((byte)'0', (byte)'9');

        /// <summary>
        /// A plain scalar as <see cref="ScalarResolver"/> resolves it, without a string where the result is the text
        /// itself: a word that is no null or boolean, or a plain integer. Other numbers go through the resolver.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void WriteScalar(ReadOnlySpan<byte> value)
        {
            var plain = ScalarResolver.Classify(value);
            switch (plain)
            {
                case ScalarResolver.PlainClass.Null:
                    _w.WriteNullValue();
                    return;
                case ScalarResolver.PlainClass.True or ScalarResolver.PlainClass.False:
                    _w.WriteBooleanValue(plain == ScalarResolver.PlainClass.True);
                    return;
                case ScalarResolver.PlainClass.String:
                    // What the resolver reads as a string (the text itself): no copy.
                    _w.WriteStringValue(value);
                    return;
            }

            if (IsPlainInteger(value))
            {
                // What the resolver reads as this same number text (no sign, no leading zero): no copy.
                _w.WriteNumberValue(value);
                return;
            }

            var (kind, text) = ScalarResolver.Resolve(Encoding.UTF8.GetString(value), plain: true, tag: null);
            if (kind == SourceNodeKind.Number)
            {
                _w.WriteNumberValue(text);
            }
            else
            {
                _w.WriteStringValue(text);
            }
        }

        /// <summary>The text of a key <see cref="IsKey"/> found.</summary>
        private ReadOnlySpan<byte> KeyText(Key key) => key.Quoted ?? _b.AsSpan(key.Start, key.Length);

        /// <summary>A mapping key (plain or quoted, on one line, followed by <c>:</c> and a space or the line's end) at <paramref name="at"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool IsKey(int at, out Key key, out int afterColon)
        {
            key = default;
            afterColon = 0;
            var c = _s[at];
            int end;
            if (c is '"' or '\'')
            {
                if (!Quoted(at, out var quoted, out end))
                {
                    return false;
                }

                key = new Key(0, 0, quoted.ToArray());

                var colonAt = end;
                while (colonAt < _le && _s[colonAt] == ' ')
                {
                    colonAt++;
                }

                if (colonAt >= _le || _s[colonAt] != ':' || (colonAt + 1 < _le && _s[colonAt + 1] != ' '))
                {
                    return false;
                }

                afterColon = colonAt + 1;
                return Chars(at, end) <= MaxKeyChars;
            }

            if (c is '-' or '?' or ':' or ',' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!' or '|' or '>' or '%' or '@' or '`' or ' ')
            {
                return false;
            }

            end = PlainEnd(at, out var isKey);
            if (!isKey || Chars(at, end) > MaxKeyChars)
            {
                return false;
            }

            var colon = end + _b.AsSpan(end, _le - end).IndexOf((byte)':');
            key = new Key(at, end - at, null);
            afterColon = colon + 1;
            return true;
        }

        /// <summary>The YAML parser refuses simple keys longer than this; such documents take the exact path.</summary>
        private const int MaxKeyChars = 1000;

        /// <summary>The characters from <paramref name="from"/> to <paramref name="to"/> (each one UTF-16 unit: the subset has no others), counted only past <see cref="MaxKeyChars"/> bytes.</summary>
        private int Chars(int from, int to)
        {
            var bytes = to - from;
            if (bytes <= MaxKeyChars)
            {
                return bytes;
            }

            var chars = 0;
            foreach (var b in _b.AsSpan(from, bytes))
            {
                chars += (b & 0xC0) == 0x80 ? 0 : 1;
            }

            return chars;
        }

        /// <summary>A single- or double-quoted scalar on one line at <paramref name="at"/>; <paramref name="after"/> is past its closing quote.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Quoted(int at, out ReadOnlySpan<byte> text, out int after)
        {
            text = default;
            after = 0;
            var quote = _s[at];
            var i = at + 1;
            ArrayBufferWriter<byte>? built = null;
            var from = i;
            while (true)
            {
                if (i >= _le)
                {
                    return false;
                }

                var c = _s[i];
                if (c == quote)
                {
                    if (quote == '\'' && i + 1 < _le && _s[i + 1] == '\'')
                    {
                        built ??= Scratch();
                        built.Write(_b.AsSpan(from, i + 1 - from));
                        i += 2;
                        from = i;
                        continue;
                    }

                    break;
                }

                if (c == '\\' && quote == '"')
                {
                    if (i + 1 >= _le)
                    {
                        return false;
                    }

                    built ??= Scratch();
                    built.Write(_b.AsSpan(from, i - from));
                    var escaped = _s[i + 1];
                    switch (escaped)
                    {
                        case '"' or '\\' or '/':
                            built.Write(_b.AsSpan(i + 1, 1));
                            break;
                        case 'n':
                            built.Write("\n"u8);
                            break;
                        case 't':
                            built.Write("\t"u8);
                            break;
                        default:
                            return false;
                    }

                    i += 2;
                    from = i;
                    continue;
                }

                i++;
            }

            if (built is null)
            {
                text = _b.AsSpan(from, i - from);
            }
            else
            {
                built.Write(_b.AsSpan(from, i - from));
                text = built.WrittenSpan;
            }

            after = i + 1;
            return true;
        }

        /// <summary>The thread's scratch buffer, emptied: what it held was written already.</summary>
        private static ArrayBufferWriter<byte> Scratch()
        {
            var scratch = t_scratch ??= new ArrayBufferWriter<byte>(256);
            scratch.ResetWrittenCount();
            return scratch;
        }

        /// <summary><c>[]</c>, or a one-line flow sequence of plain and quoted scalars.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool FlowSequence(int at)
        {
            if (!Push())
            {
                return false;
            }

            _w.WriteStartArray();
            var i = at + 1;
            SkipSpaces(ref i);
            if (i < _le && _s[i] == ']')
            {
                i++;
            }
            else
            {
                while (true)
                {
                    if (i >= _le)
                    {
                        return false;
                    }

                    var c = _s[i];
                    if (c is '"' or '\'')
                    {
                        if (!Quoted(i, out var text, out i))
                        {
                            return false;
                        }

                        _w.WriteStringValue(text);
                    }
                    else
                    {
                        var start = i;
                        while (i < _le && _s[i] is not (',' or ']'))
                        {
                            if (_s[i] is '[' or ']' or '{' or '}' or '#' or ':' or '"' or '\'' or '&' or '*' or '!' or '?' or '|' or '>' or '%' or '@' or '`')
                            {
                                return false;
                            }

                            i++;
                        }

                        var end = i;
                        while (end > start && _s[end - 1] == ' ')
                        {
                            end--;
                        }

                        if (end == start || (_s[start] == '-' && (start + 1 == end || _s[start + 1] == ' ')))
                        {
                            return false;
                        }

                        WriteScalar(_b.AsSpan(start, end - start));
                    }

                    if (!Count())
                    {
                        return false;
                    }

                    SkipSpaces(ref i);
                    if (i < _le && _s[i] == ']')
                    {
                        i++;
                        break;
                    }

                    if (i >= _le || _s[i] != ',')
                    {
                        return false;
                    }

                    i++;
                    SkipSpaces(ref i);
                    if (i < _le && _s[i] == ']')
                    {
                        return false;
                    }
                }
            }

            if (!RestIsBlank(i))
            {
                return false;
            }

            _w.WriteEndArray();
            _depth--;
            NextLine();
            return true;
        }

        private void SkipSpaces(ref int i)
        {
            while (i < _le && _s[i] == ' ')
            {
                i++;
            }
        }

        /// <summary>A literal block scalar (<c>|</c>, <c>|-</c>, <c>|+</c>) of a value in a collection at column <paramref name="indent"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Literal(int indent, int at)
        {
            var chomp = at + 1 < _le ? _s[at + 1] : ' ';
            var header = chomp is '-' or '+' ? at + 2 : at + 1;
            if ((header < _le && _s[header] != ' ') || !RestIsBlank(header))
            {
                return false;
            }

            var text = Scratch();
            var content = -1;
            var trailing = 0;
            NextLine();
            while (!AtEnd)
            {
                var spaces = Indent();
                if (_ls + spaces == _le)
                {
                    // An empty line, or one of spaces only: a line break of the content (spaces past the indentation would be content too).
                    if ((content >= 0 ? spaces > content : spaces > indent) || _le == _end)
                    {
                        return false;
                    }

                    trailing++;
                    NextLine();
                    continue;
                }

                if (content < 0)
                {
                    if (spaces <= indent)
                    {
                        return false;
                    }

                    content = spaces;
                }
                else if (spaces < content)
                {
                    break;
                }

                if (_le == _end)
                {
                    // The last line has no line break.
                    return false;
                }

                Newlines(text, trailing);
                trailing = 0;
                text.Write(_b.AsSpan(_ls + content, _le + 1 - _ls - content));
                NextLine();
            }

            if (content < 0)
            {
                return false;
            }

            var value = text.WrittenSpan;
            if (chomp == '-')
            {
                value = value[..^1];
            }
            else if (chomp == '+')
            {
                Newlines(text, trailing);
                value = text.WrittenSpan;
            }

            _w.WriteStringValue(value);
            return Count();
        }

        private static void Newlines(ArrayBufferWriter<byte> text, int count)
        {
            text.GetSpan(count)[..count].Fill((byte)'\n');
            text.Advance(count);
        }
    }
}
