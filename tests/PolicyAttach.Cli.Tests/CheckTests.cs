using System.Text.Json;
using System.Text.RegularExpressions;
using NJsonSchema;
using PolicyAttach.Findings;
using static PolicyAttach.Cli.Tests.CliRunner;

namespace PolicyAttach.Cli.Tests;

/// <summary>
/// <c>check</c>: Fixtures/check holds one broken manifest per finding, each with the code, severity and line it must
/// produce (<c># expect: CODE SEVERITY LINE</c>), and nothing else; the output formats and the exit status.
/// </summary>
public class CheckTests
{
    private static string CheckDir => Fixture("check");

    public static TheoryData<string> BrokenManifests()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "check"), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BrokenManifests))]
    public void Check_BrokenManifest_ReportsExactlyTheExpectedCodesSeveritiesAndLines(string file)
    {
        var path = Path.Combine(CheckDir, file);
        var expected = File.ReadLines(path).Where(l => l.StartsWith("# expect: ", StringComparison.Ordinal)).Select(l => l["# expect: ".Length..]).Order(StringComparer.Ordinal).ToList();
        var run = Run("check", path, "--fail-on", "none", "-o", "json");

        using var json = JsonDocument.Parse(run.Stdout);
        var actual = json.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => $"{f.GetProperty("code").GetString()} {f.GetProperty("severity").GetString()} {f.GetProperty("location").GetProperty("line").GetInt32()}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(expected, actual);
        Assert.Contains(expected, e => e.StartsWith(file[..6].ToUpperInvariant() + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void BrokenManifests_EveryFindingCode_HasOne()
    {
        var files = Directory.GetFiles(CheckDir, "*.yaml").Select(f => Path.GetFileName(f)[..6].ToUpperInvariant()).ToHashSet();
        var codes = FindingRules.All.Select(r => r.Code).Where(c => c.StartsWith("PA3", StringComparison.Ordinal) || c is "PA7002" or "PA7003");
        Assert.DoesNotContain(codes, c => !files.Contains(c));
    }

    [Theory]
    [InlineData("pa3001-missing-parent.yaml", new string[0], 1)]
    [InlineData("pa3002-missing-gatewayclass.yaml", new string[0], 0)]
    [InlineData("pa3002-missing-gatewayclass.yaml", new[] { "--fail-on", "warning" }, 1)]
    [InlineData("pa3401-unused-grant.yaml", new[] { "--fail-on", "warning" }, 0)]
    [InlineData("pa3401-unused-grant.yaml", new[] { "--fail-on=info" }, 1)]
    [InlineData("pa3001-missing-parent.yaml", new[] { "--fail-on", "none" }, 0)]
    [InlineData("pa3001-missing-parent.yaml", new[] { "--fail-on", "fatal" }, 2)]
    [InlineData("pa3001-missing-parent.yaml", new[] { "-o", "xml" }, 2)]
    [InlineData("pa3001-missing-parent.yaml", new[] { "--suppress", "PA3010" }, 2)]
    [InlineData("pa3001-missing-parent.yaml", new[] { "--suppress", "PA3001:httproute" }, 2)]
    public void Check_FailOn_SetsTheExitStatus(string file, string[] options, int exit)
        => Assert.Equal(exit, Run(["check", Path.Combine(CheckDir, file), .. options]).ExitCode);

    [Fact]
    public void Check_Text_OneLinePerResultThenTheSummary()
        => AssertGolden("check-text", Run("check", Path.Combine(CheckDir, "pa3304-policy-no-context.yaml")));

    [Fact]
    public void Check_List_EveryCheckWithCodeSeverityAndOneLine()
        => AssertGolden("check-list", Run("check", "--list"));

    [Fact]
    public void Check_ListAsJson_MatchesTheCatalogue()
    {
        using var json = JsonDocument.Parse(Run("check", "--list", "-o", "json").Stdout);
        Assert.Equal(FindingRules.All.Select(r => r.Code), json.RootElement.EnumerateArray().Select(r => r.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Check_Sarif_ValidAgainstTheSarif210Schema()
    {
        var run = Run("check", CheckDir, "-o", "sarif", "--fail-on", "none", "--suppress", "PA3401");
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Schemas", "sarif-schema-2.1.0.json"));

        var errors = schema.Validate(run.Stdout);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(errors.Select(e => e.ToString()));
    }

    [Fact]
    public async Task SarifSchema_ResultWithoutLocationOrWithAnUnknownLevel_IsRejected()
    {
        // The validation above can fail: the schema rejects what the SARIF 2.1.0 standard forbids.
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Schemas", "sarif-schema-2.1.0.json"));
        var valid = Run("check", Path.Combine(CheckDir, "pa3001-missing-parent.yaml"), "-o", "sarif").Stdout;

        Assert.Empty(schema.Validate(valid));
        Assert.NotEmpty(schema.Validate(valid.Replace("\"level\": \"error\"", "\"level\": \"fatal\"", StringComparison.Ordinal)));
        Assert.NotEmpty(schema.Validate(valid.Replace("\"version\": \"2.1.0\"", "\"version\": \"2.0.0\"", StringComparison.Ordinal)));
        Assert.NotEmpty(schema.Validate(valid.Replace("\"startLine\": 42", "\"startLine\": 0", StringComparison.Ordinal)));
    }

    [Fact]
    public void Check_Sarif_RelativePathsAreRelativeUris()
    {
        Assert.Equal("examples/gateway.yaml", Check.CheckSarif.Uri("examples/gateway.yaml"));
        Assert.Equal("my%20manifests/a%23b.yaml", Check.CheckSarif.Uri("my manifests/a#b.yaml"));
        Assert.Equal("stdin", Check.CheckSarif.Uri("-"));
        Assert.Equal("file:///srv/manifests/x.yaml", Check.CheckSarif.Uri("/srv/manifests/x.yaml"));
    }

    [Fact]
    public void Check_Sarif_HasWhatCodeScanningNeeds()
    {
        var run = Run("check", CheckDir, "-o", "sarif", "--fail-on", "none");
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        var sarifRun = root.GetProperty("runs")[0];
        var driver = sarifRun.GetProperty("tool").GetProperty("driver");
        Assert.Equal("policyattach", driver.GetProperty("name").GetString());
        var rules = driver.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(FindingRules.All.Select(r => r.Code), rules.Select(r => r.GetProperty("id").GetString()));
        Assert.All(rules, r => Assert.False(string.IsNullOrEmpty(r.GetProperty("help").GetProperty("text").GetString())));
        var results = sarifRun.GetProperty("results").EnumerateArray().ToList();
        Assert.True(results.Count >= 20);
        Assert.All(results, r =>
        {
            Assert.Contains(r.GetProperty("level").GetString(), new[] { "error", "warning", "note" });
            Assert.False(string.IsNullOrEmpty(r.GetProperty("message").GetProperty("text").GetString()));
            var physical = r.GetProperty("locations")[0].GetProperty("physicalLocation");
            Assert.Matches(new Regex("^file://.*Fixtures/check/pa[0-9]{4}-[a-z0-9-]+\\.yaml$"), physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
            Assert.True(physical.GetProperty("region").GetProperty("startLine").GetInt32() > 1);
            Assert.Equal(rules[r.GetProperty("ruleIndex").GetInt32()].GetProperty("id").GetString(), r.GetProperty("ruleId").GetString());
        });
    }

    [Fact]
    public void Check_GitHub_OneWorkflowCommandPerResult()
    {
        var run = Run("check", Path.Combine(CheckDir, "pa3304-policy-no-context.yaml"), "-f", Path.Combine(CheckDir, "pa3401-unused-grant.yaml"), "-o", "github", "--fail-on", "warning", "--suppress", "PA1006");
        var lines = run.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Matches(new Regex(@"^::(error|warning|notice) file=Fixtures/check/pa[0-9]{4}-[a-z0-9-]+\.yaml,line=[0-9]+,col=[0-9]+::\S.* \[PA[0-9]{4}\]$"), l));
        Assert.StartsWith("::error file=Fixtures/check/pa3304-policy-no-context.yaml,line=42,col=3::HTTPRoute/apps/store spec.parentRefs: ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("::warning file=Fixtures/check/pa3304-policy-no-context.yaml,line=74,col=3::RetryPolicy/apps/retries spec.targetRefs: ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("::notice file=Fixtures/check/pa3401-unused-grant.yaml,line=40,col=1::", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SuppressedByAnnotationAndOption_CountedInTheSummary()
    {
        var manifest = File.ReadAllText(Path.Combine(CheckDir, "pa3102-parentref-not-attached.yaml"))
            .Replace("  name: store\n  namespace: apps\n", "  name: store\n  namespace: apps\n  annotations:\n    policyattach.io/suppress: PA3102\n", StringComparison.Ordinal);
        var byAnnotation = RunWithStdin(manifest, "check", "-", "--fail-on", "warning");
        Assert.Equal(0, byAnnotation.ExitCode);
        Assert.Equal("0 errors, 0 warnings, 0 infos; 1 suppressed (PA3102 HTTPRoute/apps/store by annotation); passes: nothing at or above warning\n", byAnnotation.Stdout);

        var byOption = Run("check", Path.Combine(CheckDir, "pa3304-policy-no-context.yaml"), "--suppress", "pa3101:httproute/apps/store", "--suppress", "PA3304");
        Assert.Equal(0, byOption.ExitCode);
        Assert.EndsWith("2 suppressed (PA3101 HTTPRoute/apps/store by --suppress, PA3304 RetryPolicy/apps/retries by --suppress); passes: nothing at or above error\n", byOption.Stdout, StringComparison.Ordinal);

        var otherObject = Run("check", Path.Combine(CheckDir, "pa3304-policy-no-context.yaml"), "--suppress", "PA3101:httproute/apps/other");
        Assert.Equal(1, otherObject.ExitCode);
    }

    [Fact]
    public void Check_Json_ListsFindingsAndSuppressedWithLocationsAndAnchors()
    {
        var run = Run("check", Path.Combine(CheckDir, "pa3304-policy-no-context.yaml"), "-o", "json", "--suppress", "PA3304");
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal("error", root.GetProperty("failOn").GetString());
        Assert.True(root.GetProperty("failed").GetBoolean());
        var finding = root.GetProperty("findings")[0];
        Assert.Equal("PA3101", finding.GetProperty("code").GetString());
        Assert.Equal("HTTPRoute", finding.GetProperty("object").GetProperty("kind").GetString());
        Assert.Equal("spec.parentRefs", finding.GetProperty("path").GetString());
        Assert.Equal("diagnostics.md#pa3101", finding.GetProperty("documentation").GetString());
        Assert.Equal("option", root.GetProperty("suppressed")[0].GetProperty("suppressedBy").GetString());
        Assert.Equal(1, root.GetProperty("summary").GetProperty("suppressed").GetInt32());
    }

    [Fact]
    public void Check_NamespaceOption_NarrowsTheResults()
    {
        var all = Run("check", Path.Combine(CheckDir, "pa3304-policy-no-context.yaml"), "-o", "json", "-n", "infra");
        using var json = JsonDocument.Parse(all.Stdout);
        Assert.Empty(json.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal(0, all.ExitCode);
    }

    [Fact]
    public void Validate_Findings_PrintedOnStandardErrorWithoutChangingTheExitStatus()
    {
        var run = Run("validate", Path.Combine(CheckDir, "pa3001-missing-parent.yaml"));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Fixtures/check/pa3001-missing-parent.yaml:42:5: error: HTTPRoute/apps/store spec.parentRefs[0].name: parentRef Gateway infra/wbe does not exist", run.Stderr, StringComparison.Ordinal);
    }
}
