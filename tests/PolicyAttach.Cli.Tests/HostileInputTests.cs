using System.Text;
using PolicyAttach.Cli.Commands;
using PolicyAttach.Cli.Input;
using static PolicyAttach.Cli.Tests.CliRunner;

namespace PolicyAttach.Cli.Tests;

/// <summary>Issue 15 at the command line: hostile input is an error for what it touches, and the rest is answered.</summary>
public class HostileInputTests
{
    private const string Request = """{"id":"ok","gateway":{"namespace":"infra","name":"web"},"host":"store.example.com","path":"/api"}""";

    [Theory]
    [InlineData("json")]
    [InlineData("text")]
    public void Match_RequestLineWithLoneSurrogate_IsAnsweredWithAnErrorAndTheRestStillAre(string format)
    {
        // Issue 15: the escape crashed match, and the lines after it were never answered.
        var lines = Request + "\n" + """{"id":"bad","gateway":{"namespace":"infra","name":"web"},"host":"\ud800"}""" + "\n" + Request.Replace("\"ok\"", "\"after\"", StringComparison.Ordinal) + "\n";

        var run = RunWithStdin(lines, "match", Fixture("match.yaml"), "--requests", "-", "--output", format);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("-:2:1: error: a string has a \\u escape of a lone UTF-16 surrogate", run.Stderr, StringComparison.Ordinal);
        if (format == "json")
        {
            var answers = run.Stdout.TrimEnd('\n').Split('\n');
            Assert.Equal(3, answers.Length);
            Assert.StartsWith("{\"id\":\"bad\",\"outcome\":\"error\"", answers[1], StringComparison.Ordinal);
            Assert.StartsWith("{\"id\":\"after\",\"outcome\":\"routed\"", answers[2], StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(2, run.Stdout.Split("Request: http GET store.example.com/api").Length - 1);
        }
    }

    [Fact]
    public void Match_RequestLineTooLong_IsAnsweredWithAnErrorAndTheRestStillAre()
    {
        var lines = Request + "\n" + new string('x', MatchCommand.MaxRequestLine + 10) + "\n" + Request + "\n";

        var run = RunWithStdin(lines, "match", Fixture("match.yaml"), "--requests", "-");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(3, run.Stdout.TrimEnd('\n').Split('\n').Length);
        Assert.Contains("-:2:1: error: the line is longer than 1048576 characters", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_JsonManifestWithLoneSurrogate_IsAnErrorAndOtherFilesAreRead()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"policyattach-cli-surrogate-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "a.json"), """{"apiVersion":"v1","kind":"Service","metadata":{"name":"\ud800"}}""");
            File.WriteAllText(Path.Combine(folder, "b.yaml"), "apiVersion: v1\nkind: Service\nmetadata:\n  name: b\n  namespace: d\n");

            var run = Run("validate", folder);

            Assert.Equal(1, run.ExitCode);
            Assert.Contains("a.json:1:56: error: malformed JSON: the string has a \\u escape of a lone UTF-16 surrogate", run.Stderr, StringComparison.Ordinal);
            Assert.StartsWith("2 files, 1 document, 1 object\n", run.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void TextReaderStream_EncodesAsItReads_WithoutSplittingCharacters()
    {
        var text = string.Concat(Enumerable.Repeat("aé😀\n", 5000));
        using var stream = new TextReaderStream(new StringReader(text));
        using var copy = new MemoryStream();
        var buffer = new byte[7];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            copy.Write(buffer, 0, read);
        }

        Assert.Equal(text, Encoding.UTF8.GetString(copy.ToArray()));
    }
}
