using PolicyAttach.Cli.CommandLine;

namespace PolicyAttach.Cli.Input;

/// <summary>One source of manifests named on the command line.</summary>
/// <param name="Value">A file, directory or <c>-</c>; for <see cref="Kustomize"/>, a kustomization directory.</param>
/// <param name="Kustomize">Whether it came from <c>-k</c> (read what <c>kubectl kustomize</c> builds from it).</param>
internal readonly record struct InputItem(string Value, bool Kustomize);

/// <summary>A cluster to read instead of files (<c>--cluster</c>, <c>--kubeconfig</c>, <c>--context</c>, <c>--request-timeout</c>).</summary>
/// <param name="Kubeconfig">The kubeconfig file, or null to choose as kubectl does.</param>
/// <param name="Context">The context, or null for the current-context.</param>
/// <param name="RequestTimeout">How long one API request may take.</param>
internal sealed record ClusterInput(string? Kubeconfig, string? Context, TimeSpan RequestTimeout)
{
    /// <summary><c>-n NS</c>: read what the statuses of that namespace's objects need, not every namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>The default <c>--request-timeout</c>.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// What a command reads, from <see cref="CommonOptions.Input"/>: positional PATHs and <c>-f</c> values in the order
/// typed, <c>-k</c> directories among them, <c>-R</c> and <c>--exclude</c>.
/// </summary>
/// <param name="Items">The sources, in command-line order.</param>
/// <param name="Recursive">Whether directories are read with their subdirectories.</param>
/// <param name="Exclude">The <c>--exclude</c> globs.</param>
internal sealed record InputOptions(IReadOnlyList<InputItem> Items, bool Recursive, IReadOnlyList<string> Exclude)
{
    /// <summary>Whether <c>--creation-order input</c> was given: the input order is the creation order of objects without a creationTimestamp.</summary>
    public bool InputOrderIsCreationOrder { get; init; }

    /// <summary>The cluster read instead of files; null when files are read.</summary>
    public ClusterInput? Cluster { get; init; }

    /// <summary>Sources given as plain paths, for callers (tests, <c>diff</c> sides) that need no options.</summary>
    /// <param name="paths">Files, directories or <c>-</c>.</param>
    /// <returns>The input.</returns>
    public static InputOptions FromPaths(IEnumerable<string> paths) => new([.. paths.Select(p => new InputItem(p, false))], false, []);

    /// <summary>Reads the input options.</summary>
    /// <param name="args">The parsed arguments.</param>
    /// <param name="positionalPaths">How many positionals are paths (the others, at the end, name a target).</param>
    /// <param name="input">The input.</param>
    /// <param name="error">The usage error: nothing to read, or standard input named twice.</param>
    /// <returns>Whether the input is usable.</returns>
    public static bool TryRead(ParsedArguments args, int positionalPaths, out InputOptions input, out string? error)
    {
        var items = args.InOrder(positionalPaths, CommonOptions.Filename.Name, CommonOptions.Kustomize.Name)
            .Select(e => new InputItem(e.Value, e.Option == CommonOptions.Kustomize.Name))
            .ToList();
        var order = args.Get(CommonOptions.CreationOrder.Name);
        input = new InputOptions(items, args.Has(CommonOptions.Recursive.Name), args.GetAll(CommonOptions.Exclude.Name)) { InputOrderIsCreationOrder = order == "input" };
        error = null;
        if (order is not (null or "name" or "input"))
        {
            error = $"--creation-order takes 'name' or 'input', not '{order}'";
            return false;
        }

        if (!TryReadCluster(args, out var cluster, out error))
        {
            return false;
        }

        input = input with { Cluster = cluster };
        if (cluster is not null)
        {
            if (items.Count > 0)
            {
                error = "--cluster reads the cluster instead of files: drop the PATH, -f and -k arguments, or read files without --cluster, --kubeconfig and --context";
                return false;
            }

            return true;
        }

        if (items.Count == 0)
        {
            error = "missing PATH: give files, directories, -f PATH, -k DIR, or - for standard input (or --cluster to read a cluster)";
            return false;
        }

        if (items.Count(i => !i.Kustomize && i.Value == "-") > 1)
        {
            error = "standard input (-) is named more than once; it can be read once";
            return false;
        }

        if (items.FirstOrDefault(i => i.Value.Length == 0) is { Value: not null } empty && items.Any(i => i.Value.Length == 0))
        {
            error = empty.Kustomize ? "-k needs a directory" : "an empty path was given";
            return false;
        }

        return true;
    }

    private static bool TryReadCluster(ParsedArguments args, out ClusterInput? cluster, out string? error)
    {
        cluster = null;
        error = null;
        var kubeconfig = args.Get(CommonOptions.Kubeconfig.Name);
        var context = args.Get(CommonOptions.Context.Name);
        var timeoutText = args.Get(CommonOptions.RequestTimeout.Name);
        if (!args.Has(CommonOptions.Cluster.Name) && kubeconfig is null && context is null)
        {
            if (timeoutText is not null)
            {
                error = "--request-timeout applies to reading a cluster; add --cluster";
                return false;
            }

            return true;
        }

        if (kubeconfig is { Length: 0 } || context is { Length: 0 })
        {
            error = kubeconfig is { Length: 0 } ? "--kubeconfig needs a file" : "--context needs a name";
            return false;
        }

        var timeout = ClusterInput.DefaultTimeout;
        if (timeoutText is not null && !TryParseDuration(timeoutText, out timeout))
        {
            error = $"--request-timeout '{timeoutText}' is not a duration such as 30s, 2m or 1m30s (a plain number is seconds), greater than zero";
            return false;
        }

        cluster = new ClusterInput(kubeconfig, context, timeout) { Namespace = args.Get(CommonOptions.Namespace.Name) is { Length: > 0 } ns ? ns : null };
        return true;
    }

    /// <summary>Reads a duration as kubectl's <c>--request-timeout</c> does: <c>1h2m3s</c>, <c>500ms</c>, or a number of seconds.</summary>
    /// <param name="text">The text.</param>
    /// <param name="duration">The duration, when positive.</param>
    /// <returns>Whether the text is a positive duration.</returns>
    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (double.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            duration = TimeSpan.FromSeconds(seconds);
            return seconds > 0 && seconds <= 86_400;
        }

        var match = System.Text.RegularExpressions.Regex.Match(text, @"\A(?:(\d{1,5})h)?(?:(\d{1,5})m(?!s))?(?:(\d{1,5})s)?(?:(\d{1,7})ms)?\z",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        if (!match.Success || text.Length == 0)
        {
            return false;
        }

        long Part(int group) => match.Groups[group].Success ? long.Parse(match.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        duration = TimeSpan.FromHours(Part(1)) + TimeSpan.FromMinutes(Part(2)) + TimeSpan.FromSeconds(Part(3)) + TimeSpan.FromMilliseconds(Part(4));
        return duration > TimeSpan.Zero && duration <= TimeSpan.FromDays(1);
    }

    /// <summary>A short description of what is read, for the progress line.</summary>
    public IReadOnlyList<string> Names => Cluster is { } c
        ? ["cluster" + (c.Context is null ? string.Empty : " " + c.Context)]
        : [.. Items.Select(i => i.Kustomize ? "kustomize:" + i.Value : i.Value)];
}
