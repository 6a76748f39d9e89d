using System.Text;
using System.Text.Json;
using PolicyAttach.Binding;
using PolicyAttach.Cli.Audit;
using PolicyAttach.Cli.Check;
using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Output;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Commands;

/// <summary><c>policyattach audit</c>: the statuses a controller wrote against the ones the engine computes.</summary>
internal sealed class AuditCommand : ICommand
{
    private static readonly string[] Formats = ["text", "json", "sarif", "github"];

    /// <inheritdoc />
    public string Name => "audit";

    /// <inheritdoc />
    public string Summary => "Compare the statuses a controller wrote with the ones the spec says it should write.";

    /// <inheritdoc />
    public string Synopsis => "policyattach audit PATH...|--cluster [--controller-name NAME] [-o text|json|sarif|github] [--compare-messages] [--compare-timestamps] [options]";

    /// <inheritdoc />
    public string Description =>
        "Reads objects with their status (files, such as the output of 'kubectl get gatewayclasses,gateways,httproutes,\n"
        + "referencegrants,services,namespaces -A -o yaml', or a cluster with --cluster), evaluates them for the controller\n"
        + "names (--controller-name, or the one in the input), and compares, object by object, the status written with the\n"
        + "status computed: conditions by type (status, reason and observedGeneration; messages with --compare-messages),\n"
        + "listeners' attachedRoutes and supportedKinds, and the route parents and policy ancestors entries of those\n"
        + "controllers, present or missing. Condition types the engine does not compute (an implementation's own) are\n"
        + "not compared. Codes: PA8001 a condition differs, PA8002 something computed is not written, PA8003 an entry\n"
        + "is written that is not computed, PA8004 attachedRoutes or supportedKinds differs.\n"
        + "The engine has no clock, so --compare-timestamps checks each written lastTransitionTime of a compared\n"
        + "condition against what one status can show: it is written, it is an RFC 3339 time, and it is not before the\n"
        + "object's creationTimestamp (PA8001); without --compare-timestamps times are not compared.\n"
        + "Output: text (one line per difference, then a summary), json ({controllerNames, audited, differing,\n"
        + "differences}), sarif or github (as check prints them).\n"
        + "Exit status: 0 every status matches; 1 a status differs (or the input had errors); 2 usage error.";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } = CommonOptions.Standard(
        [
            new("compare-messages", string.Empty, "Compare condition messages too (they are implementation wording, so not compared by default).", IsFlag: true),
            new("compare-timestamps", string.Empty, "Check each written lastTransitionTime: present, RFC 3339, not before the object's creationTimestamp.", IsFlag: true),
        ],
        CommonOptions.Output("text (default), json, sarif or github.", Formats));

    /// <inheritdoc />
    public int Execute(ParsedArguments args, CliContext context)
    {
        var format = (args.Get("output") ?? "text").ToLowerInvariant();
        if (!Formats.Contains(format, StringComparer.Ordinal))
        {
            return context.UsageError($"unknown output format '{args.Get("output")}'; use one of: {string.Join(", ", Formats)}", Name);
        }

        if (!Profiles.TryResolve(args.Get("profile"), out var profile, out var error)
            || !ObjectFilter.TryRead(args, out var filter, out error)
            || !InputOptions.TryRead(args, args.Positionals.Count, out var input, out error)
            || !Workspace.TryLoadFor(input, args, context, profile, out var workspace, out var controllers, out error))
        {
            return context.UsageError(error!, Name);
        }

        if (controllers.IsEmpty)
        {
            return context.UsageError("the input has no GatewayClass, so no controller to audit: give --controller-name", Name);
        }

        var result = Evaluator.Evaluate(workspace.Snapshot, Profiles.Options(controllers, profile));
        var computed = new Dictionary<ResourceKey, JsonElement>();
        using var document = JsonDocument.Parse(StatusWriter.ToJson(result, new StatusWriterOptions { Indented = false }));
        foreach (var element in document.RootElement.EnumerateArray())
        {
            if (KeyOf(element) is { } key && filter.Includes(workspace.Snapshot, key) && element.TryGetProperty("status", out var status))
            {
                computed[key] = status;
            }
        }

        var written = new Dictionary<ResourceKey, JsonElement>();
        foreach (var loaded in workspace.Load.Objects)
        {
            if (loaded.Status is { } status && filter.Includes(workspace.Snapshot, loaded.Resource.Key))
            {
                written[loaded.Resource.Key] = status;
            }
        }

        // Creation times the loader made up (none written, or --creation-order) say nothing about when a condition changed.
        var createdAt = input.InputOrderIsCreationOrder
            ? new Dictionary<ResourceKey, DateTimeOffset>()
            : workspace.Load.Objects.Where(o => o.Resource.Metadata.CreationTimestamp != ObjectMeta.DefaultEpoch)
                .GroupBy(o => o.Resource.Key).ToDictionary(g => g.Key, g => g.Last().Resource.Metadata.CreationTimestamp);
        var differences = AuditComparer.Compare(computed, written, controllers, new AuditOptions(args.Has("compare-messages"), args.Has("compare-timestamps"), createdAt));
        var audited = computed.Keys.Union(written.Keys.Where(k => differences.Any(d => d.Subject == k))).Count();
        var differing = differences.Select(d => d.Subject).Distinct().Count();
        context.Out(format switch
        {
            "json" => JsonOutput.Serialize(new AuditJson([.. controllers], audited, differing,
                [.. differences.Select(d => new AuditJsonItem(Explain.ObjectRef.From(d.Subject), d.Path, d.Code, d.Written, d.Computed, d.Message))])),
            "sarif" => CheckSarif.Write(Report(workspace, differences, input)),
            "github" => CheckText.GitHub(Report(workspace, differences, input)),
            _ => Text(differences, audited, differing, controllers),
        });
        return differences.Count > 0 || workspace.HasErrors ? ExitCodes.InputErrors : ExitCodes.Success;
    }

    private static string Text(IReadOnlyList<AuditDifference> differences, int audited, int differing, IEnumerable<string> controllers)
    {
        var text = new StringBuilder();
        foreach (var d in differences)
        {
            text.Append(d.Subject).Append(' ').Append(d.Path).Append(": ").Append(d.Message).Append(" [").Append(d.Code).Append("]\n");
        }

        if (differences.Count > 0)
        {
            text.Append('\n');
        }

        var verdict = differing == 0
            ? "every status matches."
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{differing} differ ({differences.Count} difference(s)).");
        text.Append(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{audited} object(s) audited for {string.Join(", ", controllers)}: {verdict}"));
        return text.ToString();
    }

    private static CheckReport Report(Workspace workspace, IReadOnlyList<AuditDifference> differences, InputOptions input)
    {
        var items = differences.Select(d =>
        {
            var diagnostic = new Diagnostic { Severity = DiagnosticSeverity.Error, Code = d.Code, Subject = d.Subject, Path = d.Path, Message = d.Message };
            return new CheckItem(d.Code, DiagnosticSeverity.Error, d.Subject, d.Path, d.Message, workspace.LocationOf(diagnostic with { Path = "status" }), null);
        }).ToList();
        return new CheckReport(items, [], DiagnosticSeverity.Error, [.. input.Items.Where(i => !i.Kustomize).Select(i => i.Value)]);
    }

    private static ResourceKey? KeyOf(JsonElement element)
    {
        if (!element.TryGetProperty("kind", out var kind) || !element.TryGetProperty("apiVersion", out var apiVersion) || !element.TryGetProperty("metadata", out var metadata))
        {
            return null;
        }

        var ns = metadata.TryGetProperty("namespace", out var n) ? n.GetString() ?? string.Empty : string.Empty;
        return new ResourceKey(GroupKind.FromApiVersion(apiVersion.GetString()!, kind.GetString()!), ns, metadata.GetProperty("name").GetString()!);
    }
}

/// <summary><c>audit -o json</c>.</summary>
internal sealed record AuditJson(IReadOnlyList<string> ControllerNames, int Audited, int Differing, IReadOnlyList<AuditJsonItem> Differences);

/// <summary>One difference as JSON.</summary>
internal sealed record AuditJsonItem(Explain.ObjectRef Object, string Path, string Code, string? Written, string? Computed, string Message);
