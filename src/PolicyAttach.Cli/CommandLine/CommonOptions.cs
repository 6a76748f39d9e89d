using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Output;

namespace PolicyAttach.Cli.CommandLine;

/// <summary>
/// The options that many commands share, defined once: the input (<c>-f</c>, <c>-R</c>, <c>--exclude</c>, <c>-k</c>),
/// the cluster (<c>--cluster</c>, <c>--kubeconfig</c>, <c>--context</c>, <c>--request-timeout</c>), the evaluation (<c>--controller-name</c>, <c>--profile</c>), the narrowing of what is printed (<c>-n</c>, <c>-A</c>,
/// <c>-l</c>), <c>-o</c> and colour. A command lists its own options and calls <see cref="Standard"/>; a new shared
/// option (a cluster flag, <c>--watch</c>) is added here, to the group it belongs to, and every command that takes
/// the group takes it, with its help, did-you-mean and shell completion.
/// </summary>
internal static class CommonOptions
{
    /// <summary><c>-f, --filename</c>: a file, directory or <c>-</c>, as a positional PATH is.</summary>
    public static OptionSpec Filename { get; } = new("filename", "PATH", "A file, directory or - (standard input) to read, like a PATH argument.", Repeatable: true)
    {
        Short = 'f',
        Completion = ValueCompletion.Files,
    };

    /// <summary><c>-R, --recursive</c>: read subdirectories too.</summary>
    public static OptionSpec Recursive { get; } = new("recursive", string.Empty, "Read directories with their subdirectories (default: only the files directly in them).", IsFlag: true)
    {
        Short = 'R',
    };

    /// <summary><c>--exclude GLOB</c>: skip files and directories while reading directories.</summary>
    public static OptionSpec Exclude { get; } = new("exclude", "GLOB", "Skip files and directories of a directory read whose name (or path below it) matches GLOB.", Repeatable: true);

    /// <summary><c>-k, --kustomize DIR</c>: read what <c>kubectl kustomize DIR</c> builds.</summary>
    public static OptionSpec Kustomize { get; } = new("kustomize", "DIR", "Read what 'kubectl kustomize DIR' builds (kubectl must be on PATH).", Repeatable: true)
    {
        Short = 'k',
        Completion = ValueCompletion.Directories,
    };

    /// <summary><c>--creation-order name|input</c>: how objects without a creationTimestamp are ordered by age.</summary>
    public static OptionSpec CreationOrder { get; } = new("creation-order", "ORDER", "Objects without metadata.creationTimestamp: 'name' (default) counts them created at once, so namespace/name settles their conflicts whatever the file order; 'input' counts them created in input order, one second apart.")
    {
        Choices = ["name", "input"],
    };

    /// <summary><c>--cluster</c>: read the current kubeconfig context's cluster instead of files.</summary>
    public static OptionSpec Cluster { get; } = new("cluster", string.Empty, "Read the objects from the cluster of the kubeconfig's current context (or --context) instead of files; with -n, only what that namespace's statuses need is read.", IsFlag: true);

    /// <summary><c>--kubeconfig PATH</c>: the kubeconfig for <c>--cluster</c>.</summary>
    public static OptionSpec Kubeconfig { get; } = new("kubeconfig", "PATH", "The kubeconfig file to read the cluster with (default: KUBECONFIG, then ~/.kube/config, then the in-cluster service account); implies --cluster.")
    {
        Completion = ValueCompletion.Files,
    };

    /// <summary><c>--context NAME</c>: the kubeconfig context for <c>--cluster</c>.</summary>
    public static OptionSpec Context { get; } = new("context", "NAME", "The kubeconfig context to read (default: its current-context); implies --cluster.");

    /// <summary><c>--request-timeout DURATION</c>: how long one API request may take.</summary>
    public static OptionSpec RequestTimeout { get; } = new("request-timeout", "DURATION", "With --cluster: how long one API request may take before it is retried (at most 3 attempts), as 30s, 2m or a number of seconds (default 30s).");

    /// <summary><c>--controller-name NAME</c>.</summary>
    public static OptionSpec ControllerName { get; } = new("controller-name", "NAME", "The GatewayClass controllerName to act for. Default: the one in the input.", Repeatable: true);

