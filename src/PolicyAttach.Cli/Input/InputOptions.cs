using PolicyAttach.Cli.CommandLine;

namespace PolicyAttach.Cli.Input;

/// <summary>One source of manifests named on the command line.</summary>
/// <param name="Value">A file, directory or <c>-</c>; for <see cref="Kustomize"/>, a kustomization directory.</param>
/// <param name="Kustomize">Whether it came from <c>-k</c> (read what <c>kubectl kustomize</c> builds from it).</param>
internal readonly record struct InputItem(string Value, bool Kustomize);

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

        if (items.Count == 0)
        {
            error = "missing PATH: give files, directories, -f PATH, -k DIR, or - for standard input";
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

    /// <summary>A short description of what is read, for the progress line.</summary>
    public IReadOnlyList<string> Names => [.. Items.Select(i => i.Kustomize ? "kustomize:" + i.Value : i.Value)];
}
