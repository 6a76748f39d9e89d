using System.Text.RegularExpressions;

namespace PolicyAttach.Matching;

/// <summary>
/// A compiled match regex (<see cref="MatchRegex"/>) with shortcuts that keep its semantics. Every pattern gets
/// a literal-prefix pre-check: the characters before the first metacharacter (less the last one when a quantifier
/// follows) must start any matching value, unless the pattern has an alternation anywhere. Patterns of the common
/// shape <c>literal</c>, <c>literal.*</c>, <c>literal.+</c>, <c>literal[set]*</c> or <c>literal[set]+</c> (a set of
/// ASCII characters and ranges, optionally negated) are decided without the regex engine: after the prefix every
/// character must be in the set (<c>.</c> is any character but <c>\n</c>).
/// </summary>
internal sealed class MatchPattern
{
    private readonly Regex _regex;
    private readonly string _prefix;
    private readonly Shape _shape;
    private readonly int _minTail;
    private readonly bool _negated;
    private readonly ulong _low;
    private readonly ulong _high;

    private enum Shape
    {
        /// <summary>The regex decides, after the prefix check.</summary>
        Regex,

        /// <summary>The value is the prefix.</summary>
        Literal,

        /// <summary>After the prefix, at least <see cref="_minTail"/> characters, each in the set.</summary>
        PrefixThenSet,

        /// <summary>After the prefix, at least <see cref="_minTail"/> characters, none of them <c>\n</c>.</summary>
        PrefixThenAny,
    }

    private MatchPattern(Regex regex, string prefix, Shape shape, int minTail, bool negated, ulong low, ulong high)
    {
        _regex = regex;
        _prefix = prefix;
        _shape = shape;
        _minTail = minTail;
        _negated = negated;
        _low = low;
        _high = high;
    }

    /// <summary>The regex behind the pattern.</summary>
    public Regex Regex => _regex;

    /// <summary>Whether the pattern compiled; one that did not never matches.</summary>
    public bool IsValid { get; private init; } = true;

    /// <summary>Compiles <paramref name="pattern"/>; <paramref name="regex"/> is its anchored regex (or the never-matching one).</summary>
    public static MatchPattern Create(string pattern, Regex regex, bool valid)
    {
        if (!valid)
        {
            return new MatchPattern(regex, "", Shape.Regex, 0, false, 0, 0) { IsValid = false };
        }

        var run = 0;
        while (run < pattern.Length && IsLiteral(pattern[run]))
        {
            run++;
        }

        if (pattern.Contains('|', StringComparison.Ordinal))
        {
            return new MatchPattern(regex, "", Shape.Regex, 0, false, 0, 0) { IsValid = false };
        }

        if (run == pattern.Length)
        {
            return new MatchPattern(regex, pattern, Shape.Literal, 0, false, 0, 0);
        }

        if (pattern[run] is '*' or '+' or '?' or '{')
        {
            // The last literal character is quantified: it is not part of every match.
            return new MatchPattern(regex, pattern[..Math.Max(0, run - 1)], Shape.Regex, 0, false, 0, 0);
        }

        var prefix = pattern[..run];
        var rest = pattern.AsSpan(run);
        if (rest.Length == 2 && rest[0] == '.' && rest[1] is '*' or '+')
        {
            return new MatchPattern(regex, prefix, Shape.PrefixThenAny, rest[1] == '+' ? 1 : 0, false, 0, 0);
        }

        if (rest.Length >= 4 && rest[0] == '[' && rest[^2] == ']' && rest[^1] is '*' or '+'
            && TryParseSet(rest[1..^2], out var negated, out var low, out var high))
        {
            return new MatchPattern(regex, prefix, Shape.PrefixThenSet, rest[^1] == '+' ? 1 : 0, negated, low, high);
        }

        return new MatchPattern(regex, prefix, Shape.Regex, 0, false, 0, 0);
    }

    /// <summary>Whether the whole value matches; allocates nothing.</summary>
    public bool IsMatch(ReadOnlySpan<char> value)
    {
        switch (_shape)
        {
            case Shape.Literal:
                return value.SequenceEqual(_prefix);
            case Shape.PrefixThenSet:
            {
                if (value.Length - _prefix.Length < _minTail || !value.StartsWith(_prefix, StringComparison.Ordinal))
                {
                    return false;
                }

                foreach (var c in value[_prefix.Length..])
                {
                    if (InSet(c) == _negated)
                    {
                        return false;
                    }
                }

                return true;
            }

            case Shape.PrefixThenAny:
                return value.Length - _prefix.Length >= _minTail && value.StartsWith(_prefix, StringComparison.Ordinal)
                    && !value[_prefix.Length..].Contains('\n');
            default:
                return value.StartsWith(_prefix, StringComparison.Ordinal) && _regex.IsMatch(value);
        }
    }

    private bool InSet(char c) => c < 64 ? (_low & (1UL << c)) != 0 : c < 128 && (_high & (1UL << (c - 64))) != 0;

    /// <summary>ASCII characters that stand for themselves outside a character class.</summary>
    private static bool IsLiteral(char c) => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '~' or '%' or '=' or ',' or ';' or ':' or '@' or '!' or '&' or '\'' or '"' or '<' or '>';

    /// <summary>ASCII characters that stand for themselves inside a character class.</summary>
    private static bool IsClassLiteral(char c) => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '.' or '~' or '%' or ':' or '@' or '=' or ',' or ';' or '!' or '&' or '+' or '*' or '$' or '\'';

    /// <summary>Parses the inside of <c>[...]</c>: an optional <c>^</c>, then characters and ranges <c>a-z</c>.</summary>
    private static bool TryParseSet(ReadOnlySpan<char> body, out bool negated, out ulong low, out ulong high)
    {
        low = 0;
        high = 0;
        negated = body.Length > 0 && body[0] == '^';
        if (negated)
        {
            body = body[1..];
        }

        if (body.IsEmpty)
        {
            return false;
        }

        var i = 0;
        while (i < body.Length)
        {
            var from = body[i];
            if (!IsClassLiteral(from))
            {
                return false;
            }

            var to = from;
            if (i + 1 < body.Length && body[i + 1] == '-')
            {
                if (i + 2 >= body.Length || !IsClassLiteral(body[i + 2]) || body[i + 2] < from)
                {
                    return false;
                }

                to = body[i + 2];
                i += 3;
            }
            else
            {
                i++;
            }

            for (var c = from; c <= to; c++)
            {
                if (c < 64)
                {
                    low |= 1UL << c;
                }
                else
                {
                    high |= 1UL << (c - 64);
                }
            }
        }

        return true;
    }
}
