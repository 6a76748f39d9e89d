using PolicyAttach.Binding;
using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Graph;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Output;

namespace PolicyAttach.Cli.Commands;

/// <summary><c>policyattach graph</c>: the resource graph as Graphviz DOT or a Mermaid flowchart.</summary>
internal sealed class GraphCommand : ICommand
{
    private static readonly OutputFormat[] Formats = [OutputFormat.Text, OutputFormat.Json, OutputFormat.Yaml];

    /// <inheritdoc />
    public string Name => "graph";

    /// <inheritdoc />
    public string Summary => "Draw the resource graph (attachments, backends, grants, policy targets) as DOT or Mermaid.";

    /// <inheritdoc />
    public string Synopsis => "policyattach graph PATH... [--format dot|mermaid] [-o text|json|yaml] [options]";

    /// <inheritdoc />
    public string Description =>
        "Nodes: the controller's GatewayClasses, their Gateways and ListenerSets, every listener, the managed routes, the\n"
        + "Services routes and policies refer to, every ReferenceGrant and every policy; a referent that does not exist is\n"
        + "a 'missing' node. Edges: containment (GatewayClass -> Gateway -> listener, ListenerSet -> listener and -> its\n"
        + "parent Gateway); attachment (route -> listener: solid and labelled with the hostnames served when attached,\n"
        + "dashed and red with the cause when refused; listeners a parentRef's sectionName or port does not select are left\n"
        + "out); backend references (route -> Service, labelled rule, port, weight and the grant used; dashed when they do\n"
        + "not resolve); grants (ReferenceGrant -> referent, dotted); policy targets (policy -> target, dotted, labelled\n"
        + "with level, sectionName and stanza: default, override, default+override or direct).\n"
        + "Node ids are stable: the lowercase kind, X, the namespace, X, the name, with - written _ (listeners add L and\n"
        + "their name; a policy kind outside the Gateway API adds Y and its group), such as httprouteXfooXfoo.\n"
        + "Nodes are sorted by type then id, edges by source, target, type and label.\n"
        + "--output text (default) writes the --format; json and yaml write {nodes: [{id, type, label, object, listener}],\n"
        + "edges: [{from, to, type, refused, label}]}.";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } = CommonOptions.Standard(
        [new("format", "FORMAT", "dot (default) or mermaid (a flowchart, for Markdown).") { Choices = ["dot", "mermaid"] }],
        CommonOptions.Output("text (default: the --format), json or yaml.", "text", "json", "yaml"));

    /// <inheritdoc />
    public int Execute(ParsedArguments args, CliContext context)
    {
        var graphFormat = args.Get("format") ?? "dot";
        if (graphFormat is not ("dot" or "mermaid"))
        {
            return context.UsageError($"unknown graph format '{graphFormat}'; use dot or mermaid", Name);
        }

        if (!OutputFormats.TryParse(args.Get("output"), OutputFormat.Text, Formats, out var format, out var error)
            || !Profiles.TryResolve(args.Get("profile"), out var profile, out error)
            || !ObjectFilter.TryRead(args, out var filter, out error)
            || !InputOptions.TryRead(args, args.Positionals.Count, out var input, out error))
        {
            return context.UsageError(error!, Name);
        }

        if (!Workspace.TryLoadFor(input, args, context, profile, out var workspace, out var controllers, out error))
        {
            return context.UsageError(error!, Name);
        }

        var graph = GraphBuilder.Build(Evaluator.Evaluate(workspace.Snapshot, Profiles.Options(controllers, profile)));
        if (!filter.IsEverything)
        {
            graph = GraphNarrowing.Apply(graph, o => filter.Includes(workspace.Snapshot, o.ToKey()));
        }

        // The graph is for Graphviz, Mermaid and programs, so it is complete; it is written while it is made.
        if (format != OutputFormat.Text)
        {
            JsonOutput.Write(context, graph, format);
        }
        else if (graphFormat == "dot")
        {
            GraphWriter.Dot(graph, context.Stdout);
        }
        else
        {
            GraphWriter.Mermaid(graph, context.Stdout);
        }

        return workspace.ExitCode;
    }
}
