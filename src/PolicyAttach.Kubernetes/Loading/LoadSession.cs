using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Documents;
using PolicyAttach.Manifests;

namespace PolicyAttach.Kubernetes.Loading;

/// <summary>
/// Accumulates one load: gives each object without a creationTimestamp the epoch (or, when the input order is the
/// creation order, its input position in seconds after it), calls the core reader, locates the core's diagnostics and
/// collects everything in input order.
/// </summary>
internal sealed class LoadSession(ManifestLoaderOptions options)
{
    private readonly List<LoadedObject> _objects = [];
    private readonly List<Diagnostic> _diagnostics = [];
    private int _documents;
    private int _files;

    public ManifestLoaderOptions Options => options;

    public ReaderLimits Limits { get; } = ReaderLimits.From(options);

    public void AddFile() => _files++;

    public void Add(Diagnostic diagnostic) => _diagnostics.Add(diagnostic);

    /// <summary>
    /// Reads the items parsed from one file in input order: diagnostics as they are, documents expanded when they are a
    /// <c>*List</c> with <c>items</c>. Objects are converted and read on all cores; results are added in input order.
    /// </summary>
    public void AddParsed(List<ParsedItem> items, string file)
    {
        var work = new List<(Diagnostic? Diagnostic, SourceNode? Node, ManifestTokens? Tokens, DocumentPositions? Position, DocumentPositions? Kept)>();
        foreach (var item in items)
        {
            if (item.Diagnostic is { } diagnostic)
            {
                work.Add((diagnostic, null, null, null, null));
            }
            else if (item.Tokens is { } tokens)
            {
                // Read on the YAML fast path: in tokens already; its fields are located from the text when asked.
                var positions = new YamlDocumentPositions(item.Chunk!.Keep(), item.Document, -1, item.Line, item.Column);
                work.Add((null, null, tokens, positions, positions));
            }
            else if (IsList(item.Root!.Property("kind"), item.Root.Property("items")) is { } listItems)
            {
                for (var i = 0; i < listItems.Count; i++)
                {
                    if (listItems[i].Kind != SourceNodeKind.Null)
                    {
                        work.Add((null, listItems[i], null, listItems[i], Kept(item, i, listItems[i])));
                    }
                }
            }
            else
            {
                work.Add((null, item.Root, null, item.Root, Kept(item, -1, item.Root)));
            }
        }

        var objects = work.Where(w => w.Position is not null).ToList();
        // The fast path's tokens are read, then disposed, by ReadAll; it may read one again (creation order).
        var results = ReadAll(objects.Count, (int i, out string? problem, out bool keep) =>
        {
            if (objects[i].Tokens is { } tokens)
            {
                (problem, keep) = (null, true);
                return tokens;
            }

            keep = false;
            return JsonEmitter.TryConvert(objects[i].Node!, Limits, out var element, out problem) ? ManifestTokens.From(element) : null;
        });
        foreach (var item in objects)
        {
            item.Tokens?.Dispose();
        }

        var next = 0;
        foreach (var (diagnostic, node, _, position, kept) in work)
        {
            if (diagnostic is not null)
            {
                _diagnostics.Add(diagnostic);
                continue;
            }

            var (result, problem, status) = results[next++];
            if (result is null)
            {
                _diagnostics.Add(TextDiagnostics.Malformed(problem + " The document is skipped.", file, node!.Line, node.Column));
                continue;
            }

            _documents++;
            Apply(result, position, kept, file, status);
        }
    }

    /// <summary>What a loaded object keeps to locate its fields: for YAML its text (its tree is dropped; as UTF-8 bytes when the file was UTF-8), for JSON read on the exact path its tree.</summary>
    private static DocumentPositions Kept(ParsedItem item, int listItem, SourceNode node)
        => item.Chunk is { } chunk ? new YamlDocumentPositions(chunk.Keep(), item.Document, listItem, node.Line, node.Column) : node;

    /// <summary>
    /// Reads a JSON file on the fast path, or declines it (false; nothing added) when the exact path must read it. The
    /// items of a <c>*List</c> are read on the other cores while the first pass is still checking the file and finding
    /// the next ones; their results are placed by position, so they are added in input order.
    /// </summary>
    public bool TryAddJson(ReadOnlyMemory<byte> utf8, string file)
    {
        var first = _documents;
        using var work = new OrderedWork<JsonItemPositions, (ManifestReadResult? Result, string? Problem, JsonElement? Status)>(
            (i, item) =>
            {
                using var tokens = item.Parse();
                return Read(tokens, first + i);
            },
            Environment.ProcessorCount - 1);
        if (!JsonFastReader.TryRead(utf8, Limits, work.Add, out var items, out var handedOver))
        {
            work.Cancel();
            return false;
        }

        var results = handedOver ? work.Complete() : ReadAll(items.Count, (int i, out string? problem, out bool keep) =>
        {
            (problem, keep) = (null, false);
            return items[i].Parse();
        });
        for (var i = 0; i < items.Count; i++)
        {
            _documents++;
            Apply(results[i].Result!, items[i], items[i], file, results[i].Status);
        }

        return true;
    }

