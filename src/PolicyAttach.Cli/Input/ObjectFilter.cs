using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Input;

/// <summary>
/// What <c>-n</c>, <c>-A</c> and <c>-l</c> (<see cref="CommonOptions.Narrowing"/>) leave in a command's output.
/// Narrowing never changes what is evaluated: every object of the input still takes part (a route in another
/// namespace still attaches and counts); only what is printed is narrowed. Cluster-scoped objects are kept by
/// <c>-n</c> (a namespace does not apply to them, as in kubectl); <c>-l</c> applies to every object.
/// </summary>
internal sealed class ObjectFilter
{
    private readonly LabelSelector? _selector;

    private ObjectFilter(string? ns, LabelSelector? selector)
    {
        Namespace = ns;
        _selector = selector;
    }

    /// <summary>Everything is printed.</summary>
    public static ObjectFilter Everything { get; } = new(null, null);

    /// <summary>The namespace given with <c>-n</c>, or null.</summary>
    public string? Namespace { get; }

    /// <summary>Whether nothing is narrowed.</summary>
    public bool IsEverything => Namespace is null && _selector is null;

    /// <summary>Reads <c>-n</c>, <c>-A</c> and <c>-l</c>.</summary>
    /// <param name="args">The parsed arguments.</param>
    /// <param name="filter">The filter.</param>
    /// <param name="error">The usage error: <c>-n</c> with <c>-A</c>, or a selector that does not parse.</param>
    /// <returns>Whether the options are valid.</returns>
    public static bool TryRead(ParsedArguments args, out ObjectFilter filter, out string? error)
    {
        filter = Everything;
        error = null;
        var ns = args.Get(CommonOptions.Namespace.Name);
        if (ns is not null && args.Has(CommonOptions.AllNamespaces.Name))
        {
            error = "give either -n/--namespace or -A/--all-namespaces, not both";
            return false;
        }

        if (ns is { Length: 0 })
        {
            error = "-n/--namespace needs a namespace name";
            return false;
        }

        LabelSelector? selector = null;
        if (args.Get(CommonOptions.Selector.Name) is { } text && !LabelSelector.TryParse(text, out selector, out error))
        {
            return false;
        }

        filter = ns is null && selector is null ? Everything : new ObjectFilter(ns, selector);
        return true;
    }

    /// <summary>Whether an object is printed.</summary>
    /// <param name="obj">The object.</param>
    /// <returns>True when it is in the namespace (or cluster-scoped) and its labels match.</returns>
    public bool Includes(KubeObject obj)
        => (Namespace is null || obj.Namespace.Length == 0 || obj.Namespace == Namespace)
        && (_selector is null || _selector.Matches(obj.Metadata.Labels));

    /// <summary>Whether the object with this key is printed; a key not in the snapshot is judged by its namespace alone.</summary>
    /// <param name="snapshot">The input.</param>
    /// <param name="key">The object's key.</param>
    /// <returns>True when it is printed.</returns>
    public bool Includes(Snapshot snapshot, ResourceKey key)
    {
        if (IsEverything)
        {
            return true;
        }

        return snapshot.Find(key) is { } obj
            ? Includes(obj)
            : (Namespace is null || key.Namespace.Length == 0 || key.Namespace == Namespace) && _selector is null;
    }
}
