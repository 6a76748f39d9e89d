namespace PolicyAttach.Kubernetes.Documents;

/// <summary>
/// Where a YAML document (or an item of a <c>*List</c> document) and its fields are, kept without its node tree: the
/// text it was parsed from (as UTF-8 bytes when it has them, <see cref="YamlChunk.Keep"/>) and which document and item it is. A field is located by parsing that document's text
/// again, which gives the same tree, only when a diagnostic or a finding asks (most objects are never asked); so a
/// large load keeps its text, not a tree per object.
/// </summary>
internal sealed class YamlDocumentPositions(IYamlDocuments chunk, int document, int item, int line, int column) : DocumentPositions
{
    /// <inheritdoc />
    public override int Line { get; } = line;

    /// <inheritdoc />
    public override int Column { get; } = column;

    /// <inheritdoc />
    public override (int Line, int Column) Locate(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return (Line, Column);
        }

        var node = chunk.Document(document);
        if (item >= 0)
        {
            node = node?.Property("items")?.Items?[item];
        }

        return node is null ? (Line, Column) : node.Locate(path);
    }
}

/// <summary>The text of the documents between two document markers, as <see cref="YamlSourceReader"/> parses it.</summary>
/// <param name="Text">The whole text.</param>
/// <param name="Start">Where the chunk starts.</param>
/// <param name="End">Where it ends.</param>
/// <param name="FirstLine">The line (from 1) it starts on.</param>
/// <param name="File">The name diagnostics print.</param>
/// <param name="Limits">The reader limits it was read with.</param>
internal sealed record YamlChunk(string Text, int Start, int End, int FirstLine, string File, ReaderLimits Limits) : IYamlDocuments
{
    private IYamlDocuments? _kept;

    /// <summary>
    /// The chunk's text as the UTF-8 bytes it was decoded from (a slice of the file as read), when the whole text is
    /// exactly their decoding (valid UTF-8, no byte order mark); else empty.
    /// </summary>
    public ReadOnlyMemory<byte> Utf8 { get; init; }

    /// <summary>Parses the chunk again and returns its <paramref name="index"/>-th document.</summary>
    public SourceNode? Document(int index)
    {
        var items = new List<ParsedItem>();
        YamlSourceReader.ReadChunk(this, items);
        return items.Where(i => i.Root is not null).Select(i => i.Root).ElementAtOrDefault(index);
    }

    /// <summary>
    /// What a loaded object keeps to parse this chunk again: its UTF-8 bytes when it has them, so that the decoded text
    /// of the whole file (two bytes a character) is dropped once the file is read; else the chunk itself.
    /// </summary>
    public IYamlDocuments Keep() => _kept ??= Utf8.IsEmpty ? this : new YamlKeptChunk(Utf8, FirstLine, File, Limits);
}

/// <summary>The documents of a chunk, parsed again when a field is located.</summary>
internal interface IYamlDocuments
{
    /// <summary>Parses the chunk again and returns its <paramref name="index"/>-th document.</summary>
    SourceNode? Document(int index);

    /// <summary>What a loaded object keeps to parse the chunk again (<see cref="YamlChunk.Keep"/>).</summary>
    IYamlDocuments Keep();
}

/// <summary>
/// A chunk kept as the UTF-8 bytes its text was decoded from: decoded again (the same text, so the same tree and
/// positions) only when a field is located.
/// </summary>
internal sealed class YamlKeptChunk(ReadOnlyMemory<byte> utf8, int firstLine, string file, ReaderLimits limits) : IYamlDocuments
{
    /// <inheritdoc />
    public SourceNode? Document(int index)
    {
        var text = System.Text.Encoding.UTF8.GetString(utf8.Span);
        return new YamlChunk(text, 0, text.Length, firstLine, file, limits).Document(index);
    }

    /// <inheritdoc />
    public IYamlDocuments Keep() => this;
}
