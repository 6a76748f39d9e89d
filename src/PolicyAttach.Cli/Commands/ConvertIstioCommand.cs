using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Conversion;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Output;
using PolicyAttach.Istio;

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
    public string Synopsis => "policyattach convert-istio PATH... [--verify] [--profile envoy-gateway] [--gateway-class NAME] [--prefix-match path-prefix|regex] [-o yaml|json] [options]";

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
        + "differently. -n and -l convert only the Istio objects of a namespace or with matching labels.\n"
        + "Exit 1 when the input has errors, an object would be refused, or --verify found differences.";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } = CommonOptions.Standard(
        [
            new("verify", string.Empty, "Check the output against a model of Istio on generated requests; print every difference.", IsFlag: true),
            new("gateway-class", "NAME", "The gatewayClassName of the Gateways made (default: istio)."),
            new("prefix-match", "STYLE", "How Istio uri prefixes are written: path-prefix (default; element-wise, portable) or regex (exact, implementation-specific).")
            {
                Choices = ["path-prefix", "regex"],
            },
            new("cluster-domain", "DOMAIN", "The cluster domain of Service hosts (default: cluster.local)."),
        ],
        CommonOptions.Output("yaml (default) or json.", "yaml", "json"),
        [CommonOptions.Namespace with { Description = "Convert only the Istio objects in this namespace." }, CommonOptions.AllNamespaces,
            CommonOptions.Selector with { Description = "Convert only the Istio objects whose labels match, as kubectl: a=b,c!=d,e in (x,y),!f." }]);

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

        if (!Workspace.TryLoad(input, context, out var workspace, out error, profile))
        {
            return context.UsageError(error!, Name);
        }

        workspace.PrintDiagnostics(context);
        var controllers = args.GetAll(CommonOptions.ControllerName.Name);
        var options = new IstioConversionOptions
        {
            GatewayClassName = args.Get("gateway-class") ?? IstioConversionOptions.Default.GatewayClassName,
            ControllerName = controllers.Count > 0 ? controllers[0] : IstioConversionOptions.Default.ControllerName,
            ClusterDomain = args.Get("cluster-domain") ?? IstioConversionOptions.Default.ClusterDomain,
            EnvoyGateway = profile is not null,
            PrefixMatch = prefix.Value,
        };
        var snapshot = ConversionInput.Narrow(workspace.Snapshot, filter, IstioConverter.ApiGroups);
        var result = IstioConverter.Convert(snapshot, options);
        var verification = args.Has("verify") ? IstioConverter.Verify(snapshot, result, options) : null;
        context.Out(format == OutputFormat.Json ? MeshConversionOutput.Json(result, verification) : MeshConversionOutput.Yaml(result, verification, "Istio"));
        return result.HasErrors || verification is { Clean: false } ? ExitCodes.InputErrors : workspace.ExitCode;
    }
}
