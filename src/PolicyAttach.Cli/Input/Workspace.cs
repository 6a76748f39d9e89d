using System.Text;
using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Collections;
using PolicyAttach.Binding;
using PolicyAttach.Diagnostics;
using PolicyAttach.Findings;
using PolicyAttach.Kubernetes.Cluster;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.Model;
using PolicyAttach.Policies;

namespace PolicyAttach.Cli.Input;

/// <summary>The input of a command: the loaded objects, the snapshot built from them, and every diagnostic.</summary>
internal sealed class Workspace
{
    private readonly Dictionary<ResourceKey, FieldLocator> _fields;

    private Workspace(LoadResult load, Snapshot snapshot, IReadOnlyList<Diagnostic> diagnostics, IReadOnlyDictionary<ResourceKey, SourceLocation> locations, Dictionary<ResourceKey, FieldLocator> fields)
    {
        Load = load;
        Snapshot = snapshot;
        Diagnostics = diagnostics;
        Locations = locations;
        _fields = fields;
    }

    /// <summary>What the loader read.</summary>
    public LoadResult Load { get; }

    /// <summary>The objects, later duplicates replacing earlier ones.</summary>
    public Snapshot Snapshot { get; }

    /// <summary>The loader's diagnostics then the snapshot's, located where possible.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Where each kept object was read.</summary>
    public IReadOnlyDictionary<ResourceKey, SourceLocation> Locations { get; }

    /// <summary>Whether any diagnostic is an error (the command then exits 1).</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>The exit code for a command that evaluated this input.</summary>
    public int ExitCode => HasErrors ? ExitCodes.InputErrors : ExitCodes.Success;

    /// <summary>
    /// Loads the input. A path that does not exist, or a <c>-k</c> directory kubectl cannot build, is a usage error
    /// (nothing is loaded); unreadable content is a diagnostic and the rest is still read.
    /// </summary>
    /// <param name="input">Files, directories, <c>-</c> and <c>-k</c> directories, with <c>-R</c> and <c>--exclude</c>.</param>
    /// <param name="context">The streams; <c>-</c> reads its standard input.</param>
    /// <param name="workspace">The input, when every path exists.</param>
    /// <param name="error">The usage error otherwise.</param>
    /// <param name="profile">The implementation profile, whose reading rules apply (Envoy Gateway ignores apiVersion).</param>
    /// <returns>Whether the paths could be loaded.</returns>
    public static bool TryLoad(InputOptions input, CliContext context, out Workspace workspace, out string? error, ImplementationProfile? profile = null)
    {
        workspace = null!;
        error = null;
        if (input.Cluster is { } cluster)
        {
            return TryLoadCluster(cluster, context, profile, out workspace, out error);
        }

        if (input.Items.Count == 0)
        {
            error = "missing PATH: give files, directories, -f PATH, -k DIR, or - for standard input";
            return false;
        }

        var missing = input.Items.Where(i => !i.Kustomize && i.Value != "-" && !File.Exists(i.Value) && !Directory.Exists(i.Value)).Select(i => i.Value).ToList();
        if (missing.Count > 0)
        {
            error = "no such file or directory: " + string.Join(", ", missing);
            return false;
        }

        var sources = new List<ManifestSource>();
        foreach (var item in input.Items)
        {
            if (!item.Kustomize)
            {
                sources.Add(ManifestSource.FromPath(item.Value));
            }
            else if (Kustomize.TryBuild(item.Value, context, out var built, out error))
            {
                sources.Add(ManifestSource.FromText(built, "kustomize:" + item.Value));
            }
            else
            {
                return false;
            }
        }

        var loader = new ManifestLoader(new ManifestLoaderOptions
        {
            StandardInput = context.StdinBytes ?? (() => new TextReaderStream(context.Stdin)),
            AcceptUnservedVersions = profile?.AcceptsUnservedVersions ?? false,
            RecurseDirectories = input.Recursive,
            InputOrderIsCreationOrder = input.InputOrderIsCreationOrder,
            Exclude = input.Exclude,
        });
        LoadResult load;
        Snapshot snapshot;
        var locations = new Dictionary<ResourceKey, SourceLocation>();
        var fields = new Dictionary<ResourceKey, FieldLocator>();
        using (LoadProgress.Start(context, () => LoadProgress.ReadingMessage(input.Names, input.Recursive)))
        {
            load = loader.Load(sources);
            snapshot = Build(load, locations, fields);
        }

        var diagnostics = load.Diagnostics.Concat(snapshot.Diagnostics).ToList();
        workspace = new Workspace(load, snapshot, diagnostics, locations, fields);
        return true;
    }

