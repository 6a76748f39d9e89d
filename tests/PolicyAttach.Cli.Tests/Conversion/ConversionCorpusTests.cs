using System.Text;
using System.Text.Json;
using static PolicyAttach.Cli.Tests.CliRunner;

namespace PolicyAttach.Cli.Tests.Conversion;

/// <summary>
/// The conversion corpus: realistic Istio and SMI configurations (Conversion/istio, Conversion/smi), each converted
/// with <c>--verify</c>. Every case must convert without an input error or a refused object, with an issue for every
/// field the converter reads (no field left "not converted"), and with every verification difference explained by an
/// issue of the report;
/// the differences themselves are compared with <c>NAME.expected.txt</c> (POLICYATTACH_UPDATE_GOLDEN=1 rewrites it),
/// each a documented limit of Gateway API or of the conversion.
/// </summary>
public class ConversionCorpusTests
{
    public static TheoryData<string> IstioCases() => Cases("istio");

    public static TheoryData<string> SmiCases() => Cases("smi");

    [Theory]
    [MemberData(nameof(IstioCases))]
    public void ConvertIstio_CorpusCase_VerifiesAsExpected(string name) => Check("istio", "convert-istio", name);

    [Theory]
    [MemberData(nameof(SmiCases))]
    public void ConvertSmi_CorpusCase_VerifiesAsExpected(string name) => Check("smi", "convert-smi", name);

    [Fact]
    public void Corpus_Sizes_AtLeastTheIssueAsks()
    {
        Assert.True(Cases("istio").Count >= 20);
        Assert.True(Cases("smi").Count >= 5);
    }

    private static TheoryData<string> Cases(string source)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot, "tests", "PolicyAttach.Cli.Tests", "Conversion", source), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    private static void Check(string source, string command, string name)
    {
        var dir = Path.Combine(RepoRoot, "tests", "PolicyAttach.Cli.Tests", "Conversion", source);
        var file = Path.Combine(dir, name + ".yaml");
        var lines = File.ReadAllLines(file);
        var options = lines.Where(l => l.StartsWith("# options:", StringComparison.Ordinal)).SelectMany(l => l["# options:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        var run = Run([command, file, "--verify", "--output", "json", .. options]);
        Assert.True(run.ExitCode is 0 or 1, run.Stderr);
        Assert.Equal(string.Empty, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;

        var report = root.GetProperty("report");
        var problems = report.GetProperty("errors").EnumerateArray()
            .Concat(report.GetProperty("inputProblems").EnumerateArray().Where(p => p.GetProperty("severity").GetString() == "error"))
            .Select(p => p.GetProperty("message").GetString()).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        var unread = report.GetProperty("issues").EnumerateArray()
            .Where(n => n.GetProperty("message").GetString()!.StartsWith("not converted: the converter does not read", StringComparison.Ordinal))
            .Select(n => n.GetProperty("subject").GetString() + " " + n.GetProperty("field").GetString()).ToList();
        Assert.True(unread.Count == 0, "fields the converter does not read: " + string.Join(", ", unread));

        var verification = root.GetProperty("verification");
        var differences = verification.GetProperty("differences").EnumerateArray().ToList();
        var unexplained = differences.Where(d => !d.GetProperty("explained").GetBoolean()).Select(d => d.GetProperty("request").GetString()).ToList();
        Assert.True(unexplained.Count == 0, "differences the report does not explain:\n" + string.Join("\n", unexplained));
        Assert.True(verification.GetProperty("requests").GetInt32() > 0);

        var text = new StringBuilder();
        text.Append(lines[0]).Append('\n');
        text.Append("requests: ").Append(verification.GetProperty("requests").GetInt32()).Append('\n');
        text.Append("differences: ").Append(differences.Count).Append('\n');
        foreach (var d in differences)
        {
            text.Append("- ").Append(d.GetProperty("request").GetString()).Append(" at ").Append(d.GetProperty("target").GetString())
                .Append(" (").Append(d.GetProperty("purpose").GetString()).Append(")\n");
            text.Append("    source:    ").Append(d.GetProperty("source").GetString()).Append('\n');
            text.Append("    converted: ").Append(d.GetProperty("converted").GetString()).Append('\n');
            text.Append("    differ in: ").AppendJoin(", ", d.GetProperty("aspects").EnumerateArray().Select(a => a.GetString())).Append('\n');

            foreach (var because in d.GetProperty("explanations").EnumerateArray().Select(e => e.GetString()).Distinct(StringComparer.Ordinal))
            {
                text.Append("    explained by ").Append(because).Append('\n');
            }
        }

        var expectedPath = Path.Combine(dir, name + ".expected.txt");
        var actual = text.ToString();
        if (Environment.GetEnvironmentVariable("POLICYATTACH_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(expectedPath, actual);
            return;
        }

        Assert.True(File.Exists(expectedPath), $"missing {name}.expected.txt; run the tests with POLICYATTACH_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(expectedPath).Replace("\r\n", "\n", StringComparison.Ordinal), actual);
    }
}
