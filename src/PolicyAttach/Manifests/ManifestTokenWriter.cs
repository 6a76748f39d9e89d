using System.Text.Json;

namespace PolicyAttach.Manifests;

/// <summary>
/// Writes one value as <see cref="ManifestTokens"/>, value by value in the order JSON would write them, for a reader of
/// another format (the loaders' YAML reader): no JSON text is written and read again. Strings are kept as UTF-8;
/// numbers as their JSON text. The caller writes one complete value, then takes the tokens with
/// <see cref="ToTokens()"/>; the writer is then empty and can write the next value.
/// </summary>
public sealed class ManifestTokenWriter
{
    /// <summary>The tokens being written, reused for every value (copied out at the size used).</summary>
    private readonly ManifestTokens _tokens = ManifestTokens.ForWriting();
    private int _open = -1;

    /// <summary>Starts an object; its properties follow, each a name and a value.</summary>
    public void WriteStartObject() => _open = _tokens.Add(new ManifestTokens.Token(JsonValueKind.Object, 0, 0, _open));

    /// <summary>Ends the object started last.</summary>
    public void WriteEndObject() => _open = _tokens.Close(_open);

    /// <summary>Starts a list; its items follow.</summary>
    public void WriteStartArray() => _open = _tokens.Add(new ManifestTokens.Token(JsonValueKind.Array, 0, 0, _open));

    /// <summary>Ends the list started last.</summary>
    public void WriteEndArray() => _open = _tokens.Close(_open);

    /// <summary>Writes a property name; its value is written next.</summary>
    /// <param name="name">The name, unescaped.</param>
    public void WritePropertyName(ReadOnlySpan<char> name) => AddText(JsonValueKind.Undefined, name);

    /// <summary>Writes a string value.</summary>
    /// <param name="value">The value, unescaped.</param>
    public void WriteStringValue(ReadOnlySpan<char> value) => AddText(JsonValueKind.String, value);

    /// <summary>Writes a number as its JSON text, kept as given (the caller has checked that it is a JSON number).</summary>
    /// <param name="json">The number's JSON text.</param>
    public void WriteNumberValue(ReadOnlySpan<char> json) => AddText(JsonValueKind.Number, json);

    /// <summary>Writes a property name given as UTF-8; its value is written next.</summary>
    /// <param name="utf8Name">The name, unescaped, as valid UTF-8 (copied as it is).</param>
    public void WritePropertyName(ReadOnlySpan<byte> utf8Name) => AddUtf8(JsonValueKind.Undefined, utf8Name);

    /// <summary>Writes a string value given as UTF-8.</summary>
    /// <param name="utf8Value">The value, unescaped, as valid UTF-8 (copied as it is).</param>
    public void WriteStringValue(ReadOnlySpan<byte> utf8Value) => AddUtf8(JsonValueKind.String, utf8Value);

    /// <summary>Writes a number as its JSON text in UTF-8, kept as given (the caller has checked that it is a JSON number).</summary>
    /// <param name="utf8Json">The number's JSON text.</param>
    public void WriteNumberValue(ReadOnlySpan<byte> utf8Json) => AddUtf8(JsonValueKind.Number, utf8Json);

    /// <summary>Writes <c>true</c> or <c>false</c>.</summary>
    /// <param name="value">The value.</param>
    public void WriteBooleanValue(bool value) => _tokens.Add(new ManifestTokens.Token(value ? JsonValueKind.True : JsonValueKind.False, 0, 0, -1));

    /// <summary>Writes <c>null</c>.</summary>
    public void WriteNullValue() => _tokens.Add(new ManifestTokens.Token(JsonValueKind.Null, 0, 0, -1));

    /// <summary>The tokens written, in arrays of their own of the size used; the writer starts again empty.</summary>
    /// <returns>The tokens.</returns>
    public ManifestTokens ToTokens()
    {
        _open = -1;
        return _tokens.TakeCopy();
    }

    /// <summary>
    /// The tokens written, in arrays taken from <paramref name="pool"/> (disposing the tokens gives them back); the writer
    /// starts again empty. For a reader that writes many values, holds a batch of them and disposes each once read.
    /// </summary>
    /// <param name="pool">The pool.</param>
    /// <returns>The tokens.</returns>
    public ManifestTokens ToTokens(ManifestTokenPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _open = -1;
        return _tokens.TakeCopy(pool);
    }

    /// <summary>Forgets what was written (a value the caller gives up on).</summary>
    public void Reset()
    {
        _tokens.Clear();
        _open = -1;
    }

    private void AddUtf8(JsonValueKind kind, ReadOnlySpan<byte> text)
    {
        var start = _tokens.AppendOwn(text);
        _tokens.Add(new ManifestTokens.Token(kind, start, text.Length, -1) { Own = true });
    }

    private void AddText(JsonValueKind kind, ReadOnlySpan<char> text)
    {
        var (start, length) = _tokens.AppendOwn(text);
        _tokens.Add(new ManifestTokens.Token(kind, start, length, -1) { Own = true });
    }
}

/// <summary>
/// Arrays for the tokens a <see cref="ManifestTokenWriter"/> writes (<see cref="ManifestTokenWriter.ToTokens(ManifestTokenPool)"/>),
/// given back when those tokens are disposed: a reader that holds a batch of values at once (a loader's batch of YAML
/// documents) then reuses the arrays of one batch for the next instead of allocating every value's. It keeps up to
/// a few thousand arrays of each size for as long as it is referenced, so it belongs to one load. Thread-safe.
/// </summary>
public sealed class ManifestTokenPool
{
    /// <summary>More than a loader's batch of documents, so that every array of one batch is kept for the next.</summary>
    private const int ArraysPerSize = 2048;

    /// <summary>Values with more tokens or bytes than this get arrays of their own.</summary>
    private const int LargestPooled = 1 << 20;

    internal System.Buffers.ArrayPool<ManifestTokens.Token> Tokens { get; } = System.Buffers.ArrayPool<ManifestTokens.Token>.Create(LargestPooled, ArraysPerSize);

    internal System.Buffers.ArrayPool<byte> Bytes { get; } = System.Buffers.ArrayPool<byte>.Create(LargestPooled, ArraysPerSize);
}
