using System.Text.Json;
using System.Text.Json.Nodes;
using static PolicyAttach.Cli.Tests.CliRunner;

namespace PolicyAttach.Cli.Tests;

/// <summary>
/// Issue 15 item 2 for <c>match --requests</c>: every line is answered, whatever it holds. A systematic fuzz (the same
/// lines on every run): every truncation of a full request line, every field deleted or replaced by a value of each
/// JSON type and by hostile strings, and bytes that are not JSON. Each mutated line is followed by a valid one, so a
/// bad line that swallowed or broke its neighbour would show.
/// </summary>
public class RequestLineFuzzTests
{
    private const string Full = """{"id":"full","gateway":{"namespace":"infra","name":"web"},"port":80,"protocol":"http","method":"GET","host":"store.example.com","path":"/api?q=1","headers":[["x-a","1"]],"clientNamespace":"app","sni":"store.example.com","grpc":{"service":"a.B","method":"C"}}""";

    private static readonly string[] Values =
    [
        "null", "0", "-1", "1e400", "3.5", "true", "\"\"", "\"\\ud800\"", "\"\\u0000\"", "[]", "[[]]", "[1,2]", "{}", """{"a":{"b":[]}}""",
        "\"" + new string('a', 70_000) + "\"", "\"" + string.Concat(Enumerable.Repeat("(a+)+", 200)) + "\"", "[" + string.Join(",", Enumerable.Repeat("[\"x\",\"y\"]", 5_000)) + "]",
    ];

    private const string Placeholder = "@value@";

    /// <summary>The line with the raw JSON text of a value in place (a lone surrogate escape cannot pass through JsonNode).</summary>
    private static string Put(JsonObject line, string value) => line.ToJsonString().Replace("\"" + Placeholder + "\"", value, StringComparison.Ordinal);

    private static IEnumerable<string> Mutations()
    {
        // Blank lines are not requests (match skips them), so truncations start at one character.
        for (var i = 1; i < Full.Length; i++)
        {
            yield return Full[..i];
        }

        var fields = JsonNode.Parse(Full)!.AsObject().Select(p => p.Key).ToList();
        foreach (var field in fields.Where(f => f != "id"))
        {
            var without = JsonNode.Parse(Full)!.AsObject();
            without.Remove(field);
            yield return without.ToJsonString();
            foreach (var value in Values)
            {
                var replaced = JsonNode.Parse(Full)!.AsObject();
                replaced[field] = Placeholder;
                yield return Put(replaced, value);
            }
        }

        foreach (var nested in new[] { ("gateway", "name"), ("gateway", "namespace"), ("grpc", "service"), ("grpc", "method") })
        {
            foreach (var value in Values)
            {
                var replaced = JsonNode.Parse(Full)!.AsObject();
                replaced[nested.Item1]![nested.Item2] = Placeholder;
                yield return Put(replaced, value);
            }
        }

        yield return "[]";
        yield return "42";
        yield return "\"a string\"";
        yield return "{\"id\":";
        yield return "\u00ff\u00fe garbage";
        yield return new string('[', 10_000);
        yield return new string('{', 3_000);
        yield return "{\"id\":\"dup\",\"id\":\"dup2\",\"gateway\":{\"namespace\":\"infra\",\"name\":\"web\"}}";
    }

    [Fact]
    public void Match_MutatedRequestLines_EachAnsweredAndNeighboursUnharmed()
    {
        var mutations = Mutations().Where(m => !m.Contains('\n', StringComparison.Ordinal)).ToList();
        var lines = new List<string>();
        for (var i = 0; i < mutations.Count; i++)
        {
            lines.Add(mutations[i]);
            lines.Add($$"""{"id":"valid-{{i}}","gateway":{"namespace":"infra","name":"web"},"host":"store.example.com","path":"/api"}""");
        }

        var run = RunWithStdin(string.Join("\n", lines) + "\n", "match", Fixture("match.yaml"), "--requests", "-", "--output", "json");

        Assert.True(run.ExitCode is 0 or 1, $"exit {run.ExitCode}: {run.Stderr[..Math.Min(2000, run.Stderr.Length)]}");
        Assert.DoesNotContain("Unhandled", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        var answers = run.Stdout.TrimEnd('\n').Split('\n');
        for (var i = 0; i < mutations.Count; i++)
        {
            var shown = mutations[i][..Math.Min(200, mutations[i].Length)];
            Assert.True((2 * i) + 1 < answers.Length, $"no answer after mutated line {(2 * i) + 1}: {shown}");
            Assert.True(answers[(2 * i) + 1].Contains($"\"valid-{i}\"", StringComparison.Ordinal), $"mutated line {(2 * i) + 1} ({shown}) was answered {answers[2 * i][..Math.Min(300, answers[2 * i].Length)]}, then {answers[(2 * i) + 1][..Math.Min(300, answers[(2 * i) + 1].Length)]}");
            using var answer = JsonDocument.Parse(answers[(2 * i) + 1]);
            Assert.Equal($"valid-{i}", answer.RootElement.GetProperty("id").GetString());
            Assert.Equal("routed", answer.RootElement.GetProperty("outcome").GetString());
            using var mutated = JsonDocument.Parse(answers[2 * i]);
            Assert.True(mutated.RootElement.TryGetProperty("outcome", out _), $"line {(2 * i) + 1} has no outcome: {answers[2 * i][..Math.Min(300, answers[2 * i].Length)]}");
        }

        Assert.Equal(lines.Count, answers.Length);
    }
}
