namespace PolicyAttach.Kubernetes.Documents;

/// <summary>The JSON type a parsed YAML or JSON node converts to.</summary>
internal enum SourceNodeKind
{
    Null,
    Boolean,
    Number,
    String,
    Sequence,
    Mapping,
}

/// <summary>One mapping entry with the position of its key.</summary>
internal readonly record struct SourceProperty(string Key, int Line, int Column, SourceNode Value);

/// <summary>
/// A node of a parsed document with its position: the intermediate form between YAML or JSON text and the
/// <see cref="System.Text.Json.JsonElement"/> the core reads. Alias nodes are shared, so a document is a DAG.
/// </summary>
internal sealed class SourceNode : DocumentPositions
{
    private SourceNode(SourceNodeKind kind, string? text, int line, int column)
    {
        Kind = kind;
        Text = text;
        Line = line;
        Column = column;
    }

    public SourceNodeKind Kind { get; }

    /// <summary>For strings the value; for numbers a valid JSON number; for booleans <c>true</c> or <c>false</c>.</summary>
    public string? Text { get; }

    public override int Line { get; }

    public override int Column { get; }

    public List<SourceNode>? Items { get; private init; }

    public List<SourceProperty>? Properties { get; private init; }

    public bool IsScalar => Kind is not SourceNodeKind.Sequence and not SourceNodeKind.Mapping;

    public static SourceNode Scalar(SourceNodeKind kind, string? text, int line, int column) => new(kind, text, line, column);

    public static SourceNode Sequence(int line, int column) => new(SourceNodeKind.Sequence, null, line, column) { Items = [] };

    public static SourceNode Mapping(int line, int column) => new(SourceNodeKind.Mapping, null, line, column) { Properties = [] };

    /// <summary>The value of a top-level property, or null.</summary>
    public SourceNode? Property(string key)
    {
        if (Properties is null)
        {
            return null;
        }

        foreach (var property in Properties)
        {
            if (string.Equals(property.Key, key, StringComparison.Ordinal))
            {
                return property.Value;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override (int Line, int Column) Locate(string? path)
    {
        var node = this;
        var best = (Line, Column);
        if (string.IsNullOrEmpty(path))
        {
            return best;
        }

        var pos = 0;
        while (pos < path.Length)
        {
            if (node.Kind == SourceNodeKind.Mapping)
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
                SourceProperty? match = null;
                foreach (var property in node.Properties!)
                {
                    var key = property.Key;
                    if (IsSegment(rest, key) && (match is null || key.Length > match.Value.Key.Length))
                    {
                        match = property;
                    }
                }

                if (match is not { } found)
                {
                    break;
                }

                best = (found.Line, found.Column);
                node = found.Value;
                pos += found.Key.Length;
            }
            else if (node.Kind == SourceNodeKind.Sequence && path[pos] == '[')
            {
                if (!TryIndex(path, pos, out var index, out var close) || index >= node.Items!.Count)
                {
                    break;
                }

                node = node.Items[index];
                best = (node.Line, node.Column);
                pos = close + 1;
            }
            else
            {
                break;
            }
        }

        return best;
    }
}
