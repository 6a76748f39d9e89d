namespace PolicyAttach.Kubernetes.Documents;

/// <summary>
/// Where one document (or list item) and its fields are in its text: the start of the object and the position of a
/// core field path. A YAML document keeps its parsed <see cref="SourceNode"/> tree; a JSON object read on the fast path
/// keeps only its byte range and finds a field by reading that range again when asked.
/// </summary>
internal abstract class DocumentPositions
{
    /// <summary>The line (from 1) where the object starts.</summary>
    public abstract int Line { get; }

    /// <summary>The column (from 1, in characters) where the object starts.</summary>
    public abstract int Column { get; }

    /// <summary>
    /// The position of a core field path (<c>spec.listeners[0].port</c>, empty for the root) or of its nearest
    /// ancestor present in the document: the key of a mapping entry, the start of a sequence item. Keys that contain
    /// dots (label names) are matched whole, the longest key first.
    /// </summary>
    public abstract (int Line, int Column) Locate(string? path);

    /// <summary>Whether <paramref name="rest"/> starts with <paramref name="key"/> as a whole path segment.</summary>
    protected static bool IsSegment(ReadOnlySpan<char> rest, string key)
        => rest.StartsWith(key, StringComparison.Ordinal) && (rest.Length == key.Length || rest[key.Length] is '.' or '[');

    /// <summary>Reads the index of <c>[N]</c> at <paramref name="pos"/>; false when it is not one.</summary>
    protected static bool TryIndex(string path, int pos, out int index, out int close)
    {
        close = path.IndexOf(']', pos);
        index = 0;
        return close >= 0 && int.TryParse(path.AsSpan(pos + 1, close - pos - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index);
    }
}
