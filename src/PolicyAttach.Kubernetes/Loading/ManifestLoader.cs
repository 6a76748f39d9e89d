using System.Text;
using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Documents;

namespace PolicyAttach.Kubernetes.Loading;

/// <summary>
/// Loads Kubernetes manifests from files, directories, standard input, strings and streams into the core model.
/// A directory is read one level deep, as <c>kubectl apply -f DIR</c> does, unless
/// <see cref="ManifestLoaderOptions.RecurseDirectories"/> is set; <see cref="ManifestLoaderOptions.Exclude"/> skips files.
/// Multi-document YAML, JSON and <c>*List</c> kinds (expanded to their <c>items</c>) are read; empty and
/// comment-only documents are skipped. YAML scalars follow the YAML 1.2 core schema. Every object goes through
/// <see cref="Manifests.ManifestReader"/>, so defaults and validation are the core's. Nothing in the input makes this
/// throw: a malformed document, a missing path or a hostile file becomes a located diagnostic and the rest is still
/// read. Thread-safe: a loader holds only its options.
/// </summary>
public sealed class ManifestLoader
{
    /// <summary>Creates a loader.</summary>
    /// <param name="options">The options; null for the defaults.</param>
    public ManifestLoader(ManifestLoaderOptions? options = null)
    {
        Options = options ?? new ManifestLoaderOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxDepth, 1, nameof(options));
    }

    /// <summary>The options.</summary>
    public ManifestLoaderOptions Options { get; }

    /// <summary>Loads files, directories and <c>-</c> (standard input), in the order given.</summary>
    /// <param name="paths">The paths as the user typed them.</param>
    /// <returns>The objects and diagnostics; a path that cannot be read is a PA1008 diagnostic.</returns>
    public LoadResult Load(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Load(paths.Select(ManifestSource.FromPath));
    }

    /// <summary>Loads sources in the order given; creation timestamps count objects across all of them.</summary>
    /// <param name="sources">The sources.</param>
    /// <returns>The objects and diagnostics.</returns>
    public LoadResult Load(IEnumerable<ManifestSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var session = new LoadSession(Options);
        foreach (var unit in Expand(sources, session))
        {
            if (ReadContent(unit, session) is { } text)
            {
                Parse(text, unit, session);
            }
        }

        return session.ToResult();
    }

    /// <summary>Loads sources, reading files and streams asynchronously.</summary>
    /// <param name="sources">The sources.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>The objects and diagnostics.</returns>
    public async Task<LoadResult> LoadAsync(IEnumerable<ManifestSource> sources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var session = new LoadSession(Options);
        foreach (var unit in Expand(sources, session))
        {
            if (await ReadContentAsync(unit, session, cancellationToken).ConfigureAwait(false) is { } text)
            {
                Parse(text, unit, session);
            }
        }

        return session.ToResult();
    }

    /// <summary>Loads YAML or JSON text.</summary>
    /// <param name="text">The manifests.</param>
    /// <param name="name">The name diagnostics print as the file.</param>
    /// <returns>The objects and diagnostics.</returns>
    public LoadResult LoadText(string text, string name = "-") => Load([ManifestSource.FromText(text, name)]);

    private sealed record Unit(string Name, ManifestSource Source, string? FilePath, bool StandardInput);

    private List<Unit> Expand(IEnumerable<ManifestSource> sources, LoadSession session)
    {
        var units = new List<Unit>();
        foreach (var source in sources)
        {
            ArgumentNullException.ThrowIfNull(source, nameof(sources));
            if (source.Path is not { } path)
            {
                units.Add(new Unit(source.Name, source, null, false));
            }
            else if (path == "-")
            {
                units.Add(new Unit(path, source, null, true));
            }
            else if (File.Exists(path))
            {
                units.Add(new Unit(path, source, path, false));
            }
            else if (Directory.Exists(path))
            {
                try
                {
                    units.AddRange(DirectoryListing.ManifestFiles(path, Options).Select(f => new Unit(f, source, f, false)));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    session.Add(Unreadable(path, ex.Message));
                }
            }
            else
            {
                session.Add(Unreadable(path, "no such file or directory."));
            }
        }

        return units;
    }

    private static Diagnostic Unreadable(string path, string reason) => new()
    {
        Severity = DiagnosticSeverity.Error,
        Code = DiagnosticCodes.UnreadablePath,
        Message = $"cannot read \"{path}\": {reason}",
    };

    private string? ReadContent(Unit unit, LoadSession session)
    {
        session.AddFile();
        if (unit.Source.Text is { } text)
        {
            return text;
        }

        try
        {
            if (unit.FilePath is { } file)
            {
                var length = new FileInfo(file).Length;
                return length > Options.MaxInputBytes ? TooLarge(unit, session) : Decode(File.ReadAllBytes(file));
            }

            var stream = unit.StandardInput ? OpenStandardInput() : unit.Source.Stream!;
            try
            {
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
                {
                    if (buffer.Length + read > Options.MaxInputBytes)
                    {
                        return TooLarge(unit, session);
                    }

                    buffer.Write(chunk, 0, read);
                }

                return Decode(buffer.ToArray());
            }
            finally
            {
                if (unit.StandardInput)
                {
                    stream.Dispose();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            session.Add(Unreadable(unit.Name, ex.Message));
            return null;
        }
    }

    private async Task<string?> ReadContentAsync(Unit unit, LoadSession session, CancellationToken cancellationToken)
    {
        session.AddFile();
        if (unit.Source.Text is { } text)
        {
            return text;
        }

        try
        {
            if (unit.FilePath is { } file)
            {
                var length = new FileInfo(file).Length;
                return length > Options.MaxInputBytes
                    ? TooLarge(unit, session)
                    : Decode(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false));
            }

            var stream = unit.StandardInput ? OpenStandardInput() : unit.Source.Stream!;
            try
            {
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > Options.MaxInputBytes)
                    {
                        return TooLarge(unit, session);
                    }

                    buffer.Write(chunk, 0, read);
                }

                return Decode(buffer.ToArray());
            }
            finally
            {
                if (unit.StandardInput)
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            session.Add(Unreadable(unit.Name, ex.Message));
            return null;
        }
    }

    private Stream OpenStandardInput() => Options.StandardInput?.Invoke() ?? Console.OpenStandardInput();

    private string? TooLarge(Unit unit, LoadSession session)
    {
        session.Add(Unreadable(unit.Name, $"it is larger than {Options.MaxInputBytes} bytes (ManifestLoaderOptions.MaxInputBytes)."));
        return null;
    }

    /// <summary>UTF-8 (invalid bytes become U+FFFD), or UTF-16 when a byte order mark says so.</summary>
    internal static string Decode(byte[] bytes)
    {
        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
        {
            return Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
        }

        if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
        {
            return Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2);
        }

        var skip = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        return Encoding.UTF8.GetString(bytes, skip, bytes.Length - skip);
    }

    private static void Parse(string text, Unit unit, LoadSession session)
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var items = new List<ParsedItem>();
        if (IsJson(text, unit.FilePath))
        {
            JsonSourceReader.Read(Encoding.UTF8.GetBytes(text), unit.Name, session.Limits, items);
        }
        else
        {
            YamlSourceReader.Read(text, unit.Name, session.Limits, items);
        }

        foreach (var item in items)
        {
            if (item.Diagnostic is { } diagnostic)
            {
                session.Add(diagnostic);
            }
            else
            {
                session.AddDocument(item.Root!, unit.Name);
            }
        }
    }

    private static bool IsJson(string text, string? path)
    {
        if (path is not null)
        {
            if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                return c is '{' or '[';
            }
        }

        return false;
    }
}
