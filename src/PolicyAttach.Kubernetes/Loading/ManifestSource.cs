namespace PolicyAttach.Kubernetes.Loading;

/// <summary>
/// One input of a <see cref="ManifestLoader"/>: a path (file, directory, or <c>-</c> for standard input), a string
/// or a stream. Immutable; a stream source is read once.
/// </summary>
public sealed class ManifestSource
{
    private ManifestSource(string name, string? path, string? text, Stream? stream)
    {
        Name = name;
        Path = path;
        Text = text;
        Stream = stream;
    }

    /// <summary>The name diagnostics print as the file: the path as given, <c>-</c>, or the caller's name.</summary>
    public string Name { get; }

    internal string? Path { get; }

    internal string? Text { get; }

    internal Stream? Stream { get; }

    /// <summary>A file, a directory (searched recursively for <c>*.yaml</c>, <c>*.yml</c>, <c>*.json</c> in ordinal path order) or <c>-</c>.</summary>
    /// <param name="path">The path as the user typed it; diagnostics print it unchanged.</param>
    /// <returns>The source.</returns>
    public static ManifestSource FromPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new ManifestSource(path, path, null, null);
    }

    /// <summary>YAML or JSON text (JSON when it starts with <c>{</c> or <c>[</c>).</summary>
    /// <param name="text">The manifests.</param>
    /// <param name="name">The name diagnostics print as the file.</param>
    /// <returns>The source.</returns>
    public static ManifestSource FromText(string text, string name = "-")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(name);
        return new ManifestSource(name, null, text, null);
    }

    /// <summary>A stream of YAML or JSON (UTF-8, or UTF-16 with a byte order mark). The loader reads it to the end and does not dispose it.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="name">The name diagnostics print as the file.</param>
    /// <returns>The source.</returns>
    public static ManifestSource FromStream(Stream stream, string name = "-")
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        return new ManifestSource(name, null, null, stream);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
