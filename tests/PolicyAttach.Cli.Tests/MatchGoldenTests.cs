using static PolicyAttach.Cli.Tests.CliRunner;

namespace PolicyAttach.Cli.Tests;

/// <summary><c>policyattach match</c> on the match fixtures, compared with Golden/match-*.txt.</summary>
public class MatchGoldenTests
{
    [Theory]
    [InlineData("match-requests-json", "--requests", "match-requests.jsonl")]
    [InlineData("match-requests-text", "--requests", "match-requests.jsonl", "--output", "text")]
    [InlineData("match-one-text", "--gateway", "infra/web", "--host", "store.example.com", "--path", "/api/a?b=c", "--header", "x-debug: 1", "--header", "accept:*/*")]
    [InlineData("match-one-json", "--gateway", "infra/web", "--port", "8080", "--host", "store.example.com", "--path", "/api", "--output", "json")]
    [InlineData("match-one-redirect", "--gateway", "infra/web", "--host", "store.example.com", "--path", "/old")]
    [InlineData("match-one-mesh", "--service", "mesh/echo", "--client-namespace", "apps", "--header", "version:two")]
    [InlineData("match-one-missing-gateway", "--gateway", "infra/nope")]
    [InlineData("match-usage-no-request")]
    [InlineData("match-usage-both", "--requests", "match-requests.jsonl", "--gateway", "infra/web")]
    [InlineData("match-usage-bad-protocol", "--gateway", "infra/web", "--protocol", "quic")]
    public void Match_FixtureWithArguments_OutputMatchesGolden(string golden, params string[] rest)
    {
        var args = new List<string> { "match", Fixture("match.yaml") };
        for (var i = 0; i < rest.Length; i++)
        {
            args.Add(rest[i] == "match-requests.jsonl" ? Fixture(rest[i]) : rest[i]);
        }

        AssertGolden(golden, Run([.. args]));
    }

    [Fact]
    public void Match_RequestsFromStdin_SameAsFromFile()
    {
        var lines = File.ReadAllText(Fixture("match-requests.jsonl"));
        var fromStdin = RunWithStdin(lines, "match", Fixture("match.yaml"), "--requests", "-");
        var fromFile = Run("match", Fixture("match.yaml"), "--requests", Fixture("match-requests.jsonl"));
        Assert.Equal(1, fromStdin.ExitCode);
        Assert.Equal(fromFile.Stdout, fromStdin.Stdout);
        Assert.StartsWith("-:9:1: error: no IngressClass nginx", fromStdin.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("match-ingress-requests-json", "--requests", "ingress-requests.jsonl")]
    [InlineData("match-ingress-requests-text", "--requests", "ingress-requests.jsonl", "--output", "text")]
    [InlineData("match-ingress-one-text", "--ingress-class", "istio", "--host", "httpbin.example.com", "--path", "/get")]
    [InlineData("match-ingress-one-json", "--ingress-class", "istio", "--host", "nothing.example.com", "--output", "json")]
    [InlineData("match-usage-ingress-and-gateway", "--ingress-class", "istio", "--gateway", "istio-ingress/gateway")]
    public void Match_IngressOnExamples_OutputMatchesGolden(string golden, params string[] rest)
    {
        var args = new List<string> { "match", Path.Combine(RepoRoot, "examples") };
        args.AddRange(rest.Select(a => a.EndsWith(".jsonl", StringComparison.Ordinal) ? Fixture(a) : a));
        AssertGolden(golden, Run([.. args]));
    }

    [Fact]
    public void Match_IngressRequest_AnswersIngressRouteRuleAndBackend()
    {
        var run = Run("match", Path.Combine(RepoRoot, "examples"), "--ingress-class", "istio", "--host", "httpbin.example.com", "--output", "json");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"route\":{\"group\":\"networking.k8s.io\",\"kind\":\"Ingress\",\"namespace\":\"default\",\"name\":\"ingress\"}", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"listener\":null", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"httpbin\",\"port\":8000", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_RequestLines_OneAnswerLinePerRequestInOrder()
    {
        var requests = File.ReadAllLines(Fixture("match-requests.jsonl")).Where(l => l.Trim().Length > 0).ToList();
        var run = Run("match", Fixture("match.yaml"), "--requests", Fixture("match-requests.jsonl"));
        var answers = run.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(requests.Count, answers.Length);
        Assert.StartsWith("{\"id\":\"api\",\"outcome\":\"routed\"", answers[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Match_ManifestsAndRequestsBothStdin_UsageError()
        => Assert.Equal(2, RunWithStdin(string.Empty, "match", "-", "--requests", "-").ExitCode);

    [Fact]
    public void Match_Help_MatchesGolden() => AssertGolden("help-match", Run("match", "--help"));
}
