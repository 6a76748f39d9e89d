using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Conversion;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Output;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.IngressNginx;
using PolicyAttach.Ingresses;
using PolicyAttach.Model;
using PolicyAttach.Policies;

namespace PolicyAttach.Cli.Commands;

/// <summary>
/// <c>policyattach convert-ingress</c>: Ingresses as Gateway API objects that route as the Ingress controller did,
/// with what could not be carried over, and on request a verification that the result routes the same.
/// </summary>
internal sealed class ConvertIngressCommand : ICommand
{
    private const string Source = "ingress-nginx";

    private static readonly OutputFormat[] Formats = [OutputFormat.Yaml, OutputFormat.Json, OutputFormat.Text];

    /// <inheritdoc />
    public string Name => "convert-ingress";

    /// <inheritdoc />
    public string Summary => "Convert Ingresses to a Gateway and routes, reporting what cannot be carried over.";

    /// <inheritdoc />
    public string Synopsis => "policyattach convert-ingress PATH... [--class NAME] [--gateway NS/NAME | --listenerset] [--verify] [-o yaml|json|text] [options]";

    /// <inheritdoc />
    public string Description =>
        "Converts the Ingresses of the input. Classes of ingress-nginx (IngressClass controller k8s.io/ingress-nginx) are\n"
        + "converted as ingress-nginx routes them: its annotations (rewrites, redirects, canaries, regex paths, ssl-redirect,\n"
        + "CORS, gRPC backends, ...) become matches, filters and policies, each reported as carried, approximated or dropped;\n"
        + "other classes by the Ingress rules alone (--from ingress converts every class so). By default one Gateway per class\n"
        + "gets a listener per host and TLS Secret; --gateway attaches the routes to the listeners of an existing Gateway of\n"
        + "the input, --listenerset puts the listeners in one ListenerSet per namespace. The output is read back first:\n"
        + "objects an API server would refuse are not printed, and are named with the Ingress field they came from. --verify\n"
        + "sends requests for every host, path, canary condition and redirect (and near misses: a trailing segment, another\n"
        + "case, a missing header, the other scheme) to a model of ingress-nginx and to the converted objects, and prints\n"
        + "every request they answer differently. YAML (the default; text is the same) prints documents ready for kubectl\n"
        + "apply, then the report and the verification as comments; JSON prints {\"objects\": [...], \"report\": [...],\n"
        + "\"verification\": {...}}. --controller-name converts only the Ingresses whose IngressClass has that\n"
        + "spec.controller; -n and -l only those of a namespace or with matching labels. Exits 1 also when an object would\n"
        + "be refused, something was approximated or dropped, or verification found a difference (--allow-approximations\n"
        + "accepts the last two).";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } = CommonOptions.Standard(
        [
            new("class", "NAME", "Convert only the Ingresses of this class. Default: every class."),
            new("from", "CONTROLLER", "ingress-nginx, or ingress (the Ingress rules only). Default: ingress-nginx for its classes.") { Choices = ["ingress-nginx", "ingress"] },
            new("gateway", "NS/NAME", "Attach the routes to this existing Gateway of the input (with --listenerset: the parent)."),
            new("listenerset", string.Empty, "Put the listeners in one ListenerSet per namespace.", IsFlag: true),
            new("gateway-namespace", "NS", "The namespace of new Gateways. Default: that of the class's oldest Ingress."),
            new("default-certificate", "NS/NAME", "The Secret ingress-nginx serves HTTPS with for hosts without TLS."),
            new("verify", string.Empty, "Check request by request that the result routes as ingress-nginx does.", IsFlag: true),
            new("allow-approximations", string.Empty, "Exit 0 even when something was approximated or dropped.", IsFlag: true),
        ],
        CommonOptions.Output("yaml (default; text is the same) or json.", "yaml", "json", "text"),
        [CommonOptions.Namespace with { Description = "Convert only the Ingresses in this namespace." }, CommonOptions.AllNamespaces,
            CommonOptions.Selector with { Description = "Convert only the Ingresses whose labels match, as kubectl: a=b,c!=d,e in (x,y),!f." }]);

    /// <inheritdoc />
    public int Execute(ParsedArguments args, CliContext context)
    {
        if (args.Get("from") is { } source && source is not ("ingress-nginx" or "ingress"))
        {
            return context.UsageError($"unknown source '{source}'; use ingress-nginx or ingress", Name);
        }

        if (!OutputFormats.TryParse(args.Get("output"), OutputFormat.Yaml, Formats, out var format, out var error)
            || !Profiles.TryResolve(args.Get("profile"), out var profile, out error)
            || !ObjectFilter.TryRead(args, out var filter, out error)
            || !InputOptions.TryRead(args, args.Positionals.Count, out var input, out error)
            || !TryKey(args.Get("gateway"), "Gateway", out var gateway, out error)
            || !TryKey(args.Get("default-certificate"), "Secret", out var certificate, out error))
        {
            return context.UsageError(error!, Name);
        }

        if (!Workspace.TryLoad(input, context, out var workspace, out error, profile))
        {
            return context.UsageError(error!, Name);
        }

        workspace.PrintDiagnostics(context);
        var snapshot = Narrow(workspace.Snapshot, args.GetAll(CommonOptions.ControllerName.Name), filter);
        var from = args.Get("from");
        var className = args.Get("class");
        var nginxClasses = from switch
        {
            "ingress" => [],
            "ingress-nginx" when className is not null => [className],
            _ => IngressNginxModel.Classes(snapshot).Where(c => className is null || c == className).ToEquatableArray(),
        };
        if (from == "ingress-nginx" && nginxClasses.Count == 0)
        {
            context.Err("no Ingress of an ingress-nginx class (IngressClass controller k8s.io/ingress-nginx) in the input; give --class NAME to convert another class as ingress-nginx.");
        }

        if (gateway is { } target && snapshot.Find<Gateway>(target) is null)
        {
            context.Err($"Gateway {target.Namespace}/{target.Name} is not in the input, so its listeners cannot be chosen or checked.");
        }

        var nginxOptions = new IngressNginxConversionOptions
        {
            Target = args.Has("listenerset") ? NginxConversionTarget.ListenerSets : gateway is not null ? NginxConversionTarget.ExistingGateway : NginxConversionTarget.NewGateway,
            Gateway = gateway,
            GatewayNamespace = args.Get("gateway-namespace"),
            DefaultCertificate = certificate is { } c ? new ObjectReference { Name = c.Name, Namespace = c.Namespace } : null,
            EnvoyGateway = profile == ImplementationProfile.EnvoyGateway,
        };
        var conversions = nginxClasses.Select(n => IngressNginxConverter.Convert(snapshot, nginxOptions with { ClassName = n })).ToList();
        if (from != "ingress-nginx")
        {
            conversions.Add(IngressConverter.Convert(snapshot, new IngressConversionOptions
            {
                ClassName = className,
                GatewayNamespace = args.Get("gateway-namespace"),
                ExcludedClasses = nginxClasses,
            }));
        }

        var conversion = Merge(conversions);
        VerificationResult? verification = null;
        if (args.Has("verify"))
        {
            verification = IngressNginxVerifier.Verify(snapshot, conversion);
            if (conversion.Targets.Count == 0)
            {
                context.Err("--verify checks the classes converted as ingress-nginx; there are none in the input.");
            }
        }

        if (format == OutputFormat.Json)
        {
            context.Out(ConversionOutput.Json(IngressConversionJson.Document(conversion), verification, Source));
        }
        else
        {
            var empty = conversion.Objects.Any() ? null : className is null ? "No Ingress with a class to convert." : $"No Ingress of class {className} to convert.";
            context.Out(ConversionOutput.Yaml(IngressConversionJson.Manifests(conversion), conversion.Report, verification, Source, "the Ingresses", empty));
        }

        var approximated = conversion.Report.HasApproximations || verification?.Differences.Count > 0;
        return workspace.HasErrors || conversion.Report.Errors.Count > 0 || (approximated && !args.Has("allow-approximations"))
            ? ExitCodes.InputErrors
            : ExitCodes.Success;
    }

    /// <summary>
    /// The input without the Ingresses left out by <c>--controller-name</c> (their class's controller is not one of
    /// those named), <c>-n</c> or <c>-l</c>; the same snapshot when nothing is left out.
    /// </summary>
    private static Snapshot Narrow(Snapshot snapshot, IReadOnlyList<string> controllers, ObjectFilter filter)
    {
        if (controllers.Count == 0 && filter.IsEverything)
        {
            return snapshot;
        }

        var controllerOf = IngressClassSelector.Select(snapshot).Ingresses.ToDictionary(o => o.Ingress.Key, o => o.Controller);
        return Snapshot.Create(snapshot.Objects.Where(o => o is not Ingress
            || (filter.Includes(o) && (controllers.Count == 0 || (controllerOf.GetValueOrDefault(o.Key) is { } c && controllers.Contains(c, StringComparer.Ordinal))))));
    }

    /// <summary>Parses <c>NS/NAME</c>.</summary>
    private static bool TryKey(string? value, string kind, out ResourceKey? key, out string? error)
    {
        key = null;
        error = null;
        if (value is null)
        {
            return true;
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == value.Length - 1 || value.IndexOf('/', slash + 1) >= 0)
        {
            error = $"'{value}' is not NAMESPACE/NAME";
            return false;
        }

        key = new ResourceKey(kind == "Secret" ? Groups.Core : Groups.Gateway, kind, value[..slash], value[(slash + 1)..]);
        return true;
    }

    /// <summary>The conversions of several classes as one (objects in each conversion's order, report entries concatenated).</summary>
    private static IngressConversion Merge(List<IngressConversion> conversions)
    {
        if (conversions.Count == 1)
        {
            return conversions[0];
        }

        return new IngressConversion
        {
            Gateways = conversions.SelectMany(c => c.Gateways).ToEquatableArray(),
            ListenerSets = conversions.SelectMany(c => c.ListenerSets).ToEquatableArray(),
            HttpRoutes = conversions.SelectMany(c => c.HttpRoutes).ToEquatableArray(),
            GrpcRoutes = conversions.SelectMany(c => c.GrpcRoutes).ToEquatableArray(),
            ReferenceGrants = conversions.SelectMany(c => c.ReferenceGrants).ToEquatableArray(),
            Policies = conversions.SelectMany(c => c.Policies).ToEquatableArray(),
            GatewayClasses = conversions.SelectMany(c => c.GatewayClasses).ToEquatableArray(),
            Origins = conversions.SelectMany(c => c.Origins).ToEquatableArray(),
            Targets = conversions.SelectMany(c => c.Targets).ToEquatableArray(),
            Report = new ConversionReport(conversions.SelectMany(c => c.Report.Issues).ToEquatableArray()) { Errors = conversions.SelectMany(c => c.Report.Errors).ToEquatableArray() },
        };
    }
}
