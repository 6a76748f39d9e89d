using PolicyAttach.Conversion;

namespace PolicyAttach.Tests.Conversion;

public class FirstMatchOrderTests
{
    private static readonly Re2Patterns Re2 = new();

    private static MatchSpec Spec(PathCondition path, string? method = null, (string Name, string Value)[]? headers = null, bool regexHeaders = false)
        => MatchSpec.Create(path, method, (headers ?? []).Select(h => new ValueTest(h.Name, regexHeaders, h.Value)), []);

    private static PathCondition Exact(string v) => new(PathKind.Exact, v);

    private static PathCondition Prefix(string v) => PathCondition.Prefix(v);

    private static PathCondition Regex(string v) => new(PathKind.Regex, v);

    [Fact]
    public void Precedence_ExactPrefixRegex_RankedInThatOrder()
    {
        Assert.True(MatchSpec.Precedence(Spec(Exact("/a")), Spec(Prefix("/a/b/c"))) > 0);
        Assert.True(MatchSpec.Precedence(Spec(Prefix("/a/b")), Spec(Prefix("/a"))) > 0);
        Assert.True(MatchSpec.Precedence(Spec(Prefix("/")), Spec(Regex("/a.*"))) > 0);
        Assert.True(MatchSpec.Precedence(Spec(Prefix("/a"), "GET"), Spec(Prefix("/a"), null, [("x", "1"), ("y", "1")])) > 0);
        Assert.Equal(0, MatchSpec.Precedence(Spec(Prefix("/a"), null, [("x", "1")]), Spec(Prefix("/b"), null, [("y", "2")])));
    }

    [Fact]
    public void Intersect_ExactOutsidePrefix_Empty()
    {
        Assert.Equal(Intersection.Empty, MatchSpec.Intersect(Spec(Exact("/ab")), Spec(Prefix("/a")), Re2, out _));
        Assert.Equal(Intersection.Empty, MatchSpec.Intersect(Spec(Prefix("/a"), "GET"), Spec(Prefix("/a"), "POST"), Re2, out _));
        Assert.Equal(Intersection.Empty, MatchSpec.Intersect(Spec(Prefix("/"), null, [("x", "1")]), Spec(Prefix("/"), null, [("x", "2")]), Re2, out _));
    }

    [Fact]
    public void Intersect_RegexHeaderAndExactValue_KeepsTheExactValue()
    {
        var kind = MatchSpec.Intersect(Spec(Prefix("/"), null, [("x", "1")]), Spec(Prefix("/a"), null, [("x", "[0-9]+")], regexHeaders: true), Re2, out var both);
        Assert.Equal(Intersection.Match, kind);
        Assert.Equal(Spec(Prefix("/a"), null, [("x", "1")]), both);
    }

    [Fact]
    public void Preserve_HeaderCatchAllBeforeExactPath_EarlierRuleGetsTheIntersection()
    {
        // Istio: [x-canary: true -> canary], [/health -> health]. Gateway API would send /health with the header to
        // health (Exact outranks PathPrefix /); the first rule must also match Exact /health with the header.
        var (rules, conflicts) = FirstMatchOrder.Preserve([[Spec(Prefix("/"), null, [("x-canary", "true")])], [Spec(Exact("/health"))]], Re2);
        Assert.Empty(conflicts);
        Assert.Contains(Spec(Exact("/health"), null, [("x-canary", "true")]), rules[0]);
        Assert.Equal([Spec(Exact("/health"))], rules[1]);
    }

    [Fact]
    public void Preserve_ShortPrefixBeforeLongPrefix_EarlierRuleGetsTheLongPrefix()
    {
        var (rules, _) = FirstMatchOrder.Preserve([[Spec(Prefix("/api"))], [Spec(Prefix("/api/v2"), "POST")]], Re2);
        Assert.Contains(Spec(Prefix("/api/v2"), "POST"), rules[0]);
    }

    [Fact]
    public void Preserve_PrecedenceAlreadyAgrees_AddsNothing()
    {
        var (rules, conflicts) = FirstMatchOrder.Preserve([[Spec(Exact("/a"))], [Spec(Prefix("/a"))], [Spec(Prefix("/"))]], Re2);
        Assert.Empty(conflicts);
        Assert.Equal([1, 1, 1], rules.Select(r => r.Count));
    }

    [Fact]
    public void Preserve_RegexBeforeCatchAll_LowersTheCatchAllToARegex()
    {
        var (rules, conflicts) = FirstMatchOrder.Preserve([[Spec(Regex("/users/[0-9]+"))], [Spec(Prefix("/users"))], [Spec(Prefix("/"))]], Re2, 128, out var demoted);
        Assert.Empty(conflicts);
        Assert.Equal(new SortedSet<int> { 1, 2 }, demoted);
        Assert.Equal(Spec(Regex("/users(/.*)?")), rules[1][0]);
        Assert.Equal(Spec(Regex(".*")), rules[2][0]);
    }

    [Fact]
    public void Preserve_TwoRegexesLaterOneWithMoreHeaders_ReportsTheConflict()
    {
        var (_, conflicts) = FirstMatchOrder.Preserve([[Spec(Regex("/a.*"))], [Spec(Regex("/[ab]+"), null, [("x", "1")])]], Re2);
        var conflict = Assert.Single(conflicts);
        Assert.Equal(0, conflict.EarlierRule);
        Assert.Equal(1, conflict.LaterRule);
    }

    [Fact]
    public void Preserve_ChainOfInversions_ReachesAFixedPoint()
    {
        // Rule 0 is outranked by rule 1 and rule 2, and rule 1's added matches by rule 2: rule 0 needs /a/b with both.
        var (rules, conflicts) = FirstMatchOrder.Preserve(
        [
            [Spec(Prefix("/"), null, [("x", "1")])],
            [Spec(Prefix("/a"), "GET")],
            [Spec(Prefix("/a/b"))],
        ], Re2);
        Assert.Empty(conflicts);
        Assert.Contains(Spec(Prefix("/a/b"), "GET", [("x", "1")]), rules[0]);
        Assert.Contains(Spec(Prefix("/a/b"), "GET"), rules[1]);
    }

    [Fact]
    public void AsRegex_PathPrefix_MatchesTheSamePaths()
    {
        var regex = Prefix("/a/b").AsRegex();
        foreach (var path in new[] { "/a/b", "/a/b/", "/a/b/c", "/a/bc", "/a", "/" })
        {
            Assert.Equal(Prefix("/a/b").Matches(path, Re2), regex.Matches(path, Re2));
        }
    }
}
