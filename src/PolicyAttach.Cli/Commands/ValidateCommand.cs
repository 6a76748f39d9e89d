using System.Globalization;
using System.Text;
using PolicyAttach.Binding;
using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Output;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Commands;

/// <summary><c>policyattach validate</c>: loads the input and reports counts and diagnostics.</summary>
internal sealed class ValidateCommand : ICommand
{
    private static readonly OutputFormat[] Formats = [OutputFormat.Text, OutputFormat.Json, OutputFormat.Yaml];

    /// <inheritdoc />
    public string Name => "validate";

    /// <inheritdoc />
    public string Summary => "Read manifests and report object counts and every diagnostic.";

    /// <inheritdoc />
    public string Synopsis => "policyattach validate PATH... [-o text|json|yaml] [options]";

    /// <inheritdoc />
    public string Description =>
        "Reads the manifests as the engine would and prints the number of files, documents and objects by kind,\n"
        + "and every diagnostic on standard error as file:line:column: severity: message [CODE] (JSON output lists them too).";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
        CommonOptions.Standard([], CommonOptions.Output("text (default), json or yaml.", "text", "json", "yaml"));

    /// <inheritdoc />
    public int Execute(ParsedArguments args, CliContext context)
    {
        if (!OutputFormats.TryParse(args.Get("output"), OutputFormat.Text, Formats, out var format, out var error)
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

        workspace.PrintDiagnostics(context, filter);
        if (workspace.TryResolveControllers(args.GetAll(CommonOptions.ControllerName.Name), out var controllers, out var ambiguous))
        {
            workspace.PrintFindings(context, Evaluator.Evaluate(workspace.Snapshot, Profiles.Options(controllers, profile)), filter);
        }
        else
        {
            context.Err($"policyattach: info: findings not computed: {ambiguous}");
        }

        var counts = workspace.Snapshot.Objects
            .Where(filter.Includes)
            .GroupBy(o => o.Key.GroupKind)
            .OrderBy(g => g.Key)
            .Select(g => (Kind: g.Key.ToString(), Count: g.Count()))
            .ToList();
        if (format == OutputFormat.Text)
        {
            context.Out(Text(workspace, counts, filter));
        }
        else
        {
            JsonOutput.Write(context, Report(workspace, counts, filter), format);
        }

        return workspace.ExitCode;
    }

    private static ValidateReport Report(Workspace workspace, List<(string Kind, int Count)> counts, ObjectFilter filter)
    {
        var objects = new OrderedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (kind, count) in counts)
        {
            objects[kind] = count;
        }

        var diagnostics = workspace.Diagnostics.Where(d => workspace.Includes(d, filter)).Select(d =>
        {
            var where = workspace.LocationOf(d);
            return new DiagnosticRecord(where?.File, where?.Line, where?.Column, Workspace.SeverityName(d.Severity), d.Code, d.Message, d.Subject?.ToString(), d.Path);
        }).ToList();
        return new ValidateReport(workspace.Load.FileCount, workspace.Load.DocumentCount, objects, diagnostics);
    }

    private static string Text(Workspace workspace, List<(string Kind, int Count)> counts, ObjectFilter filter)
    {
        var text = new StringBuilder();
        var total = counts.Sum(c => c.Count);
        text.Append(CultureInfo.InvariantCulture, $"{Plural(workspace.Load.FileCount, "file")}, {Plural(workspace.Load.DocumentCount, "document")}, {Plural(total, "object")}\n");
        foreach (var (kind, count) in counts)
        {
            text.Append(CultureInfo.InvariantCulture, $"{count,6}  {kind}\n");
        }

        var errors = workspace.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error && workspace.Includes(d, filter));
        var warnings = workspace.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning && workspace.Includes(d, filter));
        text.Append(CultureInfo.InvariantCulture, $"{Plural(errors, "error")}, {Plural(warnings, "warning")}\n");
        return text.ToString();
    }

    private static string Plural(int count, string noun) => string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");

    /// <summary>The JSON report of <c>validate</c>.</summary>
    /// <param name="Files">Files (and streams) read.</param>
    /// <param name="Documents">Documents and list items read.</param>
    /// <param name="Objects">Objects kept, by <c>Kind.group</c>, sorted by group then kind.</param>
    /// <param name="Diagnostics">Every diagnostic in input order.</param>
    internal sealed record ValidateReport(int Files, int Documents, OrderedDictionary<string, int> Objects, IReadOnlyList<DiagnosticRecord> Diagnostics);

    /// <summary>A diagnostic as data.</summary>
    /// <param name="File">The file, or null.</param>
    /// <param name="Line">The line, or null.</param>
    /// <param name="Column">The column, or null.</param>
    /// <param name="Severity"><c>error</c>, <c>warning</c> or <c>info</c>.</param>
    /// <param name="Code">The code, such as <c>PA1001</c>.</param>
    /// <param name="Message">The message.</param>
    /// <param name="Object">The object concerned, as <c>Kind/namespace/name</c>, or null.</param>
    /// <param name="Path">The field path, or null.</param>
    internal sealed record DiagnosticRecord(string? File, int? Line, int? Column, string Severity, string Code, string Message, string? Object, string? Path);
}
