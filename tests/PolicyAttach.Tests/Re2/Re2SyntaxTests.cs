using System.Text.RegularExpressions;
using PolicyAttach.Matching;
using PolicyAttach.Re2;

namespace PolicyAttach.Tests.Re2;

/// <summary>Route regexes are read as RE2 (Envoy's dialect) and run on the linear-time engine.</summary>
public class Re2SyntaxTests
{
    public static TheoryData<string, string, bool> Re2Meanings => new()
    {
        // Perl classes are ASCII in RE2.
        { @"/users/\d+", "/users/42", true },
        { @"/users/\d+", "/users/٣", false },
        { @"\w+", "abc_9", true },
        { @"\w+", "é", false },
        { @"\s", "\v", false },
        { @"[\d.]+", "1.2", true },
        { @"[\D]+", "ab", true },
        { @"[\D]+", "a1", false },
        { @"[^\D]+", "12", true },
        { @"[^\D]+", "1a", false },
        { @"[^\Dx]+", "12", true },
        { @"[a\W]+", "a-", true },
        { @"[a\W]+", "b", false },

        // $ without the m flag is the end of the text only.
        { "/a$", "/a", true },
        { "/a$", "/a\n", false },
        { "(?m)/a$\n", "/a\n", true },

        // POSIX classes, escapes, quoting, names, flags.
        { "[[:alpha:]]+", "abC", true },
        { "[[:alpha:]]+", "ab1", false },
        { "[[:^digit:]]+", "ab", true },
        { "[[:^digit:]]+", "a1", false },
        { @"\x41\x{42}\103", "ABC", true },
        { @"\Q.*+\E", ".*+", true },
        { @"\Q.*+\E", "aaa", false },
        { "(?P<first>a)(?<second>b)", "ab", true },
        { "(?i)abc", "ABC", true },
        { "(?i:a)b", "Ab", true },
        { "(?i:a)b", "AB", false },
        { "(?U)a+", "aaa", true },
        { "a+?", "aaa", true },
        { @"\pL+", "éa", true },
        { @"\p{Nd}+", "٣", true },
        { @"\PL", "1", true },
        { "😀+", "😀😀", true },
        { @"\x{1F600}", "😀", true },
        { "a{2,3}", "aaa", true },
        { "a{2,3}", "aaaa", false },
        { "a{,3}", "a{,3}", true },
        { "[]a]+", "]a", true },
        { "[^]a]", "b", true },
        { "[a-]+", "a-", true },
        { @"\.\-\_", ".-_", true },
        { @"a\b", "a", true },
    };

    [Theory]
    [MemberData(nameof(Re2Meanings))]
    public void Translate_Re2Pattern_MatchesAsRe2(string pattern, string value, bool expected)
    {
        var compiled = MatchRegex.Create(pattern);
        Assert.Equal(expected, compiled.IsMatch(value));
    }

    public static TheoryData<string, string, int> Refused => new()
    {
        { @"(a)\1", "backreferences", 3 },
        { @"(?P<n>a)(?P=n)", "named backreference", 8 },
        { @"\k<n>", "backreferences", 0 },
        { "a(?=b)", "lookahead", 1 },
        { "a(?!b)", "lookahead", 1 },
        { "(?<=a)b", "lookbehind", 0 },
        { "(?<!a)b", "lookbehind", 0 },
        { "(?>a+)b", "atomic groups", 0 },
        { "(?(a)b|c)", "conditionals", 0 },
        { "a(?#note)", "comments", 1 },
        { @"a\Z", @"\Z", 1 },
        { @"\Ga", @"\G", 0 },
        { "a{1001}", "at most 1000", 1 },
        { "a{3,2}", "minimum at most the maximum", 1 },
        { "(a{100}){100}", "too large", 0 },
        { @"\p{Greek}", "Unicode class", 0 },
        { "[😀]", "above U+FFFF", 1 },
        { "(?x)a", "inline flags", 0 },
        { @"\e", "escape RE2 knows", 0 },
        { "a**", "follows another", 2 },
        { "*a", "nothing to repeat", 0 },
        { "(a", "not closed", 0 },
        { "a)", "closes no group", 1 },
        { "[a", "not closed", 0 },
        { "[z-a]", "range is not valid", 2 },
        { "[[:foo:]]", "POSIX class", 1 },
        { @"a\", @"lone ""\""", 1 },
        { @"\C", "any byte", 0 },
        { "(?P<n>a)(?P<n>b)", "used twice", 8 },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Translate_ConstructRe2CannotRun_IsRefusedWithItsPosition(string pattern, string problem, int offset)
    {
        var translation = Re2Syntax.Translate(pattern);
        Assert.False(translation.IsValid);
        Assert.Contains(problem, translation.Problem, StringComparison.Ordinal);
        Assert.Equal(offset, translation.Offset);
        Assert.False(MatchRegex.Create(pattern).IsMatch(pattern));
    }

    [Fact]
    public void Translate_NestingPastTheLimit_IsRefused()
    {
        var deep = new string('(', Re2Syntax.MaxNesting + 1) + "a" + new string(')', Re2Syntax.MaxNesting + 1);
        var translation = Re2Syntax.Translate(deep);
        Assert.Contains("nested more than", translation.Problem, StringComparison.Ordinal);
        var allowed = new string('(', Re2Syntax.MaxNesting) + "a" + new string(')', Re2Syntax.MaxNesting);
        Assert.True(MatchRegex.Create(allowed).IsMatch("a"));
    }

    [Fact]
    public void Create_CatastrophicPatternOnALongValue_AnswersInLinearTime()
    {
        // Issue 15: on a backtracking engine "/(a+)+$" against 30 'a's and '!' took 46 s; the linear engine answers a
        // 50,000-character value. (A backtracking engine would never return from this test.)
        var compiled = MatchRegex.Create("/(a+)+$");
        Assert.False(compiled.IsMatch("/" + new string('a', 50_000) + "!"));
        Assert.True(compiled.IsMatch("/" + new string('a', 50_000)));
        foreach (var pattern in (string[])["(x+x+)+y", "(a|aa)+$", "(.*a){12}", "([a-z]+)*[0-9]"])
        {
            Assert.False(MatchRegex.Create(pattern).IsMatch(new string(pattern[1] == 'x' ? 'x' : 'a', 50_000) + "!"));
        }
    }

    [Fact]
    public void Create_EveryPattern_RunsOnTheNonBacktrackingEngine()
    {
        Assert.True(MatchRegex.Linear.HasFlag(RegexOptions.NonBacktracking));
        var translation = Re2Syntax.Translate("/(v1|v2)/[a-z]+");
        Assert.Matches(new Regex(@"\A(?:" + translation.Pattern + @")\z", MatchRegex.Linear), "/v1/abc");
    }

    [Fact]
    public void IsMatch_AfterTheFirstMatch_AllocatesNothing()
    {
        var compiled = MatchRegex.Create("/api/(v1|v2)/items/[0-9]{1,10}");
        Assert.True(compiled.IsMatch("/api/v1/items/42"));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            compiled.IsMatch("/api/v2/items/7");
            compiled.IsMatch("/api/v3/items/7");
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