    /// <summary>
    /// Reads a cluster instead of files. A kubeconfig, context or server that cannot be used is an error of the
    /// environment (one line, no usage hint, exit 2); kinds that cannot be listed are diagnostics.
    /// </summary>
    private static bool TryLoadCluster(ClusterInput cluster, CliContext context, ImplementationProfile? profile, out Workspace workspace, out string? error)
    {
        workspace = null!;
        if (!ClusterConnection.TryConnect(cluster.Kubeconfig, cluster.Context, cluster.RequestTimeout, context.Environment, out var client, out error))
        {
            error = CliContext.EnvironmentProblem(error!);
            return false;
        }

        using (client)
        {
            var reader = new ClusterReader(client!, new ClusterReadOptions
            {
                RequestTimeout = cluster.RequestTimeout,
                Namespace = cluster.Namespace,
                AcceptUnservedVersions = profile?.AcceptsUnservedVersions ?? false,
                PolicyKinds = [.. (profile?.PolicyKinds ?? []).Select(k => k.Kind)],
            });
            ClusterReadResult read;
            using (LoadProgress.Start(context, () => "reading the cluster" + (cluster.Context is null ? string.Empty : " of context " + cluster.Context) + (cluster.Namespace is null ? string.Empty : " for namespace " + cluster.Namespace) + "..."))
            {
                read = reader.ReadAsync().GetAwaiter().GetResult();
            }

            if (read.Failure is { } failure)
            {
                error = CliContext.EnvironmentProblem(failure);
                return false;
            }

            var locations = new Dictionary<ResourceKey, SourceLocation>();
            var fields = new Dictionary<ResourceKey, FieldLocator>();
            var snapshot = Build(read.Load!, locations, fields);
            workspace = new Workspace(read.Load!, snapshot, [.. read.Load!.Diagnostics.Concat(snapshot.Diagnostics)], locations, fields);
            return true;
        }
    }

    private static Snapshot Build(LoadResult load, Dictionary<ResourceKey, SourceLocation> locations, Dictionary<ResourceKey, FieldLocator> fields)
    {
        var builder = new SnapshotBuilder();
        foreach (var loaded in load.Objects)
        {
            var key = loaded.Resource.Key;
            builder.Add(loaded.Resource, loaded.Location);
            if (loaded.Location is { } location)
            {
                locations[key] = location;
            }
            else
            {
                locations.Remove(key);
            }

            if (loaded.Fields is { } locator)
            {
                fields[key] = locator;
            }
            else
            {
                fields.Remove(key);
            }
        }

        return builder.Build();
    }

    /// <summary>
    /// What every evaluating command does first: loads the paths with the profile's reading rules, prints the
    /// diagnostics, and resolves the controller names (<c>--controller-name</c>, or the one in the input).
    /// </summary>
    /// <param name="paths">What to read.</param>
    /// <param name="args">The parsed arguments (for <c>--controller-name</c>).</param>
    /// <param name="context">The streams.</param>
    /// <param name="profile">The implementation profile, or null.</param>
    /// <param name="workspace">The input.</param>
    /// <param name="controllers">The controller names acted for.</param>
    /// <param name="error">The usage error.</param>
    /// <returns>Whether the command can go on.</returns>
    public static bool TryLoadFor(InputOptions paths, ParsedArguments args, CliContext context, ImplementationProfile? profile,
        out Workspace workspace, out EquatableArray<string> controllers, out string? error)
    {
        controllers = default;
        if (!TryLoad(paths, context, out workspace, out error, profile))
        {
            return false;
        }

        workspace.PrintDiagnostics(context);
        return workspace.TryResolveControllers(args.GetAll(CommonOptions.ControllerName.Name), out controllers, out error);
    }

    /// <summary>Prints every diagnostic to standard error, one line each.</summary>
    /// <param name="context">The streams.</param>
    /// <param name="filter">Leaves out the diagnostics of objects <c>-n</c>/<c>-l</c> leave out; null for all.</param>
    public void PrintDiagnostics(CliContext context, ObjectFilter? filter = null)
    {
        foreach (var diagnostic in Diagnostics)
        {
            if (filter is null || Includes(diagnostic, filter))
            {
                context.Err(Format(diagnostic));
            }
        }
    }

