using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Manifests;

/// <summary>HTTPRoute rules: matches (path, headers, query parameters, method), timeouts, retries and session persistence.</summary>
internal static partial class RouteReader
{
    private static HttpRouteRule? ReadHttpRule(Node node, string routeNamespace)
    {
        if (!node.IsObject())
        {
            return null;
        }

        RuleName(node, out var name);
        var matchesNode = node["matches"];
        var matches = matchesNode.AsList(ReadHttpMatch);
        RouteSchema.MaxItems(matchesNode, node.Count("matches"), MaxMatches);
        if (!matchesNode.Exists)
        {
            matches = [HttpRouteMatch.Default];
        }

        var filtersNode = node["filters"];
        var filters = ReadFilters(filtersNode, routeNamespace, RouteFlavor.Http);
        var backendsNode = node["backendRefs"];
        var backends = RecentLists<RouteBackendRef>.Of(backendsNode.AsList(routeNamespace, static (n, ns) => ReadRouteBackendRef(n, ns, RouteFlavor.Http)));
        RouteSchema.MaxItems(backendsNode, node.Count("backendRefs"), MaxBackendRefs);

        var timeouts = ReadTimeouts(node["timeouts"]);
        var retry = ReadRetry(node["retry"]);
        HttpRuleCel(node, matchesNode.Exists ? node.Count("matches") : 1, matches, filters, backends);
        return new HttpRouteRule
        {
            Name = name,
            Matches = matches,
            Filters = filters,
            BackendRefs = backends,
            Timeouts = timeouts,
            Retry = retry,
            SessionPersistence = ReadSessionPersistence(node["sessionPersistence"]),
        };
    }

    private static void HttpRuleCel(Node rule, int rawMatchCount, EquatableArray<HttpRouteMatch> matches, EquatableArray<RouteFilter> filters, EquatableArray<RouteBackendRef> backends)
    {
        if (backends.Count > 0 && CountWhere(filters.AsSpan(), static f => f.RequestRedirect is not null) > 0)
        {
            RouteSchema.Cel(rule, "RequestRedirect filter must not be used together with backendRefs", "a redirect answers without a backend: remove the backendRefs, or move the redirect into a backendRef's filters");
        }

        var onePrefixMatch = rawMatchCount == 1 && matches.Count == 1 && matches[0].Path.Type == PathMatchType.PathPrefix;
        static bool PrefixRedirect(RouteFilter f) => f.RequestRedirect?.Path is { Type: HttpPathModifierType.ReplacePrefixMatch, ReplacePrefixMatch: not null };
        static bool PrefixRewrite(RouteFilter f) => f.UrlRewrite?.Path is { Type: HttpPathModifierType.ReplacePrefixMatch, ReplacePrefixMatch: not null };
        const string Fix = "ReplacePrefixMatch replaces the matched prefix, so the rule needs exactly one match of type PathPrefix; use ReplaceFullPath or split the rule";

        // The CEL uses exists_one, so it only fires when exactly one filter (or backendRef) carries the modifier.
        if (!onePrefixMatch && CountWhere(filters.AsSpan(), PrefixRedirect) == 1)
        {
            RouteSchema.Cel(rule, "When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified", Fix);
        }

        if (!onePrefixMatch && CountWhere(filters.AsSpan(), PrefixRewrite) == 1)
        {
            RouteSchema.Cel(rule, "When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified", Fix);
        }

        if (!onePrefixMatch && CountWhere(backends.AsSpan(), static b => CountWhere(b.Filters.AsSpan(), PrefixRedirect) == 1) == 1)
        {
            RouteSchema.Cel(rule, "Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified", Fix);
        }

        if (!onePrefixMatch && CountWhere(backends.AsSpan(), static b => CountWhere(b.Filters.AsSpan(), PrefixRewrite) == 1) == 1)
        {
            RouteSchema.Cel(rule, "Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified", Fix);
        }
    }

    /// <summary>How many of <paramref name="items"/> satisfy <paramref name="predicate"/> (no enumerator or boxing, unlike LINQ on an <see cref="EquatableArray{T}"/>).</summary>
    private static int CountWhere<T>(ReadOnlySpan<T> items, Func<T, bool> predicate)
    {
        var count = 0;
        foreach (var item in items)
        {
            if (predicate(item))
            {
                count++;
            }
        }

        return count;
    }

