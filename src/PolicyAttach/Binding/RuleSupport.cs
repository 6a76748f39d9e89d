using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model.Routes;
using PolicyAttach.Re2;

namespace PolicyAttach.Binding;

/// <summary>
/// Finds rules that use a value the implementation does not support: an unknown match type, filter type, redirect
/// scheme or status code, method, or a regular expression RE2 cannot run (<see cref="Re2Syntax"/>; Envoy Gateway
/// reports it the same way) (spec digest §6.5 <c>UnsupportedValue</c>). Such rules are dropped.
/// </summary>
internal static class RuleSupport
{
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

    /// <summary>For each dropped rule, its index and why.</summary>
    public static List<(int Rule, string Why)> Unsupported(RouteBase route) => route switch
    {
        // HTTPRoutes and GRPCRoutes drop rules alike; only what a rule is checked for differs. The other kinds have
        // no value a rule can get wrong.
        HttpRoute http => Dropped(http.Rules, CheckHttpRule),
        GrpcRoute grpc => Dropped(grpc.Rules, CheckGrpcRule),
        _ => [],
    };

    private static List<(int Rule, string Why)> Dropped<TRule>(IReadOnlyList<TRule> rules, Func<TRule, string?> check)
    {
        var result = new List<(int, string)>();
        for (var r = 0; r < rules.Count; r++)
        {
            if (check(rules[r]) is { } why)
            {
                result.Add((r, why));
            }
        }

        return result;
    }

    private static string? CheckHttpRule(HttpRouteRule rule)
    {
        foreach (var match in rule.Matches)
        {
            if (match.Path.Type == PathMatchType.Unknown)
            {
                return $"path match type \"{match.Path.TypeName}\" is not supported; use Exact, PathPrefix or RegularExpression";
            }

            if (match.Path.Type == PathMatchType.RegularExpression && RegexProblem("path", match.Path.Value) is { } pathProblem)
            {
                return pathProblem;
            }

            if (match.Method is { } method && !Methods.Contains(method, StringComparer.Ordinal))
            {
                return $"method \"{method}\" is not supported";
            }

            var why = CheckHeaders(match.Headers) ?? CheckQuery(match.QueryParams);
            if (why is not null)
            {
                return why;
            }
        }

        return CheckFilters(rule.Filters, rule.BackendRefs);
    }

    private static string? CheckGrpcRule(GrpcRouteRule rule)
    {
        foreach (var match in rule.Matches)
        {
            if (match.Method is { Type: GrpcMethodMatchType.Unknown } m)
            {
                return $"method match type \"{m.TypeName}\" is not supported; use Exact or RegularExpression";
            }

            if (match.Method is { Type: GrpcMethodMatchType.RegularExpression } r
                && (RegexProblem("service", r.Service) ?? RegexProblem("method", r.Method)) is { } regexWhy)
            {
                return regexWhy;
            }

            var why = CheckHeaders(match.Headers);
            if (why is not null)
            {
                return why;
            }
        }

        return CheckFilters(rule.Filters, rule.BackendRefs);
    }

    // Loops over the arrays themselves: this runs for every rule of every route, and LINQ over them boxed an
    // enumerator per match.
    private static string? CheckHeaders(EquatableArray<HttpHeaderMatch> headers)
    {
        foreach (var h in headers)
        {
            var why = h.Type == StringMatchType.Unknown ? $"header match type \"{h.TypeName}\" is not supported; use Exact or RegularExpression"
                : h.Type == StringMatchType.RegularExpression ? RegexProblem($"header {h.Name}", h.Value) : null;
            if (why is not null)
            {
                return why;
            }
        }

        return null;
    }

    private static string? CheckQuery(EquatableArray<HttpQueryParamMatch> query)
    {
        foreach (var q in query)
        {
            var why = q.Type == StringMatchType.Unknown ? $"query parameter match type \"{q.TypeName}\" is not supported; use Exact or RegularExpression"
                : q.Type == StringMatchType.RegularExpression ? RegexProblem($"query parameter {q.Name}", q.Value) : null;
            if (why is not null)
            {
                return why;
            }
        }

        return null;
    }

    private static string? CheckFilters(EquatableArray<RouteFilter> filters, EquatableArray<RouteBackendRef> backendRefs)
    {
        if (CheckFilters(filters) is { } why)
        {
            return why;
        }

        foreach (var backend in backendRefs)
        {
            if (CheckFilters(backend.Filters) is { } backendWhy)
            {
                return backendWhy;
            }
        }

        return null;
    }

    private static string? RegexProblem(string what, string? pattern)
        => pattern is not null && Re2Syntax.Problem(pattern) is { } problem ? $"{what} regular expression {UserText.Quote(pattern)} is not supported: {problem}" : null;

    private static string? CheckFilters(EquatableArray<RouteFilter> filters)
    {
        foreach (var filter in filters)
        {
            if (filter.Type == RouteFilterType.Unknown)
            {
                return $"filter type \"{filter.TypeName}\" is not supported here";
            }

            if (filter.RequestRedirect is { } redirect)
            {
                if (redirect.Scheme is { } scheme && scheme is not ("http" or "https"))
                {
                    return $"redirect scheme \"{scheme}\" is not supported; use http or https";
                }

                if (redirect.StatusCode is not (301 or 302 or 303 or 307 or 308))
                {
                    return $"redirect statusCode {redirect.StatusCode} is not supported; use 301, 302, 303, 307 or 308";
                }

                if (redirect.Path is { Type: HttpPathModifierType.Unknown })
                {
                    return "the redirect path modifier type is not supported; use ReplaceFullPath or ReplacePrefixMatch";
                }
            }

            if (filter.UrlRewrite?.Path is { Type: HttpPathModifierType.Unknown })
            {
                return "the URL rewrite path modifier type is not supported; use ReplaceFullPath or ReplacePrefixMatch";
            }
        }

        return null;
    }
}
