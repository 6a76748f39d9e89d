using System.Diagnostics;
using System.Text;
using PolicyAttach.Cli.CommandLine;

namespace PolicyAttach.Cli.Input;

/// <summary>
/// <c>-k DIR</c>: runs <c>kubectl kustomize DIR</c>, as <c>kubectl apply -k DIR</c> does, and reads what it prints.
/// kubectl is found on <c>PATH</c> (from <see cref="CliContext.Environment"/>); the tool never builds kustomizations
/// itself, so what it reads is exactly what kubectl would apply.
/// </summary>
internal static class Kustomize
{
    /// <summary>The most output read from one build, as the loader's own limit for a file.</summary>
    private const int MaxOutputChars = 256 * 1024 * 1024;

    /// <summary>Builds a kustomization.</summary>
    /// <param name="directory">The kustomization directory (or a file in it, as kubectl accepts).</param>
    /// <param name="context">The environment (PATH).</param>
    /// <param name="manifests">The built manifests.</param>
    /// <param name="error">Why it could not be built: no kubectl on PATH, or kubectl's own error.</param>
    /// <returns>Whether the build succeeded.</returns>
    public static bool TryBuild(string directory, CliContext context, out string manifests, out string? error)
    {
        manifests = string.Empty;
        error = null;
        if (!Directory.Exists(directory) && !File.Exists(directory))
        {
            error = "no such kustomization directory: " + directory;
            return false;
        }

        if (FindOnPath("kubectl", context) is not { } kubectl)
        {
            error = $"-k {directory} runs 'kubectl kustomize {directory}', and kubectl is not on PATH; install kubectl, or run 'kustomize build {directory} | policyattach COMMAND -'";
            return false;
        }

        var start = new ProcessStartInfo(kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(directory);
        try
        {
            using var process = Process.Start(start)!;
            process.StandardInput.Close();
            var errors = process.StandardError.ReadToEndAsync();
            var output = new StringBuilder();
            var buffer = new char[81920];
            int read;
            while ((read = process.StandardOutput.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > MaxOutputChars)
                {
                    process.Kill(entireProcessTree: true);
                    error = $"'kubectl kustomize {directory}' printed more than {MaxOutputChars} characters";
                    return false;
                }

                output.Append(buffer, 0, read);
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                var message = errors.Result.Trim().ReplaceLineEndings(" ");
                error = $"'kubectl kustomize {directory}' failed (exit {process.ExitCode})" + (message.Length == 0 ? string.Empty : ": " + message);
                return false;
            }

            manifests = output.ToString();
            return true;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            error = $"could not run '{kubectl} kustomize {directory}': {ex.Message}";
            return false;
        }
    }

    /// <summary>The first executable file of that name in the directories of PATH, or null.</summary>
    internal static string? FindOnPath(string name, CliContext context)
    {
        var path = context.Environment("PATH");
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        string[] names = OperatingSystem.IsWindows() ? [name + ".exe", name + ".cmd", name] : [name];
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var candidate in names.Select(n => Path.Combine(directory, n)))
            {
                if (File.Exists(candidate) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
