using PolicyAttach.Matching;

namespace PolicyAttach.Tests.Matching;

/// <summary>
/// <see cref="HostTiers{TValue}"/>: exact hostnames first, then <c>*.suffix</c> wildcards from the longest suffix of the
/// host (never the bare suffix), then the catch-all.
/// </summary>
public class HostTiersTests
{
    private static HostTiers<string> Tiers(string? any, params string[] patterns)
        => new(patterns.Select(p => new KeyValuePair<string, string>(p, p)), any);

    private static List<string> Wildcards(HostTiers<string> tiers, string host)
    {
        var found = new List<string>();
        var from = -1;
        while (tiers.NextWildcard(host, ref from) is { } value)
        {
            found.Add(value);
            Assert.InRange(from, 0, host.Length - 1);
            Assert.Equal('.', host[from]);
        }

        Assert.Equal(host.Length, from);
        return found;
    }

    [Fact]
    public void NextWildcard_TwoWildcardsOfTheHost_LongestSuffixFirst()
    {
        var tiers = Tiers(null, "*.example.com", "*.b.example.com");
        Assert.Equal(new[] { "*.b.example.com", "*.example.com" }, Wildcards(tiers, "a.b.example.com"));
        Assert.Equal(new[] { "*.b.example.com", "*.example.com" }, Wildcards(tiers, "X.Y.B.EXAMPLE.COM"));
        Assert.Equal(new[] { "*.example.com" }, Wildcards(tiers, "b.example.com"));
        Assert.Equal(new[] { "*.example.com" }, Wildcards(tiers, "a.c.example.com"));
    }

    [Fact]
    public void NextWildcard_FromAfterTheFirstMatch_ResumesAfterThatDot()
    {
        var tiers = Tiers(null, "*.example.com", "*.b.example.com");
        var from = -1;
        Assert.Equal("*.b.example.com", tiers.NextWildcard("a.b.example.com", ref from));
        Assert.Equal(1, from);
        Assert.Equal("*.example.com", tiers.NextWildcard("a.b.example.com", ref from));
        Assert.Equal(3, from);
        Assert.Null(tiers.NextWildcard("a.b.example.com", ref from));
        Assert.Equal("a.b.example.com".Length, from);
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("EXAMPLE.COM")]
    [InlineData(".example.com")]
    [InlineData("a.example.com.")]
    [InlineData("example.com.")]
    [InlineData("aexample.com")]
    [InlineData("a.example.co")]
    [InlineData("a.example.comx")]
    [InlineData("a.b-example.com")]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("com")]
    public void NextWildcard_HostNotUnderTheWildcard_FindsNone(string host)
    {
        var tiers = Tiers(null, "*.example.com");
        Assert.Empty(Wildcards(tiers, host));
    }

    [Theory]
    [InlineData("a.example.com")]
    [InlineData("A.EXAMPLE.COM")]
    [InlineData("a.b.c.d.example.com")]
    [InlineData(".a.example.com")]
    [InlineData("..example.com")]
    [InlineData("a..example.com")]
    [InlineData("-.example.com")]
    [InlineData("a-very-long-label-of-forty-characters-x.example.com")]
    public void NextWildcard_HostUnderTheWildcard_FindsIt(string host)
    {
        var tiers = Tiers(null, "*.example.com");
        Assert.Equal(new[] { "*.example.com" }, Wildcards(tiers, host));
    }

    [Fact]
    public void NextWildcard_LeadingDotBeforeTheSuffix_IsNotALabel()
    {
        var tiers = Tiers(null, "*.com", "*.example.com");
        Assert.Empty(Wildcards(tiers, ".com"));
        Assert.Equal(new[] { "*.com" }, Wildcards(tiers, ".example.com"));
        Assert.Equal(new[] { "*.example.com", "*.com" }, Wildcards(tiers, "a.example.com"));
    }

    [Fact]
    public void NextWildcard_NoWildcards_FindsNoneAndEndsAtTheLength()
    {
        var tiers = Tiers("any", "a.example.com");
        Assert.False(tiers.HasWildcards);
        Assert.Empty(Wildcards(tiers, "a.example.com"));
        Assert.Empty(Wildcards(tiers, "x.a.example.com"));
    }

    [Fact]
    public void NextWildcard_SuffixesShorterThanEveryWildcard_AreNotLookedUp()
    {
        // Only a long wildcard: short hosts and hosts under another domain find nothing.
        var tiers = Tiers(null, "*.very.long.suffix.example.com");
        Assert.Empty(Wildcards(tiers, "a.b.c"));
        Assert.Empty(Wildcards(tiers, "x.example.com"));
        Assert.Empty(Wildcards(tiers, "very.long.suffix.example.com"));
        Assert.Equal(new[] { "*.very.long.suffix.example.com" }, Wildcards(tiers, "a.very.long.suffix.example.com"));
    }

    [Theory]
    [InlineData("a.example.com", "a.example.com")]
    [InlineData("A.EXAMPLE.COM", "a.example.com")]
    [InlineData("x.a.example.com", "*.a.example.com")]
    [InlineData("a.b.example.com", "*.b.example.com")]
    [InlineData("b.example.com", "*.example.com")]
    [InlineData("z.example.com", "*.example.com")]
    [InlineData("example.com", "example.com")]
    [InlineData(".example.com", "any")]
    [InlineData("a.example.com.", "any")]
    [InlineData("other.org", "any")]
    [InlineData("", "any")]
    public void Best_ExactThenLongestWildcardThenAny(string host, string expected)
    {
        var tiers = Tiers("any", "a.example.com", "example.com", "*.example.com", "*.b.example.com", "*.a.example.com");
        Assert.Equal(expected, tiers.Best(host));
    }

    [Fact]
    public void Best_NoCatchAll_IsNullWhenNothingMatches()
    {
        var tiers = Tiers(null, "*.example.com");
        Assert.Null(tiers.Best("example.com"));
        Assert.Null(tiers.Best("a.example.org"));
        Assert.Equal("*.example.com", tiers.Best("a.example.com"));
    }

    [Fact]
    public void Best_OnlyCatchAll_IsTheCatchAll()
    {
        var tiers = Tiers("any");
        Assert.True(tiers.OnlyAny);
        Assert.Equal("any", tiers.Best("a.example.com"));
        Assert.Equal("any", tiers.Best(""));
    }

    [Fact]
    public void Best_HostsBuiltFromLabels_AgreeWithSuffixComparison()
    {
        // Every host of up to four labels (empty ones included), against a reference built on EndsWith.
        string[] patterns = ["a.example.com", "example.com", "*.example.com", "*.b.example.com", "*.com", "*.B.a.example.com"];
        var tiers = Tiers("any", patterns);
        string[] labels = ["", "a", "B", "b", "example", "EXAMPLE", "com", "x-y"];
        var hosts = new List<string>(labels);
        var level = labels.ToList();
        for (var depth = 2; depth <= 4; depth++)
        {
            level = [.. level.SelectMany(h => labels.Select(l => h + "." + l))];
            hosts.AddRange(level);
        }

        foreach (var host in hosts)
        {
            var expected = patterns.FirstOrDefault(p => !p.StartsWith('*') && p.Equals(host, StringComparison.OrdinalIgnoreCase))
                ?? patterns.Where(p => p.StartsWith('*') && host.Length > p.Length - 1 && host.EndsWith(p[1..], StringComparison.OrdinalIgnoreCase))
                    .OrderByDescending(p => p.Length).FirstOrDefault()
                ?? "any";
            Assert.True(expected == tiers.Best(host), $"host '{host}': expected {expected}, got {tiers.Best(host)}");
        }
    }
}