    /// <summary><c>--profile NAME</c>.</summary>
    public static OptionSpec Profile { get; } = new("profile", "NAME", Profiles.OptionHelp) { Choices = Profiles.Known };

    /// <summary><c>-n, --namespace NS</c>: print only the objects of a namespace.</summary>
    public static OptionSpec Namespace { get; } = new("namespace", "NS", "Print only objects in this namespace (cluster-scoped ones stay); with --cluster, read only what their statuses need. Default: every namespace.")
    {
        Short = 'n',
    };

    /// <summary><c>-n, --namespace NS</c> for commands that name one object: the namespace of <c>KIND/NAME</c>.</summary>
    public static OptionSpec TargetNamespace { get; } = Namespace with { Description = "The namespace of an object named KIND/NAME (default: default)." };

    /// <summary><c>-A, --all-namespaces</c>: every namespace (the default, as there is no current context).</summary>
    public static OptionSpec AllNamespaces { get; } = new("all-namespaces", string.Empty, "Print objects of every namespace (the default; there is no kubeconfig context here).", IsFlag: true)
    {
        Short = 'A',
    };

    /// <summary><c>-l, --selector SELECTOR</c>: print only the objects whose labels match.</summary>
    public static OptionSpec Selector { get; } = new("selector", "SELECTOR", "Print only objects whose labels match, as kubectl: a=b,c!=d,e in (x,y),!f.")
    {
        Short = 'l',
    };

    /// <summary>The input options, taken by every command that reads manifests.</summary>
    /// <summary><c>--watch</c>/<c>-w</c>: keep running and print what each burst of file changes changed.</summary>
    public static OptionSpec Watch { get; } = new("watch", string.Empty, "Keep running: re-read only the files that change (a short pause gathers an editor's writes), evaluate incrementally and print what changed; with -o json one line per batch. Files and directories only. Ctrl-C ends it (exit 0).", IsFlag: true)
    {
        Short = 'w',
    };

    public static IReadOnlyList<OptionSpec> Input { get; } = [Filename, Recursive, Exclude, Kustomize, CreationOrder, Cluster, Kubeconfig, Context, RequestTimeout];

    /// <summary>The cluster options (in <see cref="Input"/>); <c>diff</c>, which compares two sets of files, leaves them out.</summary>
    public static IReadOnlyList<OptionSpec> ClusterInput { get; } = [Cluster, Kubeconfig, Context, RequestTimeout];

    /// <summary>The evaluation options, taken by every command that reads manifests.</summary>
    public static IReadOnlyList<OptionSpec> Evaluation { get; } = [ControllerName, Profile];

    /// <summary>The options that narrow what a command prints.</summary>
    public static IReadOnlyList<OptionSpec> Narrowing { get; } = [Namespace, AllNamespaces, Selector];

    /// <summary><c>--color</c> and <c>--no-color</c>, for commands whose text output is coloured.</summary>
    public static IReadOnlyList<OptionSpec> Color => Palette.OptionSpecs;

    /// <summary><c>-o, --output FORMAT</c> with the formats a command supports.</summary>
    /// <param name="help">The help line (which format is the default).</param>
    /// <param name="formats">The formats accepted.</param>
    /// <returns>The option.</returns>
    public static OptionSpec Output(string help, params IReadOnlyList<string> formats) => new("output", "FORMAT", help)
    {
        Short = 'o',
        Choices = formats,
    };

    /// <summary>
    /// The options of a command that reads manifests: its own first, then <c>-o</c>, evaluation, narrowing, input, and
    /// colour when its text is coloured.
    /// </summary>
    /// <param name="own">The command's own options.</param>
    /// <param name="output">Its <c>-o</c> option.</param>
    /// <param name="narrowing">The narrowing options it takes; null for all of <see cref="Narrowing"/>.</param>
    /// <param name="color">Whether it takes <c>--color</c> and <c>--no-color</c>.</param>
    /// <returns>The options, in help order.</returns>
    public static IReadOnlyList<OptionSpec> Standard(IReadOnlyList<OptionSpec> own, OptionSpec output, IReadOnlyList<OptionSpec>? narrowing = null, bool color = false)
        => [.. own, output, .. Evaluation, .. narrowing ?? Narrowing, .. Input, .. color ? Color : []];
}
