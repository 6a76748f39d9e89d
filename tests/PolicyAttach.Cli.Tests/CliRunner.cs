using System.Text;

namespace PolicyAttach.Cli.Tests;

/// <summary>Runs the CLI in-process and compares its output with committed golden files.</summary>
internal static class CliRunner
{
    /// <summary>The fixtures folder next to the test assembly.</summary>
    public static string FixturesDir { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>The folder holding PolicyAttach.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Where golden files are kept (in the source tree, so that they can be rewritten).</summary>
    public static string GoldenDir => Path.Combine(RepoRoot, "tests", "PolicyAttach.Cli.Tests", "Golden");

    public static string Fixture(string name) => Path.Combine(FixturesDir, name);

    public static CliRun Run(params string[] args) => RunWithStdin(string.Empty, args);

    /// <summary>Runs with these environment variables (and no other).</summary>
    public static CliRun RunWith(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var input = new StringReader(string.Empty);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = Cli.Run(args, new CommandLine.CliContext(input, output, error, false) { Environment = name => environment.GetValueOrDefault(name) });
        return new CliRun(code, Normalize(output.ToString()), Normalize(error.ToString()));
    }

    public static CliRun RunWithStdin(string stdin, params string[] args)
    {
        using var input = new StringReader(stdin);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = Cli.Run(args, input, output, error);
        return new CliRun(code, Normalize(output.ToString()), Normalize(error.ToString()));
    }

    /// <summary>
    /// Machine paths become <c>Fixtures/</c> and <c>REPO/</c> (golden files hold no path of this machine), and the
    /// version <c>VERSION</c>.
    /// </summary>
    internal static string Normalize(string text)
        => text.Replace(FixturesDir + Path.DirectorySeparatorChar, "Fixtures/", StringComparison.Ordinal)
            .Replace(RepoRoot + Path.DirectorySeparatorChar, "REPO/", StringComparison.Ordinal)
            .Replace("policyattach " + Cli.Version, "policyattach VERSION", StringComparison.Ordinal)
            .Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>
    /// Compares a run with <c>Golden/NAME.txt</c>; with <c>POLICYATTACH_UPDATE_GOLDEN=1</c>, rewrites the file instead.
    /// </summary>
    public static void AssertGolden(string name, CliRun run)
    {
        var actual = new StringBuilder()
            .Append("exit: ").Append(run.ExitCode).Append('\n')
            .Append("--- stdout\n").Append(run.Stdout)
            .Append("--- stderr\n").Append(run.Stderr)
            .ToString();
        var path = Path.Combine(GoldenDir, name + ".txt");
        if (Environment.GetEnvironmentVariable("POLICYATTACH_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(GoldenDir);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"missing golden file {name}.txt; run the tests with POLICYATTACH_UPDATE_GOLDEN=1 to create it");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.Equal(expected, actual);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PolicyAttach.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PolicyAttach.sln not found above the test assembly.");
    }
}

internal sealed record CliRun(int ExitCode, string Stdout, string Stderr);
