using System.Globalization;
using System.Text.RegularExpressions;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Manifests;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.IngressNginx;

/// <summary>How a server's paths are converted.</summary>
internal enum NginxHostMode
{
    /// <summary>Plain NGINX locations: Exact and element-wise Prefix, carried exactly.</summary>
    Plain,

    /// <summary>A regex host whose paths are all prefix-shaped: PathPrefix and Exact, approximated (case, string prefixes).</summary>
    RegexAsPrefix,

    /// <summary>A regex host with other expressions: RegularExpression matches in NGINX's order.</summary>
    Regex,
}

/// <summary>One converted rule and the location it came from.</summary>
internal sealed record NginxRule(HttpRouteRule? Http, GrpcRouteRule? Grpc, NginxLocation Source)
{
    public bool IsGrpc => Grpc is not null;
}

/// <summary>What the rules of one server say, for the report: (location, kind, outcome, routing, message).</summary>
internal sealed record NginxNote(NginxLocation? Location, string Kind, ConversionOutcome Outcome, bool AffectsRouting, string Message)
{
    /// <summary>The server the note is about.</summary>
    public NginxServer? Server { get; init; }

    /// <summary>The request path the note is about, when it is one path rather than the location's.</summary>
    public string? RequestPath { get; init; }
}

/// <summary>
/// Converts the locations of one NGINX server into Gateway API rules, in two views: as served (HTTPS, or HTTP when the
/// location does not redirect) and as the plain-HTTP listener sees them (<c>ssl-redirect</c> rules redirect there).
/// Every decision about a location's semantics is read from the model (<see cref="IngressNginxModel"/>); this class
/// only translates.
/// </summary>
internal sealed class NginxRules
{
    private readonly IngressNginxModel _model;
    private readonly NginxServer _server;
    private readonly string _routeNamespace;
    private readonly bool _nameRules;
    private readonly List<NginxNote> _notes;
    private readonly HashSet<string> _exactPaths = new(StringComparer.Ordinal);
    private readonly Dictionary<NginxLocation, int> _names = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _emitted = new(StringComparer.Ordinal);

    public NginxRules(IngressNginxModel model, NginxServer server, string routeNamespace, bool nameRules, List<NginxNote> notes)
    {
        _model = model;
        _server = server;
        _routeNamespace = routeNamespace;
        _nameRules = nameRules;
        _notes = notes;
        Mode = ChooseMode();
        Build();
    }

    public NginxHostMode Mode { get; }

    private void Note(NginxNote note) => _notes.Add(note with { Server = _server });

    /// <summary>The rules as served: on HTTPS, and on HTTP where nothing redirects.</summary>
    public List<NginxRule> Serving { get; } = [];

    /// <summary>The rules of the plain-HTTP listener.</summary>
    public List<NginxRule> Http { get; } = [];

    /// <summary>Whether the HTTP listener's rules differ from the served ones (some location redirects to https).</summary>
    public bool HttpDiffers { get; private set; }

    /// <summary>Backends of other namespaces than the route's, for ReferenceGrants.</summary>
    public HashSet<(string Namespace, string Service)> CrossNamespaceBackends { get; } = [];

    /// <summary>Services spoken to over TLS (backend-protocol HTTPS or GRPCS), with the location that asks.</summary>
    public Dictionary<(string Namespace, string Service), NginxLocation> TlsBackends { get; } = [];

    private NginxHostMode ChooseMode()
    {
        if (!_server.RegexMode)
        {
            return NginxHostMode.Plain;
        }

        return _server.Locations.All(l => l.Path == "/" || NginxPaths.Prefix(l.Path) is not null) ? NginxHostMode.RegexAsPrefix : NginxHostMode.Regex;
    }

