using System.Text;

namespace PolicyAttach.IngressNginx;

/// <summary>The prefix-like shapes of regex paths that Gateway API can match with PathPrefix.</summary>
internal enum NginxPathShape
{
    /// <summary>No metacharacter: <c>~* "^/api"</c> is a case-insensitive string prefix.</summary>
    Literal,

    /// <summary><c>/api(/|$)(.*)</c>: the prefix on an element boundary; <c>$1</c> is <c>/</c> or empty, <c>$2</c> the rest.</summary>
    SlashOrEnd,

    /// <summary><c>/api/(.*)</c>: below the prefix only; <c>$1</c> is the rest after the slash.</summary>
    SlashRest,

    /// <summary><c>/api(.*)</c>: a string prefix; <c>$1</c> is the rest.</summary>
    AnyRest,
}

/// <summary>A regex path read as a prefix: its literal prefix and shape.</summary>
internal sealed record NginxPrefixPath(string Prefix, NginxPathShape Shape);

/// <summary>Reading regex paths: prefix shapes, literal prefixes, and the full-match form Gateway API matches take.</summary>
internal static class NginxPaths
{
    /// <summary>The prefix shape of a regex path, or null when it is not one.</summary>
    public static NginxPrefixPath? Prefix(string path)
    {
        if (!NginxRegex.HasMetacharacters(path))
        {
            return new NginxPrefixPath(path, NginxPathShape.Literal);
        }

        foreach (var (suffix, shape) in new[] { ("(/|$)(.*)", NginxPathShape.SlashOrEnd), ("/(.*)", NginxPathShape.SlashRest), ("(.*)", NginxPathShape.AnyRest) })
        {
            if (path.EndsWith(suffix, StringComparison.Ordinal))
            {
                var prefix = path[..^suffix.Length];
                if (prefix.Length > 0 && prefix[0] == '/' && !NginxRegex.HasMetacharacters(prefix) && (shape == NginxPathShape.AnyRest || prefix[^1] != '/'))
                {
                    return new NginxPrefixPath(prefix, shape);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The literal text every match of <c>^path</c> starts with (lowercase), or empty when the path starts with a
    /// metacharacter or has an alternation at its top level.
    /// </summary>
    public static string LiteralPrefix(string path)
    {
        if (HasTopLevelAlternation(path))
        {
            return string.Empty;
        }

        var end = path.AsSpan().IndexOfAny(NginxRegex.Metacharacters);
        var literal = end < 0 ? path : path[..end];

        // A quantifier applies to the character before it, which is then not certain.
        if (end >= 0 && path[end] is '?' or '*' or '{' && literal.Length > 0)
        {
            literal = literal[..^1];
        }

        return literal.ToLowerInvariant();
    }

    /// <summary>
    /// The Gateway API RegularExpression (a full match) equivalent to NGINX's <c>~* "^path"</c> (a case-insensitive
    /// search where <c>^</c> anchors only the first alternative): <c>(?i)(?:first.*|.*second.*|...)</c>.
    /// </summary>
    public static string FullMatch(string path)
    {
        var alternatives = SplitTopLevel(path);
        if (alternatives.Count == 1)
        {
            return "(?i)" + Group(path) + ".*";
        }

        var text = new StringBuilder("(?i)(?:");
        for (var i = 0; i < alternatives.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : "|").Append(i == 0 ? string.Empty : ".*").Append(Group(alternatives[i])).Append(".*");
        }

        return text.Append(')').ToString();
    }

    /// <summary>A full-match form of an unanchored search for <paramref name="pattern"/> (canary header patterns).</summary>
    public static string Search(string pattern) => ".*" + Group(pattern) + ".*";

    private static string Group(string pattern) => "(?:" + pattern + ")";

    public static bool HasTopLevelAlternation(string pattern) => SplitTopLevel(pattern).Count > 1;

    /// <summary>Splits a pattern at the <c>|</c> outside groups and classes.</summary>
    private static List<string> SplitTopLevel(string pattern)
    {
        var parts = new List<string>();
        var depth = 0;
        var inClass = false;
        var start = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                i++;
                continue;
            }

            if (inClass)
            {
                inClass = c != ']';
                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    depth = Math.Max(0, depth - 1);
                    break;
                case '|' when depth == 0:
                    parts.Add(pattern[start..i]);
                    start = i + 1;
                    break;
            }
        }

        parts.Add(pattern[start..]);
        return parts;
    }
}
