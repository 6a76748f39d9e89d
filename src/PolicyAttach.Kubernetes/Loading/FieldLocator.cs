using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Documents;

namespace PolicyAttach.Kubernetes.Loading;

/// <summary>
/// Where the fields of one loaded object are in its file: maps a field path such as <c>spec.parentRefs[0].name</c> to
/// <c>file:line:column</c> (the nearest enclosing field that exists when the path goes further than the text). This is
/// how a finding computed after evaluation, which names an object and a field path, gets its position. Two locators
/// are equal when they locate the same object of the same file.
/// </summary>
public sealed class FieldLocator : IEquatable<FieldLocator>
{
    private readonly DocumentPositions _root;

    internal FieldLocator(string file, DocumentPositions root)
    {
        File = file;
        _root = root;
    }

    /// <summary>The file as the user gave it (or the name of the stream).</summary>
    public string File { get; }

    /// <summary>Where a field is.</summary>
    /// <param name="path">The field path; null or empty for the object itself.</param>
    /// <returns>The position of the field, or of its nearest enclosing field in the text.</returns>
    public SourceLocation Locate(string? path)
    {
        var (line, column) = _root.Locate(path);
        return new SourceLocation(File, line, column);
    }

    /// <inheritdoc />
    public bool Equals(FieldLocator? other)
        => other is not null && string.Equals(File, other.File, StringComparison.Ordinal) && _root.Line == other._root.Line && _root.Column == other._root.Column;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FieldLocator);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(File, _root.Line, _root.Column);
}
