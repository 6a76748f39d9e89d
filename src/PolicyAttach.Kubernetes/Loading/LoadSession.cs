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

    /// <summary>Reads a parsed document, expanding a <c>*List</c> kind with <c>items</c> to its items.</summary>
    public void AddDocument(SourceNode root, string file)
    {
        if (IsList(root.Property("kind"), root.Property("items")) is { } items)
        {
            foreach (var item in items)
            {
                if (item.Kind != SourceNodeKind.Null)
                {
                    AddObject(item, file);
                }
            }

            return;
        }

        AddObject(root, file);
    }

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

    private void AddObject(SourceNode node, string file)
    {
        if (!JsonEmitter.TryConvert(node, Limits, out var element, out var problem))
        {
            _diagnostics.Add(TextDiagnostics.Malformed(problem + " The document is skipped.", file, node.Line, node.Column));
            return;
        }

        Read(element, node, file);
    }

    private void Read(JsonElement element, SourceNode? node, string? file)
    {
        var readOptions = new ManifestReadOptions
        {
            DefaultCreationTimestamp = options.InputOrderIsCreationOrder ? options.Epoch.AddSeconds(_documents) : options.Epoch,
            DefaultNamespace = options.DefaultNamespace,
            AcceptUnservedVersions = options.AcceptUnservedVersions,
        };
        _documents++;
        var result = ManifestReader.Read(element, readOptions);
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
            var status = element.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Object ? s.Clone() : (JsonElement?)null;
            _objects.Add(node is null || file is null
                ? new LoadedObject(resource, null) { Status = status }
                : new LoadedObject(resource, new SourceLocation(file, node.Line, node.Column)) { Fields = new FieldLocator(file, node), Status = status });
        }
    }
}