    private static HttpRouteMatch? ReadHttpMatch(Node node)
    {
        if (!node.IsObject())
        {
            return null;
        }

        var path = ReadPathMatch(node["path"]);
        var headersNode = node["headers"];
        var headers = headersNode.AsList(n => ReadHeaderMatch(n, 4096));
        RouteSchema.MaxItems(headersNode, node.Count("headers"), MaxHeaderMatches);
        if (headers.Count > 1)
        {
            RouteSchema.Unique(headersNode, headers.Select(h => h.Name), "header name");
        }

        var queryNode = node["queryParams"];
        var query = queryNode.AsList(ReadQueryParamMatch);
        RouteSchema.MaxItems(queryNode, node.Count("queryParams"), MaxHeaderMatches);
        if (query.Count > 1)
        {
            RouteSchema.Unique(queryNode, query.Select(h => h.Name), "query parameter name");
        }

        var method = node.String("method");
        if (method is not null && !HttpMethods.Contains(method, StringComparer.Ordinal))
        {
            RouteSchema.UnsupportedValue(node["method"], method, "HTTP method", string.Join(", ", HttpMethods));
        }

        return new HttpRouteMatch { Path = path, Headers = headers, QueryParams = query, Method = method };
    }

    private static HttpPathMatch ReadPathMatch(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return HttpPathMatch.Default;
        }

        var typeName = node.String("type") ?? nameof(PathMatchType.PathPrefix);
        var value = node.String("value") ?? "/";
        var type = typeName switch
        {
            "Exact" => PathMatchType.Exact,
            "PathPrefix" => PathMatchType.PathPrefix,
            "RegularExpression" => PathMatchType.RegularExpression,
            _ => PathMatchType.Unknown,
        };
        if (type == PathMatchType.Unknown)
        {
            RouteSchema.UnsupportedValue(node["type"], typeName, "path match type", "Exact, PathPrefix, RegularExpression");
        }

        RouteSchema.Length(node["value"], value, 0, 1024);
        if (type == PathMatchType.RegularExpression)
        {
            RouteSchema.Regex(node["value"], value);
        }

        if (type is PathMatchType.Exact or PathMatchType.PathPrefix)
        {
            var v = node["value"];
            const string Suffix = " when type one of ['Exact', 'PathPrefix']";
            if (!value.StartsWith('/'))
            {
                RouteSchema.Cel(v, "value must be an absolute path and start with '/'" + Suffix, "start the path with '/'");
            }

            foreach (var bad in (ReadOnlySpan<string>)["//", "/./", "/../", "%2f", "%2F", "#"])
            {
                if (value.Contains(bad, StringComparison.Ordinal))
                {
                    RouteSchema.Cel(v, $"must not contain '{bad}'" + Suffix, "write the normalized path a client would send");
                }
            }

            foreach (var bad in (ReadOnlySpan<string>)["/..", "/."])
            {
                if (value.EndsWith(bad, StringComparison.Ordinal))
                {
                    RouteSchema.Cel(v, $"must not end with '{bad}'" + Suffix, "write the normalized path a client would send");
                }
            }

            if (!RouteSchema.IsPathCharacters(value))
            {
                RouteSchema.Cel(v, $"must only contain valid characters (matching {RouteSchema.PathCharacters}) for types ['Exact', 'PathPrefix']", "percent-encode other characters");
            }
        }

