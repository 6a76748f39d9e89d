using System.Globalization;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Matching;

/// <summary>A mirror target of the matched rule (spec digest §12.5).</summary>
/// <param name="BackendRef">The mirror backend.</param>
/// <param name="Share">The share of requests mirrored, 0 to 1.</param>
/// <param name="IsValid">Whether the reference resolves; an invalid mirror is not configured.</param>
public sealed record MirrorTarget(BackendReference BackendRef, double Share, bool IsValid);

/// <summary>
/// What the matched rule's filters do to one request (spec digest §12): the redirect, the request as forwarded
/// (Host, path and headers after header modifiers and URLRewrite), response header edits, mirrors and CORS headers.
/// </summary>
public sealed class FilterEffect
{
    /// <summary>The redirect status code when a RequestRedirect answered, else null.</summary>
    public int? RedirectStatusCode { get; private set; }

    /// <summary>The redirect <c>Location</c> (§12.3), else null.</summary>
    public string? Location { get; private set; }

    /// <summary>The Host header forwarded: the request's, or the URLRewrite hostname.</summary>
    public string Host { get; private set; } = string.Empty;

    /// <summary>The path and query forwarded: the request's, or rewritten by URLRewrite (the query is kept).</summary>
    public string PathAndQuery { get; private set; } = string.Empty;

    /// <summary>The request headers forwarded, after RequestHeaderModifier filters.</summary>
    public IReadOnlyList<RequestHeader> RequestHeaders => _requestHeaders;

    /// <summary>Response headers to set (ResponseHeaderModifier <c>set</c>, and CORS headers on simple requests).</summary>
    public IReadOnlyList<HttpHeader> ResponseSet => _responseSet;

    /// <summary>Response headers to append to (ResponseHeaderModifier <c>add</c>).</summary>
    public IReadOnlyList<HttpHeader> ResponseAdd => _responseAdd;

    /// <summary>Response headers to delete (ResponseHeaderModifier <c>remove</c>).</summary>
    public IReadOnlyList<string> ResponseRemove => _responseRemove;

    /// <summary>The mirror targets.</summary>
    public IReadOnlyList<MirrorTarget> Mirrors => _mirrors;

    /// <summary>For an answered CORS preflight, the headers of the answer (empty for a disallowed origin).</summary>
    public IReadOnlyList<HttpHeader> PreflightHeaders => _preflight;

    private readonly List<RequestHeader> _requestHeaders = [];
    private readonly List<HttpHeader> _responseSet = [];
    private readonly List<HttpHeader> _responseAdd = [];
    private readonly List<string> _responseRemove = [];
    private readonly List<MirrorTarget> _mirrors = [];
    private readonly List<HttpHeader> _preflight = [];

    internal static FilterEffect Compute(MatchOutcome outcome, in RequestView request, int backendIndex)
    {
        var effect = new FilterEffect { Host = request.Authority.ToString(), PathAndQuery = request.PathAndQuery.ToString() };
        effect._requestHeaders.AddRange(request.Headers);
        if (outcome.Rule is not { } rule)
        {
            return effect;
        }

        var path = request.Path.ToString();
        var query = request.Query.IsEmpty && request.PathAndQuery.IndexOf('?') < 0 ? null : request.Query.ToString();
        var filters = rule.Filters.AsEnumerable();
        if (backendIndex >= 0 && backendIndex < rule.Backends.Length)
        {
            filters = filters.Concat(rule.Backends[backendIndex].Filters);
        }

        foreach (var filter in filters)
        {
            switch (filter.Type)
            {
                case RouteFilterType.RequestHeaderModifier when filter.RequestHeaderModifier is { } m:
                    ApplyRequestHeaders(effect._requestHeaders, m);
                    break;
                case RouteFilterType.ResponseHeaderModifier when filter.ResponseHeaderModifier is { } m:
                    effect._responseSet.AddRange(m.Set);
                    effect._responseAdd.AddRange(m.Add);
                    effect._responseRemove.AddRange(m.Remove);
                    break;
                case RouteFilterType.RequestMirror when filter.RequestMirror is { } m:
                    var valid = rule.Route.Result.BackendRefs.FirstOrDefault(b => b.IsMirror && b.RuleIndex == rule.Index && b.BackendRef == m.BackendRef)?.IsValid ?? true;
                    effect._mirrors.Add(new MirrorTarget(m.BackendRef, m.Share, valid));
                    break;
                case RouteFilterType.URLRewrite when filter.UrlRewrite is { } rw:
                    if (rw.Hostname is { } h)
                    {
                        effect.Host = h;
                        SetHeader(effect._requestHeaders, "Host", h, onlyIfPresent: true);
                    }

                    if (rw.Path is { } p)
                    {
                        path = ModifyPath(p, path, outcome.MatchedPrefix);
                        effect.PathAndQuery = query is null ? path : path + "?" + query;
                    }

                    break;
                case RouteFilterType.RequestRedirect when filter.RequestRedirect is { } rd:
                    effect.RedirectStatusCode = rd.StatusCode;
                    effect.Location = BuildLocation(rd, request, path, query, outcome.MatchedPrefix, outcome.ListenerPort);
                    break;
                case RouteFilterType.CORS when filter.Cors is { } cors:
                    Cors.Apply(cors, request, effect._preflight, effect._responseSet);
                    break;
            }
        }

        return effect;
    }

