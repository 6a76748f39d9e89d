using System.Text.RegularExpressions;
using PolicyAttach.Matching;
using PolicyAttach.Re2;

namespace PolicyAttach.Tests.Matching;

/// <summary>The regex shortcuts of <see cref="MatchPattern"/> decide exactly as the engine does on the translated pattern.</summary>
public class MatchPatternTests
{
    private static readonly string[] Patterns =
    [
        "/users/[0-9]+", "/users/[0-9]*", "/a.*", "/a.+", "/[ab]+", "/a/.*", "/(b|ab)", "abc", "", "ab*", "ab+c", "ab?",
        "a{2}", "a{2,}b", "[^/]+", "/x/[^0-9]*", "[a-zA-Z_]+", "/v[12]/.*", "a|b", "/api/(v1|v2)/.*", "[", "(", "a)",
        "/p]", "a.b", "/[a-]+", "/[-a]+", "/[z-a]+", "/[]]+", "[\\d]+", "\\d+", "/ab(?i)c", "(?i)/ab", "x[.]+", "[.]*",
        "/a-b_c~d%20", "/é.*", "[^a]*", "/users/[0-9]+/x",
    ];

    private static readonly string[] Values =
    [
        "", "/", "/users/", "/users/42", "/users/4a", "/users/٣", "/a", "/ab", "/abc", "/a/", "/a/b", "/a\n", "/a/\nb", "/b",
        "/ab/", "abc", "ab", "abbb", "a", "aa", "aab", "aaab", "x/y", "/x/", "/x/abc", "/x/a1", "Az_", "A-z", "/v1/x",
        "/v3/x", "/api/v1/x", "]", "/p]", "axb", "a.b", "/a-", "/-", "/z", "12", "x..", "...", "/a-b_c~d%20", "/éx",
        "/abC", "/ABc", "/AbC", "bbb", "/users/42/x", "/users/42\n",
    ];

    [Fact]
    public void IsMatch_EveryShape_DecidesAsTheEngine()
    {
        foreach (var pattern in Patterns)
        {
            var compiled = MatchRegex.Create(pattern);
            var translated = Re2Syntax.Translate(pattern).Pattern;
            var reference = translated is null ? null : new Regex(@"\A(?:" + translated + @")\z", MatchRegex.Linear);

            foreach (var value in Values)
            {
                var expected = reference?.IsMatch(value) ?? false;
                Assert.True(expected == compiled.IsMatch(value), $"pattern '{pattern}' on '{value}': expected {expected}");
            }
        }
    }
}
