using System.Text.Json;
using PolicyAttach.Cli.CommandLine;
using static PolicyAttach.Cli.Tests.CliRunner;

namespace PolicyAttach.Cli.Tests;

/// <summary>kubectl's habits in every command: -f, -R, --exclude, -k, -o, -n, -A, -l, foreign files skipped.</summary>
public class KubectlHabitsTests
{
    private static string Habits => Fixture("habits");

    private static string HabitsFile(string name) => Path.Combine(Habits, name);

    [Fact]
    public void Validate_DirectoryWithForeignFiles_ReadsOneLevelAndNotesWhatItSkipped()
        => AssertGolden("validate-habits", Run("validate", Habits));

    [Fact]
    public void Validate_Recursive_ReadsTheSubdirectory()
    {
        var run = Run("validate", Habits, "-R", "-o", "json");
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(6, json.RootElement.GetProperty("files").GetInt32());
        Assert.Equal(3, json.RootElement.GetProperty("objects").GetProperty("HTTPRoute.gateway.networking.k8s.io").GetInt32());
    }

    [Theory]
    [InlineData("nested")]
    [InlineData("nested/*.yaml")]
    [InlineData("**/extra.yaml")]
    [InlineData("extra.y?ml")]
    public void Validate_RecursiveWithExclude_SkipsTheMatches(string glob)
    {
        var run = Run("validate", Habits, "-R", "--exclude", glob, "-o", "json");
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(5, json.RootElement.GetProperty("files").GetInt32());
    }

    [Fact]
    public void Validate_ExcludeByName_SkipsForeignFiles()
    {
        var run = Run("validate", Habits, "--exclude", "*.json", "--exclude", "[kv]*.yaml");
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("2 files,", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stderr);
    }

    [Fact]
    public void Status_FilenameOptionsAndPositionals_ReadLikePaths()
    {
        var byOptions = Run("status", "-f", HabitsFile("gateway.yaml"), "--filename=" + HabitsFile("routes.yaml"));
        var byPositionals = Run("status", HabitsFile("gateway.yaml"), HabitsFile("routes.yaml"));
        var mixed = RunWithStdin(File.ReadAllText(HabitsFile("routes.yaml")), "status", HabitsFile("gateway.yaml"), "-f", "-");
        Assert.Equal(0, byOptions.ExitCode);
        Assert.Equal(byPositionals.Stdout, byOptions.Stdout);
        Assert.Equal(byPositionals.Stdout, mixed.Stdout);
    }

    [Fact]
    public void Status_NamespaceOption_KeepsClusterScopedAndThatNamespace()
        => AssertGolden("status-habits-namespace", Run("status", Habits, "-n", "shop", "-o", "json"));

