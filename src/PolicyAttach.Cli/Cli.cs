using System.Reflection;
using System.Text;
using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Commands;

namespace PolicyAttach.Cli;

/// <summary>Dispatches the command line to a command; testable without a process.</summary>
internal static class Cli
{
    private static readonly ICommand[] Commands =
    [
        new ValidateCommand(), new StatusCommand(), new ExplainCommand(), new EffectiveCommand(), new MatchCommand(),
        new DescribeCommand(), new GraphCommand(), new DiffCommand(), new ConvertIngressCommand(), new ConvertIstioCommand(), new ConvertSmiCommand(),
        new CheckCommand(), new AuditCommand(), new VersionCommand(), new CompletionCommand(() => AllCommands),
    ];

    /// <summary>Every command, <c>help</c> included (for completion scripts).</summary>
    internal static IReadOnlyList<ICommand> AllCommands => [.. Commands, HelpCommand.Instance];

    /// <summary>Runs <c>policyattach</c> with standard output treated as redirected (JSON by default).</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="stdin">What the path <c>-</c> reads.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
        => Run(args, stdin, stdout, stderr, isTerminal: false);

    /// <summary>Runs <c>policyattach</c>.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="stdin">What the path <c>-</c> reads.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="isTerminal">Whether standard output is a terminal.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, bool isTerminal)
        => Run(args, new CliContext(stdin, stdout, stderr, isTerminal));

    /// <summary>Runs <c>policyattach</c> with every dependency on the process given: streams, terminals, environment, clock.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="context">The streams and the host.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        if (args.Length == 0)
        {
            context.Err(GlobalHelp());
            return ExitCodes.Usage;
        }

        var first = args[0];
        switch (first)
        {
            case "--help" or "-h":
                context.Out(GlobalHelp());
                return ExitCodes.Success;
            case "--version":
                context.Out("policyattach " + Version);
                return ExitCodes.Success;
            case "help":
                if (args.Length == 1)
                {
                    context.Out(GlobalHelp());
                    return ExitCodes.Success;
                }

                return Find(args[1]) is { } helped
                    ? Help(helped, context)
                    : context.UsageError($"unknown command '{args[1]}'{Suggest(args[1])}", null);
        }

        if (first.StartsWith('-'))
        {
            return context.UsageError($"unknown option '{first}'", null);
        }

        if (Find(first) is not { } command)
        {
            return context.UsageError($"unknown command '{first}'{Suggest(first)}", null);
        }

        var ok = ArgumentParser.TryParse(args[1..], command.Options, out var parsed, out var error);
        if (parsed.Help)
        {
            return Help(command, context);
        }

        return ok ? command.Execute(parsed, context) : context.UsageError(error!, command.Name);
    }

    /// <summary>The informational version without the source revision.</summary>
    internal static string Version
    {
        get
        {
            var version = typeof(Cli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? typeof(Cli).Assembly.GetName().Version?.ToString() ?? "0.0.0";
            var plus = version.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? version : version[..plus];
        }
    }

    private static ICommand? Find(string name) => Commands.FirstOrDefault(c => c.Name == name);

    /// <summary><c>help [COMMAND]</c>, listed for completion scripts (dispatched before the other commands).</summary>
    private sealed class HelpCommand : ICommand
    {
        public static readonly HelpCommand Instance = new();

        public string Name => "help";

        public string Summary => "Show the help of a command.";

        public string Synopsis => "policyattach help [COMMAND]";

        public string Description => Summary;

        public IReadOnlyList<OptionSpec> Options { get; } = [];

        public int Execute(ParsedArguments args, CliContext context) => Run(["help", .. args.Positionals], context);
    }

    private static string Suggest(string name)
    {
        var close = Commands.Where(c => c.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase) || Similarity.Distance(c.Name, name.ToLowerInvariant()) <= 2)
            .Select(c => c.Name).ToList();
        return close.Count == 0 ? string.Empty : "; did you mean " + string.Join(" or ", close.Select(c => $"'{c}'")) + "?";
    }

    private static int Help(ICommand command, CliContext context)
    {
        var text = new StringBuilder();
        text.Append("Usage: ").Append(command.Synopsis).Append('\n').Append('\n');
        text.Append(command.Description).Append('\n').Append('\n');
        text.Append("Options:\n");
        var rows = command.Options.Select(o => (o.HelpLabel, o.Description + (o.Repeatable ? " (may be repeated)" : string.Empty)))
            .Append(("-h, --help", "Show this help."))
            .ToList();
        var width = rows.Max(r => r.Item1.Length) + 2;
        foreach (var (left, right) in rows)
        {
            text.Append("  ").Append(left.PadRight(width)).Append(right).Append('\n');
        }

        text.Append('\n').Append(ExitStatusHelp);
        context.Out(text.ToString());
        return ExitCodes.Success;
    }

    private const string ExitStatusHelp =
        "Exit status: 0 success; 1 the input had errors (printed to standard error as file:line:column: error: message;\n"
        + "everything readable was still evaluated); 2 usage error.\n";

    private static string GlobalHelp()
    {
        var text = new StringBuilder();
        text.Append("policyattach ").Append(Version).Append(": what a conformant Gateway API controller computes, with no cluster.\n\n");
        text.Append("Usage: policyattach COMMAND [options]\n\nCommands:\n");
        var width = Commands.Max(c => c.Name.Length) + 2;
        foreach (var command in Commands)
        {
            text.Append("  ").Append(command.Name.PadRight(width)).Append(command.Summary).Append('\n');
        }

        text.Append("  ").Append("help".PadRight(width)).Append("Show the help of a command.\n\n");
        text.Append("Options:\n  -h, --help  Show this help.\n  --version   Show the version.\n\n");
        text.Append("PATH... are files, directories (their *.yaml, *.yml and *.json files; subdirectories with -R), or - for\n");
        text.Append("standard input; -f PATH is the same, -k DIR reads what 'kubectl kustomize DIR' builds.\n");
        text.Append("Run 'policyattach COMMAND --help' for the options of a command.\n\n");
        text.Append(ExitStatusHelp);
        return text.ToString();
    }
}
