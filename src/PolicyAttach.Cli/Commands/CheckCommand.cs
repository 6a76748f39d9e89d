using PolicyAttach.Binding;
using PolicyAttach.Cli.Check;
using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Explain;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Output;
using PolicyAttach.Diagnostics;
using PolicyAttach.Findings;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Commands;

/// <summary><c>policyattach check</c>: every problem of the input as coded results, with an exit status for CI.</summary>
internal sealed class CheckCommand : ICommand
{
    private static readonly string[] Formats = ["text", "json", "sarif", "github"];

    private static readonly string[] Thresholds = ["error", "warning", "info", "none"];

    /// <inheritdoc />
    public string Name => "check";

    /// <inheritdoc />
    public string Summary => "Check manifests for CI: coded findings, a --fail-on threshold, SARIF and GitHub output.";

    /// <inheritdoc />
    public string Synopsis => "policyattach check PATH... [--fail-on error|warning|info|none] [-o text|json|sarif|github] [--suppress CODE[:KIND/NS/NAME]]... [options]\n"
        + "       policyattach check --list [-o text|json]";

    /// <inheritdoc />
    public string Description =>
        "Reads and evaluates the manifests, then reports every problem found: what the reader reports (syntax, schema,\n"
        + "PA1xxx and PA2xxx) and the findings computed after evaluation (PA3xxx: references to things that do not exist,\n"
        + "routes and parentRefs no listener accepts, route hostnames no listener serves, listeners in conflict,\n"
        + "cross-namespace references without a ReferenceGrant, rules that can never match, policies not in effect,\n"
        + "ReferenceGrants that permit nothing used; PA7xxx: Ingresses of no class or of a class not in the input).\n"
        + "--list prints every check with its code, severity and one line; docs/diagnostics.md explains each.\n"
        + "Output: text (one line each, file:line:column: severity: object path: message [CODE], then a summary), json\n"
        + "({failOn, failed, summary, findings, suppressed}), sarif (SARIF 2.1.0 for code scanning) or github (workflow\n"
        + "commands ::error file=PATH,line=N,col=N::message). A finding is suppressed by its object's annotation\n"
        + "policyattach.io/suppress: CODE,CODE or by --suppress CODE (every object) or CODE:KIND/NAMESPACE/NAME\n"
        + "(KIND/NAME for a cluster-scoped one); suppressions are counted in the summary. -n and -l narrow the results to\n"
        + "objects of a namespace or with matching labels (results about no object stay).\n"
        + "Exit status: 0 no result at or above --fail-on (default error); 1 one is; 2 usage error.";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } = CommonOptions.Standard(
        [
            new("fail-on", "SEVERITY", "Exit 1 when a result is at or above: error (default), warning, info, or none (always 0).") { Choices = Thresholds },
            new("suppress", "CODE[:KIND/NS/NAME]", "Suppress a code everywhere, or on one object.", Repeatable: true),
            new("list", string.Empty, "Print every check (code, severity, one line) and exit.", IsFlag: true),
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

        if (args.Has("list"))
        {
            if (format is not ("text" or "json"))
            {
                return context.UsageError("--list prints text or json", Name);
            }

            context.Out(format == "text"
                ? CheckText.List()
                : JsonOutput.Serialize(FindingRules.All.Select(r => new CheckRuleJson(r.Code, CheckText.Severity(r.Severity), r.Title, r.Help, r.DocumentationAnchor)).ToList()));
            return ExitCodes.Success;
        }

        var failOnText = (args.Get("fail-on") ?? "error").ToLowerInvariant();
        if (!Thresholds.Contains(failOnText, StringComparer.Ordinal))
        {
            return context.UsageError($"unknown --fail-on '{args.Get("fail-on")}'; use one of: {string.Join(", ", Thresholds)}", Name);
        }

        DiagnosticSeverity? failOn = failOnText switch
        {
            "error" => DiagnosticSeverity.Error,
            "warning" => DiagnosticSeverity.Warning,
            "info" => DiagnosticSeverity.Info,
            _ => null,
        };
        var suppressions = new List<FindingSuppression>();
        foreach (var text in args.GetAll("suppress"))
        {
            if (!TryParseSuppression(text, out var suppression, out var error))
            {
                return context.UsageError(error!, Name);
            }

            suppressions.Add(suppression);
        }

        if (!Profiles.TryResolve(args.Get("profile"), out var profile, out var problem)
            || !ObjectFilter.TryRead(args, out var filter, out problem)
            || !InputOptions.TryRead(args, args.Positionals.Count, out var input, out problem)
            || !Workspace.TryLoad(input, context, out var workspace, out problem, profile)
            || !workspace.TryResolveControllers(args.GetAll(CommonOptions.ControllerName.Name), out var controllers, out problem))
        {
            return context.UsageError(problem!, Name);
        }

        var result = Evaluator.Evaluate(workspace.Snapshot, Profiles.Options(controllers, profile));
        var findings = FindingAnalyzer.Analyze(result, options: new FindingOptions { Suppressions = [.. suppressions] });
        var report = Build(workspace, findings, suppressions, filter, failOn, input);
        if (format == "json")
        {
            // Written as it is serialized: a repository's findings can run to megabytes.
            JsonOutput.Write(context, CheckJson.From(report), OutputFormat.Json);
        }
        else
        {
            context.Out(format switch
            {
                "sarif" => CheckSarif.Write(report),
                "github" => CheckText.GitHub(report),
                _ => CheckText.Write(report),
            });
        }

        return report.Failed ? ExitCodes.InputErrors : ExitCodes.Success;
    }

    /// <summary>The reader's diagnostics and the findings, located, suppressed and narrowed, sorted by position.</summary>
    private static CheckReport Build(Workspace workspace, FindingReport findings, List<FindingSuppression> suppressions, ObjectFilter filter, DiagnosticSeverity? failOn, InputOptions input)
    {
        var items = new List<CheckItem>();
        foreach (var diagnostic in workspace.Diagnostics)
        {
            var asFinding = new Finding { Code = diagnostic.Code, Severity = diagnostic.Severity, Subject = diagnostic.Subject ?? default, Path = diagnostic.Path, Message = diagnostic.Message };
            var by = diagnostic.Subject is { } s && workspace.Snapshot.Find(s)?.Metadata.Annotations.GetValueOrDefault(FindingAnalyzer.SuppressAnnotation) is { } codes
                && codes.Split(',', StringSplitOptions.TrimEntries).Contains(diagnostic.Code, StringComparer.OrdinalIgnoreCase)
                ? "annotation"
                : suppressions.Any(x => (x.Subject is null || diagnostic.Subject is not null) && x.Matches(asFinding)) ? "option" : null;
            items.Add(Item(workspace, diagnostic, by));
        }

        items.AddRange(findings.Findings.Select(f => Item(workspace, f.ToDiagnostic(), null)));
        items.AddRange(findings.Suppressed.Select(s => Item(workspace, s.Finding.ToDiagnostic(), s.By)));
        var kept = items
            .Where(i => i.Subject is not { } subject || filter.Includes(workspace.Snapshot, subject))
            .OrderBy(i => i.Location?.File ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(i => i.Location?.Line ?? 0)
            .ThenBy(i => i.Location?.Column ?? 0)
            .ThenBy(i => i.Code, StringComparer.Ordinal)
            .ThenBy(i => i.Subject ?? default)
            .ThenBy(i => i.Message, StringComparer.Ordinal)
            .ToList();
        return new CheckReport([.. kept.Where(i => i.SuppressedBy is null)], [.. kept.Where(i => i.SuppressedBy is not null)], failOn,
            [.. input.Items.Where(i => !i.Kustomize).Select(i => i.Value)]);
    }

    private static CheckItem Item(Workspace workspace, Diagnostic diagnostic, string? suppressedBy)
        => new(diagnostic.Code, diagnostic.Severity, diagnostic.Subject, diagnostic.Path, diagnostic.Message, workspace.LocationOf(diagnostic), suppressedBy);

    /// <summary>Reads <c>CODE</c> or <c>CODE:KIND/NAMESPACE/NAME</c> (<c>KIND/NAME</c> for a cluster-scoped object; KIND may carry its group).</summary>
    internal static bool TryParseSuppression(string text, out FindingSuppression suppression, out string? error)
    {
        suppression = null!;
        error = null;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var code = (colon < 0 ? text : text[..colon]).Trim();
        if (FindingRules.Find(code) is not { } rule)
        {
            var close = FindingRules.All.Where(r => Similarity.Distance(r.Code, code.ToUpperInvariant()) <= 1).Select(r => r.Code).ToList();
            error = $"--suppress '{text}': unknown code '{code}'"
                + (close.Count > 0 ? $"; did you mean {string.Join(" or ", close.Select(c => "'" + c + "'"))}?" : "; 'policyattach check --list' lists them");
            return false;
        }

        if (colon < 0)
        {
            suppression = new FindingSuppression(rule.Code);
            return true;
        }

        var target = text[(colon + 1)..];
        if (!ResourceKey.TryParse(target, out var subject))
        {
            error = $"--suppress '{text}': '{target}' is not KIND/NAMESPACE/NAME (or KIND/NAME for a cluster-scoped object)";
            return false;
        }

        suppression = new FindingSuppression(rule.Code, subject);
        return true;
    }
}