    [Fact]
    public void Status_Selector_KeepsMatchingLabelsOnly()
    {
        var run = Run("status", Habits, "-l", "team in (a,platform)", "-o", "json");
        using var json = JsonDocument.Parse(run.Stdout);
        var names = json.RootElement.EnumerateArray().Select(e => e.GetProperty("kind").GetString() + "/" + e.GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal(["Gateway/web", "HTTPRoute/store"], names);
    }

    [Fact]
    public void Status_AllNamespaces_IsTheDefault()
    {
        Assert.Equal(Run("status", Habits).Stdout, Run("status", Habits, "-A").Stdout);
        var both = Run("status", Habits, "-A", "-n", "apps");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("give either -n/--namespace or -A/--all-namespaces", both.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_Namespace_ShowsItsRoutesUnderTheSharedGateway()
        => AssertGolden("describe-habits-namespace", Run("describe", Habits, "-n", "shop"));

    [Fact]
    public void Graph_Namespace_KeepsNeighboursOfKeptObjects()
    {
        var run = Run("graph", Habits, "-n", "apps", "-o", "json");
        using var json = JsonDocument.Parse(run.Stdout);
        var ids = json.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()).ToList();
        Assert.Contains("httprouteXappsXstore", ids);
        Assert.Contains("serviceXappsXstore", ids);
        Assert.DoesNotContain("httprouteXshopXcart", ids);
        Assert.DoesNotContain("serviceXshopXcart", ids);
    }

    [Fact]
    public void Explain_KindSlashNameWithNamespace_FindsTheRoute()
    {
        var withNamespace = Run("explain", Habits, "httproute/cart", "-n", "shop");
        var full = Run("explain", Habits, "httproute/shop/cart");
        Assert.Equal(0, withNamespace.ExitCode);
        Assert.Equal(full.Stdout, withNamespace.Stdout);
    }

    [Fact]
    public void Explain_FilenameOnly_TakesTheTargetFromTheOnePositional()
    {
        var run = Run("explain", "-f", Habits, "httproute/shop/cart");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Run("explain", Habits, "httproute/shop/cart").Stdout, run.Stdout);
    }

    [Fact]
    public void Match_NamespaceOption_IsTheGatewayNamespace()
    {
        var run = Run("match", Habits, "--gateway", "web", "-n", "infra", "--host", "cart.example.com", "-o", "json");
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("routed", json.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("cart", json.RootElement.GetProperty("route").GetProperty("name").GetString());
    }

    [Fact]
    public void Match_YamlOutput_IsTheJsonAsYaml()
    {
        var yaml = Run("match", Habits, "--gateway", "infra/web", "--host", "store.example.com", "-o", "yaml");
        Assert.Equal(0, yaml.ExitCode);
        Assert.Contains("outcome: routed", yaml.Stdout, StringComparison.Ordinal);
        Assert.Contains("name: store", yaml.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_RequestsAsYaml_OneDocumentPerRequest()
    {
        var requests = Path.Combine(Path.GetTempPath(), "policyattach-habits-" + Environment.ProcessId + ".jsonl");
        File.WriteAllText(requests, """
            {"id":"a","gateway":{"namespace":"infra","name":"web"},"port":80,"host":"store.example.com","path":"/"}
            {"id":"b","gateway":{"namespace":"infra","name":"web"},"port":80,"host":"cart.example.com","path":"/"}
            """);
        try
        {
            var run = Run("match", Habits, "--requests", requests, "-o", "yaml");
            Assert.Equal(0, run.ExitCode);
            Assert.Equal(2, run.Stdout.Split("---\n").Length - 1);
            Assert.Contains("id: a", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("id: b", run.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(requests);
        }
    }

    [Fact]
    public void ConvertIngress_ReadmeOptions_AreTaken()
    {
        var examples = Path.Combine(RepoRoot, "examples");
        var text = Run("convert-ingress", examples, "-o", "text", "--profile", "envoy-gateway");
        Assert.Equal(0, text.ExitCode);
        Assert.Equal(Run("convert-ingress", examples).Stdout, text.Stdout);
        var otherController = Run("convert-ingress", examples, "--controller-name", "example.com/not-this-one");
        Assert.Contains("# No Ingress with a class to convert.", otherController.Stdout, StringComparison.Ordinal);
        var ownController = Run("convert-ingress", examples, "--controller-name", "istio.io/ingress-controller");
        Assert.Equal(Run("convert-ingress", examples).Stdout, ownController.Stdout);
    }

    [Fact]
    public void Validate_ReadmeOptions_AreTaken()
    {
        var run = Run("validate", Habits, "--controller-name", "example.com/gateway-controller", "--profile", "envoy-gateway", "-o", "yaml");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("files: 5", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_OneSideFromStandardInput_ComparesIt()
    {
        var run = RunWithStdin(File.ReadAllText(HabitsFile("routes.yaml")), "diff", HabitsFile("gateway.yaml"), "-");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("HTTPRoute shop/cart", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Kustomize_KubectlOnPath_ReadsWhatItBuilds()
    {
        var bin = Directory.CreateTempSubdirectory("policyattach-kubectl-");
        try
        {
            // A stand-in kubectl that prints the two manifest files, as 'kubectl kustomize DIR' would.
            var script = Path.Combine(bin.FullName, "kubectl");
            File.WriteAllText(script, "#!/bin/sh\n[ \"$1\" = kustomize ] || exit 9\ncat \"$2/gateway.yaml\"; echo ---; cat \"$2/routes.yaml\"\n");
            MakeExecutable(script);
            var run = RunWithPath(bin.FullName, "status", "-k", Habits, "-o", "json");
            Assert.Equal(string.Empty, run.Stderr);
            Assert.Equal(0, run.ExitCode);
            Assert.Equal(Run("status", HabitsFile("gateway.yaml"), HabitsFile("routes.yaml")).Stdout, run.Stdout);
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    [Fact]
    public void Kustomize_KubectlFails_UsageErrorWithItsMessage()
    {
        var bin = Directory.CreateTempSubdirectory("policyattach-kubectl-");
        try
        {
            var script = Path.Combine(bin.FullName, "kubectl");
            File.WriteAllText(script, "#!/bin/sh\necho 'no kustomization here' >&2\nexit 1\n");
            MakeExecutable(script);
            var run = RunWithPath(bin.FullName, "validate", "-k", Habits);
            Assert.Equal(2, run.ExitCode);
            Assert.Contains("'kubectl kustomize Fixtures/habits'", run.Stderr, StringComparison.Ordinal);
            Assert.Contains("failed (exit 1): no kustomization here", run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    [Fact]
    public void Kustomize_NoKubectl_ClearUsageError()
    {
        var run = RunWithPath(string.Empty, "validate", "-k", Habits);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Contains("and kubectl is not on PATH; install kubectl, or run 'kustomize build", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_Command_PrintsTheVersionAsText()
    {
        var run = Run("version");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("policyattach VERSION\n", run.Stdout);
        Assert.Equal(Run("--version").Stdout, run.Stdout);
    }

    [Fact]
    public void Version_Json_ShapedAsKubectl()
    {
        using var json = JsonDocument.Parse(Run("version", "-o", "json").Stdout);
        Assert.Equal(Cli.Version, json.RootElement.GetProperty("clientVersion").GetProperty("version").GetString());
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("status")]
    [InlineData("describe")]
    [InlineData("explain")]
    [InlineData("effective")]
    [InlineData("match")]
    [InlineData("graph")]
    [InlineData("diff")]
    [InlineData("convert-ingress")]
    public void EveryCommand_ReadmeOptions_AreTaken(string command)
    {
        var options = Cli.AllCommands.Single(c => c.Name == command).Options.Select(o => o.Name).ToList();
        Assert.Contains("output", options);
        Assert.Contains("controller-name", options);
        Assert.Contains("profile", options);
        Assert.Contains("filename", options);
        Assert.Contains("recursive", options);
        Assert.Contains("exclude", options);
        Assert.Contains("kustomize", options);
        Assert.Contains("namespace", options);
        Assert.Equal('o', Cli.AllCommands.Single(c => c.Name == command).Options.Single(o => o.Name == "output").Short);
    }

    private static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static CliRun RunWithPath(string path, params string[] args)
    {
        using var input = new StringReader(string.Empty);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(input, output, error, false)
        {
            Environment = name => name == "PATH" ? path : Environment.GetEnvironmentVariable(name),
        };
        var code = Cli.Run(args, context);
        return new CliRun(code, Normalize(output.ToString()), Normalize(error.ToString()));
    }
}
