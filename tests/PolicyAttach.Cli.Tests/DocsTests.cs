namespace PolicyAttach.Cli.Tests;

/// <summary>docs/cli.md quotes every command's help; it must stay the help the tool prints.</summary>
public class DocsTests
{
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
    [InlineData("convert-istio")]
    [InlineData("convert-smi")]
    [InlineData("check")]
    [InlineData("audit")]
    [InlineData("version")]
    [InlineData("completion")]
    public void CliReference_EveryCommand_QuotesTheCurrentHelp(string command)
    {
        var docs = File.ReadAllText(Path.Combine(CliRunner.RepoRoot, "docs", "cli.md")).ReplaceLineEndings("\n");
        var help = CliRunner.Run("help", command).Stdout.ReplaceLineEndings("\n").TrimEnd('\n');

        Assert.True(docs.Contains(help, StringComparison.Ordinal), $"docs/cli.md does not quote the current help of '{command}'; paste the output of `policyattach help {command}` into it.");
    }

    [Fact]
    public void DiagnosticsReference_EveryCode_HasAnAnchorAndEveryFindingAnExample()
    {
        var docs = File.ReadAllText(Path.Combine(CliRunner.RepoRoot, "docs", "diagnostics.md")).ReplaceLineEndings("\n");
        foreach (var rule in PolicyAttach.Findings.FindingRules.All)
        {
            var anchor = $"<a id=\"{rule.Code.ToLowerInvariant()}\"></a>";
            Assert.True(docs.Contains(anchor, StringComparison.Ordinal), $"docs/diagnostics.md has no anchor for {rule.Code}");
            if (rule.Code.StartsWith("PA3", StringComparison.Ordinal) || rule.Code is "PA7002" or "PA7003")
            {
                var section = docs[docs.IndexOf(anchor, StringComparison.Ordinal)..];
                section = section[..Math.Max(0, section.IndexOf("<a id=", anchor.Length, StringComparison.Ordinal) is var next and > 0 ? next : section.Length)];
                Assert.Contains($"[{rule.Code}]\n```", section, StringComparison.Ordinal);
                Assert.Contains("```yaml", section, StringComparison.Ordinal);
            }
        }
    }
}
