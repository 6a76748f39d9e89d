using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace PolicyAttach.Manifests;

/// <summary>
/// One manifest object as a compact array of tokens (kind, where its text is, and the index of the token after the
/// value), which is what <see cref="ManifestReader"/> reads. Built by one <see cref="Utf8JsonReader"/> pass over JSON
/// text, whose bytes are referred to and not copied (<see cref="Parse"/>), or written value by value by a reader of
/// another format (<see cref="ManifestTokenWriter"/>), so that no document or JSON text is made per object. String
/// values are kept unescaped as UTF-8, property lookups compare UTF-8 names. Tokens read from text take their arrays
/// from the shared pool, and <see cref="Dispose"/> returns them once the object is read (nothing read from them refers
/// to them); written tokens have arrays of exactly their size, since a reader may hold many at once.
/// </summary>
public sealed class ManifestTokens : IDisposable
{
    /// <summary>
    /// How text that was read once already is read again (an element's, a value's to make an element of): it may hold
    /// comments (a reader that skips them keeps them in a value's text) and be as deep as its reader let it be.
    /// </summary>
    private static readonly JsonReaderOptions ElementOptions = new() { MaxDepth = int.MaxValue, CommentHandling = JsonCommentHandling.Skip };

    private readonly ReadOnlyMemory<byte> _source;

    /// <summary>The array under <see cref="_source"/> and where the source starts in it (no <see cref="ReadOnlyMemory{T}.Span"/> per read), or null when it is not an array.</summary>
    private readonly byte[]? _sourceArray;
    private readonly int _sourceOffset;

    /// <summary>Whether the tokens were written (no JSON text to slice), not read from text.</summary>
    private readonly bool _written;

    /// <summary>The pooled copy of the text the tokens were read from, when they own it (<see cref="From"/>).</summary>
    private byte[]? _rentedText;

    /// <summary>Whether the arrays came from the shared pool (and go back to it).</summary>
    private readonly bool _pooled;
    private Token[] _tokens;
    private byte[] _own;
    private int _count;
    private int _ownLength;

    private ManifestTokens(ReadOnlyMemory<byte> source, int capacity, bool written)
    {
        _source = source;
        if (System.Runtime.InteropServices.MemoryMarshal.TryGetArray(source, out var segment))
        {
            (_sourceArray, _sourceOffset) = (segment.Array, segment.Offset);
        }

        _written = written;
        _pooled = true;
        _tokens = ArrayPool<Token>.Shared.Rent(Math.Max(capacity, 16));
        _own = [];
    }

    /// <summary>Written tokens in arrays of their own, of exactly the size used (many are alive at once: no pool).</summary>
    private ManifestTokens(Token[] tokens, byte[] own)
    {
        _written = true;
        _tokens = tokens;
        _own = own;
        _count = tokens.Length;
        _ownLength = own.Length;
    }

    /// <summary>Written tokens in arrays of <paramref name="pool"/>, which <see cref="Dispose"/> returns to it.</summary>
    private ManifestTokens(ManifestTokenPool pool, Token[] tokens, int count, byte[] own, int ownLength)
    {
        _written = true;
        _writtenPool = pool;
        _tokens = tokens;
        _own = own;
        _count = count;
        _ownLength = ownLength;
    }

    /// <summary>The pool of a writer's reader that the arrays of written tokens go back to, or null.</summary>
    private readonly ManifestTokenPool? _writtenPool;

    /// <summary>The number of tokens: one per value and one per property name.</summary>
    public int Count => _count;

    /// <summary>
    /// Whether the value is a <c>*List</c>: an object whose <c>kind</c> is a string ending in <c>List</c> and whose
    /// <c>items</c> is a list (loaders read its items as objects of their own).
    /// </summary>
    public bool IsList
    {
        get
        {
            var kind = Field(0, "kind");
            var items = Field(0, "items");
            return kind >= 0 && _tokens[kind].Kind == JsonValueKind.String && Bytes(kind).EndsWith("List"u8)
                && items >= 0 && _tokens[items].Kind == JsonValueKind.Array;
        }
    }

    /// <summary>Reads JSON text into tokens; the text is referred to, not copied, so it must outlive the tokens.</summary>
    /// <param name="utf8Json">One JSON value as UTF-8.</param>
    /// <param name="options">The reader's options (depth limit, comments).</param>
    /// <returns>The tokens.</returns>
    /// <exception cref="JsonException">The text is not one valid JSON value.</exception>
    public static ManifestTokens Parse(ReadOnlyMemory<byte> utf8Json, JsonReaderOptions options = default)
    {
        // About one token per 8 bytes of a compact manifest; the array grows when needed.
        var tokens = new ManifestTokens(utf8Json, utf8Json.Length / 8, written: false);
        try
        {
            tokens.Fill(options);
        }
        catch
        {
            tokens.Dispose();
            throw;
        }

        return tokens;
    }