    /// <summary>
    /// Computes the findings of an evaluation of this input and prints their one-line form on standard error (as
    /// <c>validate</c>, <c>status</c> and <c>describe</c> do), leaving out those <paramref name="filter"/> leaves out and
    /// those already printed as diagnostics.
    /// </summary>
    /// <param name="context">The streams.</param>
    /// <param name="result">The evaluation.</param>
    /// <param name="filter">The narrowing, or null.</param>
    /// <param name="printed">Diagnostics already printed (the Ingress problems of <c>status</c> and <c>describe</c>).</param>
    public void PrintFindings(CliContext context, EvaluationResult result, ObjectFilter? filter = null, IEnumerable<Diagnostic>? printed = null)
    {
        var seen = (printed ?? []).Select(d => (d.Code, d.Subject, d.Path, d.Message)).ToHashSet();
        foreach (var finding in FindingAnalyzer.Analyze(result).Findings)
        {
            var diagnostic = finding.ToDiagnostic();
            if (!seen.Contains((diagnostic.Code, diagnostic.Subject, diagnostic.Path, diagnostic.Message)) && (filter is null || Includes(diagnostic, filter)))
            {
                context.Err(Format(diagnostic));
            }
        }
    }

    /// <summary>Whether a diagnostic concerns an object the filter keeps (one about no object, such as a syntax error, always is).</summary>
    /// <param name="diagnostic">The diagnostic.</param>
    /// <param name="filter">The filter.</param>
    /// <returns>True when it is printed.</returns>
    public bool Includes(Diagnostic diagnostic, ObjectFilter filter)
        => diagnostic.Subject is not { } subject || filter.Includes(Snapshot, subject);

    /// <summary>
    /// The location of a diagnostic: its own, else where its field is in the file its object was read from (or the
    /// object itself); null when none is known.
    /// </summary>
    /// <param name="diagnostic">The diagnostic.</param>
    /// <returns>The location.</returns>
    public SourceLocation? LocationOf(Diagnostic diagnostic)
        => diagnostic.Location
        ?? (diagnostic.Subject is { } subject
            ? _fields.TryGetValue(subject, out var fields) ? fields.Locate(diagnostic.Path) : Locations.GetValueOrDefault(subject)
            : null);

    /// <summary>
    /// <c>file:line:column: severity: [object path: ]message [CODE]</c> (the object is omitted when the message starts
    /// with it); <c>policyattach</c> replaces the location when unknown.
    /// </summary>
    /// <param name="diagnostic">The diagnostic.</param>
    /// <returns>One line.</returns>
    public string Format(Diagnostic diagnostic)
    {
        var where = LocationOf(diagnostic)?.ToString() ?? "policyattach";
        var subject = diagnostic.Subject?.ToString();
        var what = subject is null || diagnostic.Message.StartsWith(subject, StringComparison.Ordinal)
            ? string.Empty
            : subject + (diagnostic.Path is null ? string.Empty : " " + diagnostic.Path) + ": ";
        return $"{where}: {SeverityName(diagnostic.Severity)}: {what}{OneLine(diagnostic.Message)} [{diagnostic.Code}]";
    }

    /// <summary>The lowercase severity word.</summary>
    /// <param name="severity">The severity.</param>
    /// <returns><c>error</c>, <c>warning</c> or <c>info</c>.</returns>
    public static string SeverityName(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "info",
    };

    /// <summary>
    /// The controller names to act for: the ones given, else the one controllerName among the input's
    /// GatewayClasses (none when there is no GatewayClass).
    /// </summary>
    /// <param name="given">The <c>--controller-name</c> values.</param>
    /// <param name="names">The names.</param>
    /// <param name="error">The usage error when the input has several controller names and none was given.</param>
    /// <returns>Whether the names are decided.</returns>
    public bool TryResolveControllers(IReadOnlyList<string> given, out EquatableArray<string> names, out string? error)
        => TryResolveControllers(Snapshot, given, out names, out error);

    /// <summary>The controller names to act for in a snapshot (see the instance method).</summary>
    /// <param name="snapshot">The input.</param>
    /// <param name="given">The <c>--controller-name</c> values.</param>
    /// <param name="names">The names.</param>
    /// <param name="error">The usage error.</param>
    /// <returns>Whether the names are decided.</returns>
    public static bool TryResolveControllers(Snapshot snapshot, IReadOnlyList<string> given, out EquatableArray<string> names, out string? error)
    {
        error = null;
        if (given.Count > 0)
        {
            names = given.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToEquatableArray();
            var problems = new EvaluationOptions { ControllerNames = names }.Validate();
            if (!problems.IsEmpty)
            {
                error = "--controller-name: " + string.Join(" ", problems);
                return false;
            }

            return true;
        }

        var found = snapshot.GatewayClasses.Select(c => c.ControllerName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (found.Count > 1)
        {
            names = [];
            error = "the input's GatewayClasses name several controllers; choose one with --controller-name: " + string.Join(", ", found);
            return false;
        }

        names = found.ToEquatableArray();
        return true;
    }

    private static string OneLine(string text) => text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ');
}
