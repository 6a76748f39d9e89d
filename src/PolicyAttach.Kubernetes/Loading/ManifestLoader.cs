using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Documents;
using PolicyAttach.Kubernetes.Loading;

namespace PolicyAttach;

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
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxInputBytes, 0, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Options.MaxInputBytes, Array.MaxLength, nameof(options));
    }

    /// <summary>The options.</summary>
    public ManifestLoaderOptions Options { get; }

    /// <summary>The manifest files a read of a directory takes (<see cref="ManifestLoaderOptions.RecurseDirectories"/>, <see cref="ManifestLoaderOptions.Exclude"/>), in the order it reads them.</summary>
    /// <param name="directory">The directory.</param>
    /// <returns>The files.</returns>
    public IReadOnlyList<string> ListFiles(string directory) => DirectoryListing.ManifestFiles(directory, Options);

    /// <summary>
    /// Whether a read of a directory takes a file of this name by its extension (<c>*.yaml</c>, <c>*.yml</c>,
    /// <c>*.json</c>, any case), before <see cref="ManifestLoaderOptions.Exclude"/> applies: a file it does not take
    /// can change without changing what a read of the directory gives.
    /// </summary>
    /// <param name="fileName">The file's name, without its directory.</param>
    /// <returns>Whether the extension is one a directory read takes.</returns>
    public static bool IsManifestFileName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return DirectoryListing.IsManifestName(fileName);
    }

    /// <summary>Loads files, directories and <c>-</c> (standard input), in the order given.</summary>
    /// <param name="paths">The paths as the user typed them.</param>
    /// <returns>The objects and diagnostics; a path that cannot be read is a PA1008 diagnostic.</returns>
    public LoadResult Load(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Load(paths.Select(ManifestSource.FromPath));
    }

    /// <summary>Loads sources in the order given (input order counts objects across all of them).</summary>
    /// <param name="sources">The sources.</param>
    /// <returns>The objects and diagnostics.</returns>
    public LoadResult Load(IEnumerable<ManifestSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var session = new LoadSession(Options);
        foreach (var unit in Expand(sources, session))
        {
            if (ReadContent(unit, session) is { } content)
            {
                Parse(content, unit, session);
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
            if (await ReadContentAsync(unit, session, cancellationToken).ConfigureAwait(false) is { } content)
            {
                Parse(content, unit, session);
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

    /// <summary>
    /// The files to read, in order. A file reached twice (named twice, or also inside a directory given) and a second
    /// <c>-</c> are read once, at their first place: reading them again would only duplicate every object.
    /// </summary>
    private List<Unit> Expand(IEnumerable<ManifestSource> sources, LoadSession session)
    {
        var units = new List<Unit>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            ArgumentNullException.ThrowIfNull(source, nameof(sources));
            if (source.Path is not { } path)
            {
                units.Add(new Unit(source.Name, source, null, false));
            }
            else if (path == "-")
            {
                if (seen.Add("-"))
                {
                    units.Add(new Unit(path, source, null, true));
                }
            }
            else if (File.Exists(path))
            {
                if (seen.Add(Identity(path)))
                {
                    units.Add(new Unit(path, source, path, false));
                }
            }
            else if (Directory.Exists(path))
            {
                try
                {
                    units.AddRange(DirectoryListing.ManifestFiles(path, Options).Where(f => seen.Add(Identity(f))).Select(f => new Unit(f, source, f, false)));
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

    private static string Identity(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or NotSupportedException)
        {
            return path;
        }
    }

    private static Diagnostic Unreadable(string path, string reason) => new()
    {
        Severity = DiagnosticSeverity.Error,
        Code = DiagnosticCodes.UnreadablePath,
        Message = $"cannot read \"{path}\": {reason}",
    };

    /// <summary>What a source holds: text given as a string, or the bytes read.</summary>
    private readonly record struct Content(string? Text, ReadOnlyMemory<byte> Bytes);

    private Content? ReadContent(Unit unit, LoadSession session)
    {
        session.AddFile();
        if (unit.Source.Text is { } text)
        {
            return new Content(text, default);
        }

        try
        {
            if (unit.FilePath is { } file)
            {
                using var fileStream = OpenFile(file);
                var known = Length(fileStream);
                return known > Options.MaxInputBytes ? TooLarge(unit, session) : ReadBounded(fileStream, known, unit, session);
            }

            var stream = unit.StandardInput ? OpenStandardInput() : unit.Source.Stream!;
            try
            {
                return ReadBounded(stream, 0, unit, session);
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

    private async Task<Content?> ReadContentAsync(Unit unit, LoadSession session, CancellationToken cancellationToken)
    {
        session.AddFile();
        if (unit.Source.Text is { } text)
        {
            return new Content(text, default);
        }

        try
        {
            if (unit.FilePath is { } file)
            {
                var fileStream = OpenFile(file);
                await using (fileStream.ConfigureAwait(false))
                {
                    var known = Length(fileStream);
                    return known > Options.MaxInputBytes
                        ? TooLarge(unit, session)
                        : await ReadBoundedAsync(fileStream, known, unit, session, cancellationToken).ConfigureAwait(false);
                }
            }

            var stream = unit.StandardInput ? OpenStandardInput() : unit.Source.Stream!;
            try
            {
                return await ReadBoundedAsync(stream, 0, unit, session, cancellationToken).ConfigureAwait(false);
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

    private static FileStream OpenFile(string file)
        => new(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);

    /// <summary>The length of a regular file; 0 when unknown (devices, pipes), which are then read up to the limit.</summary>
    private static long Length(FileStream stream)
    {
        try
        {
            return stream.CanSeek ? stream.Length : 0;
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException)
        {
            return 0;
        }
    }

    private const int ChunkBytes = 81920;

    /// <summary>Reads to the end, or stops as soon as the limit is passed (a device such as /dev/zero never ends).</summary>
    private Content? ReadBounded(Stream stream, long known, Unit unit, LoadSession session)
    {
        using var buffer = new MemoryStream((int)Math.Min(known, Options.MaxInputBytes));
        var chunk = new byte[ChunkBytes];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > Options.MaxInputBytes)
            {
                return TooLarge(unit, session);
            }

            buffer.Write(chunk, 0, read);
        }

        return new Content(null, buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    private async Task<Content?> ReadBoundedAsync(Stream stream, long known, Unit unit, LoadSession session, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream((int)Math.Min(known, Options.MaxInputBytes));
        var chunk = new byte[ChunkBytes];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > Options.MaxInputBytes)
            {
                return TooLarge(unit, session);
            }

            buffer.Write(chunk, 0, read);
        }

        return new Content(null, buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    private Stream OpenStandardInput() => Options.StandardInput?.Invoke() ?? Console.OpenStandardInput();

    private Content? TooLarge(Unit unit, LoadSession session)
    {
        session.Add(Unreadable(unit.Name, $"it is larger than {Options.MaxInputBytes} bytes (ManifestLoaderOptions.MaxInputBytes)."));
        return null;
    }

    /// <summary>Decoded text and where it was not valid UTF-8.</summary>
    /// <param name="Text">The text, each invalid UTF-8 sequence replaced by U+FFFD.</param>
    /// <param name="InvalidAt">The offsets in <paramref name="Text"/> of those replacements, in order.</param>
    /// <param name="Utf8">The bytes as read when they are exactly the UTF-8 of the text (no byte order mark); else empty.</param>
    internal readonly record struct DecodedText(string Text, IReadOnlyList<int> InvalidAt, ReadOnlyMemory<byte> Utf8);

    /// <summary>UTF-8 (a leading byte order mark skipped), or UTF-16 when a byte order mark says so.</summary>
    internal static DecodedText Decode(ReadOnlyMemory<byte> memory)
    {
        var bytes = memory.Span;
        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
        {
            return new DecodedText(Encoding.Unicode.GetString(bytes[2..]), [], default);
        }

        if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
        {
            return new DecodedText(Encoding.BigEndianUnicode.GetString(bytes[2..]), [], default);
        }

        var skip = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        bytes = bytes[skip..];
        if (Utf8.IsValid(bytes))
        {
            return new DecodedText(Encoding.UTF8.GetString(bytes), [], skip == 0 ? memory : default);
        }

        // Decoded by hand to know where each invalid sequence was (the decoder would replace them silently).
        var chars = new char[bytes.Length];
        var written = 0;
        var invalid = new List<int>();
        while (!bytes.IsEmpty)
        {
            var status = Utf8.ToUtf16(bytes, chars.AsSpan(written), out var read, out var count, replaceInvalidSequences: false);
            written += count;
            bytes = bytes[read..];
            if (status == OperationStatus.Done)
            {
                break;
            }

            Rune.DecodeFromUtf8(bytes, out _, out var bad);
            invalid.Add(written);
            chars[written++] = '\uFFFD';
            bytes = bytes[Math.Max(bad, 1)..];
        }

        return new DecodedText(new string(chars, 0, written), invalid, default);
    }

    private static void Parse(Content content, Unit unit, LoadSession session)
    {
        if (content.Text is null && IsPlainJson(content.Bytes.Span, unit.FilePath) && session.TryAddJson(content.Bytes, unit.Name))
        {
            return;
        }

        if (content.Text is null && IsPlainYaml(content.Bytes.Span, unit.FilePath) && MemoryMarshal.TryGetArray(content.Bytes, out var utf8))
        {
            // Read from the bytes: no decoded text of the whole file.
            YamlSourceReader.ReadUtf8(utf8, unit.Name, session.Limits, batch => session.AddParsed(batch, unit.Name));
            return;
        }

        var decoded = content.Text is { } given ? new DecodedText(given, [], default) : Decode(content.Bytes);
        var text = decoded.Text;
        var items = new List<ParsedItem>();
        if (IsJson(text, unit.FilePath))
        {
            var skipped = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
            JsonSourceReader.Read(decoded.Utf8.IsEmpty ? Encoding.UTF8.GetBytes(text[skipped..]) : decoded.Utf8, unit.Name, session.Limits, items);
            if (decoded.InvalidAt.Count > 0)
            {
                // The file is one document: it is skipped, and the first problem in it is reported.
                var (line, column) = TextPosition.Of(text, 0, 1, decoded.InvalidAt[0]);
                var syntax = items.FirstOrDefault(i => i.Diagnostic is { Severity: DiagnosticSeverity.Error }).Diagnostic?.Location;
                if (syntax is null || (syntax.Line, syntax.Column).CompareTo((line, column)) > 0)
                {
                    items.Clear();
                    items.Add(new ParsedItem(null, TextDiagnostics.InvalidUtf8(decoded.InvalidAt.Count, unit.Name, line, column)));
                }
            }
        }
        else
        {
            YamlSourceReader.Read(text, unit.Name, session.Limits, batch => session.AddParsed(batch, unit.Name), decoded.InvalidAt, decoded.Utf8);
            return;
        }

        session.AddParsed(items, unit.Name);
    }

    private static readonly SearchValues<byte> AsciiWhiteSpace = SearchValues.Create(" \t\n\v\f\r"u8);

    /// <summary>What a file's name says it holds: JSON (<c>.json</c>), YAML (<c>.yaml</c>, <c>.yml</c>), or nothing (then the content decides).</summary>
    private enum NamedFormat
    {
        None,
        Json,
        Yaml,
    }

    /// <summary>The one place a file's name decides its format (<see cref="IsJson"/>, <see cref="IsPlainJson"/>, <see cref="IsPlainYaml"/>).</summary>
    private static NamedFormat FormatOf(string? path)
        => path is null ? NamedFormat.None
            : path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? NamedFormat.Json
            : path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) ? NamedFormat.Yaml
            : NamedFormat.None;

    /// <summary>
    /// Whether bytes are JSON that the fast path may take: read as JSON (as <see cref="IsJson"/> decides), valid UTF-8,
    /// with no byte order mark. Anything else goes through the decoded text, which reports what is wrong. The name is
    /// looked at first, so a YAML file is not checked for UTF-8 here as well as in <see cref="IsPlainYaml"/>.
    /// </summary>
    private static bool IsPlainJson(ReadOnlySpan<byte> bytes, string? path)
    {
        var format = FormatOf(path);
        if (format == NamedFormat.Yaml || bytes.IsEmpty || bytes[0] >= 0x80)
        {
            return false;
        }

        if (format == NamedFormat.None)
        {
            var first = bytes.IndexOfAnyExcept(AsciiWhiteSpace);
            if (first < 0 || bytes[first] is not ((byte)'{' or (byte)'['))
            {
                return false;
            }
        }

        return Utf8.IsValid(bytes);
    }

    /// <summary>
    /// Whether bytes are YAML (as <see cref="IsJson"/> decides) that can be read without decoding them: valid UTF-8 with
    /// no byte order mark anywhere. When the first character that is not white space is not printable ASCII, the
    /// decoded text decides.
    /// </summary>
    private static bool IsPlainYaml(ReadOnlySpan<byte> bytes, string? path)
    {
        var format = FormatOf(path);
        if (format == NamedFormat.Json)
        {
            return false;
        }

        if (format == NamedFormat.None)
        {
            var first = bytes.IndexOfAnyExcept(AsciiWhiteSpace);
            if (first >= 0 && bytes[first] is < 0x20 or >= 0x7F or (byte)'{' or (byte)'[')
            {
                return false;
            }
        }

        return bytes.IndexOf("\uFEFF"u8) < 0 && Utf8.IsValid(bytes);
    }

    private static bool IsJson(string text, string? path)
    {
        var format = FormatOf(path);
        if (format != NamedFormat.None)
        {
            return format == NamedFormat.Json;
        }

        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c) && c != '\uFEFF')
            {
                return c is '{' or '[';
            }
        }

        return false;
    }
}