    /// <summary>The tokens of an element (its JSON text is copied once when it cannot be referred to).</summary>
    /// <param name="element">The value; an undefined element gives no token.</param>
    /// <returns>The tokens.</returns>
    public static ManifestTokens From(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Undefined)
        {
            return new ManifestTokens(default, 0, written: false);
        }

        // A copy of the text in a pooled buffer that the tokens return when disposed: the element's document may be
        // disposed before the tokens are.
#if NET9_0_OR_GREATER
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element);
        var text = ArrayPool<byte>.Shared.Rent(raw.Length);
        raw.CopyTo(text);
        var tokens = Parse(text.AsMemory(0, raw.Length), ElementOptions);
        tokens._rentedText = text;
        return tokens;
#else
        return Parse(Encoding.UTF8.GetBytes(element.GetRawText()), ElementOptions);
#endif
    }

    /// <summary>
    /// A top-level field of the object as a standalone element (for example its <c>status</c>, which loaders keep as
    /// read), or null when the value is not an object or has no such field, or the field's value is not an object.
    /// </summary>
    /// <param name="name">The field's name.</param>
    /// <returns>The element, which outlives the tokens.</returns>
    public JsonElement? ObjectField(string name)
    {
        var value = Field(0, name);
        return value >= 0 && _tokens[value].Kind == JsonValueKind.Object ? Element(value) : null;
    }

    /// <summary>The whole value as a standalone element, with the JSON text it was read from (or written as).</summary>
    /// <returns>The element, which outlives the tokens; undefined when there is no token.</returns>
    public JsonElement ToElement() => _count == 0 ? default : Element(0);

    /// <summary>Returns the arrays to the shared pool; the tokens cannot be read after.</summary>
    public void Dispose()
    {
        var tokens = _tokens;
        _tokens = [];
        _count = 0;
        if (_pooled && tokens.Length > 0)
        {
            ArrayPool<Token>.Shared.Return(tokens);
        }

        var own = _own;
        _own = [];
        _ownLength = 0;
        if (_writtenPool is { } pool)
        {
            if (tokens.Length > 0)
            {
                pool.Tokens.Return(tokens);
            }

            if (own.Length > 0)
            {
                pool.Bytes.Return(own);
            }

            return;
        }

        if (_rentedText is { } text)
        {
            _rentedText = null;
            ArrayPool<byte>.Shared.Return(text);
        }

        if (_pooled && own.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(own);
        }
    }

    /// <summary>The kind of token <paramref name="index"/>; <see cref="JsonValueKind.Undefined"/> for no token (-1).</summary>
    internal JsonValueKind KindOf(int index) => index < 0 ? JsonValueKind.Undefined : _tokens[index].Kind;

    /// <summary>The index of the token after the value at <paramref name="index"/>.</summary>
    internal int After(int index) => _tokens[index].Next;

    /// <summary>
    /// The value of field <paramref name="name"/> of the object at <paramref name="index"/> (the last one of repeated
    /// names, as <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> finds it), or -1.
    /// </summary>
    internal int Field(int index, string name)
    {
        if (index < 0 || index >= _count || _tokens[index].Kind != JsonValueKind.Object)
        {
            return -1;
        }

        // A key shorter than the name, or longer than any UTF-8 of it, is not it; a longer key can only be a name outside
        // ASCII (whether the name is ASCII is found once, when such a key is met). Their bytes are not looked at.
        var ascii = 0;
        var found = -1;
        var end = _tokens[index].Next;
        for (var p = index + 1; p < end; p = _tokens[p + 1].Next)
        {
            var length = _tokens[p].Length;
            if (length != name.Length)
            {
                if (length < name.Length || length > 3 * name.Length)
                {
                    continue;
                }

                if (ascii == 0)
                {
                    ascii = Ascii.IsValid(name) ? 1 : -1;
                }

                if (ascii > 0)
                {
                    continue;
                }
            }

            if (NameIs(Bytes(p), name))
            {
                found = p + 1;
            }
        }

        return found;
    }

    /// <summary>The property name tokens of the object at <paramref name="index"/>, in order (repeated names too).</summary>
    internal PropertyEnumerator Properties(int index) => new(this, index);

    /// <summary>The number of items of the list at <paramref name="index"/>.</summary>
    internal int Length(int index)
    {
        var count = 0;
        for (var i = index + 1; i < _tokens[index].Next; i = _tokens[i].Next)
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// Appends the place of the value at <paramref name="target"/> (<c>spec.rules[0]</c>: field names and item indexes
    /// from the root) to <paramref name="builder"/>; nothing for the root or no token (-1). Found by walking down from
    /// the root; the last container walked and the child reached in it are remembered, so the paths of a list's items
    /// asked in order (a diagnostic per item) cost their own items, not every item before them again. The reader that
    /// asks keeps that memory in <paramref name="memo"/> (the tokens may be read on several threads).
    /// </summary>
    internal void AppendPath(StringBuilder builder, int target, ref PathMemo memo)
    {
        var at = 0;
        while (target > at && at < _count)
        {
            var end = _tokens[at].Next;
            var isObject = _tokens[at].Kind == JsonValueKind.Object;
            if (!isObject && _tokens[at].Kind != JsonValueKind.Array)
            {
                return;
            }

            // A child starts at its first token (a property name's, for an object) and ends before the next child.
            var (child, ordinal) = memo.Tokens == this && memo.Container == at && memo.Child <= target ? (memo.Child, memo.Ordinal) : (at + 1, 0);
            while (child < end)
            {
                var next = _tokens[isObject ? child + 1 : child].Next;
                if (target < next)
                {
                    break;
                }

                child = next;
                ordinal++;
            }

            if (child >= end)
            {
                return;
            }

            memo = new PathMemo(this, at, child, ordinal);
            if (isObject)
            {
                if (builder.Length > 0)
                {
                    builder.Append('.');
                }

                builder.Append(String(child));
                at = child + 1;
            }
            else
            {
                builder.Append('[').Append(ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(']');
                at = child;
            }
        }
    }

    /// <summary>Where <see cref="AppendPath"/> last went down: the tokens, the container's token, the child's first token, its ordinal.</summary>
    internal readonly record struct PathMemo(ManifestTokens? Tokens, int Container, int Child, int Ordinal);

    /// <summary>The UTF-8 text of token <paramref name="index"/>: a string's unescaped value, a number's text.</summary>
    internal ReadOnlySpan<byte> Bytes(int index)
    {
        ref readonly var token = ref _tokens[index];
        return token.Own ? _own.AsSpan(token.Start, token.Length)
            : _sourceArray is { } array ? new ReadOnlySpan<byte>(array, _sourceOffset + token.Start, token.Length)
            : _source.Span.Slice(token.Start, token.Length);
    }

    /// <summary>The string value of a string or property name token.</summary>
    internal string String(int index) => RecentStrings.Of(Bytes(index));

    /// <summary>The text of a scalar token as JSON writes it (a number as written, <c>true</c>, <c>false</c>, <c>null</c>).</summary>
    internal string RawText(int index) => _tokens[index].Kind switch
    {
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Number => Encoding.UTF8.GetString(Bytes(index)),
        _ => Encoding.UTF8.GetString(Json(index).Span),
    };

    /// <summary>A number token as an integer, as <see cref="JsonElement.TryGetInt64"/> reads it.</summary>
    internal bool TryGetInt64(int index, out long value)
    {
        var bytes = Bytes(index);
        if (Utf8Parser.TryParse(bytes, out long parsed, out var consumed) && consumed == bytes.Length)
        {
            value = parsed;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>A number token as a finite double, as <see cref="JsonElement.TryGetDouble"/> reads it.</summary>
    internal bool TryGetDouble(int index, out double value)
    {
        var bytes = Bytes(index);
        if (Utf8Parser.TryParse(bytes, out double parsed, out var consumed) && consumed == bytes.Length && double.IsFinite(parsed))
        {
            value = parsed;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>The value at <paramref name="index"/> as a standalone element, with the same JSON text it was read from or written as.</summary>
    internal JsonElement Element(int index)
    {
        var reader = new Utf8JsonReader(Json(index).Span, ElementOptions);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>The JSON text of the value at <paramref name="index"/>: a slice of the text read, or written from the tokens.</summary>
    private ReadOnlyMemory<byte> Json(int index)
    {
        ref readonly var token = ref _tokens[index];
        if (!_written)
        {
            // A container's place is its whole text; a string's is inside its quotes, or, when it was escaped, its
            // text's place is kept before its unescaped bytes.
            return token.Kind switch
            {
                JsonValueKind.String when token.Own => _source.Slice(
                    BinaryPrimitives.ReadInt32LittleEndian(_own.AsSpan(token.Start - 8)),
                    BinaryPrimitives.ReadInt32LittleEndian(_own.AsSpan(token.Start - 4))),
                JsonValueKind.String => _source.Slice(token.Start - 1, token.Length + 2),
                _ => _source.Slice(token.Start, token.Length),
            };
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, MaxDepth = 1024 }))
        {
            Write(writer, index);
        }

        return buffer.WrittenMemory;
    }

    private void Write(Utf8JsonWriter writer, int index)
    {
        switch (_tokens[index].Kind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                for (var p = index + 1; p < _tokens[index].Next; p = _tokens[p + 1].Next)
                {
                    writer.WritePropertyName(Bytes(p));
                    Write(writer, p + 1);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                for (var i = index + 1; i < _tokens[index].Next; i = _tokens[i].Next)
                {
                    Write(writer, i);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(Bytes(index));
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(Bytes(index), skipInputValidation: true);
                break;
            case JsonValueKind.True or JsonValueKind.False:
                writer.WriteBooleanValue(_tokens[index].Kind == JsonValueKind.True);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>Whether UTF-8 <paramref name="utf8"/> is <paramref name="name"/>, compared without decoding when the name is ASCII.</summary>
    private static bool NameIs(ReadOnlySpan<byte> utf8, string name)
    {
        if (utf8.Length != name.Length)
        {
            // A name with characters outside ASCII takes more bytes than characters.
            return utf8.Length > name.Length && !Ascii.IsValid(name) && Encoding.UTF8.GetString(utf8) == name;
        }

        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] != name[i])
            {
                return utf8[i] >= 0x80 && Encoding.UTF8.GetString(utf8) == name;
            }
        }

        return true;
    }

    private void Fill(JsonReaderOptions options)
    {
        var reader = new Utf8JsonReader(_source.Span, options);
        var open = -1;
        byte[]? scratch = null;
        try
        {
            while (reader.Read())
            {
                var start = (int)reader.TokenStartIndex;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        // An open container keeps the index of the one it is in until it closes.
                        open = Add(new Token(reader.TokenType == JsonTokenType.StartObject ? JsonValueKind.Object : JsonValueKind.Array, start, 0, open));
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        {
                            ref var token = ref _tokens[open];
                            var parent = token.Next;
                            token.Next = _count;
                            token.Length = (int)reader.BytesConsumed - token.Start;
                            open = parent;
                            continue;
                        }

                    case JsonTokenType.PropertyName or JsonTokenType.String:
                        {
                            var kind = reader.TokenType == JsonTokenType.String ? JsonValueKind.String : JsonValueKind.Undefined;
                            if (!reader.ValueIsEscaped)
                            {
                                Add(new Token(kind, start + 1, reader.ValueSpan.Length, -1));
                                continue;
                            }

                            // Unescaped into the tokens' own bytes: never longer than the escaped text.
                            scratch ??= ArrayPool<byte>.Shared.Rent(Math.Max(reader.ValueSpan.Length, 256));
                            if (scratch.Length < reader.ValueSpan.Length)
                            {
                                ArrayPool<byte>.Shared.Return(scratch);
                                scratch = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
                            }

                            var length = reader.CopyString(scratch);
                            AppendPlace(start, (int)reader.BytesConsumed - start);
                            var at = AppendOwn(scratch.AsSpan(0, length));
                            Add(new Token(kind, at, length, -1) { Own = true });
                            continue;
                        }

                    case JsonTokenType.Number:
                        Add(new Token(JsonValueKind.Number, start, reader.ValueSpan.Length, -1));
                        continue;
                    case JsonTokenType.True:
                        Add(new Token(JsonValueKind.True, start, 4, -1));
                        continue;
                    case JsonTokenType.False:
                        Add(new Token(JsonValueKind.False, start, 5, -1));
                        continue;
                    case JsonTokenType.Null:
                        Add(new Token(JsonValueKind.Null, start, 4, -1));
                        continue;
                }
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    /// <summary>Adds a token; a scalar's next token is the one after it (a container's is set when it closes).</summary>
    internal int Add(Token token)
    {
        if (_count == _tokens.Length)
        {
            var larger = ArrayPool<Token>.Shared.Rent(_tokens.Length * 2);
            _tokens.AsSpan(0, _count).CopyTo(larger);
            ArrayPool<Token>.Shared.Return(_tokens);
            _tokens = larger;
        }

        if (token.Kind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            token.Next = _count + 1;
        }

        _tokens[_count] = token;
        return _count++;
    }

    /// <summary>Closes the container opened at <paramref name="index"/>; returns the container it is in (or -1).</summary>
    internal int Close(int index)
    {
        ref var token = ref _tokens[index];
        var parent = token.Next;
        token.Next = _count;
        return parent;
    }

    /// <summary>Appends bytes to the tokens' own text; returns where they start.</summary>
    internal int AppendOwn(ReadOnlySpan<byte> bytes)
    {
        EnsureOwn(bytes.Length);
        bytes.CopyTo(_own.AsSpan(_ownLength));
        var at = _ownLength;
        _ownLength += bytes.Length;
        return at;
    }

    /// <summary>Appends where an escaped string's JSON text is (before its unescaped bytes: <see cref="Json"/> reads it).</summary>
    private void AppendPlace(int start, int length)
    {
        EnsureOwn(8);
        BinaryPrimitives.WriteInt32LittleEndian(_own.AsSpan(_ownLength), start);
        BinaryPrimitives.WriteInt32LittleEndian(_own.AsSpan(_ownLength + 4), length);
        _ownLength += 8;
    }

    /// <summary>Appends characters to the tokens' own text as UTF-8; returns where they start and their length.</summary>
    internal (int Start, int Length) AppendOwn(ReadOnlySpan<char> chars)
    {
        EnsureOwn(Encoding.UTF8.GetMaxByteCount(chars.Length));
        var length = Encoding.UTF8.GetBytes(chars, _own.AsSpan(_ownLength));
        var at = _ownLength;
        _ownLength += length;
        return (at, length);
    }

    private void EnsureOwn(int more)
    {
        if (_ownLength + more <= _own.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_own.Length * 2, Math.Max(_ownLength + more, 1024)));
        _own.AsSpan(0, _ownLength).CopyTo(larger);
        if (_own.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_own);
        }

        _own = larger;
    }

    /// <summary>Empty tokens to be written by a <see cref="ManifestTokenWriter"/>, which reuses them for every value.</summary>
    internal static ManifestTokens ForWriting() => new(default, 256, written: true);

    /// <summary>A copy of the tokens written so far in arrays of exactly their size; these tokens are then emptied for the next value.</summary>
    internal ManifestTokens TakeCopy()
    {
        var copy = new ManifestTokens(_tokens.AsSpan(0, _count).ToArray(), _own.AsSpan(0, _ownLength).ToArray());
        _count = 0;
        _ownLength = 0;
        return copy;
    }

    /// <summary>A copy of the tokens in arrays of <paramref name="pool"/>; the tokens are then empty (kept for the next value).</summary>
    internal ManifestTokens TakeCopy(ManifestTokenPool pool)
    {
        var tokens = pool.Tokens.Rent(_count);
        _tokens.AsSpan(0, _count).CopyTo(tokens);
        var own = _ownLength == 0 ? [] : pool.Bytes.Rent(_ownLength);
        _own.AsSpan(0, _ownLength).CopyTo(own);
        var copy = new ManifestTokens(pool, tokens, _count, own, _ownLength);
        _count = 0;
        _ownLength = 0;
        return copy;
    }

    /// <summary>Empties the tokens (kept for the next value).</summary>
    internal void Clear() => (_count, _ownLength) = (0, 0);

    /// <summary>
    /// One token (16 bytes). <see cref="Start"/> and <see cref="Length"/> place a string's (unescaped) or a number's
    /// UTF-8 text, in the text read or, when <see cref="Own"/>, in the tokens' own bytes; a container read from text is
    /// placed by its whole JSON text. A property name is a token of kind <see cref="JsonValueKind.Undefined"/> followed
    /// by its value. <see cref="Next"/> is the index of the token after the value (for an open container while it is
    /// written, the index of the container it is in).
    /// </summary>
    internal struct Token(JsonValueKind kind, int start, int length, int next)
    {
        public JsonValueKind Kind = kind;
        public bool Own;
        public int Start = start;
        public int Length = length;
        public int Next = next;
    }

    /// <summary>The property name tokens of an object.</summary>
    internal struct PropertyEnumerator
    {
        private readonly ManifestTokens _tokens;
        private readonly int _end;
        private int _next;

        public PropertyEnumerator(ManifestTokens tokens, int index)
        {
            _tokens = tokens;
            var isObject = index >= 0 && tokens.KindOf(index) == JsonValueKind.Object;
            _end = isObject ? tokens._tokens[index].Next : 0;
            _next = isObject ? index + 1 : 0;
            Current = -1;
        }

        /// <summary>The index of the current property name token; its value is the next token.</summary>
        public int Current { get; private set; }

        public readonly PropertyEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_next >= _end)
            {
                return false;
            }

            Current = _next;
            _next = _tokens._tokens[_next + 1].Next;
            return true;
        }
    }
}
