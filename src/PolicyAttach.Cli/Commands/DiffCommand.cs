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
    public string Synopsis => "policyattach diff BEFORE AFTER [--controller-name NAME] [--profile NAME] [--output text|json|yaml] [--color WHEN] [--no-color]";

    /// <inheritdoc />
    public string Description =>
        "BEFORE and AFTER are files or directories, each loaded and evaluated on its own. Reported, per object:\n"
        + "  object      objects added or removed (their other changes are not repeated);\n"
        + "  status      each condition's status and reason (object, listener, route parentRef, policy ancestor);\n"
        + "  attachment  each route x listener verdict: attached, or refused with the cause;\n"
        + "  routing     the hostnames a route serves on each listener, and its rules as matches -> backends (an\n"
        + "              edited rule shows as one removed and one added);\n"
        + "  policy      each field of each effective policy in every context (Gateway, listener, route, named rule,\n"
        + "              backend): the value and the policy, level and stanza it comes from; a context shows only\n"
        + "              the fields whose value differs from the enclosing context's.\n"
        + "Text: one block per object, sorted by (group, kind, namespace, name); lines marked + (added), - (removed) and\n"
        + "~ (changed: before -> after), sorted by category then subject.\n"
        + "JSON (and YAML): { \"changed\": bool, \"controllerNames\": [string], \"objects\": [ { \"object\": {group, kind,\n"
        + "  namespace, name}, \"changes\": [ { \"category\", \"change\": added|removed|changed, \"subject\", \"before\",\n"
        + "  \"after\" } ] } ] }.\n"
        + "Exit status: 0 no change; 3 changes; 1 either side had input errors (the diff is still printed); 2 usage error.";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("controller-name", "NAME", "The GatewayClass controllerName to act for. Default: the one in each side's input.", Repeatable: true),
        new("profile", "NAME", Profiles.OptionHelp),
        new("output", "FORMAT", "text (default), json or yaml."),
        .. Palette.OptionSpecs,
    ];

    /// <inheritdoc />
    public int Execute(ParsedArguments args, CliContext context)
    {
        if (!OutputFormats.TryParse(args.Get("output"), OutputFormat.Text, Formats, out var format, out var error)
            || !Profiles.TryResolve(args.Get("profile"), out var profile, out error)
            || !Palette.TryResolve(args, context, out var palette, out error))
        {
            return context.UsageError(error!, Name);
        }

        if (args.Positionals.Count != 2)
        {
            return context.UsageError("give exactly two paths, BEFORE and AFTER (files or directories)", Name);
        }

        if (args.Positionals.Contains("-"))
        {
            return context.UsageError("diff reads files or directories; save standard input to a file first", Name);
        }

        var results = new List<EvaluationResult>();
        var errors = false;
        foreach (var path in args.Positionals)
        {
            if (!Workspace.TryLoad([path], context, out var workspace, out error, profile))
            {
                return context.UsageError(error!, Name);
            }

            workspace.PrintDiagnostics(context);
            errors |= workspace.HasErrors;
            if (!workspace.TryResolveControllers(args.GetAll("controller-name"), out var controllers, out error))
            {
                return context.UsageError($"{path}: {error}", Name);
            }

            results.Add(Evaluator.Evaluate(workspace.Snapshot, Profiles.Options(controllers, profile)));
        }

        var report = DiffBuilder.Build(results[0], results[1]);
        context.Out(format == OutputFormat.Text ? DiffText.Write(report, palette) : JsonOutput.Render(JsonOutput.Serialize(report), format));
        return errors ? ExitCodes.InputErrors : report.Changed ? ExitCodes.Changes : ExitCodes.Success;
    }
}
