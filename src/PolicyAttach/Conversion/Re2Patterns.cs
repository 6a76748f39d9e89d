using System.Text;
using System.Text.RegularExpressions;

namespace PolicyAttach.Conversion;

/// <summary>
/// Regular expressions written for RE2 (Istio and Envoy, SMI implementations), run in linear time: compiled with
/// <see cref="RegexOptions.NonBacktracking"/>, anchored at both ends because Envoy's regex matchers match the whole
/// value (<see href="https://github.com/google/re2/wiki/Syntax">RE2 syntax</see>). RE2 has no backreferences or
/// lookaround, and neither has the non-backtracking engine, so a pattern RE2 accepts compiles here unless it uses
/// RE2-only spellings; <c>(?P&lt;name&gt;</c> and <c>\Q...\E</c> are translated, anything else that does not
/// compile is reported as invalid and never matches.
/// </summary>
internal sealed class Re2Patterns
{
    private readonly Dictionary<string, Regex?> _cache = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="value"/> matches the whole pattern; false when the pattern is invalid.</summary>
    public bool FullMatch(string pattern, string value) => Compile(pattern) is { } regex && regex.IsMatch(value);

    /// <summary>Whether the pattern compiles.</summary>
    public bool IsValid(string pattern) => Compile(pattern) is not null;

    /// <summary>The compiled whole-value matcher, or null when the pattern is invalid.</summary>
    public Regex? Compile(string pattern)
    {
        if (!_cache.TryGetValue(pattern, out var regex))
        {
            regex = TryCompile(pattern, out _);
            _cache[pattern] = regex;
        }

        return regex;
    }

    /// <summary>
    /// Replaces every match of <paramref name="pattern"/> in <paramref name="input"/> (unanchored, as Envoy's regex
    /// rewrite does) with <paramref name="replacement"/>, whose RE2 group references <c>\1</c> become .NET's
    /// <c>$1</c>; null when the pattern is invalid.
    /// </summary>
    public static string? ReplaceAll(string pattern, string input, string replacement)
    {
        Regex regex;
        try
        {
            regex = new Regex(Translate(pattern), RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, Regex.InfiniteMatchTimeout);
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null;
        }

        var net = new StringBuilder(replacement.Length);
        for (var i = 0; i < replacement.Length; i++)
        {
            var c = replacement[i];
            if (c == '\\' && i + 1 < replacement.Length && char.IsAsciiDigit(replacement[i + 1]))
            {
                net.Append("${").Append(replacement[i + 1]).Append('}');
                i++;
            }
            else if (c == '$')
            {
                net.Append("$$");
            }
            else
            {
                net.Append(c);
            }
        }

        return regex.Replace(input, net.ToString());
    }

    /// <summary>Compiles a whole-value matcher, or returns null and why.</summary>
    public static Regex? TryCompile(string pattern, out string? error)
    {
        error = null;
        if (pattern.Length > 4096)
        {
            error = "the pattern is longer than 4096 characters";
            return null;
        }

        try
        {
            return new Regex(@"\A(?:" + Translate(pattern) + @")\z", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, Regex.InfiniteMatchTimeout);
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return null;
        }
        catch (NotSupportedException e)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>A pattern that matches exactly <paramref name="literal"/>: RE2's metacharacters escaped with a backslash.</summary>
    public static string Escape(string literal)
    {
        var text = new StringBuilder(literal.Length + 8);
        foreach (var c in literal)
        {
            if (@"\.+*?()|[]{}^$".Contains(c, StringComparison.Ordinal))
            {
                text.Append('\\');
            }

            text.Append(c);
        }

        return text.ToString();
    }

    /// <summary>The RE2 spellings .NET reads differently: named groups <c>(?P&lt;n&gt;</c> and quoted literals <c>\Q...\E</c>.</summary>
    private static string Translate(string pattern)
    {
        if (!pattern.Contains("(?P<", StringComparison.Ordinal) && !pattern.Contains(@"\Q", StringComparison.Ordinal))
        {
            return pattern;
        }

        var text = new StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length && pattern[i + 1] == 'Q')
            {
                var end = pattern.IndexOf(@"\E", i + 2, StringComparison.Ordinal);
                var literal = end < 0 ? pattern[(i + 2)..] : pattern[(i + 2)..end];
                text.Append(Escape(literal));
                i = end < 0 ? pattern.Length : end + 1;
                continue;
            }

            if (pattern[i] == '\\' && i + 1 < pattern.Length)
            {
                text.Append(pattern, i, 2);
                i++;
                continue;
            }

            if (string.CompareOrdinal(pattern, i, "(?P<", 0, 4) == 0)
            {
                text.Append("(?<");
                i += 3;
                continue;
            }

            text.Append(pattern[i]);
        }

        return text.ToString();
    }

    /// <summary>
    /// A string the pattern matches, found by simple rewrites of common constructs (<c>.*</c>, <c>.+</c>,
    /// <c>[^/]+</c>, <c>\d+</c>, alternations, optional parts); the fallback when none of the candidates matches.
    /// </summary>
    public string Sample(string pattern, string fallback)
    {
        var candidates = new List<string>();
        var body = pattern.Replace("(?i)", string.Empty, StringComparison.Ordinal).TrimStart('^').TrimEnd('$');
        var simple = new StringBuilder();
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            switch (c)
            {
                case '\\' when i + 1 < body.Length:
                    var next = body[++i];
                    simple.Append(next switch { 'd' => '1', 'w' => 'a', 's' => ' ', _ => next });
                    break;
                case '[':
                    var end = body.IndexOf(']', i + 1);
                    var cls = end < 0 ? string.Empty : body[(i + 1)..end];
                    simple.Append(cls.StartsWith('^') ? (cls.Contains('a', StringComparison.Ordinal) ? 'z' : 'a') : cls.Length > 0 ? cls[0] : 'a');
                    i = end < 0 ? body.Length : end;
                    break;
                case '.':
                    simple.Append('a');
                    break;
                case '*' or '?':
                    break;
                case '+':
                    break;
                case '{':
                    var close = body.IndexOf('}', i);
                    i = close < 0 ? body.Length : close;
                    break;
                case '(':
                    if (i + 2 < body.Length && body[i + 1] == '?' && body[i + 2] == ':')
                    {
                        i += 2;
                    }

                    break;
                case ')':
                    break;
                case '|':
                    candidates.Add(simple.ToString());
                    simple.Clear();
                    break;
                default:
                    simple.Append(c);
                    break;
            }
        }

        candidates.Insert(0, simple.ToString());
        candidates.AddRange([fallback, "/", "/a", "a", "1", "/api/v1", "/a/1", "x"]);
        return candidates.FirstOrDefault(c => FullMatch(pattern, c)) ?? fallback;
    }
}
