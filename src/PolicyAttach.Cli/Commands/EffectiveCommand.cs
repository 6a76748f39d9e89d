using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Effective;
using PolicyAttach.Cli.Explain;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Output;

namespace PolicyAttach.Cli.Commands;

/// <summary><c>policyattach effective</c>: the effective policies of a Gateway, listener, ListenerSet, route, rule or Service.</summary>
internal sealed class EffectiveCommand : ICommand
{
    private static readonly OutputFormat[] Formats = [OutputFormat.Text, OutputFormat.Json, OutputFormat.Yaml];

    /// <inheritdoc />
    public string Name => "effective";

    /// <inheritdoc />
    public string Summary => "Show the effective policies of an object in each context, with the source of every field.";

    /// <inheritdoc />
    public string Synopsis => "policyattach effective PATH... KIND/NAMESPACE/NAME [--section NAME] [--controller-name NAME] [--profile NAME] [--output text|json|yaml]";

    /// <inheritdoc />
    public string Description =>
        "The last argument names a Gateway, ListenerSet, route or Service (KIND/NAMESPACE/NAME, KIND case-insensitive).\n"
        + "Contexts, per parent Gateway: a Gateway as a whole (--section: one listener); a ListenerSet (--section: one\n"
        + "listener); a route through each listener it is attached to, then each of its rules (--section: one rule); a\n"
        + "Service through each route rule that sends to it, with the port (--section: one port name). For each context\n"
        + "and policy kind: the merged document and, for every field, its value, the policy that supplied it, that\n"
        + "policy's level and stanza (default or override), and the values it overrode. No context or no policy: said,\n"
        + "exit 0; an unknown object or section: exit 2.\n"
        + "\n"
        + "JSON (and YAML) output:\n"
        + "  { \"target\": {group, kind, namespace, name}, \"section\": string|null, \"controllerNames\": [string],\n"
        + "    \"profile\": string|null,\n"
        + "    \"contexts\": [ { \"gateway\": {group, kind, namespace, name}, \"listenerSet\": ref|null,\n"
        + "      \"listener\": string|null, \"route\": ref|null, \"rule\": {index, name}|null,\n"
        + "      \"backend\": {service: ref, port: int|null, portName: string|null}|null,\n"
        + "      \"policies\": [ { \"kind\": {group, kind}, \"document\": {...}, \"policies\": [ref],\n"
        + "        \"fields\": [ { \"path\": \"a.b\", \"value\": any, \"source\": {policy: ref, level, stanza},\n"
        + "                     \"overrode\": [ {policy: ref, level, stanza} ] } ] } ] } ] }\n"
        + "  level is Gateway, ListenerSet, Listener, Route, Rule, Service or ServicePort (also GatewayClass); stanza is\n"
        + "  default or override. Contexts are sorted by Gateway, then in parentRef, listener and rule order.";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } = CommonOptions.Standard(
        [new("section", "NAME", "A listener (Gateway, ListenerSet), rule (route) or port (Service) name.")],
        CommonOptions.Output("text (default), json or yaml.", "text", "json", "yaml"),
        [CommonOptions.TargetNamespace]);

    /// <inheritdoc />
    public int Execute(ParsedArguments args, CliContext context)
    {
        if (!TargetedRun.TryStart(args, context, Name, Formats, out var run, out var exit))
        {
            return exit;
        }

        var (format, workspace, result, found) = run;
        if (!EffectiveBuilder.TryBuild(result, found, args.Get("section"), args.Get("profile"), out var report, out var error))
        {
            return context.UsageError(error!, Name);
        }

        if (format == OutputFormat.Text)
        {
            context.Out(EffectiveText.Write(report));
        }
        else
        {
            JsonOutput.Write(context, report, format);
        }

        return workspace.ExitCode;
    }
}
