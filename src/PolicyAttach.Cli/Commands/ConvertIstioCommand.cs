using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Migration;
using PolicyAttach.Cli.Output;
using PolicyAttach.Diagnostics;
using PolicyAttach.Migration.Istio;

namespace PolicyAttach.Cli.Commands;

/// <summary><c>policyattach convert-istio</c>: Istio Gateways, VirtualServices and DestinationRules as Gateway API objects, with the fate of every field.</summary>
internal sealed class ConvertIstioCommand : ICommand
{
    private static readonly OutputFormat[] Formats = [OutputFormat.Yaml, OutputFormat.Json];

    /// <inheritdoc />
    public string Name => "convert-istio";

    /// <inheritdoc />
    public string Summary => "Convert Istio Gateways, VirtualServices and DestinationRules to Gateway API, keeping first-match order.";

    /// <inheritdoc />
    public string Synopsis => "policyattach convert-istio PATH... [--verify] [--profile envoy-gateway] [--gateway-class NAME] [--prefix-match path-prefix|regex] [--output yaml|json]";

    /// <inheritdoc />
    public string Description =>
        "Converts Istio networking objects: each Gateway to a Gateway (a listener per server and host), VirtualServices\n"
        + "bound to gateways to HTTPRoutes, TLSRoutes and TCPRoutes on its listeners, VirtualServices of the mesh to\n"
        + "HTTPRoutes with the Service as parent (GAMMA), each DestinationRule subset to a Service, DestinationRule TLS to\n"
        + "BackendTLSPolicies, and with --profile envoy-gateway load balancing, pools, outlier detection, retries and faults\n"
        + "to BackendTrafficPolicies. Istio tries rules in order; Gateway API ranks them by precedence: matches are added\n"
        + "so that every request still reaches the rule Istio picks, and the report names any pair it cannot keep.\n"
        + "YAML (the default) prints the objects, then the fate of every field as comments (carried, approximated,\n"
        + "dropped; ! marks what may route requests differently). --verify sends requests exercising every match (and\n"
        + "near misses) to a model of Istio and to the converted objects, and prints every request they answer\n"
        + "differently. Exit 1 when the input has errors, an object was refused, or --verify found differences.";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("verify", string.Empty, "Check the output against a model of Istio on generated requests; print every difference.", IsFlag: true),
        new("profile", "NAME", "envoy-gateway: write Envoy Gateway BackendTrafficPolicies for what Gateway API has no policy for."),
        new("gateway-class", "NAME", "The gatewayClassName of the Gateways made (default: istio)."),
        new("prefix-match", "STYLE", "How Istio uri prefixes are written: path-prefix (default; element-wise, portable) or regex (exact, implementation-specific)."),
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

        if (!Profiles.TryResolve(args.Get("profile"), out var profile, out error))
        {
            return context.UsageError(error!, Name);
        }

        var prefix = args.Get("prefix-match") switch
        {
            null or "path-prefix" => PrefixMatchStyle.PathPrefix,
            "regex" => PrefixMatchStyle.RegularExpression,
            _ => (PrefixMatchStyle?)null,
        };
        if (prefix is null)
        {
            return context.UsageError($"unknown --prefix-match '{args.Get("prefix-match")}'; use path-prefix or regex", Name);
        }

        if (!Workspace.TryLoad(args.Positionals, context, out var workspace, out error))
        {
            return context.UsageError(error!, Name);
        }

        workspace.PrintDiagnostics(context);
        var options = new IstioConversionOptions
        {
            GatewayClassName = args.Get("gateway-class") ?? IstioConversionOptions.Default.GatewayClassName,
            ClusterDomain = args.Get("cluster-domain") ?? IstioConversionOptions.Default.ClusterDomain,
            EnvoyGateway = profile is not null,
            PrefixMatch = prefix.Value,
        };
        var result = IstioConverter.Convert(workspace.Snapshot, options);
        var verification = args.Has("verify") ? IstioConverter.Verify(workspace.Snapshot, result, options) : null;
        context.Out(format == OutputFormat.Json ? MigrationOutput.Json(result, verification) : MigrationOutput.Yaml(result, verification, "Istio"));
        var failed = result.Report.Problems.Any(p => p.Severity == DiagnosticSeverity.Error) || verification is { Clean: false };
        return failed ? ExitCodes.InputErrors : workspace.ExitCode;
    }
}
