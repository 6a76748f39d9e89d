using PolicyAttach.Binding;
using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Diff;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Output;

namespace PolicyAttach.Cli.Commands;

/// <summary><c>policyattach diff</c>: what changes between two sets of manifests, for review.</summary>
internal sealed class DiffCommand : ICommand
{
    private static readonly OutputFormat[] Formats = [OutputFormat.Text, OutputFormat.Json, OutputFormat.Yaml];

    /// <inheritdoc />
    public string Name => "diff";

    /// <inheritdoc />
    public string Summary => "Compare two sets of manifests: statuses, attachments, routing and effective policies (exit 3 on changes).";

    /// <inheritdoc />
    public string Synopsis => "policyattach diff BEFORE AFTER [-o text|json|yaml] [--all | --limit N] [options]";

    /// <inheritdoc />
    public string Description =>
        "BEFORE and AFTER are files or directories (or -f/-k, one of them may be -), each loaded and evaluated on its own.\n"
        + "Reported, per object:\n"
        + "  object      objects added or removed (their other changes are not repeated);\n"
        + "  status      each condition's status and reason (object, listener, route parentRef, policy ancestor);\n"
        + "  attachment  each route x listener verdict: attached, or refused with the cause;\n"
        + "  routing     the hostnames a route serves on each listener, and its rules as matches -> backends (an\n"
        + "              edited rule shows as one removed and one added);\n"
        + "  policy      each field of each effective policy in every context (Gateway, listener, route, named rule,\n"
        + "              backend): the value and the policy, level and stanza it comes from; a context shows only\n"
        + "              the fields whose value differs from the enclosing context's.\n"
        + "Text: one block per object, sorted by (group, kind, namespace, name); lines marked + (added), - (removed) and\n"
        + "~ (changed: before -> after), sorted by category then subject; the first " + ListLimit.DefaultText + " (--limit N) objects and the first\n"
        + ListLimit.DefaultText + " changes of each, each rest counted on one line (--all prints every one), then the count of all changes;\n"
        + "when objects are left out, a first line counts the changed objects by kind with their + - ~ changes.\n"
        + "JSON (and YAML): { \"changed\": bool, \"controllerNames\": [string], \"objects\": [ { \"object\": {group, kind,\n"
        + "  namespace, name}, \"changes\": [ { \"category\", \"change\": added|removed|changed, \"subject\", \"before\",\n"
        + "  \"after\" } ] } ] }.\n"
        + "Exit status: 3 changes (also when a side had input errors: they are printed, and so is the diff); 1 a side\n"
        + "had input errors and nothing changed; 0 no change; 2 usage error.";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } = [.. CommonOptions.Standard(
        [ListLimit.Option, ListLimit.LimitOption],
        CommonOptions.Output("text (default), json or yaml.", "text", "json", "yaml"),
        color: true).Except(CommonOptions.ClusterInput)];

    /// <inheritdoc />
    public int Execute(ParsedArguments args, CliContext context)
    {
        if (!OutputFormats.TryParse(args.Get("output"), OutputFormat.Text, Formats, out var format, out var error)
            || !Profiles.TryResolve(args.Get("profile"), out var profile, out error)
            || !Palette.TryResolve(args, context, out var palette, out error)
            || !ObjectFilter.TryRead(args, out var filter, out error)
            || !ListLimit.TryFrom(args, out var limit, out error)
            || !InputOptions.TryRead(args, args.Positionals.Count, out var input, out error))
        {
            return context.UsageError(error!, Name);
        }

        if (input.Items.Count != 2)
        {
            return context.UsageError("give exactly two inputs, BEFORE and AFTER (files or directories, -f PATH or -k DIR)", Name);
        }

        var results = new List<EvaluationResult>();
        var errors = false;
        foreach (var side in input.Items)
        {
            if (!Workspace.TryLoad(input with { Items = [side] }, context, out var workspace, out error, profile))
            {
                return context.UsageError(error!, Name);
            }

            workspace.PrintDiagnostics(context);
            errors |= workspace.HasErrors;
            if (!workspace.TryResolveControllers(args.GetAll("controller-name"), out var controllers, out error))
            {
                return context.UsageError($"{side.Value}: {error}", Name);
            }

            results.Add(Evaluator.Evaluate(workspace.Snapshot, Profiles.Options(controllers, profile)));
        }

        var report = DiffBuilder.Build(results[0], results[1]);
        if (!filter.IsEverything)
        {
            // An object removed by the change is judged by its labels before, any other by its labels after.
            var objects = report.Objects.Where(o => filter.Includes(results[1].Snapshot.Find(o.Object.ToKey()) is null ? results[0].Snapshot : results[1].Snapshot, o.Object.ToKey())).ToList();
            report = report with { Objects = objects, Changed = objects.Count > 0 };
        }

        if (format == OutputFormat.Text)
        {
            DiffText.Write(report, palette, limit, context.Stdout);
        }
        else
        {
            JsonOutput.Write(context, report, format);
        }

        // Changes outrank input errors: the errors are on standard error either way, and a CI job that checks for 3
        // must not miss a change because one side also had a broken document.
        return report.Changed ? ExitCodes.Changes : errors ? ExitCodes.InputErrors : ExitCodes.Success;
    }
}
