using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Migration;
using PolicyAttach.Cli.Output;
using PolicyAttach.Diagnostics;
using PolicyAttach.Migration.Smi;

namespace PolicyAttach.Cli.Commands;

/// <summary><c>policyattach convert-smi</c>: SMI TrafficSplits as GAMMA routes, with the fate of every field of every SMI object.</summary>
internal sealed class ConvertSmiCommand : ICommand
{
    private static readonly OutputFormat[] Formats = [OutputFormat.Yaml, OutputFormat.Json];

    /// <inheritdoc />
    public string Name => "convert-smi";

    /// <inheritdoc />
    public string Summary => "Convert SMI TrafficSplits (and their HTTPRouteGroups) to GAMMA HTTPRoutes.";

    /// <inheritdoc />
    public string Synopsis => "policyattach convert-smi PATH... [--verify] [--output yaml|json]";

    /// <inheritdoc />
    public string Description =>
        "Converts SMI objects: each TrafficSplit to an HTTPRoute per port of its root Service, with the Service as parent\n"
        + "(GAMMA) and the backends by weight (only backends with the port, as the specification says); a split with\n"
        + "HTTPRouteGroup matches splits the requests they match and sends the others to the root Service. TrafficTargets\n"
        + "(access control), TCPRoutes and UDPRoutes are reported: Gateway API has no equivalent. --verify sends requests\n"
        + "to a model of the SMI split and to the converted routes, and prints every request they answer differently.\n"
        + "Exit 1 when the input has errors, an object was refused, or --verify found differences.";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("verify", string.Empty, "Check the output against a model of the SMI split on generated requests; print every difference.", IsFlag: true),
        new("cluster-domain", "DOMAIN", "The cluster domain of Service hosts (default: cluster.local)."),
        new("output", "FORMAT", "yaml or json."),
    ];

    /// <inheritdoc />
    public int Execute(ParsedArguments args, CliContext context)
    {
        if (!OutputFormats.TryParse(args.Get("output"), OutputFormat.Yaml, Formats, out var format, out var error))
        {
            return context.UsageError(error!, Name);
        }

        if (!Workspace.TryLoad(args.Positionals, context, out var workspace, out error))
        {
            return context.UsageError(error!, Name);
        }

        workspace.PrintDiagnostics(context);
        var options = new SmiConversionOptions { ClusterDomain = args.Get("cluster-domain") ?? SmiConversionOptions.Default.ClusterDomain };
        var result = SmiConverter.Convert(workspace.Snapshot, options);
        var verification = args.Has("verify") ? SmiConverter.Verify(workspace.Snapshot, result, options) : null;
        context.Out(format == OutputFormat.Json ? MigrationOutput.Json(result, verification) : MigrationOutput.Yaml(result, verification, "SMI"));
        var failed = result.Report.Problems.Any(p => p.Severity == DiagnosticSeverity.Error) || verification is { Clean: false };
        return failed ? ExitCodes.InputErrors : workspace.ExitCode;
    }
}