    private void Build()
    {
        if (_server.AppRoot is { } appRoot)
        {
            var rule = Redirect([Match(ExactPath("/"))], new HttpRequestRedirectFilter { StatusCode = 302, Path = FullPath(appRoot.Settings.AppRoot!) }, appRoot);
            Add(rule, rule);
            _exactPaths.Add("/");
            if (appRoot.Settings.Get("app-root") is not null)
            {
                Note(new NginxNote(appRoot, "app-root", ConversionOutcome.Approximated, true,
                    $"carried as an Exact / rule that redirects (302) to {appRoot.Settings.AppRoot}; the request's query string is kept, where NGINX drops it."));
            }
        }

        var shadowed = Mode == NginxHostMode.Plain ? [] : Shadowed();
        foreach (var location in _server.Locations)
        {
            if (location.IsExactCopy && Mode == NginxHostMode.Plain)
            {
                continue; // the PathPrefix of its Prefix location matches the path itself
            }

            if (location.Unsupported)
            {
                Note(new NginxNote(location, "RegexPath", ConversionOutcome.Dropped, true,
                    $"the path \"{location.IngressPath}\" is a regular expression a linear-time engine cannot run (backreferences, lookaround, atomic groups or PCRE-only syntax); it is not converted, and PolicyAttach's model of NGINX never matches it."));
                continue;
            }

            if (shadowed.Contains(location))
            {
                Note(new NginxNote(location, "ShadowedPath", ConversionOutcome.Carried, false,
                    $"NGINX never reaches \"{location.IngressPath}\": an earlier location of the host matches every path it matches; it is not converted."));
                continue;
            }

            Convert(location);
        }

        if (Mode != NginxHostMode.Plain)
        {
            var how = Mode == NginxHostMode.Regex
                ? "as implementation-specific RegularExpression path matches in NGINX's order (case-insensitive); implementations may order or read them otherwise"
                : "as PathPrefix and Exact matches, which are case-sensitive and match whole path elements, where NGINX's regex locations ignore case and match string prefixes";
            Note(new NginxNote(null, "RegexPaths", ConversionOutcome.Approximated, true,
                $"some Ingress of host {_server.Name} sets use-regex or rewrite-target, so NGINX matches every path of the host as a case-insensitive regular expression, first match in order of length; converted {how}."));
        }
    }

    /// <summary>
    /// In a regex host, the locations an earlier one always takes first (NGINX's first match): the same expression
    /// earlier (the root's <c>^/</c> before an Exact <c>/</c>), or, read as prefixes, an earlier prefix that covers them.
    /// </summary>
    private HashSet<NginxLocation> Shadowed()
    {
        var shadowed = new HashSet<NginxLocation>(ReferenceEqualityComparer.Instance);
        var seen = new List<(NginxLocation Location, NginxPrefixPath? Path)>();
        foreach (var location in _server.Locations)
        {
            if (location.Unsupported)
            {
                continue;
            }

            var path = NginxPaths.Prefix(location.Path);
            foreach (var (earlier, earlierPath) in seen)
            {
                if (earlier.Path == location.Path || (Mode == NginxHostMode.RegexAsPrefix && earlierPath is not null && path is not null && Covers(earlierPath, path)))
                {
                    shadowed.Add(location);
                    break;
                }
            }

            seen.Add((location, path));
        }

        return shadowed;
    }

