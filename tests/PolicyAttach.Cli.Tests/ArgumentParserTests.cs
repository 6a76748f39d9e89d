using PolicyAttach.Cli.CommandLine;

namespace PolicyAttach.Cli.Tests;

/// <summary>The option grammar follows pflag (kubectl): long and short forms, bundles, values glued or apart.</summary>
public class ArgumentParserTests
{
    private static readonly IReadOnlyList<OptionSpec> Options = CommonOptions.Standard(
        [new("time", "RFC3339", "A time.")],
        CommonOptions.Output("text, json or yaml.", "text", "json", "yaml"));

    [Theory]
    [InlineData("-o", "json")]
    [InlineData("-ojson")]
    [InlineData("-o=json")]
    [InlineData("--output", "json")]
    [InlineData("--output=json")]
    public void TryParse_OutputSpellings_AllReadJson(params string[] args)
    {
        Assert.True(ArgumentParser.TryParse(args, Options, out var parsed, out var error), error);
        Assert.Equal("json", parsed.Get("output"));
    }

    [Fact]
    public void TryParse_BundledFlagsWithValueLast_ReadsEach()
    {
        Assert.True(ArgumentParser.TryParse(["-ARf", "dir"], Options, out var parsed, out var error), error);
        Assert.True(parsed.Has("all-namespaces"));
        Assert.True(parsed.Has("recursive"));
        Assert.Equal(["dir"], parsed.GetAll("filename"));
    }

    [Fact]
    public void InOrder_PositionalsAndFilenames_KeepCommandLineOrder()
    {
        Assert.True(ArgumentParser.TryParse(["a.yaml", "-f", "b.yaml", "c.yaml", "--filename=d.yaml", "-k", "k", "target"], Options, out var parsed, out _));

        var order = parsed.InOrder(2, "filename", "kustomize");

        Assert.Equal(["a.yaml", "b.yaml", "c.yaml", "d.yaml", "k"], order.Select(e => e.Value));
        Assert.Equal([null, "filename", null, "filename", "kustomize"], order.Select(e => e.Option));
    }

    [Theory]
    [InlineData("--outptu", "unknown option '--outptu'; did you mean '--output'?")]
    [InlineData("--namspace", "unknown option '--namspace'; did you mean '--namespace'?")]
    [InlineData("--recurse", "unknown option '--recurse'; did you mean '--recursive'?")]
    [InlineData("--filenames", "unknown option '--filenames'; did you mean '--filename'?")]
    [InlineData("-x", "unknown option '-x'")]
    [InlineData("-Ax", "unknown option '-x' in '-Ax'")]
    [InlineData("--zzzzzz", "unknown option '--zzzzzz'")]
    public void TryParse_UnknownOption_SuggestsTheCloseOnes(string typed, string expected)
    {
        Assert.False(ArgumentParser.TryParse([typed, "x"], Options, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("-R=yes", "option '-R' (--recursive) takes no value")]
    [InlineData("-o", "option '-o' (--output) needs a value (FORMAT)")]
    [InlineData("--recursive=true", "option '--recursive' takes no value")]
    public void TryParse_MalformedShortOption_Explains(string typed, string expected)
    {
        Assert.False(ArgumentParser.TryParse([typed], Options, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryParse_SingleValuedOptionTwice_IsAnErrorButRepeatableIsNot()
    {
        Assert.False(ArgumentParser.TryParse(["-o", "json", "-o", "yaml"], Options, out _, out var error));
        Assert.Equal("option '--output' is given more than once", error);
        Assert.True(ArgumentParser.TryParse(["-f", "a", "-f", "b", "--exclude", "x", "--exclude", "y"], Options, out var parsed, out _));
        Assert.Equal(["x", "y"], parsed.GetAll("exclude"));
    }

    [Fact]
    public void HelpLabel_ShortAndLong_AlignedAsGnuTools()
    {
        Assert.Equal("-o, --output FORMAT", CommonOptions.Output("x").HelpLabel);
        Assert.Equal("    --exclude GLOB", CommonOptions.Exclude.HelpLabel);
        Assert.Equal("-R, --recursive", CommonOptions.Recursive.HelpLabel);
    }
}
