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
    [InlineData("version")]
    [InlineData("completion")]
    public void CliReference_EveryCommand_QuotesTheCurrentHelp(string command)
    {
        var docs = File.ReadAllText(Path.Combine(CliRunner.RepoRoot, "docs", "cli.md")).ReplaceLineEndings("\n");
        var help = CliRunner.Run("help", command).Stdout.ReplaceLineEndings("\n").TrimEnd('\n');

        Assert.True(docs.Contains(help, StringComparison.Ordinal), $"docs/cli.md does not quote the current help of '{command}'; paste the output of `policyattach help {command}` into it.");
    }
}
