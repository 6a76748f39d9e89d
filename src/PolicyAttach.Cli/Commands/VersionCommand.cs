using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Output;

namespace PolicyAttach.Cli.Commands;

/// <summary><c>policyattach version</c>: the tool's version, as <c>kubectl version --client</c> prints it.</summary>
internal sealed class VersionCommand : ICommand
{
    private static readonly OutputFormat[] Formats = [OutputFormat.Text, OutputFormat.Json, OutputFormat.Yaml];

    /// <inheritdoc />
    public string Name => "version";

    /// <inheritdoc />
    public string Summary => "Print the version of policyattach.";

    /// <inheritdoc />
    public string Synopsis => "policyattach version [-o text|json|yaml]";

    /// <inheritdoc />
    public string Description =>
        "Prints the version (the same as --version). JSON and YAML: {\"clientVersion\": {\"version\": string}}.";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } = [CommonOptions.Output("text (default), json or yaml.", "text", "json", "yaml")];

    /// <inheritdoc />
    public int Execute(ParsedArguments args, CliContext context)
    {
        if (!OutputFormats.TryParse(args.Get("output"), OutputFormat.Text, Formats, out var format, out var error))
        {
            return context.UsageError(error!, Name);
        }

        if (args.Positionals.Count > 0)
        {
            return context.UsageError($"version takes no argument; got '{args.Positionals[0]}'", Name);
        }

        if (format == OutputFormat.Text)
        {
            context.Out("policyattach " + Cli.Version);
            return ExitCodes.Success;
        }

        context.Out(JsonOutput.Render(JsonOutput.Serialize(new VersionReport(new ClientVersion(Cli.Version))), format));
        return ExitCodes.Success;
    }

    /// <summary>The JSON of <c>version</c>, shaped as <c>kubectl version --client -o json</c>.</summary>
    /// <param name="ClientVersion">The tool's version.</param>
    internal sealed record VersionReport(ClientVersion ClientVersion);

    /// <summary>A version.</summary>
    /// <param name="Version">The informational version, without the source revision.</param>
    internal sealed record ClientVersion(string Version);
}
