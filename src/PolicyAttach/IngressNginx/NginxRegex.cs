using System.Buffers;
using System.Text.RegularExpressions;

namespace PolicyAttach.IngressNginx;

/// <summary>
/// The regular expressions of Ingress paths, canary header patterns and CORS origins. ingress-nginx hands them to
/// NGINX, which runs PCRE; PolicyAttach runs them in linear time with .NET's non-backtracking engine, case-insensitive
/// where NGINX's <c>~*</c> and <c>(?i)</c> are. A pattern that engine cannot run (backreferences, lookaround, atomic
/// groups, conditionals, possessive quantifiers, PCRE-only syntax) is reported and treated as matching nothing,
/// never run on a backtracking engine.
/// </summary>
internal static class NginxRegex
{
    // Compiling a non-backtracking regex costs far more than matching; the same path often recurs.
    private static readonly Dictionary<(string, bool), Regex?> Cache = [];
    private static readonly object Gate = new();

    /// <summary>Compiles a pattern, or returns null when the linear-time engine cannot run it.</summary>
    /// <param name="pattern">The pattern as NGINX sees it.</param>
    /// <param name="ignoreCase">Whether matching ignores case.</param>
    /// <returns>The regex, or null.</returns>
    public static Regex? TryCreate(string pattern, bool ignoreCase)
    {
        lock (Gate)
        {
            if (Cache.TryGetValue((pattern, ignoreCase), out var cached))
            {
                return cached;
            }
        }

        Regex? regex;
        try
        {
            var options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
            regex = new Regex(pattern, options);
        }
        catch (ArgumentException)
        {
            regex = null;
        }
        catch (NotSupportedException)
        {
            regex = null;
        }

        lock (Gate)
        {
            if (Cache.Count > 4096)
            {
                Cache.Clear();
            }

            Cache[(pattern, ignoreCase)] = regex;
        }

        return regex;
    }

    /// <summary>Whether a path uses regular-expression syntax (any character NGINX's PCRE reads specially).</summary>
    /// <param name="path">The path.</param>
    /// <returns>True when some character is a metacharacter.</returns>
    public static bool HasMetacharacters(string path) => path.AsSpan().IndexOfAny(Metacharacters) >= 0;

    /// <summary>The characters PCRE reads specially outside classes.</summary>
    public static SearchValues<char> Metacharacters { get; } = SearchValues.Create(@"\^$.|?*+()[]{}");
}
