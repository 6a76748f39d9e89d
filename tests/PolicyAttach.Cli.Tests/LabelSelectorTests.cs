using PolicyAttach.Cli.Input;

namespace PolicyAttach.Cli.Tests;

/// <summary>Label selectors as kubectl -l reads them.</summary>
public class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal) { ["app"] = "web", ["tier"] = "front", ["example.com/owner"] = "team-a", ["replicas"] = "3" };

    [Theory]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app=db", false)]
    [InlineData("app!=db", true)]
    [InlineData("missing!=x", true)]
    [InlineData("app", true)]
    [InlineData("!app", false)]
    [InlineData("!missing", true)]
    [InlineData("tier in (front, back)", true)]
    [InlineData("tier in (back)", false)]
    [InlineData("tier notin (back)", true)]
    [InlineData("missing notin (back)", true)]
    [InlineData("app=web,tier in (front,back),!legacy", true)]
    [InlineData("app=web,tier=back", false)]
    [InlineData("example.com/owner=team-a", true)]
    [InlineData("replicas>2", true)]
    [InlineData("replicas<3", false)]
    public void Matches_Requirement_AsKubernetes(string selector, bool expected)
    {
        Assert.True(LabelSelector.TryParse(selector, out var parsed, out var error), error);
        Assert.Equal(expected, parsed.Matches(Labels));
    }

    [Theory]
    [InlineData("app=web,")]
    [InlineData("tier in front")]
    [InlineData("tier in ()")]
    [InlineData("=web")]
    [InlineData("app=we b")]
    [InlineData("replicas>two")]
    [InlineData("-bad-=x")]
    public void TryParse_Malformed_ReportsIt(string selector)
    {
        Assert.False(LabelSelector.TryParse(selector, out _, out var error));
        Assert.Contains(selector, error, StringComparison.Ordinal);
    }
}
