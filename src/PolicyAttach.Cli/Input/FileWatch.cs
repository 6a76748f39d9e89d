using System.Collections.Concurrent;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Input;

/// <summary>
/// The files of a <c>--watch</c> run: each file's last readable objects, re-read only when the file system reports a
/// change to it (a short debounce gathers the writes of an editor into one batch). A file that becomes unreadable
/// keeps its last readable objects; a deleted file's objects go; a new file in a watched directory is read. When two
/// files hold the same key, the later one (in the order a full read takes them) wins, as for a full read.
/// </summary>
internal sealed class FileWatch : IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MostWait = TimeSpan.FromSeconds(2);

    private readonly InputOptions _input;
    private readonly ManifestLoader _loader;
    private readonly Dictionary<string, List<LoadedObject>> _files = new(StringComparer.Ordinal);
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly BlockingCollection<string> _events = [];
    private Dictionary<ResourceKey, KubeObject> _objects = [];

    // Each file's place in the order a full read takes the files (compared, never counted: a deleted file leaves a gap),
    // and the files that hold each key (usually one). A burst that only touches files already known is applied from
    // these, costing its own files and keys; a new file or directory lists every file again.
    private Dictionary<string, int> _rank = new(StringComparer.Ordinal);
    private Dictionary<ResourceKey, List<string>> _holders = [];

    private FileWatch(InputOptions input, ManifestLoader loader)
    {
        _input = input;
        _loader = loader;
    }

    /// <summary>Checks that the input can be watched: files and directories only, all present.</summary>
    public static bool TryCreate(InputOptions input, ImplementationProfile? profile, out FileWatch watch, out string? error)
    {
        watch = null!;
        error = null;
        if (input.Cluster is not null || input.Items.Any(i => i.Kustomize || i.Value == "-"))
        {
            error = "--watch reads files and directories; it does not take -, -k or --cluster";
            return false;
        }

        if (input.InputOrderIsCreationOrder)
        {
            error = "--watch reads each file on its own, so it cannot count input order as creation order; leave out --creation-order input";
            return false;
        }

        if (input.Items.Count == 0)
        {
            error = "missing PATH: give the files or directories to watch";
            return false;
        }

        var missing = input.Items.Where(i => !File.Exists(i.Value) && !Directory.Exists(i.Value)).Select(i => i.Value).ToList();
        if (missing.Count > 0)
        {
            error = "no such file or directory: " + string.Join(", ", missing);
            return false;
        }

        watch = new FileWatch(input, new ManifestLoader(new ManifestLoaderOptions
        {
            AcceptUnservedVersions = profile?.AcceptsUnservedVersions ?? false,
            RecurseDirectories = input.Recursive,
            Exclude = input.Exclude,
        }));
        return true;
    }

    /// <summary>Reads every file and starts watching; returns the objects and what reading them found.</summary>
    public (Snapshot Snapshot, List<Diagnostic> Diagnostics) Start()
    {
        foreach (var item in _input.Items)
        {
            var full = Path.GetFullPath(item.Value);
            var watcher = Directory.Exists(full)
                ? new FileSystemWatcher(full) { IncludeSubdirectories = _input.Recursive }
                : new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full));
            watcher.NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime;
            watcher.Changed += (_, e) => _events.Add(e.FullPath);
            watcher.Created += (_, e) => _events.Add(e.FullPath);
            watcher.Deleted += (_, e) => _events.Add(e.FullPath);
            watcher.Renamed += (_, e) =>
            {
                _events.Add(e.OldFullPath);
                _events.Add(e.FullPath);
            };
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }

        var diagnostics = new List<Diagnostic>();
        var listing = Listing();
        foreach (var file in listing)
        {
            Read(file, diagnostics, out _);
        }

        _objects = Combined(listing);
        return (Snapshot.Create(_objects.Values), diagnostics);
    }

    /// <summary>
    /// Waits for the next burst of file changes, re-reads the files it touched, and returns the changes to the objects
    /// (possibly none); false when cancelled.
    /// </summary>
    public bool TryNext(CancellationToken cancellationToken, out ChangeBatch batch, out List<Diagnostic> diagnostics)
    {
        batch = new ChangeBatch();
        diagnostics = [];
        var touched = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            touched.Add(_events.Take(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        var until = DateTime.UtcNow + MostWait;
        while (DateTime.UtcNow < until && _events.TryTake(out var path, Quiet))
        {
            touched.Add(path);
        }

        Apply(touched, batch, diagnostics);
        return !cancellationToken.IsCancellationRequested;
    }

    /// <summary>The objects in effect: for each key, the object of the last file in read order that holds it.</summary>
    internal IReadOnlyDictionary<ResourceKey, KubeObject> Objects => _objects;

    /// <summary>Applies the reported paths of one burst: the files they touched are read again, or dropped when gone.</summary>
    /// <param name="touched">The paths the file system reported.</param>
    /// <param name="batch">Receives the changes to the objects.</param>
    /// <param name="diagnostics">Receives what reading found.</param>
    internal void Apply(IReadOnlySet<string> touched, ChangeBatch batch, List<Diagnostic> diagnostics)
    {
        if (touched.All(KnownOrIgnored))
        {
            ApplyKnown(touched, batch, diagnostics);
            return;
        }

        var listing = Listing();
        var listed = new HashSet<string>(listing, StringComparer.Ordinal);
        foreach (var file in _files.Keys.Where(f => !listed.Contains(f)).ToList())
        {
            _files.Remove(file);
        }

        foreach (var file in listing)
        {
            if (!_files.ContainsKey(file) || touched.Contains(file))
            {
                Read(file, diagnostics, out _);
            }
        }

        var objects = Combined(listing);
        foreach (var key in _objects.Keys.Where(k => !objects.ContainsKey(k)).Order())
        {
            batch.Delete(key);
        }

        foreach (var (key, obj) in objects.OrderBy(o => o.Key))
        {
            if (!_objects.TryGetValue(key, out var before) || !before.Equals(obj))
            {
                batch.Put(obj);
            }
        }

        _objects = objects;
    }

    /// <summary>
    /// Whether a reported path needs no new listing: a file already read (changed or deleted), or a path a listing
    /// would not take (a file of another extension, such as an editor's swap or backup file). A new manifest file,
    /// a directory, or a path that is gone and was not a known file (it may have been a directory) needs one.
    /// </summary>
    private bool KnownOrIgnored(string path)
        => _rank.ContainsKey(path)
            || (File.Exists(path) && !ManifestLoader.IsManifestFileName(Path.GetFileName(path)));

    /// <summary>
    /// Applies a burst that touched only known files (and ignored paths): each is read again, or dropped when it is
    /// gone, and only the keys those files held before or hold now are decided again, each by the last file in read
    /// order that holds it, as a full read decides.
    /// </summary>
    private void ApplyKnown(IReadOnlySet<string> touched, ChangeBatch batch, List<Diagnostic> diagnostics)
    {
        var affected = new SortedSet<ResourceKey>();
        foreach (var file in touched.Where(_rank.ContainsKey).OrderBy(f => _rank[f]))
        {
            var before = _files[file];
            if (!File.Exists(file))
            {
                _files.Remove(file);
                _rank.Remove(file);
            }
            else
            {
                Read(file, diagnostics, out var kept);
                if (kept)
                {
                    continue;
                }
            }

            foreach (var loaded in before)
            {
                affected.Add(loaded.Resource.Key);
                _holders[loaded.Resource.Key].Remove(file);
            }

            foreach (var loaded in _files.GetValueOrDefault(file) ?? [])
            {
                affected.Add(loaded.Resource.Key);
                Hold(loaded.Resource.Key, file);
            }
        }

        foreach (var key in affected)
        {
            var holders = _holders.GetValueOrDefault(key);
            if (holders is null || holders.Count == 0)
            {
                _holders.Remove(key);
                if (_objects.Remove(key))
                {
                    batch.Delete(key);
                }

                continue;
            }

            // The last file in read order holds the winning object, and within a file the last object of the key.
            var winner = holders.MaxBy(f => _rank[f])!;
            var obj = _files[winner].Last(o => o.Resource.Key == key).Resource;
            if (!_objects.TryGetValue(key, out var was) || !was.Equals(obj))
            {
                _objects[key] = obj;
                batch.Put(obj);
            }
        }
    }

    private void Hold(ResourceKey key, string file)
    {
        if (!_holders.TryGetValue(key, out var holders))
        {
            _holders[key] = holders = [];
        }

        if (!holders.Contains(file, StringComparer.Ordinal))
        {
            holders.Add(file);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _events.Dispose();
    }

    /// <summary>The files a full read takes now, in its order.</summary>
    private List<string> Listing()
    {
        var files = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in _input.Items)
        {
            var full = Path.GetFullPath(item.Value);
            foreach (var file in File.Exists(full) ? [full] : Directory.Exists(full) ? _loader.ListFiles(full) : [])
            {
                if (seen.Add(file))
                {
                    files.Add(file);
                }
            }
        }

        return files;
    }

    /// <summary>Reads one file; an unreadable file (an error that names no object) keeps its last readable objects.</summary>
    private void Read(string file, List<Diagnostic> diagnostics, out bool kept)
    {
        var load = _loader.Load([file]);
        diagnostics.AddRange(load.Diagnostics);
        kept = _files.ContainsKey(file) && load.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && d.Subject is null);
        if (!kept)
        {
            _files[file] = [.. load.Objects];
        }
    }

    /// <summary>The objects of every file, the later file winning a key, with the order and holders rebuilt.</summary>
    private Dictionary<ResourceKey, KubeObject> Combined(List<string> listing)
    {
        var objects = new Dictionary<ResourceKey, KubeObject>();
        _rank = new Dictionary<string, int>(listing.Count, StringComparer.Ordinal);
        _holders = [];
        foreach (var file in listing)
        {
            _rank[file] = _rank.Count;
            foreach (var loaded in _files.GetValueOrDefault(file) ?? [])
            {
                objects[loaded.Resource.Key] = loaded.Resource;
                Hold(loaded.Resource.Key, file);
            }
        }

        return objects;
    }
}
