using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Conversion;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Output;
using PolicyAttach.Smi;

namespace PolicyAttach.Cli.Commands;

/// <summary><c>policyattach convert-smi</c>: SMI TrafficSplits as GAMMA routes, with the fate of every field of every SMI object.</summary>
internal sealed class ConvertSmiCommand : ICommand
{
    private static readonly OutputFormat[] Formats = [OutputFormat.Yaml, OutputFormat.Json];

    /// <inheritdoc />
    public string Name => "convert-smi";

    /// <inheritdoc />
    public string Summary => "Convert SMI TrafficSplits (with their HTTPRouteGroups and TCPRoutes) to GAMMA routes.";

    /// <inheritdoc />
    public string Synopsis => "policyattach convert-smi PATH... [--verify] [-o yaml|json] [options]";

    /// <inheritdoc />
    public string Description =>
        "Converts SMI objects: each TrafficSplit to a route per port of its root Service, with the Service as parent\n"
        + "(GAMMA) and the backends by weight (only backends with the port, as the specification says): a TCPRoute where the\n"
        + "port carries TCP (a TCPRoute the split matches, the port's appProtocol or tcp-* name, a TrafficTarget's TCPRoute),\n"
        + "an HTTPRoute elsewhere; a split with matches splits the requests (connections) they match and sends the others to\n"
        + "the root Service. TrafficTargets (access control) and UDPRoutes are reported: Gateway API has no equivalent.\n"
        + "--verify sends requests and connections to a model of the SMI split and to the converted routes, and prints\n"
        + "every one they answer differently.\n"
        + "-n and -l convert only the SMI objects of a namespace or with matching labels.\n"
        + "Exit 1 when the input has errors, an object would be refused, or --verify found differences.";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } = CommonOptions.Standard(
        [
            new("verify", string.Empty, "Check the output against a model of the SMI split on generated requests; print every difference.", IsFlag: true),
            new("cluster-domain", "DOMAIN", "The cluster domain of Service hosts (default: cluster.local)."),
        ],
        CommonOptions.Output("yaml (default) or json.", "yaml", "json"),
        [CommonOptions.Namespace with { Description = "Convert only the SMI objects in this namespace." }, CommonOptions.AllNamespaces,
            CommonOptions.Selector with { Description = "Convert only the SMI objects whose labels match, as kubectl: a=b,c!=d,e in (x,y),!f." }]);

    /// <inheritdoc />
    public int Execute(ParsedArguments args, CliContext context)
    {
        if (!OutputFormats.TryParse(args.Get("output"), OutputFormat.Yaml, Formats, out var format, out var error)
            || !Profiles.TryResolve(args.Get("profile"), out var profile, out error)
            || !ObjectFilter.TryRead(args, out var filter, out error)
            || !InputOptions.TryRead(args, args.Positionals.Count, out var input, out error))
        {
            return context.UsageError(error!, Name);
        }

        if (!Workspace.TryLoad(input, context, out var workspace, out error, profile))
        {
            return context.UsageError(error!, Name);
        }

        workspace.PrintDiagnostics(context);
        var controllers = args.GetAll(CommonOptions.ControllerName.Name);
        var options = new SmiConversionOptions
        {
            ClusterDomain = args.Get("cluster-domain") ?? SmiConversionOptions.Default.ClusterDomain,
            ControllerName = controllers.Count > 0 ? controllers[0] : SmiConversionOptions.Default.ControllerName,
        };
        var snapshot = ConversionInput.Narrow(workspace.Snapshot, filter, SmiConverter.ApiGroups);
        var result = SmiConverter.Convert(snapshot, options);
        var verification = args.Has("verify") ? SmiConverter.Verify(snapshot, result, options) : null;
        context.Out(format == OutputFormat.Json ? MeshConversionOutput.Json(result, verification) : MeshConversionOutput.Yaml(result, verification, "SMI"));
        return result.HasErrors || verification is { Clean: false } ? ExitCodes.InputErrors : workspace.ExitCode;
    }
}
