using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Input;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Explain;

/// <summary>
/// Finds the object an <c>explain</c> target names: <c>KIND/NAMESPACE/NAME</c>, or <c>KIND/NAME</c> for a
/// cluster-scoped object. KIND is case-insensitive, may be plural, and may carry its group (<c>httproute.gateway.networking.k8s.io</c>).
/// </summary>
internal static class TargetResolver
{
    /// <summary>Whether a string has the shape of a target.</summary>
    /// <param name="text">The argument.</param>
    /// <returns>True for two or three non-empty parts separated by <c>/</c>.</returns>
    public static bool LooksLikeTarget(string text)
    {
        var parts = text.Split('/');
        return parts.Length is 2 or 3 && parts.All(p => p.Length > 0);
    }

    /// <summary>
    /// Splits <c>PATH... KIND/NAMESPACE/NAME</c>: the last positional argument names the object, the others are paths
    /// (with <c>-f</c> or <c>-k</c>, the paths may all come from those).
    /// </summary>
    /// <param name="args">The parsed arguments.</param>
    /// <param name="paths">What to read.</param>
    /// <param name="target">The object as typed.</param>
    /// <param name="error">The usage error.</param>
    /// <returns>Whether there are paths and a well-formed target.</returns>
    public static bool TrySplit(ParsedArguments args, out InputOptions paths, out string target, out string? error)
    {
        paths = null!;
        target = string.Empty;
        var positionals = args.Positionals;
        // The input may come from -f/-k, or from a cluster (--cluster, --kubeconfig, --context): then the one positional is the object.
        var fromOptions = args.Has(CommonOptions.Filename.Name) || args.Has(CommonOptions.Kustomize.Name)
            || args.Has(CommonOptions.Cluster.Name) || args.Has(CommonOptions.Kubeconfig.Name) || args.Has(CommonOptions.Context.Name);
        if (positionals.Count == 0 || (positionals.Count < 2 && !fromOptions))
        {
            error = "give PATH... (or -f PATH, or --cluster) and the object, such as httproute/default/foo";
            return false;
        }

        target = positionals[^1];
        if (!LooksLikeTarget(target))
        {
            error = $"the last argument '{target}' is not KIND/NAMESPACE/NAME (or KIND/NAME for a cluster-scoped object)";
            return false;
        }

        return InputOptions.TryRead(args, positionals.Count - 1, out paths, out error);
    }

    /// <summary>Finds the object.</summary>
    /// <param name="snapshot">The input.</param>
    /// <param name="target">The target as typed.</param>
    /// <param name="found">The object.</param>
    /// <param name="error">Why it was not found, naming close matches.</param>
    /// <param name="defaultNamespace">
    /// The namespace of a namespaced object named <c>KIND/NAME</c> (<c>-n</c>, else <c>default</c>, as kubectl reads it);
    /// a cluster-scoped object of that kind and name is found first.
    /// </param>
    /// <returns>Whether exactly one object matched.</returns>
    public static bool TryResolve(Snapshot snapshot, string target, out KubeObject found, out string? error, string? defaultNamespace = null)
    {
        if (TryResolveExactly(snapshot, target, out found, out error))
        {
            return true;
        }

        var parts = target.Split('/');
        if (parts.Length != 2 || !LooksLikeTarget(target)
            || !TryResolveExactly(snapshot, $"{parts[0]}/{defaultNamespace ?? "default"}/{parts[1]}", out found, out _))
        {
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryResolveExactly(Snapshot snapshot, string target, out KubeObject found, out string? error)
    {
        found = null!;
        error = null;
        var parts = target.Split('/');
        if (!LooksLikeTarget(target))
        {
            error = $"'{target}' is not KIND/NAMESPACE/NAME (or KIND/NAME for a cluster-scoped object)";
            return false;
        }

        var (kind, group) = SplitKind(parts[0]);
        var ns = parts.Length == 3 ? parts[1] : string.Empty;
        var name = parts[^1];
        var matches = snapshot.Objects
            .Where(o => KindMatches(o, kind, group) && string.Equals(o.Namespace, ns, StringComparison.Ordinal) && string.Equals(o.Name, name, StringComparison.Ordinal))
            .ToList();
        if (matches.Count == 1)
        {
            found = matches[0];
            return true;
        }

        if (matches.Count > 1)
        {
            error = $"'{target}' names several objects; add the group to the kind: " + string.Join(", ", matches.Select(Qualified));
            return false;
        }

        var close = CloseMatches(snapshot, target, name);
        error = $"no object {target} in the input"
            + (close.Count == 0 ? string.Empty : "; close matches: " + string.Join(", ", close));
        return false;
    }

    private static (string Kind, string? Group) SplitKind(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (text, null) : (text[..dot], text[(dot + 1)..]);
    }

    private static bool KindMatches(KubeObject obj, string kind, string? group)
    {
        if (group is not null && !string.Equals(obj.Group, group, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return obj.Key.GroupKind.IsNamedBy(kind);
    }

    private static string Qualified(KubeObject obj)
    {
        var kind = obj.Group.Length == 0 ? obj.Kind : obj.Kind + "." + obj.Group;
        return obj.Namespace.Length == 0 ? $"{kind}/{obj.Name}" : $"{kind}/{obj.Namespace}/{obj.Name}";
    }

    /// <summary>Objects whose <c>Kind/namespace/name</c> is within a few edits of the target, or that share its name.</summary>
    private static List<string> CloseMatches(Snapshot snapshot, string target, string name)
    {
        var typed = target.ToLowerInvariant();
        var limit = Math.Max(3, typed.Length / 3);
        return snapshot.Objects
            .Select(o => (Text: o.Key.ToString(), Object: o))
            .Select(c => (c.Text, c.Object, Distance: Similarity.Distance(c.Text.ToLowerInvariant(), typed)))
            .Where(c => c.Distance <= limit || string.Equals(c.Object.Name, name, StringComparison.Ordinal))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Object.Key)
            .Take(5)
            .Select(c => c.Text)
            .ToList();
    }
}
