using System.Diagnostics;
using Xunit.Abstractions;

namespace PolicyAttach.Testing.Tests;

/// <summary>
/// The worked example of docs/testing.md runs in CI: PolicyAttach, PolicyAttach.Kubernetes and PolicyAttach.Testing
/// are packed into a local feed (examples/testing/pack.proj, from this build's output), and the example's tests,
/// which take PolicyAttach.Testing by PackageReference, run against a fresh restore of them. They find the planted
/// bug with a small shrunk counterexample and pass on the fixed router.
/// </summary>
public class ExampleTests(ITestOutputHelper output)
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public void Example_PackedPackage_FindsThePlantedBugAndPassesOnTheFixedRouter()
    {
        var root = RepositoryRoot();
        var artifacts = Path.Combine(root, "artifacts", "example-testing");

        // A fresh feed and a fresh restore: never a package packed by an earlier run.
        foreach (var stale in new[] { "feed", "obj", "bin" }.Select(d => Path.Combine(artifacts, d)).Append(Path.Combine(artifacts, "packages", "policyattach")))
        {
            DeleteDirectory(stale);
        }

        foreach (var stale in Directory.Exists(Path.Combine(artifacts, "packages")) ? Directory.GetDirectories(Path.Combine(artifacts, "packages"), "policyattach*") : [])
        {
            DeleteDirectory(stale);
        }

        var clock = Stopwatch.StartNew();
        var built = new[] { "net8.0", "net10.0" }.All(tfm => File.Exists(Path.Combine(root, "src", "PolicyAttach.Testing", "bin", Configuration, tfm, "PolicyAttach.Testing.dll")));
        var pack = Run(root, "msbuild", Path.Combine("examples", "testing", "pack.proj"), $"-p:Configuration={Configuration}", $"-p:NoBuild={built}", "-nologo", "-v:m");
        Assert.True(pack.ExitCode == 0, "Packing failed:\n" + pack.Output);
        Assert.True(File.Exists(Path.Combine(artifacts, "feed", "PolicyAttach.Testing.0.1.0-example.nupkg")), "No PolicyAttach.Testing package in the feed:\n" + pack.Output);
        var packed = clock.Elapsed;

        var test = Run(root, "test", Path.Combine("examples", "testing", "SimpleRouter.Tests", "SimpleRouter.Tests.csproj"), "-c", "Release", "--logger", "console;verbosity=detailed", "-nologo");
        output.WriteLine($"Packed in {packed.TotalSeconds:0.0} s; the example restored, built and ran in {(clock.Elapsed - packed).TotalSeconds:0.0} s.");
        output.WriteLine(test.Output);
        Assert.True(test.ExitCode == 0, "The example's tests failed:\n" + test.Output);
        Assert.Contains("Test Run Successful.", test.Output, StringComparison.Ordinal);
        Assert.Matches(@"Passed:\s+2\b", test.Output);
        Assert.Contains("Falsified after", test.Output, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Output) Run(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's MSBuild and test-platform settings belong to this run, not to the child's.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        // No MSBuild node may outlive the test: a reused node keeps running (and holding what the test run inherited).
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(15)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "Timed out after 15 minutes.\n" + stdout.Result + stderr.Result);
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PolicyAttach.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("PolicyAttach.sln not found above " + AppContext.BaseDirectory);
    }
}
