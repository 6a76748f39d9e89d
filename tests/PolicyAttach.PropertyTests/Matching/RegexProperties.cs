using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PolicyAttach.Matching;
using PolicyAttach.Re2;

namespace PolicyAttach.PropertyTests.Matching;

/// <summary>
/// Route regexes: every pattern <see cref="Re2Syntax"/> accepts builds on the linear-time engine (so the matcher never
/// meets a pattern it cannot run), and the matcher's shortcuts decide as that engine does. Patterns are random
/// sequences of RE2 tokens, metacharacters and constructs RE2 refuses, so that both verdicts are common.
/// </summary>
public class RegexProperties
{
    private static readonly string[] Tokens =
    [
        "a", "b", "/", ".", "*", "+", "?", "|", "(", ")", "[", "]", "^", "-", "$", @"\d", @"\w", @"\D", @"\s", "[^a]",
        "{2}", "{1,3}", "{0,}", "(?:", "(?i)", "(?m)", "(?s:", @"\b", "(?=", @"\1", "[[:alpha:]]", "[[:^digit:]]", "é",
        "😀", @"\Q", @"\E", "{", "}", @"\x{41}", @"\pL", "[a-z]", "[^/]", "(?P<n>", @"\.", @"\A", @"\z", "??", "{1000}",
    ];

    private static readonly Gen<string> Patterns =
        from count in Gen.Choose(0, 10)
        from tokens in Gen.Elements(Tokens).ArrayOf(count)
        select string.Concat(tokens);

    private static readonly Gen<string> Values =
        from count in Gen.Choose(0, 6)
        from parts in Gen.Elements("a", "b", "/", "1", "A", "é", "\n", "-", "😀", ".").ArrayOf(count)
        select string.Concat(parts);

    private static readonly Gen<(string Pattern, string[] Values)> Cases =
        from pattern in Patterns
        from values in Values.ArrayOf(8)
        select (pattern, values);

    private static Arbitrary<(string Pattern, string[] Values)> Arbitrary()
        => Arb.From(Cases, c => Enumerable.Range(0, c.Pattern.Length).Select(i => (c.Pattern.Remove(i, 1), c.Values)));

    [Property(MaxTest = 300)]
    public Property Translate_AcceptedPattern_BuildsOnTheLinearEngineAndTheMatcherAgrees()
        => Prop.ForAll(Arbitrary(), input =>
        {
            var translation = Re2Syntax.Translate(input.Pattern);
            var compiled = MatchRegex.Create(input.Pattern);
            if (!translation.IsValid)
            {
                return input.Values.All(v => !compiled.IsMatch(v)).Label($"refused '{input.Pattern}' ({translation.Problem}) matched a value");
            }

            var anchored = @"\A(?:" + translation.Pattern + @")\z";
            var linear = new Regex(anchored, MatchRegex.Linear);
            var backtracking = new Regex(anchored, RegexOptions.CultureInvariant);
            var differences = input.Values.Where(v => linear.IsMatch(v) != compiled.IsMatch(v) || linear.IsMatch(v) != backtracking.IsMatch(v)).ToList();
            return (differences.Count == 0).Label($"pattern '{input.Pattern}' as '{anchored}' disagrees on: {string.Join(", ", differences.Select(d => $"'{d}'"))}");
        });

    [Fact]
    public void Cases_AcceptSomePatternsAndRefuseOthers()
    {
        var samples = Patterns.Sample(1000, new Rnd(20261206), 10);
        var accepted = samples.Count(p => Re2Syntax.Translate(p).IsValid);
        Assert.InRange(accepted, 150, 850);
    }
}
