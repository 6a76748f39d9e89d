using System.Globalization;
using PolicyAttach.Binding;
using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Output;

namespace PolicyAttach.Cli.Commands;

/// <summary><c>policyattach status</c>: the status subresources a conformant controller writes.</summary>
internal sealed class StatusCommand : ICommand
{
    private static readonly OutputFormat[] Formats = [OutputFormat.Json, OutputFormat.Yaml, OutputFormat.Text];

    /// <inheritdoc />
    public string Name => "status";

    /// <inheritdoc />
    public string Summary => "Print the statuses a conformant controller writes.";

    /// <inheritdoc />
    public string Synopsis => "policyattach status PATH... [-o json|yaml|text] [--time RFC3339] [--affected-conditions] [--watch] [options]";

    /// <inheritdoc />
    public string Description =>
        "Evaluates the manifests and prints one element per object whose status the controller writes (GatewayClass,\n"
        + "Gateway, ListenerSet, routes, policies), sorted by (group, kind, namespace, name). JSON is the default when standard output\n"
        + "is redirected, text on a terminal. Text output also shows, for each Ingress of the controller acted for (every Ingress\n"
        + "when no Gateway controller is in play), its class, how the class was chosen (spec.ingressClassName, the annotation\n"
        + "or the default IngressClass) and its controller, and reports the Ingress problems found on standard error.";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } = CommonOptions.Standard(
        [new("time", "RFC3339", "Write this lastTransitionTime on every condition (default: none)."),
         new("affected-conditions", string.Empty, "Also write GEP-713's optional <group>/<Kind>Affected conditions on the objects and listeners policies apply to (Experimental; default: off).", IsFlag: true),
         CommonOptions.Watch],
        CommonOptions.Output("json (default when redirected), yaml or text (default on a terminal).", "json", "yaml", "text"));

    /// <inheritdoc />
    public int Execute(ParsedArguments args, CliContext context)
    {
        var fallback = context.IsTerminal ? OutputFormat.Text : OutputFormat.Json;
        if (!OutputFormats.TryParse(args.Get("output"), fallback, Formats, out var format, out var error)
            || !TryParseTime(args.Get("time"), out var time, out error)
            || !Profiles.TryResolve(args.Get("profile"), out var profile, out error)
            || !ObjectFilter.TryRead(args, out var filter, out error)
            || !InputOptions.TryRead(args, args.Positionals.Count, out var input, out error))
        {
            return context.UsageError(error!, Name);
        }

        if (args.Has(CommonOptions.Watch.Name))
        {
            if (format == OutputFormat.Yaml || !FileWatch.TryCreate(input, profile, out var watch, out error))
            {
                return context.UsageError(error ?? "--watch prints JSON lines or text, not YAML", Name);
            }

            using (watch)
            {
                var affected = args.Has("affected-conditions");
                return StatusWatch.Run(
                    watch,
                    snapshot =>
                    {
                        if (!Workspace.TryResolveControllers(snapshot, args.GetAll(CommonOptions.ControllerName.Name), out var names, out var problem))
                        {
                            context.UsageError(problem!, Name);
                            return null;
                        }

                        return Profiles.Options(names, profile) with { AffectedConditions = affected };
                    },
                    format,
                    new StatusWriterOptions { Time = time },
                    (snapshot, key) => filter.IsEverything || filter.Includes(snapshot, key),
                    context);
            }
        }

        if (!Workspace.TryLoadFor(input, args, context, profile, out var workspace, out var controllers, out error))
        {
            return context.UsageError(error!, Name);
        }

        var result = Evaluator.Evaluate(workspace.Snapshot, Profiles.Options(controllers, profile) with { AffectedConditions = args.Has("affected-conditions") });
        IngressScope? ingresses = null;
        if (format == OutputFormat.Text)
        {
            ingresses = IngressScope.Build(workspace.Snapshot, controllers);
            ingresses.PrintDiagnostics(workspace, context);
        }

        workspace.PrintFindings(context, result, filter, ingresses?.Diagnostics);

        var options = new StatusWriterOptions { Time = time, Indented = true, Include = filter.IsEverything ? null : key => filter.Includes(workspace.Snapshot, key) };
        // JSON and YAML are written as they are produced: the statuses of a large cluster are tens of megabytes.
        switch (format)
        {
            case OutputFormat.Json:
                context.OutJson(writer => StatusWriter.Write(result, writer, options));
                break;
            case OutputFormat.Yaml:
                JsonOutput.Write(context, writer => StatusWriter.Write(result, writer, options), format);
                break;
            default:
                context.Out(StatusText.Write(result, ingresses, key => filter.Includes(workspace.Snapshot, key)));
                break;
        }

        return workspace.ExitCode;
    }

    /// <summary>Parses an RFC 3339 time (<c>2024-05-01T12:00:00Z</c> or with an offset and fractional seconds).</summary>
    /// <param name="value">The value, or null.</param>
    /// <param name="time">The time, or null when none was given.</param>
    /// <param name="error">The usage error.</param>
    /// <returns>Whether the value is absent or valid.</returns>
    internal static bool TryParseTime(string? value, out DateTimeOffset? time, out string? error)
    {
        time = null;
        error = null;
        if (value is null)
        {
            return true;
        }

        string[] formats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];
        var normalized = value.Length > 10 && value[10] == 't' ? value[..10] + "T" + value[11..] : value;
        if (normalized.EndsWith('z'))
        {
            normalized = normalized[..^1] + "Z";
        }

        if ((normalized.EndsWith('Z') || normalized.Length > 6 && normalized[^6] is '+' or '-')
            && DateTimeOffset.TryParseExact(normalized, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            time = parsed.ToUniversalTime();
            return true;
        }

        error = $"--time '{value}' is not an RFC 3339 time such as 2024-05-01T12:00:00Z";
        return false;
    }
}