    private static void ApplyRequestHeaders(List<RequestHeader> headers, HttpHeaderFilter m)
    {
        foreach (var set in m.Set)
        {
            SetHeader(headers, set.Name, set.Value, onlyIfPresent: false);
        }

        foreach (var add in m.Add)
        {
            var i = headers.FindIndex(h => string.Equals(h.Name, add.Name, StringComparison.OrdinalIgnoreCase));
            if (i >= 0)
            {
                headers[i] = headers[i] with { Value = headers[i].Value + "," + add.Value };
            }
            else
            {
                headers.Add(new RequestHeader(add.Name, add.Value));
            }
        }

        foreach (var remove in m.Remove)
        {
            headers.RemoveAll(h => string.Equals(h.Name, remove, StringComparison.OrdinalIgnoreCase));
        }
    }

    private static void SetHeader(List<RequestHeader> headers, string name, string value, bool onlyIfPresent)
    {
        var i = headers.FindIndex(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
        if (i >= 0)
        {
            headers[i] = new RequestHeader(headers[i].Name, value);
            headers.RemoveAll(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase) && !ReferenceEquals(h.Value, value));
        }
        else if (!onlyIfPresent)
        {
            headers.Add(new RequestHeader(name, value));
        }
    }

    /// <summary>ReplaceFullPath, or ReplacePrefixMatch on whole path elements (the table of §12.4).</summary>
    internal static string ModifyPath(HttpPathModifier modifier, string path, string? matchedPrefix)
    {
        switch (modifier.Type)
        {
            case HttpPathModifierType.ReplaceFullPath:
                return modifier.ReplaceFullPath ?? path;
            case HttpPathModifierType.ReplacePrefixMatch when matchedPrefix is not null:
                var rest = path.Length >= matchedPrefix.Length ? path[matchedPrefix.Length..] : string.Empty;
                var replacement = (modifier.ReplacePrefixMatch ?? string.Empty).TrimEnd('/');
                var result = replacement + rest;
                return result.Length == 0 ? "/" : result[0] == '/' ? result : "/" + result;
            default:
                return path;
        }
    }

    /// <summary>
    /// The redirect Location (§12.3): scheme (filter or request), host (filter or request Host without port), port
    /// (filter; else the scheme's well-known port when the filter sets a scheme; else the listener's port), omitted
    /// when it is 80 with http or 443 with https; the path changed as the filter says; the query kept.
    /// </summary>
    internal static string BuildLocation(HttpRequestRedirectFilter rd, in RequestView request, string path, string? query, string? matchedPrefix, int listenerPort)
    {
        var scheme = rd.Scheme ?? request.Scheme.ToString();
        var host = rd.Hostname ?? request.Host.ToString();
        var port = rd.Port ?? (rd.Scheme is not null ? (scheme == "https" ? 443 : 80) : listenerPort);
        var newPath = rd.Path is { } p ? ModifyPath(p, path, matchedPrefix) : path;
        var omitPort = port == 0 || (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
        return scheme + "://" + host + (omitPort ? string.Empty : ":" + port.ToString(CultureInfo.InvariantCulture)) + newPath + (string.IsNullOrEmpty(query) ? string.Empty : "?" + query);
    }
}

/// <summary>CORS (spec digest §12.6): preflight detection and the headers of the answer.</summary>
internal static class Cors
{
    /// <summary>A preflight: OPTIONS with <c>Origin</c> and <c>Access-Control-Request-Method</c>.</summary>
    public static bool IsPreflight(in RequestView request)
        => request.Method.SequenceEqual("OPTIONS") && request.TryGetHeader("origin", out _) && request.TryGetHeader("access-control-request-method", out _);

