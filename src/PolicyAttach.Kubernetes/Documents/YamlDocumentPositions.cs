namespace PolicyAttach.Kubernetes.Documents;

/// <summary>
/// Where a YAML document (or an item of a <c>*List</c> document) and its fields are, kept without its node tree: the
/// text it was parsed from and which document and item it is. A field is located by parsing that document's text
/// again, which gives the same tree, only when a diagnostic or a finding asks (most objects are never asked); so a
/// large load keeps its text, not a tree per object.
/// </summary>
internal sealed class YamlDocumentPositions(YamlChunk chunk, int document, int item, int line, int column) : DocumentPositions
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
internal sealed record YamlChunk(string Text, int Start, int End, int FirstLine, string File, ReaderLimits Limits)
{
    /// <summary>Parses the chunk again and returns its <paramref name="index"/>-th document.</summary>
    public SourceNode? Document(int index)
    {
        var items = new List<ParsedItem>();
        YamlSourceReader.ReadChunk(this, items);
        return items.Where(i => i.Root is not null).Select(i => i.Root).ElementAtOrDefault(index);
    }
}
