namespace PolicyAttach.Cli;

/// <summary>The policyattach command.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <returns>The exit code.</returns>
    public static int Main(string[] args) => args.Length == 0 ? 2 : 0;
}
