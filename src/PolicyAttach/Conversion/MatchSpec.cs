using PolicyAttach.Collections;
using PolicyAttach.Manifests;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Conversion;

/// <summary>The path condition kinds of an HTTPRoute match, in the order Gateway API ranks them.</summary>
internal enum PathKind
{
    /// <summary><c>Exact</c>: ranked first.</summary>
    Exact = 0,

    /// <summary><c>PathPrefix</c>: ranked after Exact, longer prefixes first.</summary>
    Prefix = 1,

    /// <summary><c>RegularExpression</c>: ranked last (its rank is implementation-specific; PolicyAttach ranks it after PathPrefix).</summary>
    Regex = 2,
}

/// <summary>A path condition; a PathPrefix value is kept without its trailing <c>/</c> (except <c>/</c> itself).</summary>
internal sealed record PathCondition(PathKind Kind, string Value)
{
    /// <summary>Every path.</summary>
    public static PathCondition Any { get; } = new(PathKind.Prefix, "/");

    /// <summary>A PathPrefix condition with the value normalized.</summary>
    public static PathCondition Prefix(string value)
    {
        var trimmed = value.TrimEnd('/');
        return new(PathKind.Prefix, trimmed.Length == 0 ? "/" : trimmed);
    }

    /// <summary>Whether an Exact or PathPrefix value passes the CRD's path validation.</summary>
    public static bool IsValidPathValue(string value)
    {
        if (value.Length is 0 or > 1024 || value[0] != '/')
        {
            return false;
        }

        foreach (var bad in (ReadOnlySpan<string>)["//", "/./", "/../", "%2f", "%2F", "#"])
        {
            if (value.Contains(bad, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return !value.EndsWith("/..", StringComparison.Ordinal) && !value.EndsWith("/.", StringComparison.Ordinal) && RouteSchema.IsPathCharacters(value);
    }

    /// <summary>Whether the path matches this condition (regexes through <paramref name="re2"/>).</summary>
    public bool Matches(string path, Re2Patterns re2) => Kind switch
    {
        PathKind.Exact => string.Equals(path, Value, StringComparison.Ordinal),
        PathKind.Prefix => Covers(Value, path),
        _ => re2.FullMatch(Value, path),
    };

    /// <summary>Whether the condition matches every path (PathPrefix <c>/</c>, or the regular expression <c>.*</c>).</summary>
    public bool IsAny => (Kind == PathKind.Prefix && Value == "/") || (Kind == PathKind.Regex && Value == ".*");

    /// <summary>
    /// The same set of paths as a regular expression: a PathPrefix <c>/a</c> is <c>/a(/.*)?</c> (element-wise, a trailing
    /// slash included), Exact is the escaped value. Used to move a match to the regular-expression rank.
    /// </summary>
    public PathCondition AsRegex() => Kind switch
    {
        PathKind.Regex => this,
        PathKind.Exact => new(PathKind.Regex, Re2Patterns.Escape(Value)),
        _ => new(PathKind.Regex, Value == "/" ? ".*" : Re2Patterns.Escape(Value) + "(/.*)?"),
    };

    /// <summary>Whether a PathPrefix value (normalized) covers a path or a longer prefix, element by element.</summary>
    public static bool Covers(string prefix, string path)
        => prefix == "/" || (path.StartsWith(prefix, StringComparison.Ordinal) && (path.Length == prefix.Length || path[prefix.Length] == '/'));
}

/// <summary>A header or query-parameter condition: an exact value or a whole-value regular expression.</summary>
/// <param name="Name">The name (headers: lower case).</param>
/// <param name="IsRegex">Whether <paramref name="Value"/> is a regular expression.</param>
/// <param name="Value">The value or pattern.</param>
internal sealed record ValueTest(string Name, bool IsRegex, string Value)
{
    /// <summary>Whether a value passes (regexes through <paramref name="re2"/>).</summary>
    public bool Matches(string value, Re2Patterns re2) => IsRegex ? re2.FullMatch(Value, value) : string.Equals(value, Value, StringComparison.Ordinal);
}

/// <summary>The result of intersecting two matches.</summary>
internal enum Intersection
{
    /// <summary>No request satisfies both.</summary>
    Empty,

    /// <summary>The intersection is one match.</summary>
    Match,

    /// <summary>Some requests may satisfy both, but no single HTTPRoute match expresses exactly those.</summary>
    Inexpressible,
}

/// <summary>
/// One HTTPRoute match as the migration builds it: path, method, header and query conditions (headers unique by
/// lower-case name, queries by name, both sorted), with Gateway API's precedence between matches
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule">HTTPRouteRule</see>; spec digest §9.2)
/// and their intersection, which the first-match ordering relies on.
/// </summary>
internal sealed record MatchSpec(PathCondition Path, string? Method, EquatableArray<ValueTest> Headers, EquatableArray<ValueTest> Queries)
{
    /// <summary>The match that matches every request.</summary>
    public static MatchSpec All { get; } = new(PathCondition.Any, null, [], []);

    /// <summary>
    /// Positive when <paramref name="a"/> takes precedence over <paramref name="b"/>, negative when <paramref name="b"/>
    /// does, 0 when they tie (then the route's rule order decides): Exact before PathPrefix before
    /// RegularExpression, longer prefixes first, a method before none, more headers, more query parameters.
    /// </summary>
    public static int Precedence(MatchSpec a, MatchSpec b)
    {
        var c = (int)b.Path.Kind - (int)a.Path.Kind;
        if (c != 0)
        {
            return c;
        }

        if (a.Path.Kind == PathKind.Prefix && (c = a.Path.Value.Length - b.Path.Value.Length) != 0)
        {
            return c;
        }

        if ((c = (a.Method is not null ? 1 : 0) - (b.Method is not null ? 1 : 0)) != 0)
        {
            return c;
        }

        return (c = a.Headers.Count - b.Headers.Count) != 0 ? c : a.Queries.Count - b.Queries.Count;
    }

    /// <summary>Builds a match with its conditions normalized (sorted, unique names).</summary>
    public static MatchSpec Create(PathCondition path, string? method, IEnumerable<ValueTest> headers, IEnumerable<ValueTest> queries)
        => new(path, method,
            headers.Select(h => h with { Name = h.Name.ToLowerInvariant() }).DistinctBy(h => h.Name, StringComparer.Ordinal).OrderBy(h => h.Name, StringComparer.Ordinal).ToEquatableArray(),
            queries.DistinctBy(q => q.Name, StringComparer.Ordinal).OrderBy(q => q.Name, StringComparer.Ordinal).ToEquatableArray());

    /// <summary>The intersection of two matches: the requests both match.</summary>
    public static Intersection Intersect(MatchSpec a, MatchSpec b, Re2Patterns re2, out MatchSpec? result)
    {
        result = null;
        var path = IntersectPath(a.Path, b.Path, re2, out var kind);
        if (kind != Intersection.Match)
        {
            return kind;
        }

        if (a.Method is not null && b.Method is not null && !string.Equals(a.Method, b.Method, StringComparison.Ordinal))
        {
            return Intersection.Empty;
        }

        var headers = IntersectValues(a.Headers, b.Headers, re2, out kind);
        if (kind != Intersection.Match)
        {
            return kind;
        }

        var queries = IntersectValues(a.Queries, b.Queries, re2, out kind);
        if (kind != Intersection.Match)
        {
            return kind;
        }

        if (headers!.Count > 16 || queries!.Count > 16)
        {
            return Intersection.Inexpressible;
        }

        result = Create(path!, a.Method ?? b.Method, headers, queries);
        return Intersection.Match;
    }

    /// <summary>The match as the model writes it.</summary>
    public HttpRouteMatch ToHttpRouteMatch() => new()
    {
        Path = new HttpPathMatch
        {
            Type = Path.Kind switch { PathKind.Exact => PathMatchType.Exact, PathKind.Prefix => PathMatchType.PathPrefix, _ => PathMatchType.RegularExpression },
            TypeName = Path.Kind switch { PathKind.Exact => "Exact", PathKind.Prefix => "PathPrefix", _ => "RegularExpression" },
            Value = Path.Value,
        },
        Method = Method,
        Headers = Headers.Select(h => new HttpHeaderMatch
        {
            Type = h.IsRegex ? StringMatchType.RegularExpression : StringMatchType.Exact,
            TypeName = h.IsRegex ? "RegularExpression" : "Exact",
            Name = h.Name,
            Value = h.Value,
        }).ToEquatableArray(),
        QueryParams = Queries.Select(q => new HttpQueryParamMatch
        {
            Type = q.IsRegex ? StringMatchType.RegularExpression : StringMatchType.Exact,
            TypeName = q.IsRegex ? "RegularExpression" : "Exact",
            Name = q.Name,
            Value = q.Value,
        }).ToEquatableArray(),
    };

    /// <summary>A short text for reports: <c>PathPrefix /api, GET, header x-user=jason</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>
        {
            Path.Kind switch { PathKind.Exact => "Exact ", PathKind.Prefix => "PathPrefix ", _ => "RegularExpression " } + Path.Value,
        };
        if (Method is not null)
        {
            parts.Add(Method);
        }

        parts.AddRange(Headers.Select(h => $"header {h.Name}{(h.IsRegex ? "~" : "=")}{h.Value}"));
        parts.AddRange(Queries.Select(q => $"query {q.Name}{(q.IsRegex ? "~" : "=")}{q.Value}"));
        return string.Join(", ", parts);
    }

    private static PathCondition? IntersectPath(PathCondition a, PathCondition b, Re2Patterns re2, out Intersection kind)
    {
        kind = Intersection.Match;
        if (a == b || b.IsAny)
        {
            return a;
        }

        if (a.IsAny)
        {
            return b;
        }

        if (b.Kind == PathKind.Exact && a.Kind != PathKind.Exact)
        {
            (a, b) = (b, a);
        }

        switch (a.Kind, b.Kind)
        {
            case (PathKind.Exact, _):
                if (b.Matches(a.Value, re2))
                {
                    return a;
                }

                kind = Intersection.Empty;
                return null;
            case (PathKind.Prefix, PathKind.Prefix):
                if (PathCondition.Covers(a.Value, b.Value))
                {
                    return b;
                }

                if (PathCondition.Covers(b.Value, a.Value))
                {
                    return a;
                }

                kind = Intersection.Empty;
                return null;
            default:
                // A regular expression and a prefix, or two different expressions: RE2 has no intersection operator.
                kind = Intersection.Inexpressible;
                return null;
        }
    }

    private static List<ValueTest>? IntersectValues(EquatableArray<ValueTest> a, EquatableArray<ValueTest> b, Re2Patterns re2, out Intersection kind)
    {
        kind = Intersection.Match;
        var result = new List<ValueTest>(a);
        foreach (var test in b)
        {
            var i = result.FindIndex(t => string.Equals(t.Name, test.Name, StringComparison.Ordinal));
            if (i < 0)
            {
                result.Add(test);
                continue;
            }

            var other = result[i];
            if (other == test || (test.IsRegex && test.Value == ".*"))
            {
                continue;
            }

            if (other.IsRegex && other.Value == ".*")
            {
                // Present with any value: the other condition says more.
                result[i] = test;
                continue;
            }

            if (!other.IsRegex && !test.IsRegex)
            {
                kind = Intersection.Empty;
                return null;
            }

            if (!other.IsRegex || !test.IsRegex)
            {
                var (exact, regex) = other.IsRegex ? (test, other) : (other, test);
                if (!re2.FullMatch(regex.Value, exact.Value))
                {
                    kind = Intersection.Empty;
                    return null;
                }

                result[i] = exact;
                continue;
            }

            kind = Intersection.Inexpressible;
            return null;
        }

        return result;
    }
}
