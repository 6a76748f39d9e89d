namespace PolicyAttach.Cli;

/// <summary>The policyattach command.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <returns>The exit code: 0 success, 1 the input had errors, 2 usage error.</returns>
    public static int Main(string[] args)
        => Cli.Run(args, new CommandLine.CliContext(Console.In, Console.Out, Console.Error, !Console.IsOutputRedirected)
        {
            IsErrorTerminal = !Console.IsErrorRedirected,
            StdinBytes = Console.OpenStandardInput,
            StdoutBytes = Console.OpenStandardOutput,
        });
}
