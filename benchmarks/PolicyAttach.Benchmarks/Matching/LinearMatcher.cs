using System.Text.RegularExpressions;
using PolicyAttach.Binding;
using PolicyAttach.Matching;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Benchmarks.Matching;

/// <summary>
/// The baseline: every (route, hostname, rule, match) in one list sorted by Gateway API precedence, scanned
/// linearly for every request until the first entry whose hostname and predicates match. No hash index.
/// </summary>
public sealed class LinearMatcher
{
    private sealed record Entry(string Host, bool Wildcard, PathMatchType PathType, string Path, Regex? PathRegex, string? Method, HttpHeaderMatch[] Headers, HttpQueryParamMatch[] Queries, string Route, DateTimeOffset Created);

    private readonly Entry[] _entries;

    public LinearMatcher(EvaluationResult result)
    {
        var list = new List<Entry>();
        foreach (var route in result.Routes)
        {
            if (route.Route is not HttpRoute http || !route.Parents.Any(p => p.IsAccepted))
            {
                continue;
            }

            foreach (var host in route.Parents.Where(p => p.IsAccepted).SelectMany(p => p.Listeners).Where(v => v.Attached).SelectMany(v => v.Hostnames).Distinct())
            {
                foreach (var rule in http.Rules)
                {
                    foreach (var m in rule.Matches.IsEmpty ? [HttpRouteMatch.Default] : rule.Matches)
                    {
                        list.Add(new Entry(host, host.StartsWith('*'), m.Path.Type, m.Path.Type == PathMatchType.PathPrefix ? m.Path.Value.TrimEnd('/') : m.Path.Value,
                            m.Path.Type == PathMatchType.RegularExpression ? new Regex(@"\A(?:" + m.Path.Value + @")\z", RegexOptions.CultureInvariant) : null,
                            m.Method, [.. m.Headers], [.. m.QueryParams], route.Route.Name, route.Route.Metadata.CreationTimestamp));
                    }
                }
            }
        }

        _entries = [.. list
            .OrderByDescending(e => e.Wildcard ? 0 : e.Host.Length).ThenByDescending(e => e.Host == "*" ? 0 : e.Host.Length)
            .ThenBy(e => e.PathType == PathMatchType.Exact ? 0 : e.PathType == PathMatchType.PathPrefix ? 1 : 2)
            .ThenByDescending(e => e.PathType == PathMatchType.PathPrefix ? e.Path.Length : 0)
            .ThenByDescending(e => e.Method is not null).ThenByDescending(e => e.Headers.Length).ThenByDescending(e => e.Queries.Length)
            .ThenBy(e => e.Created).ThenBy(e => e.Route, StringComparer.Ordinal)];
    }

    public string? Match(in RequestView request)
    {
        foreach (var e in _entries)
        {
            if (Matches(e, request))
            {
                return e.Route;
            }
        }

        return null;
    }

    private static bool Matches(Entry e, in RequestView request)
    {
        var host = request.Host;
        if (e.Host != "*" && !(e.Wildcard
                ? host.Length > e.Host.Length - 1 && host.EndsWith(e.Host.AsSpan(1), StringComparison.OrdinalIgnoreCase)
                : host.Equals(e.Host, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var path = request.Path;
        var ok = e.PathType switch
        {
            PathMatchType.Exact => path.SequenceEqual(e.Path),
            PathMatchType.PathPrefix => path.StartsWith(e.Path, StringComparison.Ordinal) && (path.Length == e.Path.Length || path[e.Path.Length] == '/'),
            _ => e.PathRegex!.IsMatch(path),
        };
        if (!ok || (e.Method is not null && !request.Method.SequenceEqual(e.Method)))
        {
            return false;
        }

        foreach (var h in e.Headers)
        {
            if (!request.TryGetHeader(h.Name, out var v) || !v.SequenceEqual(h.Value))
            {
                return false;
            }
        }

        foreach (var q in e.Queries)
        {
            if (!request.TryGetQueryParameter(q.Name, out var v) || !v.SequenceEqual(q.Value))
            {
                return false;
            }
        }

        return true;
    }
}
