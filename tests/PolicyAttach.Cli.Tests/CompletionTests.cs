using System.Diagnostics;
using static PolicyAttach.Cli.Tests.CliRunner;

namespace PolicyAttach.Cli.Tests;

/// <summary>
/// <c>completion SHELL</c>: scripts generated from the option tables. bash is run for real (it is on every CI
/// machine); zsh and fish check the script's syntax when installed.
/// </summary>
public class CompletionTests
{
    [Theory]
    [InlineData("policyattach st", "status")]
    [InlineData("policyattach ver", "version")]
    [InlineData("policyattach status --out", "--output")]
    [InlineData("policyattach status -o ", "json yaml text")]
    [InlineData("policyattach validate -o y", "yaml")]
    [InlineData("policyattach graph --format ", "dot mermaid")]
    [InlineData("policyattach status --prof", "--profile")]
    [InlineData("policyattach status --profile ", "envoy-gateway")]
    [InlineData("policyattach match --protocol g", "grpc")]
    [InlineData("policyattach completion ", "bash zsh fish powershell")]
    [InlineData("policyattach help conv", "convert-ingress")]
    [InlineData("policyattach describe --rec", "--recursive")]
    public void Bash_Script_CompletesCommandsOptionsAndValues(string line, string expected)
    {
        var script = Run("completion", "bash").Stdout;
        var words = line.Split(' ');
        var probe = script + "\nCOMP_WORDS=(" + string.Join(' ', words.Select(w => "'" + w + "'")) + ")\nCOMP_CWORD=" + (words.Length - 1)
            + "\n_policyattach\necho \"${COMPREPLY[*]}\"\n";
        var (code, output, error) = RunShell("bash", ["-c", probe]);
        Assert.True(code == 0, error);
        Assert.Equal(expected, output.Trim());
    }

    [Fact]
    public void Bash_Script_CompletesFilesForPaths()
    {
        var script = Run("completion", "bash").Stdout;
        var probe = script + "\ncd '" + Path.Combine(RepoRoot, "examples") + "'\nCOMP_WORDS=(policyattach status -f gate)\nCOMP_CWORD=3\n_policyattach\necho \"${COMPREPLY[*]}\"\n";
        var (code, output, error) = RunShell("bash", ["-c", probe]);
        Assert.True(code == 0, error);
        Assert.Equal("gateway.yaml", output.Trim());
    }

    [ShellFact("zsh")]
    public void Zsh_Script_ParsesAndDefinesTheFunction()
    {
        var script = WriteScript("zsh");
        var (code, output, error) = RunShell("zsh", ["-c", "autoload -U compinit && compinit -u -D; source '" + script + "'; whence -w _policyattach"]);
        File.Delete(script);
        Assert.True(code == 0, error);
        Assert.Contains("_policyattach: function", output, StringComparison.Ordinal);
    }

    [ShellFact("fish")]
    public void Fish_Script_ParsesAndRegistersCompletions()
    {
        var script = WriteScript("fish");
        var (code, output, error) = RunShell("fish", ["-c", "source '" + script + "'; complete -C 'policyattach status --out'"]);
        File.Delete(script);
        Assert.True(code == 0, error);
        Assert.StartsWith("--output", output, StringComparison.Ordinal);
    }

    [Fact]
    public void PowerShell_Script_RegistersEveryCommandAndOption()
    {
        var script = Run("completion", "powershell").Stdout;
        Assert.StartsWith("# PowerShell completion for policyattach.", script, StringComparison.Ordinal);
        Assert.Contains("Register-ArgumentCompleter -Native -CommandName policyattach", script, StringComparison.Ordinal);
        foreach (var command in Cli.AllCommands)
        {
            Assert.Contains("'" + command.Name + "' = @(", script, StringComparison.Ordinal);
        }

        Assert.Contains("@('-o', 'choice', 'json yaml text',", script, StringComparison.Ordinal);
        Assert.Equal(script.Count(c => c == '{'), script.Count(c => c == '}'));
        Assert.Equal(script.Count(c => c == '('), script.Count(c => c == ')'));
    }

    [Theory]
    [InlineData("cmd", "unknown shell 'cmd'; use one of: bash, zsh, fish, powershell")]
    [InlineData("bsah", "unknown shell 'bsah'; use one of: bash, zsh, fish, powershell; did you mean 'bash'?")]
    public void Completion_UnknownShell_UsageError(string shell, string message)
    {
        var run = Run("completion", shell);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("policyattach: error: " + message + "\n", run.Stderr, StringComparison.Ordinal);
    }

    private static string WriteScript(string shell)
    {
        var path = Path.Combine(Path.GetTempPath(), $"policyattach-completion-{Environment.ProcessId}.{shell}");
        File.WriteAllText(path, Run("completion", shell).Stdout);
        return path;
    }

    private static (int Code, string Output, string Error) RunShell(string shell, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(shell) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}

/// <summary>A fact that needs a shell on PATH; skipped, saying so, where the shell is not installed.</summary>
public sealed class ShellFactAttribute : FactAttribute
{
    public ShellFactAttribute(string shell)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        if (!path.Split(Path.PathSeparator).Any(d => d.Length > 0 && File.Exists(Path.Combine(d, shell))))
        {
            Skip = $"{shell} is not installed; its completion script's syntax is not checked here";
        }
    }
}
