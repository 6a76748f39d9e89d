using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Output;
using PolicyAttach.Ingresses;
using PolicyAttach.Kubernetes.Documents;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Commands;

/// <summary><c>policyattach convert-ingress</c>: Ingresses as an equivalent Gateway and HTTPRoutes, with what cannot be carried over.</summary>
internal sealed class ConvertIngressCommand : ICommand
{
    private static readonly OutputFormat[] Formats = [OutputFormat.Yaml, OutputFormat.Json, OutputFormat.Text];

    /// <inheritdoc />
    public string Name => "convert-ingress";

    /// <inheritdoc />
    public string Summary => "Convert Ingresses to a Gateway and HTTPRoutes, reporting what cannot be carried over.";

    /// <inheritdoc />
    public string Synopsis => "policyattach convert-ingress PATH... [--class NAME] [--gateway-namespace NS] [-o yaml|json|text] [options]";

    /// <inheritdoc />
    public string Description =>
        "Converts the Ingresses of the input to one Gateway per class (listeners per host and TLS Secret), HTTPRoutes per\n"
        + "Ingress and host, and ReferenceGrants for TLS Secrets of other namespaces. YAML (the default) prints the objects as\n"
        + "documents ready for kubectl apply, then the report as comments; JSON prints {\"objects\": [...], \"report\": [...]}.\n"
        + "The report names what routes differently or is dropped: annotations, ImplementationSpecific paths, regex paths,\n"
        + "wildcard hosts (one DNS label in Ingress, one or more in Gateway API), unresolved backends and TLS Secrets.\n"
        + "text is the YAML. --controller-name converts only the Ingresses whose IngressClass has that spec.controller;\n"
        + "-n and -l convert only the Ingresses of a namespace or with matching labels.";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } = CommonOptions.Standard(
        [
            new("class", "NAME", "Convert only the Ingresses of this class. Default: every class."),
            new("gateway-namespace", "NS", "The namespace of the Gateways. Default: the namespace of the class's Ingresses."),
        ],
        CommonOptions.Output("yaml (default; text is the same) or json.", "yaml", "json", "text"),
        [CommonOptions.Namespace with { Description = "Convert only the Ingresses in this namespace." }, CommonOptions.AllNamespaces,
            CommonOptions.Selector with { Description = "Convert only the Ingresses whose labels match, as kubectl: a=b,c!=d,e in (x,y),!f." }]);

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
        var conversion = IngressConverter.Convert(Narrow(workspace.Snapshot, args.GetAll(CommonOptions.ControllerName.Name), filter), new IngressConversionOptions
        {
            ClassName = args.Get("class"),
            GatewayNamespace = args.Get("gateway-namespace"),
        });
        context.Out(format == OutputFormat.Json ? Indent(IngressConversionJson.Document(conversion)) : Yaml(conversion, args.Get("class")));
        return conversion.Report.Errors.Count > 0 ? ExitCodes.InputErrors : workspace.ExitCode;
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

    /// <summary>The objects as YAML documents, then the report as comments.</summary>
    private static string Yaml(IngressConversion conversion, string? className)
    {
        var text = new StringBuilder();
        foreach (var manifest in IngressConversionJson.Manifests(conversion))
        {
            text.Append("---\n").Append(ManifestText.ToYaml(manifest));
        }

        var issues = conversion.Report.Issues;
        if (conversion.Gateways.Count == 0)
        {
            text.Append(className is null ? "# No Ingress with a class to convert.\n" : $"# No Ingress of class {className} to convert.\n");
        }

        foreach (var error in conversion.Report.Errors)
        {
            text.Append("# Not printed: ").Append(IngressConversionJson.Subject(error.Output));
            if (error.OutputField is not null)
            {
                text.Append(' ').Append(error.OutputField);
            }

            text.Append(" would be refused by the API server (").Append(error.Code).Append(": ").Append(error.Message.Replace('\n', ' ')).Append(')');
            if (error.Subject is { } source)
            {
                text.Append("; it comes from ").Append(IngressConversionJson.Subject(source)).Append(error.Field is null ? string.Empty : " " + error.Field);
            }

            text.Append(".\n");
        }

        text.Append("# Conversion report: ");
        if (issues.Count == 0 && conversion.Report.Errors.Count == 0)
        {
            text.Append("everything was carried over; the routes route every request as the Ingresses do.\n");
            return text.ToString();
        }

        var routing = issues.Count(i => i.AffectsRouting);
        text.Append(issues.Count).Append(issues.Count == 1 ? " issue" : " issues").Append(", ")
            .Append(routing).Append(" may route requests differently.\n");
        foreach (var issue in issues)
        {
            text.Append("# - ").Append(issue.Kind);
            if (issue.Subject is { } s)
            {
                text.Append(' ').Append(s.Kind).Append('/').Append(s.Namespace.Length == 0 ? string.Empty : s.Namespace + "/").Append(s.Name);
            }

            if (issue.Field is not null)
            {
                text.Append(' ').Append(issue.Field);
            }

            text.Append(issue.AffectsRouting ? " (routing)" : string.Empty).Append(": ").Append(issue.Message.Replace('\n', ' ')).Append('\n');
        }

        return text.ToString();
    }

    private static string Indent(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            document.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