    /// <summary>Object <paramref name="index"/> as tokens, or null with the problem; they are disposed once read unless <paramref name="keep"/> (their owner disposes them).</summary>
    private delegate ManifestTokens? Convert(int index, out string? problem, out bool keep);

    /// <summary>
    /// Converts and reads <paramref name="count"/> objects, on all cores when there are enough to gain from it. Object
    /// <c>i</c> is the <c>i</c>-th given to the core reader from here unless an earlier one failed to convert, which
    /// only matters (and is then corrected in order) when the input order is the creation order.
    /// </summary>
    private (ManifestReadResult? Result, string? Problem, JsonElement? Status)[] ReadAll(int count, Convert convert)
    {
        var first = _documents;
        var results = new (ManifestReadResult? Result, string? Problem, JsonElement? Status)[count];
        ForEach(count, i =>
        {
            var tokens = convert(i, out var problem, out var keep);
            using (keep ? null : tokens)
            {
                results[i] = tokens is { } t ? Read(t, first + i) : (null, problem, null);
            }
        });
        if (options.InputOrderIsCreationOrder && Array.Exists(results, r => r.Result is null))
        {
            var index = first;
            for (var i = 0; i < count; i++)
            {
                if (results[i].Result is not null)
                {
                    if (index != first + i)
                    {
                        var tokens = convert(i, out _, out var keep)!;
                        using (keep ? null : tokens)
                        {
                            results[i] = (ManifestReader.ReadTokens(tokens, ReadOptions(index)), null, results[i].Status);
                        }
                    }

                    index++;
                }
            }
        }

        return results;
    }

    /// <summary>An object's tokens read as document <paramref name="document"/> of the load, with its status kept aside.</summary>
    private (ManifestReadResult? Result, string? Problem, JsonElement? Status) Read(ManifestTokens tokens, int document)
        => (ManifestReader.ReadTokens(tokens, ReadOptions(document)), null, tokens.ObjectField("status"));

    private static void ForEach(int count, Action<int> body)
    {
        if (count < ParallelFrom || Environment.ProcessorCount == 1)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, body);
    }

    /// <summary>Below this many objects, reading on one core costs less than sharing the work.</summary>
    private const int ParallelFrom = 64;

    /// <summary>Reads an element that did not come from text (no locations), expanding lists.</summary>
    public void AddElement(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String
            && kind.GetString()!.EndsWith("List", StringComparison.Ordinal)
            && element.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Null)
                {
                    Read(item, null, null);
                }
            }

            return;
        }

        Read(element, null, null);
    }

    public LoadResult ToResult() => new()
    {
        Objects = _objects.ToEquatableArray(),
        Diagnostics = _diagnostics.ToEquatableArray(),
        FileCount = _files,
        DocumentCount = _documents,
    };

    private static List<SourceNode>? IsList(SourceNode? kind, SourceNode? items)
        => kind is { Kind: SourceNodeKind.String, Text: { } text } && text.EndsWith("List", StringComparison.Ordinal)
            && items is { Kind: SourceNodeKind.Sequence }
            ? items.Items
            : null;

    /// <summary>The <c>status</c> an object was read with (for <c>policyattach audit</c>), or null.</summary>
    private static JsonElement? StatusOf(JsonElement element)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Object ? s.Clone() : null;

    /// <summary>The read options of every object when the input order is not the creation order (they are then all the same).</summary>
    private ManifestReadOptions? _sameOptions;

    private ManifestReadOptions ReadOptions(int index) => options.InputOrderIsCreationOrder
        ? MakeOptions(options.Epoch.AddSeconds(index))
        : _sameOptions ??= MakeOptions(options.Epoch);

    private ManifestReadOptions MakeOptions(DateTimeOffset created) => new()
    {
        DefaultCreationTimestamp = created,
        DefaultNamespace = options.DefaultNamespace,
        AcceptUnservedVersions = options.AcceptUnservedVersions,
    };

    private void Read(JsonElement element, DocumentPositions? node, string? file)
    {
        var result = ManifestReader.Read(element, ReadOptions(_documents));
        _documents++;
        Apply(result, node, node, file, StatusOf(element));
    }

    /// <summary>Adds what the core reader found, locating its diagnostics with <paramref name="node"/>; the object keeps <paramref name="kept"/>.</summary>
    private void Apply(ManifestReadResult result, DocumentPositions? node, DocumentPositions? kept, string? file, JsonElement? status)
    {
        foreach (var diagnostic in result.Diagnostics)
        {
            if (diagnostic.Location is null && node is not null && file is not null)
            {
                var (line, column) = node.Locate(diagnostic.Path);
                _diagnostics.Add(diagnostic with { Location = new SourceLocation(file, line, column) });
            }
            else
            {
                _diagnostics.Add(diagnostic);
            }
        }

        if (result.Resource is { } resource)
        {
            _objects.Add(node is null || file is null
                ? new LoadedObject(resource, null) { Status = status }
                : new LoadedObject(resource, new SourceLocation(file, node.Line, node.Column)) { Fields = new FieldLocator(file, kept ?? node), Status = status });
        }
    }
}
