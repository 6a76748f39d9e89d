using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Explain;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Output;

namespace PolicyAttach.Cli.Commands;

/// <summary><c>policyattach explain</c>: why a route attached where it did, or what a Gateway or ListenerSet accepts.</summary>
internal sealed class ExplainCommand : ICommand
{
    private static readonly OutputFormat[] Formats = [OutputFormat.Text, OutputFormat.Json, OutputFormat.Yaml];

    /// <inheritdoc />
    public string Name => "explain";

    /// <inheritdoc />
    public string Summary => "Explain why a route attached (or not), what a Gateway or ListenerSet accepts, or what became of a policy.";

    /// <inheritdoc />
    public string Synopsis => "policyattach explain PATH... KIND/NAMESPACE/NAME [--controller-name NAME] [--output text|json|yaml] [--profile NAME] [--all | --limit N]";

    /// <inheritdoc />
    public string Description =>
        "The last argument names the object: KIND/NAMESPACE/NAME, or KIND/NAME for a cluster-scoped one (KIND is\n"
        + "case-insensitive, e.g. httproute/default/foo). For a route: each parentRef, every listener considered and\n"
        + "why it did or did not attach (with the hostnames served), its conditions and backend resolution. For a\n"
        + "Gateway or ListenerSet: each listener's verdict, supported kinds, attached routes and conditions, and the\n"
        + "routes that name it. For a GatewayClass: its conditions and Gateways. For a policy (any policy kind): each target\n"
        + "and whether the policy is Attached, Overridden, Conflicted, NotFound or Invalid there (with the message), and its\n"
        + "ancestors with their conditions. Route, Gateway and ListenerSet explanations list the policies that reach them.\n"
        + "Text prints the first " + ListLimit.DefaultText + " (--limit N) entries of each list and counts the rest (--all prints them all); a\n"
        + "listener's routes cut short are first counted by verdict cause, and a Gateway's or ListenerSet's routes by\n"
        + "Accepted and by kind. Lists are in key order (group, kind, namespace, name), a listener's routes in route key,\n"
        + "parentRef and listener order. JSON and YAML are complete and written as they are made. A Gateway's or\n"
        + "ListenerSet's JSON lists each route once: \"listeners\": [{name, protocol, port, hostname, state,\n"
        + "supportedKinds, attachedRoutes, conditions, \"verdicts\": {CAUSE: count}, \"attached\": [route key]}],\n"
        + "\"routes\": [{\"key\": \"KIND/NAMESPACE/NAME\", route, accepted, \"listeners\": [attached listener],\n"
        + "\"parents\": [{parentIndex, accepted, \"attached\": [{listener, hostnames}], \"refused\": [{cause,\n"
        + "\"listeners\": [name]}]}]}] (causes in name order); each verdict's message is in the route's explanation.";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } = CommonOptions.Standard(
        [ListLimit.Option, ListLimit.LimitOption],
        CommonOptions.Output("text (default), json or yaml.", "text", "json", "yaml"),
        [CommonOptions.TargetNamespace]);

    /// <inheritdoc />
    public int Execute(ParsedArguments args, CliContext context)
    {
        if (!TargetedRun.TryStart(args, context, Name, Formats, out var run, out var exit))
        {
            return exit;
        }

        if (!ListLimit.TryFrom(args, out var limit, out var error))
        {
            return context.UsageError(error!, Name);
        }

        var (format, workspace, result, found) = run;
        if (ExplainBuilder.Explain(result, found) is not { } explanation)
        {
            return context.UsageError($"{found.Key} is a {found.Kind}; explain covers routes, Gateways, ListenerSets, GatewayClasses and policies", Name);
        }

        if (format == OutputFormat.Text)
        {
            ExplainText.Write(explanation, limit, context.Stdout);
        }
        else
        {
            JsonOutput.Write(context, writer => ExplainJson.Write(writer, explanation, result), format);
        }

        return workspace.ExitCode;
    }
}
