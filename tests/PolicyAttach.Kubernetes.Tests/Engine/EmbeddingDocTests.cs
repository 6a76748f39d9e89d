namespace PolicyAttach.Kubernetes.Tests.Engine;

/// <summary>docs/embedding.md shows code from examples/controller, which CI builds: every C# block must appear there verbatim.</summary>
public sealed class EmbeddingDocTests
{
    [Fact]
    public void EmbeddingDoc_EveryCodeSample_IsCompiledInTheExampleController()
    {
        var root = RepositoryRoot.Path;
        var doc = File.ReadAllText(Path.Combine(root, "docs", "embedding.md")).ReplaceLineEndings("\n");
        var example = string.Join("\n", Directory.GetFiles(Path.Combine(root, "examples", "controller"), "*.cs")
            .Select(f => File.ReadAllText(f).ReplaceLineEndings("\n")));
        var normalizedExample = Normalize(example);

        var blocks = doc.Split("```csharp\n").Skip(1).Select(b => b[..b.IndexOf("```", StringComparison.Ordinal)]).ToList();

        Assert.NotEmpty(blocks);
        Assert.All(blocks, block => Assert.Contains(Normalize(block), normalizedExample, StringComparison.Ordinal));
    }

    private static string Normalize(string code)
        => string.Join("\n", code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
}