    /// <summary>Whether every path <paramref name="later"/> matches is matched by <paramref name="earlier"/> (case-insensitively).</summary>
    private static bool Covers(NginxPrefixPath earlier, NginxPrefixPath later)
    {
        var a = earlier.Prefix;
        var b = later.Prefix;
        if (!b.StartsWith(a, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return earlier.Shape switch
        {
            NginxPathShape.Literal or NginxPathShape.AnyRest => true,
            NginxPathShape.SlashOrEnd => (b.Length > a.Length && b[a.Length] == '/') || (b.Length == a.Length && later.Shape is NginxPathShape.SlashOrEnd or NginxPathShape.SlashRest),
            _ => (b.Length > a.Length && b[a.Length] == '/') || (b.Length == a.Length && later.Shape == NginxPathShape.SlashRest),
        };
    }

    private void Convert(NginxLocation location)
    {
        var s = location.Settings;
        if (s.BackendProtocol is "HTTPS" or "GRPCS" && !location.Backend.IsDefault)
        {
            TlsBackends.TryAdd((location.Backend.Namespace, location.Backend.Service), location);
        }

        if (location.Backend.IsDefault && location.IsDefBackend && s.Redirect is null)
        {
            // The default backend answers 404, as a Gateway does where no rule matches; only an https redirect of the
            // HTTP listener needs a rule. On a regex host NGINX's "/" location is one more expression, tried after the
            // longer ones: a PathPrefix "/" would outrank every RegularExpression rule of the route and redirect
            // requests NGINX serves, so it is the catch-all expression, last in NGINX's order like the others.
            if (RedirectsToHttps(location))
            {
                var all = Mode == NginxHostMode.Regex
                    ? new HttpPathMatch { Type = PathMatchType.RegularExpression, TypeName = nameof(PathMatchType.RegularExpression), Value = NginxPaths.FullMatch("/") }
                    : PrefixPath("/");
                var rule = SslRedirect([Match(all)], location);
                Http.Add(new NginxRule(rule, null, location));
                HttpDiffers = true;
            }

            return;
        }

        if (s.BackendProtocol is "GRPC" or "GRPCS")
        {
            ConvertGrpc(location);
            return;
        }

        var (match, rewrite) = PathAndRewrite(location);
        if (match is null)
        {
            return;
        }

        if (match.Type != PathMatchType.RegularExpression && !ValidPath(match.Value))
        {
            Note(new NginxNote(location, "PathCharacters", ConversionOutcome.Dropped, true,
                $"the path \"{location.IngressPath}\" has characters a Gateway API Exact or PathPrefix value cannot hold (NGINX matches them literally); it is not converted. Percent-encode them, or mark the Ingress use-regex."));
            return;
        }

        if (rewrite is { } r && !ValidPath(r.ReplaceFullPath ?? r.ReplacePrefixMatch ?? "/"))
        {
            Note(new NginxNote(location, "rewrite-target", ConversionOutcome.Dropped, true,
                $"rewrite-target \"{s.RewriteTarget}\" makes a path Gateway API cannot hold; requests reach the backend unrewritten."));
            rewrite = null;
        }

        var key = match.TypeName + " " + match.Value;
        if (!_emitted.Add(key))
        {
            return; // an earlier location with the same match takes these requests in NGINX too
        }

        if (match.Type == PathMatchType.Exact)
        {
            _exactPaths.Add(match.Value);
        }

        AddLocationRules(location, [Match(match)], rewrite);
        if (Mode != NginxHostMode.Regex)
        {
            Patch(location, match, rewrite);
        }
    }

    /// <summary>
    /// The path match and rewrite of a location, or null when it cannot be converted (reported). Plain hosts: Exact
    /// stays Exact, Prefix <c>/foo/</c> is PathPrefix <c>/foo</c>. Regex hosts: see <see cref="NginxHostMode"/>.
    /// </summary>
    private (HttpPathMatch? Match, HttpPathModifier? Rewrite) PathAndRewrite(NginxLocation location)
    {
        var s = location.Settings;
        if (Mode == NginxHostMode.Plain)
        {
            return location.Kind == NginxMatchKind.Exact
                ? (ExactPath(location.Path), null)
                : (PrefixPath(location.Path), null);
        }

        if (Mode == NginxHostMode.Regex)
        {
            HttpPathModifier? modifier = null;
            if (location.Rewrites)
            {
                var constant = IngressNginxModel.Substitute(s.RewriteTarget, 0, _ => string.Empty);
                if (constant is not null && !s.RewriteTarget.Contains('$', StringComparison.Ordinal) && constant.StartsWith('/'))
                {
                    modifier = FullPath(constant);
                }
                else
                {
                    Note(new NginxNote(location, "rewrite-target", ConversionOutcome.Dropped, true,
                        $"rewrite-target \"{s.RewriteTarget}\" takes capture groups from the regular expression \"{location.Path}\"; Gateway API rewrites cannot (ReplacePrefixMatch needs a PathPrefix match), so requests reach the backend unrewritten. Rewrite in the backend, or use an implementation's regex rewrite."));
                }
            }

            return (new HttpPathMatch { Type = PathMatchType.RegularExpression, TypeName = nameof(PathMatchType.RegularExpression), Value = NginxPaths.FullMatch(location.Path) }, modifier);
        }

        // A regex host whose paths are all prefix-shaped.
        var shape = NginxPaths.Prefix(location.Path)!;
        var prefix = shape.Prefix;
        var match = PrefixPath(prefix.Length > 1 ? prefix.TrimEnd('/') : prefix);
        if (!location.Rewrites)
        {
            return (match, null);
        }

        // A literal path has no capture group, so $1..$9 are empty and the target is one path for every request; so
        // is a target without variables.
        var target = s.RewriteTarget;
        if (shape.Shape == NginxPathShape.Literal || !target.Contains('$', StringComparison.Ordinal))
        {
            if (IngressNginxModel.Substitute(target, 1, _ => string.Empty) is { Length: > 0 } constant && constant[0] == '/' && !constant.Contains('?', StringComparison.Ordinal))
            {
                return (match, FullPath(constant));
            }
        }

        string? replacement = shape.Shape switch
        {
            NginxPathShape.SlashOrEnd when target.EndsWith("$1$2", StringComparison.Ordinal) && Plain(target[..^4]) is { Length: > 0 } a && a[^1] != '/' => a,
            NginxPathShape.SlashOrEnd when target.EndsWith("$2", StringComparison.Ordinal) && Plain(target[..^2]) is { Length: > 0 } a && a[^1] == '/' => a,
            NginxPathShape.SlashRest when target.EndsWith("$1", StringComparison.Ordinal) && Plain(target[..^2]) is { Length: > 0 } a && a[^1] == '/' => a,
            // The prefix replaced keeps the rest as NGINX's $1 does when the prefix and the replacement both end in a slash or both do not.
            NginxPathShape.AnyRest when target.EndsWith("$1", StringComparison.Ordinal) && Plain(target[..^2]) is { } a && (a.Length == 0 ? prefix[^1] != '/' : (a[^1] == '/') == (prefix[^1] == '/')) => a,
            _ => null,
        };
        if (replacement is not null)
        {
            return (match, new HttpPathModifier { Type = HttpPathModifierType.ReplacePrefixMatch, TypeName = nameof(HttpPathModifierType.ReplacePrefixMatch), ReplacePrefixMatch = replacement.Length == 0 ? "/" : replacement });
        }

        Note(new NginxNote(location, "rewrite-target", ConversionOutcome.Dropped, true,
            $"rewrite-target \"{target}\" on \"{location.Path}\" is not a prefix replacement Gateway API can express; requests reach the backend unrewritten. Rewrite in the backend, or use an implementation's regex rewrite."));
        return (match, null);
    }

    /// <summary>A target without variables, or null.</summary>
    private static string? Plain(string text) => text.Contains('$', StringComparison.Ordinal) ? null : text;

    /// <summary>
    /// Exact rules for the paths at the edge of a PathPrefix (the prefix itself, and with a slash) where NGINX
    /// answers otherwise: another location, NGINX's trailing-slash redirect, or a rewrite the prefix replacement does
    /// not reproduce for that one path.
    /// </summary>
    private void Patch(NginxLocation location, HttpPathMatch match, HttpPathModifier? rewrite)
    {
        if (match.Type != PathMatchType.PathPrefix || match.Value == "/")
        {
            return;
        }

        foreach (var path in new[] { match.Value, match.Value + "/" })
        {
            if (_exactPaths.Contains(path))
            {
                continue;
            }

            var (found, slashRedirect) = IngressNginxModel.FindLocation(_server, path);
            if (slashRedirect is not null)
            {
                if (ReferenceEquals(slashRedirect, location) || (slashRedirect.Ingress == location.Ingress && slashRedirect.IngressPath == location.IngressPath))
                {
                    var redirect = Redirect([Match(ExactPath(path))], new HttpRequestRedirectFilter { StatusCode = 301, Path = FullPath(path + "/") }, location);
                    Add(redirect, redirect);
                    _exactPaths.Add(path);
                }

                continue;
            }

            if (found is null)
            {
                continue;
            }

            var rewritten = found.Rewrites ? IngressNginxModel.Rewrite(found, path) : null;
            var sameLocation = ReferenceEquals(found, location) || (found.IsExactCopy && found.Ingress == location.Ingress && found.IngressPath == location.IngressPath);
            var converted = rewrite is null ? path : FilterEffect.ModifyPath(rewrite, path, match.Value);
            if (sameLocation && converted == (rewritten ?? path))
            {
                continue;
            }

            if (found.Backend.IsDefault && found.IsDefBackend && found.Settings.Redirect is null)
            {
                Note(new NginxNote(location, "PathBoundary", ConversionOutcome.Approximated, true,
                    $"NGINX answers {path} from the host's default backend (404); the converted PathPrefix {match.Value} takes it.") { RequestPath = path });
                continue;
            }

            if (found.Settings.BackendProtocol is "GRPC" or "GRPCS")
            {
                continue;
            }

            if (rewritten is not null && (rewritten.Length == 0 || rewritten[0] != '/' || rewritten.Contains('?', StringComparison.Ordinal)))
            {
                continue;
            }

            AddLocationRules(found, [Match(ExactPath(path))], rewritten is null ? null : FullPath(rewritten));
            _exactPaths.Add(path);
        }
    }

    /// <summary>The rules of one location for the given matches: canary variants first, then the location itself, in both views.</summary>
    private void AddLocationRules(NginxLocation location, List<HttpRouteMatch> matches, HttpPathModifier? rewrite)
    {
        var s = location.Settings;
        if (s.Redirect is { } redirect)
        {
            var filter = RedirectFilter(location, redirect);
            if (filter is not null)
            {
                var rule = Redirect(matches, filter, location);
                Add(rule, rule);
            }

            return;
        }

        var filters = new List<RouteFilter>();
        if (s.Cors is { } cors)
        {
            filters.Add(CorsFilter(cors));
        }

        if (rewrite is not null || s.UpstreamVhost is not null)
        {
            var host = s.UpstreamVhost is { } vhost && ValidHostname(vhost) ? vhost : null;
            if (s.UpstreamVhost is not null && host is null)
            {
                Note(new NginxNote(location, "upstream-vhost", ConversionOutcome.Dropped, true,
                    $"upstream-vhost \"{s.UpstreamVhost}\" is not a plain hostname (NGINX variables or a port); URLRewrite needs one."));
            }

            if (rewrite is not null || host is not null)
            {
                filters.Add(new RouteFilter { Type = RouteFilterType.URLRewrite, TypeName = "URLRewrite", UrlRewrite = new HttpUrlRewriteFilter { Hostname = host, Path = rewrite } });
            }
        }

        if (location.Rewrites && s.XForwardedPrefix is { } xfp)
        {
            filters.Add(new RouteFilter { Type = RouteFilterType.RequestHeaderModifier, TypeName = "RequestHeaderModifier", RequestHeaderModifier = new HttpHeaderFilter { Set = [new HttpHeader("X-Forwarded-Prefix", xfp)] } });
        }

        foreach (var (conditions, backends) in Variants(location))
        {
            var variantMatches = matches.Select(m => m with { Headers = [.. m.Headers, .. conditions] }).ToList();
            var serving = new HttpRouteRule
            {
                Name = RuleName(location),
                Matches = variantMatches.ToEquatableArray(),
                Filters = filters.ToEquatableArray(),
                BackendRefs = backends,
            };
            var http = RedirectsToHttps(location) ? SslRedirect(variantMatches, location) : serving;
            Add(serving, http, location);
        }
    }

    private void Add(HttpRouteRule serving, HttpRouteRule http, NginxLocation? location = null)
    {
        var source = location ?? _server.Locations[0];
        Serving.Add(new NginxRule(serving, null, source));
        Http.Add(new NginxRule(http, null, source));
        HttpDiffers |= !ReferenceEquals(serving, http);
    }

    private bool RedirectsToHttps(NginxLocation location)
        => location.Settings.ForceSslRedirect || (location.Settings.SslRedirect && _server.Certificate == NginxCertificate.Secret);

    private HttpRouteRule SslRedirect(List<HttpRouteMatch> matches, NginxLocation location)
    {
        var trailing = location.Settings.PreserveTrailingSlash
            ? "carried"
            : "approximated: NGINX drops a trailing slash from the redirect URL (unless preserve-trailing-slash), Gateway API keeps the path";
        Note(new NginxNote(location, location.Settings.ForceSslRedirect ? "force-ssl-redirect" : "ssl-redirect", location.Settings.PreserveTrailingSlash ? ConversionOutcome.Carried : ConversionOutcome.Approximated, !location.Settings.PreserveTrailingSlash,
            $"the HTTP listener's rule for this path redirects to https ({_model.Options.HttpRedirectCode}), the HTTPS listener's serves; {trailing}."));
        return new HttpRouteRule
        {
            Name = RuleName(location) is { } name ? name + "-http" : null,
            Matches = matches.ToEquatableArray(),
            Filters = [new RouteFilter { Type = RouteFilterType.RequestRedirect, TypeName = "RequestRedirect", RequestRedirect = new HttpRequestRedirectFilter { Scheme = "https", StatusCode = _model.Options.HttpRedirectCode } }],
        };
    }

    private HttpRouteRule Redirect(List<HttpRouteMatch> matches, HttpRequestRedirectFilter filter, NginxLocation location) => new()
    {
        Name = RuleName(location),
        Matches = matches.ToEquatableArray(),
        Filters = [new RouteFilter { Type = RouteFilterType.RequestRedirect, TypeName = "RequestRedirect", RequestRedirect = filter }],
    };

    /// <summary>
    /// <c>permanent-redirect</c>/<c>temporal-redirect</c> URL as a RequestRedirect: scheme, host, port and path of the
    /// URL (<c>$request_uri</c> keeps the request's path); null when it cannot be expressed (reported).
    /// </summary>
    private HttpRequestRedirectFilter? RedirectFilter(NginxLocation location, NginxRedirect redirect)
    {
        var url = redirect.Url;
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = url[..schemeEnd].ToLowerInvariant();
        var rest = url[(schemeEnd + 3)..];
        var slash = rest.IndexOfAny(['/', '?', '$']);
        var authority = slash < 0 ? rest : rest[..slash];
        var tail = slash < 0 ? string.Empty : rest[slash..];
        string? host = authority;
        int? port = null;
        var colon = authority.LastIndexOf(':');
        if (colon > 0 && int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p))
        {
            host = authority[..colon];
            port = p;
        }

        HttpPathModifier? path;
        var outcome = ConversionOutcome.Approximated;
        var how = "the request's query string is kept, where NGINX drops it";
        if (tail == "$request_uri")
        {
            path = null;
            outcome = ConversionOutcome.Carried;
            how = "the request's path and query are kept, as $request_uri does";
        }
        else if (tail.Contains('$', StringComparison.Ordinal) || tail.Contains('?', StringComparison.Ordinal) || host.Contains('$', StringComparison.Ordinal))
        {
            Note(new NginxNote(location, redirect.Annotation, ConversionOutcome.Dropped, true,
                $"{redirect.Annotation} \"{url}\" uses NGINX variables or a query string a RequestRedirect cannot express; requests for this path are not redirected."));
            return null;
        }
        else
        {
            path = FullPath(tail.Length == 0 ? "/" : tail);
        }

        if (redirect.Code is not (301 or 302 or 303 or 307 or 308) || !ValidHostname(host))
        {
            Note(new NginxNote(location, redirect.Annotation, ConversionOutcome.Dropped, true,
                $"{redirect.Annotation} \"{url}\" with code {redirect.Code} cannot be a RequestRedirect (codes 301, 302, 303, 307, 308 to a hostname)."));
            return null;
        }

        Note(new NginxNote(location, redirect.Annotation, outcome, outcome != ConversionOutcome.Carried,
            $"carried as a RequestRedirect ({redirect.Code}) to {url}; {how}."));
        return new HttpRequestRedirectFilter { Scheme = scheme, Hostname = host, Port = port, Path = path, StatusCode = redirect.Code };
    }

    private static bool ValidHostname(string host)
        => host.Length is > 0 and <= 253 && Regex.IsMatch(host, "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);

    private static RouteFilter CorsFilter(NginxCors cors) => new()
    {
        Type = RouteFilterType.CORS,
        TypeName = "CORS",
        Cors = new HttpCorsFilter
        {
            AllowOrigins = cors.Origins,
            AllowCredentials = cors.Credentials ? true : null,
            AllowMethods = Split(cors.Methods),
            AllowHeaders = Split(cors.Headers),
            ExposeHeaders = Split(cors.ExposeHeaders),
            MaxAge = Math.Max(1, cors.MaxAge),
        },
    };

    private static EquatableArray<string> Split(string list)
        => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase).ToEquatableArray();

    /// <summary>
    /// The canary variants of a location, in the balancer's order: header conditions, cookie conditions, then the
    /// location itself (weighted when a weight is set). Without a canary, one variant with the location's backend.
    /// </summary>
    private List<(EquatableArray<HttpHeaderMatch> Conditions, EquatableArray<RouteBackendRef> Backends)> Variants(NginxLocation location)
    {
        var main = Backends(location, location.Backend, 1);
        var variants = new List<(EquatableArray<HttpHeaderMatch>, EquatableArray<RouteBackendRef>)>();
        if (location.Backend.Alternatives.Count == 0 || location.Backend.Alternatives[0].Policy is not { } policy)
        {
            variants.Add(([], main));
            return variants;
        }

        var canary = Backends(location, location.Backend.Alternatives[0], 1);
        if (policy.Header is { } header)
        {
            if (policy.HeaderValue is { } value)
            {
                variants.Add(([Header(header, value)], canary));
            }
            else if (policy.HeaderPattern is { } pattern)
            {
                variants.Add(([new HttpHeaderMatch { Type = StringMatchType.RegularExpression, TypeName = nameof(StringMatchType.RegularExpression), Name = header, Value = NginxPaths.Search(pattern) }], canary));
            }
            else
            {
                variants.Add(([Header(header, "always")], canary));
                variants.Add(([Header(header, "never")], main));
            }
        }

        if (policy.Cookie is { } cookie)
        {
            variants.Add(([CookieMatch(cookie, "always")], canary));
            variants.Add(([CookieMatch(cookie, "never")], main));
        }

        var total = policy.EffectiveTotal;
        var weight = Math.Clamp(policy.Weight, 0, total);
        if (weight == 0)
        {
            variants.Add(([], main));
        }
        else if (weight == total)
        {
            variants.Add(([], canary));
        }
        else
        {
            variants.Add(([], [.. Backends(location, location.Backend, total - weight), .. Backends(location, location.Backend.Alternatives[0], weight)]));
        }

        return variants;
    }

    private static HttpHeaderMatch Header(string name, string value) => new() { Name = name, Value = value };

    /// <summary>A Cookie header regex that finds <c>name=value</c> among the cookies.</summary>
    private static HttpHeaderMatch CookieMatch(string name, string value) => new()
    {
        Type = StringMatchType.RegularExpression,
        TypeName = nameof(StringMatchType.RegularExpression),
        Name = "Cookie",
        Value = "(?:.*;)?\\s*(?i:" + Regex.Escape(name) + ")=" + Regex.Escape(value) + "(?:;.*)?",
    };

    /// <summary>The backendRef of an upstream (none for the default backend, or a port the input cannot resolve).</summary>
    private EquatableArray<RouteBackendRef> Backends(NginxLocation location, NginxUpstream upstream, int weight)
    {
        if (upstream.IsDefault || upstream.Port is null)
        {
            if (!upstream.IsDefault)
            {
                Note(new NginxNote(location, "UnresolvedPortName", ConversionOutcome.Approximated, true,
                    $"port \"{upstream.PortText}\" of Service {upstream.Namespace}/{upstream.Service} cannot be resolved from the input; the rule has no backendRef (500), where NGINX answers 503. Add the Service to the input or use the port number."));
            }

            return [];
        }

        if (!upstream.IsValid)
        {
            Note(new NginxNote(location, ConditionReason.BackendNotFound.Value, ConversionOutcome.Approximated, true,
                $"Service {upstream.Namespace}/{upstream.Service} or its port {upstream.PortText} is not in the input: NGINX answers 503{(location.Settings.DefaultBackendService is { } fallback ? $" (or sends it to default-backend {fallback})" : string.Empty)}, a Gateway 500."));
        }

        if (upstream.Namespace != _routeNamespace)
        {
            CrossNamespaceBackends.Add((upstream.Namespace, upstream.Service));
        }

        return [new RouteBackendRef { BackendRef = new BackendReference { Name = upstream.Service, Namespace = upstream.Namespace, Port = upstream.Port, Weight = weight } }];
    }

    private string? RuleName(NginxLocation location)
    {
        if (!_nameRules || location.Ingress is not { } ingress)
        {
            return null;
        }

        if (!_names.TryGetValue(location, out var n))
        {
            _names[location] = n = _names.Count;
        }

        var baseName = Slug(ingress.Name);
        var name = $"{(baseName.Length > 40 ? baseName[..40] : baseName)}-{n.ToString(CultureInfo.InvariantCulture)}";
        return name;
    }

    internal static string Slug(string text)
    {
        var chars = text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        return new string(chars).Trim('-');
    }

    private void ConvertGrpc(NginxLocation location)
    {
        var s = location.Settings;
        GrpcMethodMatch? method;
        var path = location.IngressPath;
        if (path == "/")
        {
            method = null;
        }
        else
        {
            var parts = path.Trim('/').Split('/');
            var literal = location.Kind != NginxMatchKind.Regex || !NginxRegex.HasMetacharacters(path);
            if (literal && parts.Length == 1 && parts[0].Length > 0)
            {
                method = new GrpcMethodMatch { Service = parts[0] };
            }
            else if (literal && parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0)
            {
                method = new GrpcMethodMatch { Service = parts[0], Method = parts[1] };
            }
            else
            {
                Note(new NginxNote(location, "backend-protocol", ConversionOutcome.Dropped, true,
                    $"the gRPC path \"{path}\" is neither /service nor /service/method, which is what GRPCRoute matches; it is not converted."));
                return;
            }
        }

        if (location.Rewrites || s.UpstreamVhost is not null || s.Redirect is not null || s.Cors is not null)
        {
            Note(new NginxNote(location, "backend-protocol", ConversionOutcome.Dropped, true,
                "GRPCRoute has no rewrite, redirect or CORS filter; the gRPC rule is converted without them."));
        }

        if (Mode != NginxHostMode.Plain)
        {
            Note(new NginxNote(location, "backend-protocol", ConversionOutcome.Approximated, true,
                "NGINX matches this gRPC path as a case-insensitive regular expression; the GRPCRoute matches service and method exactly."));
        }

        foreach (var (conditions, backends) in Variants(location))
        {
            var rule = new GrpcRouteRule
            {
                Matches = method is null && conditions.Count == 0 ? [] : [new GrpcRouteMatch { Method = method, Headers = conditions }],
                BackendRefs = backends,
            };
            Serving.Add(new NginxRule(null, rule, location));
            if (RedirectsToHttps(location))
            {
                HttpDiffers = true;
                Note(new NginxNote(location, "ssl-redirect", ConversionOutcome.Approximated, true,
                    "NGINX redirects plain-HTTP gRPC requests to https; GRPCRoute cannot redirect, so the gRPC route is attached to the HTTPS listener only (plain-HTTP gRPC requests get 404)."));
            }
            else
            {
                Http.Add(new NginxRule(null, rule, location));
            }
        }
    }

    private static HttpRouteMatch Match(HttpPathMatch path) => new() { Path = path };

    /// <summary>Whether Gateway API accepts a value as an Exact or PathPrefix path (the CRD's rules the manifest reader applies).</summary>
    internal static bool ValidPath(string value)
        => value.StartsWith('/') && RouteSchema.IsPathCharacters(value)
            && !value.Contains("//", StringComparison.Ordinal) && !value.Contains("/./", StringComparison.Ordinal) && !value.Contains("/../", StringComparison.Ordinal)
            && !value.Contains("%2f", StringComparison.OrdinalIgnoreCase) && !value.Contains('#', StringComparison.Ordinal)
            && !value.EndsWith("/..", StringComparison.Ordinal) && !value.EndsWith("/.", StringComparison.Ordinal);

    private static HttpPathMatch ExactPath(string value) => new() { Type = PathMatchType.Exact, TypeName = nameof(PathMatchType.Exact), Value = value };

    private static HttpPathMatch PrefixPath(string value) => new() { Value = value.Length > 1 ? value.TrimEnd('/') is { Length: > 0 } v ? v : "/" : value };

    private static HttpPathModifier FullPath(string value) => new() { Type = HttpPathModifierType.ReplaceFullPath, TypeName = nameof(HttpPathModifierType.ReplaceFullPath), ReplaceFullPath = value };
}
