using PolicyAttach.Binding;
using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Describe;
using PolicyAttach.Cli.Explain;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Output;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Cli.Commands;

/// <summary><c>policyattach describe</c>: the whole picture as a tree, from each GatewayClass down to backends and policies.</summary>
internal sealed class DescribeCommand : ICommand
{
    private static readonly OutputFormat[] Formats = [OutputFormat.Text, OutputFormat.Json, OutputFormat.Yaml];

    /// <inheritdoc />
    public string Name => "describe";

    /// <inheritdoc />
    public string Summary => "Show the tree GatewayClass > Gateway > listener > route > rule > backend, with conditions and policies.";

    /// <inheritdoc />
    public string Synopsis => "policyattach describe PATH... [KIND/NAMESPACE/NAME] [-o text|json|yaml] [--watch] [options]";

    /// <inheritdoc />
    public string Description =>
        "Each GatewayClass of the controller, its Gateways, their listeners (protocol, hostname, port, attached routes,\n"
        + "conditions) and ListenerSets, the routes attached to each listener (the hostnames served there, the parentRef's\n"
        + "conditions), their rules (matches) and backends (weight, the ReferenceGrants a cross-namespace reference uses,\n"
        + "why an invalid one does not resolve), then every route parentRef that attached to no listener, with its conditions.\n"
        + "A policy line (kind, policies with their levels, merged document) appears where the effective policy of its\n"
        + "kind takes its value or changes; the nodes below inherit it.\n"
        + "An optional last argument (KIND/NAMESPACE/NAME, KIND/NAME for a GatewayClass) names a GatewayClass, Gateway,\n"
        + "ListenerSet or route: only its branch is shown (a route with the GatewayClass, Gateway and listeners above it).\n"
        + "Ingresses of the controller (every Ingress when no Gateway controller is in play) follow, each with its class,\n"
        + "how the class was chosen (spec.ingressClassName, annotation, default IngressClass), its controller and the\n"
        + "problems found (also reported on standard error); INGRESS/NAMESPACE/NAME shows one Ingress.\n"
        + "Order: GatewayClasses by name; Gateways and ListenerSets by namespace and name; listeners, rules and backends\n"
        + "in spec order; routes on a listener by (group, kind, namespace, name); policy kinds by group then kind.\n"
        + "Text is coloured on a terminal (see --color; NO_COLOR is honoured). JSON and YAML give the whole tree, with the\n"
        + "effective policies of every node.";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } = CommonOptions.Standard(
        [CommonOptions.Watch],
        CommonOptions.Output("text (default), json or yaml.", "text", "json", "yaml"),
        color: true);

    /// <inheritdoc />
    public int Execute(ParsedArguments args, CliContext context)
    {
        if (!OutputFormats.TryParse(args.Get("output"), OutputFormat.Text, Formats, out var format, out var error)
            || !Profiles.TryResolve(args.Get("profile"), out var profile, out error)
            || !Palette.TryResolve(args, context, out var palette, out error)
            || !ObjectFilter.TryRead(args, out var filter, out error))
        {
            return context.UsageError(error!, Name);
        }

        // An optional last argument names a target when it is not a file or directory and has the shape of one.
        var positionals = args.Positionals;
        string? target = null;
        var fromOptions = args.Has(CommonOptions.Filename.Name) || args.Has(CommonOptions.Kustomize.Name);
        if ((positionals.Count > 1 || (positionals.Count == 1 && fromOptions))
            && !File.Exists(positionals[^1]) && !Directory.Exists(positionals[^1]) && TargetResolver.LooksLikeTarget(positionals[^1]))
        {
            target = positionals[^1];
        }

        if (!InputOptions.TryRead(args, positionals.Count - (target is null ? 0 : 1), out var input, out error))
        {
            return context.UsageError(error!, Name);
        }

        if (args.Has(CommonOptions.Watch.Name))
        {
            return Watch(args, context, input, target, profile, filter, palette, format);
        }

        if (!Workspace.TryLoad(input, context, out var workspace, out error, profile))
        {
            return context.UsageError(error!, Name);
        }

        workspace.PrintDiagnostics(context);
        KubeObject? focus = null;
        if (!workspace.TryResolveControllers(args.GetAll("controller-name"), out var controllers, out error)
            || (target is not null && !TargetResolver.TryResolve(workspace.Snapshot, target, out focus, out error, filter.Namespace)))
        {
            return context.UsageError(error!, Name);
        }

        if (focus is not (null or GatewayClass or Gateway or ListenerSet or RouteBase or Ingress))
        {
            return context.UsageError($"{focus.Key} is a {focus.Kind}; describe takes a GatewayClass, Gateway, ListenerSet, route or Ingress (or nothing, for everything)", Name);
        }

        var result = Evaluator.Evaluate(workspace.Snapshot, Profiles.Options(controllers, profile));
        var ingresses = focus is null or Ingress ? IngressScope.Build(workspace.Snapshot, controllers, focus?.Key) : null;
        ingresses?.PrintDiagnostics(workspace, context);
        workspace.PrintFindings(context, result, filter, ingresses?.Diagnostics);
        var report = DescribeBuilder.Build(result, focus, args.Get("profile"), ingresses);
        if (!filter.IsEverything)
        {
            report = DescribeNarrowing.Apply(report, o => filter.Includes(workspace.Snapshot, o.ToKey()));
        }

        if (format == OutputFormat.Text)
        {
            context.Out(DescribeText.Write(report, palette));
        }
        else
        {
            JsonOutput.Write(context, report, format);
        }

        return workspace.ExitCode;
    }

    /// <summary>
    /// <c>describe --watch</c>: the tree, then after each burst of file changes a line per status that changed or went
    /// and the tree again, evaluated incrementally from the files that changed.
    /// </summary>
    private int Watch(ParsedArguments args, CliContext context, InputOptions input, string? target, ImplementationProfile? profile, ObjectFilter filter, Palette palette, OutputFormat format)
    {
        string? error = null;
        if (format != OutputFormat.Text || !FileWatch.TryCreate(input, profile, out var watch, out error))
        {
            return context.UsageError(error ?? "describe --watch prints text; leave out -o", Name);
        }

        using (watch)
        {
            var (snapshot, diagnostics) = watch.Start();
            StatusWatch.Print(diagnostics, context);
            if (!Workspace.TryResolveControllers(snapshot, args.GetAll(CommonOptions.ControllerName.Name), out var controllers, out error))
            {
                return context.UsageError(error!, Name);
            }

            string Render(EvaluationResult result)
            {
                KubeObject? focus = null;
                if (target is not null && !TargetResolver.TryResolve(result.Snapshot, target, out focus, out var problem, filter.Namespace))
                {
                    return problem!;
                }

                var ingresses = focus is null or Ingress ? IngressScope.Build(result.Snapshot, controllers, focus?.Key) : null;
                var report = DescribeBuilder.Build(result, focus, args.Get("profile"), ingresses);
                if (!filter.IsEverything)
                {
                    report = DescribeNarrowing.Apply(report, o => filter.Includes(result.Snapshot, o.ToKey()));
                }

                return DescribeText.Write(report, palette);
            }

            var session = EvaluationSession.Start(snapshot, Profiles.Options(controllers, profile));
            context.Out(Render(session.Result));
            context.Stdout.Flush();
            using var interrupt = StatusWatch.Interrupt(context, out var cancellation);
            while (watch.TryNext(cancellation, out var batch, out diagnostics))
            {
                StatusWatch.Print(diagnostics, context);
                var update = session.Apply(batch);
                var header = $"--- {update.Changed.Count} statuses changed, {update.Removed.Count} removed ({update.Path})"
                    + string.Concat(update.Changed.Select(k => $"\nchanged {k}"))
                    + string.Concat(update.Removed.Select(k => $"\nremoved {k}"));
                context.Out(header + "\n" + Render(update.Result));
                context.Stdout.Flush();
            }

            return ExitCodes.Success;
        }
    }
}
