namespace PolicyAttach.Cli.Tests;

/// <summary>
/// The ingress-nginx corpus: realistic Ingresses (API prefixes with rewrites, canaries, regex paths, redirects, gRPC
/// backends, wildcard hosts, ...), each converted with <c>convert-ingress --verify</c>. A case verifies clean, or
/// its differences are listed, line for line, in <c>NAME.expected</c>, whose comment lines say why each is a limit
/// of Gateway API rather than a defect of the conversion. Arguments beyond the defaults come from a first line
/// <c># policyattach: ARGS</c>.
/// </summary>
public class IngressNginxCorpusTests
{
    private static readonly string Corpus = Path.Combine(CliRunner.RepoRoot, "tests", "PolicyAttach.Cli.Tests", "Fixtures", "ingress-nginx-corpus");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Corpus, "*.yaml").Select(Path.GetFileName).Where(f => f != "base.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(file!);
        }

        return data;
    }

    [Fact]
    public void Corpus_Cases_AtLeastThirty() => Assert.True(Cases().Count >= 30, $"the corpus has {Cases().Count} cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Corpus_Case_VerifiesCleanOrAsExpected(string name)
    {
        var file = Path.Combine(Corpus, name);
        var first = File.ReadLines(file).First();
        var extra = first.StartsWith("# policyattach: ", StringComparison.Ordinal) ? first["# policyattach: ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        // NGINX serves hosts without a TLS entry with its default certificate; a migration passes that Secret along.
        var run = CliRunner.Run(["convert-ingress", Path.Combine(Corpus, "base.yaml"), file, "--verify", "--allow-approximations", "--default-certificate", "default/example-tls", .. extra]);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}:\n{run.Stderr}\n{run.Stdout}");
        var lines = run.Stdout.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("# Verification: ", StringComparison.Ordinal));
        Assert.True(start >= 0, "no verification in the output:\n" + run.Stdout);
        var actual = lines.Skip(start + 1).TakeWhile(l => l.StartsWith("# - ", StringComparison.Ordinal)).Select(l => l[4..]).ToList();

        var expectedFile = Path.ChangeExtension(file, ".expected");
        var expectedLines = File.Exists(expectedFile) ? File.ReadAllLines(expectedFile) : [];
        var expected = expectedLines.Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        if (Environment.GetEnvironmentVariable("POLICYATTACH_UPDATE_CORPUS") == "1")
        {
            var why = expectedLines.Where(l => l.StartsWith('#')).ToList();
            File.WriteAllLines(expectedFile, [.. why, .. actual]);
            return;
        }

        Assert.True(expected.SequenceEqual(actual), $"{name}: the differences changed.\nexpected:\n{string.Join("\n", expected)}\nactual:\n{string.Join("\n", actual)}");
        if (expected.Count > 0)
        {
            Assert.True(expectedLines.Any(l => l.StartsWith("# ", StringComparison.Ordinal)), $"{name}.expected lists differences without saying why");
        }
    }
}
