using System.Buffers;
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
internal static class YamlFastReader
{
    [ThreadStatic]
    private static ManifestTokenWriter? t_writer;

    /// <summary>The keys of the mappings being read (one reader at a time per thread), to find duplicates.</summary>
    [ThreadStatic]
    private static List<Key>? t_keys;

    /// <summary>A key: a plain key's place in the text, or a quoted key's text.</summary>
    private readonly record struct Key(int Start, int Length, string? Quoted);

    /// <summary>Reads the document of a chunk; false to decline it (nothing is added then).</summary>
    /// <param name="chunk">The chunk, as <see cref="YamlSourceReader.SplitDocuments"/> found it.</param>
    /// <param name="output">Receives the document, if the chunk holds one that is not a <c>*List</c>.</param>
    /// <param name="pool">The arrays its tokens are written in (the load's, given back when the tokens are read).</param>
    /// <returns>Whether the chunk was taken.</returns>
    public static bool TryRead(YamlChunk chunk, List<ParsedItem> output, ManifestTokenPool pool)
    {
        if (!IsPlainText(chunk.Text.AsSpan(chunk.Start, chunk.End - chunk.Start)))
        {
            return false;
        }

        var writer = t_writer ??= new ManifestTokenWriter();
        var taken = new Reader(chunk, writer).Read(out var found, out var line, out var column);
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

        output.Add(new ParsedItem(null, null, chunk, 0) { Tokens = tokens, Line = line, Column = column });
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

    /// <summary>One pass over one document's lines; every method returns false to decline the document.</summary>
    private sealed class Reader(YamlChunk chunk, ManifestTokenWriter writer)
    {
        private readonly string _s = chunk.Text;
        private readonly int _end = chunk.End;
        private readonly ReaderLimits _limits = chunk.Limits;
        private readonly ManifestTokenWriter _w = writer;
        private readonly List<Key> _keys = t_keys ??= new List<Key>(64);
        private int _ls;
        private int _le;
        private int _line;
        private int _depth;
        private long _nodes;

        private bool AtEnd => _ls >= _end;

        public bool Read(out bool found, out int line, out int column)
        {
            found = false;
            (line, column) = (0, 0);
            _keys.Clear();
            SetLine(chunk.Start);
            _line = chunk.FirstLine;
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

        private void SetLine(int start)
        {
            if (start >= _end)
            {
                (_ls, _le) = (_end, _end);
                return;
            }

            _ls = start;
            var newline = _s.AsSpan(start, _end - start).IndexOf('\n');
            _le = newline < 0 ? _end : start + newline;
        }

        private void NextLine()
        {
            _line++;
            SetLine(_le + 1);
        }

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
        private bool RestIsBlank(int at)
        {
            var i = at;
            while (i < _le && _s[i] == ' ')
            {
                i++;
            }

            return i == _le || (_s[i] == '#' && (i == at ? i == _ls || _s[i - 1] == ' ' : true));
        }

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
                if (text.SequenceEqual("<<"))
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

            WriteScalar(_s.AsSpan(p, end - p));
            NextLine();
            return Count();
        }

        /// <summary>Where a plain scalar starting at <paramref name="start"/> ends on its line (trailing spaces and a comment excluded).</summary>
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
        private static bool IsPlainInteger(ReadOnlySpan<char> value)
            => !value.IsEmpty && (value[0] != '0' || value.Length == 1) && !value.ContainsAnyExceptInRange('0', '9');

        private void WriteScalar(ReadOnlySpan<char> value)
        {
            if (value.Length > 0 && value[0] is not ('~' or 'n' or 'N' or 't' or 'T' or 'f' or 'F' or (>= '0' and <= '9') or '-' or '+' or '.'))
            {
                // What the resolver reads as a string whatever it is (null, booleans and numbers start with these): no copy.
                _w.WriteStringValue(value);
                return;
            }

            if (IsPlainInteger(value))
            {
                // What the resolver reads as this same number text (no sign, no leading zero): no copy.
                _w.WriteNumberValue(value);
                return;
            }

            var (kind, text) = ScalarResolver.Resolve(value.ToString(), plain: true, tag: null);
            switch (kind)
            {
                case SourceNodeKind.Null:
                    _w.WriteNullValue();
                    break;
                case SourceNodeKind.Boolean:
                    _w.WriteBooleanValue(text == "true");
                    break;
                case SourceNodeKind.Number:
                    _w.WriteNumberValue(text);
                    break;
                default:
                    _w.WriteStringValue(text);
                    break;
            }
        }

        /// <summary>The text of a key <see cref="IsKey"/> found.</summary>
        private ReadOnlySpan<char> KeyText(Key key) => key.Quoted ?? _s.AsSpan(key.Start, key.Length);

        /// <summary>A mapping key (plain or quoted, on one line, followed by <c>:</c> and a space or the line's end) at <paramref name="at"/>.</summary>
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

                key = new Key(0, 0, quoted);

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
                return end - at <= MaxKeyChars;
            }

            if (c is '-' or '?' or ':' or ',' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!' or '|' or '>' or '%' or '@' or '`' or ' ')
            {
                return false;
            }

            end = PlainEnd(at, out var isKey);
            if (!isKey || end - at > MaxKeyChars)
            {
                return false;
            }

            var colon = _s.IndexOf(':', end, _le - end);
            key = new Key(at, end - at, null);
            afterColon = colon + 1;
            return true;
        }

        /// <summary>The YAML parser refuses simple keys longer than this; such documents take the exact path.</summary>
        private const int MaxKeyChars = 1000;

        /// <summary>A single- or double-quoted scalar on one line at <paramref name="at"/>; <paramref name="after"/> is past its closing quote.</summary>
        private bool Quoted(int at, out string text, out int after)
        {
            text = string.Empty;
            after = 0;
            var quote = _s[at];
            var i = at + 1;
            StringBuilder? built = null;
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
                        built ??= new StringBuilder();
                        built.Append(_s, from, i + 1 - from);
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

                    built ??= new StringBuilder();
                    built.Append(_s, from, i - from);
                    var escaped = _s[i + 1];
                    switch (escaped)
                    {
                        case '"' or '\\' or '/':
                            built.Append(escaped);
                            break;
                        case 'n':
                            built.Append('\n');
                            break;
                        case 't':
                            built.Append('\t');
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

            text = built is null ? _s.Substring(from, i - from) : built.Append(_s, from, i - from).ToString();
            after = i + 1;
            return true;
        }

        /// <summary><c>[]</c>, or a one-line flow sequence of plain and quoted scalars.</summary>
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

                        WriteScalar(_s.AsSpan(start, end - start));
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
        private bool Literal(int indent, int at)
        {
            var chomp = at + 1 < _le ? _s[at + 1] : ' ';
            var header = chomp is '-' or '+' ? at + 2 : at + 1;
            if ((header < _le && _s[header] != ' ') || !RestIsBlank(header))
            {
                return false;
            }

            var text = new StringBuilder();
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

                text.Append('\n', trailing);
                trailing = 0;
                text.Append(_s, _ls + content, _le - _ls - content).Append('\n');
                NextLine();
            }

            if (content < 0)
            {
                return false;
            }

            if (chomp == '-')
            {
                text.Length--;
            }
            else if (chomp == '+')
            {
                text.Append('\n', trailing);
            }

            _w.WriteStringValue(text.ToString());
            return Count();
        }
    }
}
