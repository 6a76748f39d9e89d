using PolicyAttach.Cli.CommandLine;

namespace PolicyAttach.Cli.Commands;

/// <summary><c>policyattach completion SHELL</c>: a shell completion script, as <c>kubectl completion</c> prints one.</summary>
/// <param name="commands">Every command of the tool (this one included), whose options the script completes.</param>
internal sealed class CompletionCommand(Func<IReadOnlyList<ICommand>> commands) : ICommand
{
    /// <inheritdoc />
    public string Name => "completion";

    /// <inheritdoc />
    public string Summary => "Print a shell completion script (bash, zsh, fish or powershell).";

    /// <inheritdoc />
    public string Synopsis => "policyattach completion bash|zsh|fish|powershell";

    /// <inheritdoc />
    public string Description =>
        "Prints a script that completes commands, options, option values and file names in the shell named:\n"
        + "  bash        source <(policyattach completion bash)\n"
        + "  zsh         source <(policyattach completion zsh)\n"
        + "  fish        policyattach completion fish | source\n"
        + "  powershell  policyattach completion powershell | Out-String | Invoke-Expression\n"
        + "Each script says how to load it in every new shell.";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } = [];

    /// <inheritdoc />
    public int Execute(ParsedArguments args, CliContext context)
    {
        if (args.Positionals.Count != 1)
        {
            return context.UsageError("give one shell: " + string.Join(", ", CompletionScripts.Shells), Name);
        }

        var shell = args.Positionals[0];
        if (CompletionScripts.For(shell, commands()) is not { } script)
        {
            var close = CompletionScripts.Shells.Where(s => Similarity.Distance(s, shell.ToLowerInvariant()) <= 2).ToList();
            return context.UsageError($"unknown shell '{shell}'; use one of: {string.Join(", ", CompletionScripts.Shells)}"
                + (close.Count == 0 ? string.Empty : $"; did you mean '{close[0]}'?"), Name);
        }

        context.Out(script);
        return ExitCodes.Success;
    }
}
