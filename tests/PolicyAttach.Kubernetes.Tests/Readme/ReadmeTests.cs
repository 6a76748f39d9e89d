namespace PolicyAttach.Kubernetes.Tests.Readme;

/// <summary>The README's library sample is the code of <c>ReadmeSample.cs</c>, which CI compiles with the README's usings alone.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void Readme_LibrarySample_IsTheCompiledSampleWithOneUsing()
    {
        var root = RepositoryRoot.Path;
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("## The library in ten lines", StringComparison.Ordinal);
        Assert.True(start >= 0, "README lost its library sample");
        var block = readme[(readme.IndexOf("```csharp\n", start, StringComparison.Ordinal) + "```csharp\n".Length)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        var sample = File.ReadAllText(Path.Combine(root, "tests", "PolicyAttach.Kubernetes.Tests", "Readme", "ReadmeSample.cs")).ReplaceLineEndings("\n");

        var usings = Lines(block).Where(l => l.StartsWith("using ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["using PolicyAttach;                                               // the front door: every type below"], usings);
        Assert.Equal(usings, Lines(sample).Where(l => l.StartsWith("using ", StringComparison.Ordinal)));
        Assert.All(Lines(block), line => Assert.Contains(line, Lines(sample)));
    }

    private static List<string> Lines(string code) => code.Split('\n').Where(l => l.Trim().Length > 0).ToList();
}