    public static void Apply(HttpCorsFilter cors, in RequestView request, List<HttpHeader> preflight, List<HttpHeader> responseSet)
    {
        if (!request.TryGetHeader("origin", out var originSpan))
        {
            return;
        }

        var origin = originSpan.ToString();
        if (!cors.AllowOrigins.Any(o => OriginMatches(o, origin)))
        {
            return;
        }

        var credentials = cors.AllowCredentials == true;
        var target = IsPreflight(request) ? preflight : responseSet;
        var wildcardOnly = !credentials && cors.AllowOrigins.Contains("*");
        target.Add(new HttpHeader("Access-Control-Allow-Origin", wildcardOnly ? "*" : origin));
        if (credentials)
        {
            target.Add(new HttpHeader("Access-Control-Allow-Credentials", "true"));
        }

        if (ReferenceEquals(target, preflight))
        {
            if (cors.AllowMethods.Count > 0)
            {
                target.Add(new HttpHeader("Access-Control-Allow-Methods", List(cors.AllowMethods, credentials, request, "access-control-request-method")));
            }

            if (cors.AllowHeaders.Count > 0)
            {
                target.Add(new HttpHeader("Access-Control-Allow-Headers", List(cors.AllowHeaders, credentials, request, "access-control-request-headers")));
            }

            target.Add(new HttpHeader("Access-Control-Max-Age", cors.MaxAge.ToString(CultureInfo.InvariantCulture)));
        }

        // Exposed headers are announced on preflight answers as on simple responses (conformance HTTPRouteCORS).
        if (cors.ExposeHeaders.Count > 0 && !(credentials && cors.ExposeHeaders.Contains("*")))
        {
            target.Add(new HttpHeader("Access-Control-Expose-Headers", string.Join(", ", cors.ExposeHeaders)));
        }
    }

    /// <summary>
    /// The allowed methods or headers as a header value. <c>*</c> is a wildcard only for requests without
    /// credentials (Fetch standard); with credentials the gateway answers with what the preflight asks for.
    /// </summary>
    private static string List(IReadOnlyList<string> allowed, bool credentials, in RequestView request, string requestHeader)
    {
        if (credentials && allowed.Contains("*"))
        {
            return request.TryGetHeader(requestHeader, out var asked) ? asked.ToString() : string.Join(", ", allowed.Where(a => a != "*"));
        }

        return string.Join(", ", allowed);
    }

    /// <summary><c>*</c>, or <c>scheme://host[:port]</c> with a host wildcard matching greedily to the left; default ports 80/443.</summary>
    public static bool OriginMatches(string allowed, string origin)
    {
        if (allowed == "*")
        {
            return true;
        }

        if (!Split(allowed, out var aScheme, out var aHost, out var aPort) || !Split(origin, out var oScheme, out var oHost, out var oPort))
        {
            return false;
        }

        if (!string.Equals(aScheme, oScheme, StringComparison.OrdinalIgnoreCase) || aPort != oPort)
        {
            return false;
        }

        return aHost.StartsWith('*')
            ? oHost.Length > aHost.Length - 1 && oHost.EndsWith(aHost[1..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(aHost, oHost, StringComparison.OrdinalIgnoreCase);
    }

    private static bool Split(string origin, out string scheme, out string host, out int port)
    {
        scheme = host = string.Empty;
        port = 0;
        var sep = origin.IndexOf("://", StringComparison.Ordinal);
        if (sep <= 0)
        {
            return false;
        }

        scheme = origin[..sep];
        var authority = origin[(sep + 3)..];
        var colon = authority.LastIndexOf(':');
        if (colon >= 0 && int.TryParse(authority.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
        {
            host = authority[..colon];
            port = p;
        }
        else
        {
            host = authority;
            port = string.Equals(scheme, "https", StringComparison.OrdinalIgnoreCase) ? 443 : 80;
        }

        return true;
    }
}