        return new HttpPathMatch { Type = type, TypeName = typeName, Value = value };
    }

    private static StringMatchType ParseStringMatch(Node node, string typeName, string what)
    {
        var type = typeName switch
        {
            "Exact" => StringMatchType.Exact,
            "RegularExpression" => StringMatchType.RegularExpression,
            _ => StringMatchType.Unknown,
        };
        if (type == StringMatchType.Unknown)
        {
            RouteSchema.UnsupportedValue(node, typeName, what, "Exact, RegularExpression");
        }

        return type;
    }

    private static HttpHeaderMatch? ReadHeaderMatch(Node node, int maxValue)
    {
        if (!node.IsObject())
        {
            return null;
        }

        var typeName = node.String("type") ?? nameof(StringMatchType.Exact);
        var type = ParseStringMatch(node["type"], typeName, "header match type");
        return ReadNameValue(node, type, maxValue, out var name, out var value)
            ? new HttpHeaderMatch { Type = type, TypeName = typeName, Name = name, Value = value }
            : null;
    }

    private static HttpQueryParamMatch? ReadQueryParamMatch(Node node)
    {
        if (!node.IsObject())
        {
            return null;
        }

        var typeName = node.String("type") ?? nameof(StringMatchType.Exact);
        var type = ParseStringMatch(node["type"], typeName, "query parameter match type");
        return ReadNameValue(node, type, 1024, out var name, out var value)
            ? new HttpQueryParamMatch { Type = type, TypeName = typeName, Name = name, Value = value }
            : null;
    }

    /// <summary>
    /// The name and value of a header or query parameter match, checked as the CRD checks both (the name's characters,
    /// the value's length, the value as a pattern for <c>RegularExpression</c>); every problem is reported.
    /// </summary>
    private static bool ReadNameValue(Node node, StringMatchType type, int maxValue, out string name, out string value)
    {
        var readName = node.String("name");
        var readValue = node.String("value");
        RouteSchema.HeaderName(node["name"], readName);
        RouteSchema.Length(node["value"], readValue, 1, maxValue);
        if (type == StringMatchType.RegularExpression)
        {
            RouteSchema.Regex(node["value"], readValue);
        }

        if (readName is null)
        {
            node["name"].Required();
        }

        if (readValue is null)
        {
            node["value"].Required();
        }

        name = readName ?? string.Empty;
        value = readValue ?? string.Empty;
        return readName is not null && readValue is not null;
    }

    private static HttpRouteTimeouts? ReadTimeouts(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var request = node.String("request");
        var backendRequest = node.String("backendRequest");
        RouteSchema.Duration(node["request"], request);
        RouteSchema.Duration(node["backendRequest"], backendRequest);
        if (GatewayDuration.Parse(request) is { } r && GatewayDuration.Parse(backendRequest) is { } b && r != TimeSpan.Zero && b > r)
        {
            RouteSchema.Cel(node, "backendRequest timeout cannot be longer than request timeout", "the request timeout covers every backend attempt; raise request or lower backendRequest");
        }

        return new HttpRouteTimeouts { Request = request, BackendRequest = backendRequest };
    }

    private static HttpRouteRetry? ReadRetry(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var codes = new List<int>();
        foreach (var item in node.Items("codes"))
        {
            if (item.AsInt32() is { } code)
            {
                RouteSchema.Range(item, code, 400, 599);
                codes.Add(code);
            }
        }

        RouteSchema.Unique(node["codes"], codes.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)), "retry code");
        var backoff = node.String("backoff");
        RouteSchema.Duration(node["backoff"], backoff);
        return new HttpRouteRetry { Codes = codes.ToEquatableArray(), Attempts = node.Int32("attempts"), Backoff = backoff };
    }

    private static JsonData? ReadSessionPersistence(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var type = node.String("type") ?? "Cookie";
        if (type is not "Cookie" and not "Header")
        {
            node["type"].Error(DiagnosticCodes.SchemaViolation, $"\"{type}\" is not a session persistence type; use Cookie or Header.");
        }

        if (node.Has("cookieConfig") && type != "Cookie")
        {
            RouteSchema.Cel(node, "cookieConfig can only be set with type Cookie", "remove cookieConfig or set type: Cookie");
        }

        if (string.Equals(node["cookieConfig"].String("lifetimeType"), "Permanent", StringComparison.Ordinal) && !node.Has("absoluteTimeout"))
        {
            RouteSchema.Cel(node, "absoluteTimeout must be specified when cookie lifetimeType is Permanent", "add absoluteTimeout, or use lifetimeType: Session");
        }

        RouteSchema.Duration(node["absoluteTimeout"], node.String("absoluteTimeout"));
        RouteSchema.Duration(node["idleTimeout"], node.String("idleTimeout"));
        return node.AsData();
    }
}
