using PolicyAttach.Binding;
using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Output;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Explain;

/// <summary>
/// The start that <c>explain</c> and <c>effective</c> share: <c>--output</c> and <c>--profile</c>, the paths and the
/// target of <c>PATH... KIND/NAMESPACE/NAME</c>, the input, the object named, and the evaluation.
/// </summary>
/// <param name="Format">The output format.</param>
/// <param name="Workspace">The loaded input (its exit code reports input errors).</param>
/// <param name="Result">The evaluation.</param>
/// <param name="Target">The object the target names.</param>
internal sealed record TargetedRun(OutputFormat Format, Workspace Workspace, EvaluationResult Result, KubeObject Target)
{
    /// <summary>Parses, loads, resolves and evaluates; on a usage error, <paramref name="exit"/> is the code to return.</summary>
    /// <param name="args">The parsed arguments.</param>
    /// <param name="context">The CLI context (usage errors are written there).</param>
    /// <param name="command">The command's name, for usage errors.</param>
    /// <param name="formats">The output formats the command accepts.</param>
    /// <param name="run">The run when it could start.</param>
    /// <param name="exit">The exit code when it could not.</param>
    /// <returns>Whether the run could start.</returns>
    public static bool TryStart(ParsedArguments args, CliContext context, string command, IReadOnlyList<OutputFormat> formats, out TargetedRun run, out int exit)
    {
        run = null!;
        exit = 0;
        if (!OutputFormats.TryParse(args.Get("output"), OutputFormat.Text, formats, out var format, out var error)
            || !Profiles.TryResolve(args.Get("profile"), out var profile, out error)
            || !ObjectFilter.TryRead(args, out var filter, out error)
            || !TargetResolver.TrySplit(args, out var paths, out var target, out error)
            || !Workspace.TryLoadFor(ReadWhereTheTargetLives(paths, target), args, context, profile, out var workspace, out var controllers, out error)
            || !TargetResolver.TryResolve(workspace.Snapshot, target, out var found, out error, filter.Namespace))
        {
            exit = context.UsageError(error!, command);
            return false;
        }

        run = new TargetedRun(format, workspace, Evaluator.Evaluate(workspace.Snapshot, Profiles.Options(controllers, profile)), found);
        return true;
    }

    /// <summary>
    /// On a cluster, <c>-n</c> narrows what is read to what that namespace's statuses need; a target that names its own
    /// namespace (<c>KIND/NAMESPACE/NAME</c>) is read where it lives instead, or it could be missing from the read.
    /// </summary>
    private static InputOptions ReadWhereTheTargetLives(InputOptions paths, string target)
        => paths.Cluster is { Namespace: { } narrowed } cluster && ResourceKey.TryParse(target, out var key)
            && key.Namespace.Length > 0 && !string.Equals(key.Namespace, narrowed, StringComparison.Ordinal)
            ? paths with { Cluster = cluster with { Namespace = key.Namespace } }
            : paths;
}
