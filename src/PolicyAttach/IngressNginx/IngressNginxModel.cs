using System.Globalization;
using System.Text;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Ingresses;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.IngressNginx;

/// <summary>
/// What the ingress-nginx controller is configured with, beyond the Ingresses (its ConfigMap and flags). The defaults
/// are ingress-nginx's.
/// </summary>
public sealed record IngressNginxOptions
{
    /// <summary>The controller name ingress-nginx's IngressClasses carry.</summary>
    public const string ControllerName = "k8s.io/ingress-nginx";

    /// <summary>The defaults.</summary>
    public static IngressNginxOptions Default { get; } = new();

    /// <summary>The annotation prefix (<c>--annotations-prefix</c>), default <c>nginx.ingress.kubernetes.io</c>.</summary>
    public string AnnotationPrefix { get; init; } = "nginx.ingress.kubernetes.io";

    /// <summary>The ConfigMap's <c>ssl-redirect</c> (default true): the default of the annotation.</summary>
    public bool SslRedirect { get; init; } = true;

    /// <summary>The ConfigMap's <c>http-redirect-code</c> (default 308): the code of HTTPS and www redirects.</summary>
    public int HttpRedirectCode { get; init; } = 308;

    /// <summary>The HTTP port (default 80).</summary>
    public int HttpPort { get; init; } = 80;

    /// <summary>The HTTPS port (default 443).</summary>
    public int HttpsPort { get; init; } = 443;
}

/// <summary>What the model decided for a request: the answer and the NGINX location that gave it.</summary>
public sealed record NginxDecision
{
    /// <summary>The answer.</summary>
    public required RoutingAnswer Answer { get; init; }

    /// <summary>The server that took the request: its host, <c>*.suffix</c>, or <c>_</c> for the catch-all.</summary>
    public string? Server { get; init; }

    /// <summary>The Ingress whose location answered, when one did.</summary>
    public ResourceKey? Ingress { get; init; }

    /// <summary>The Ingress path of the location (as written; <c>/</c> for a root location).</summary>
    public string? Path { get; init; }

    /// <summary>The Ingress field of the location (<c>spec.rules[r].http.paths[p]</c> or <c>spec.defaultBackend</c>).</summary>
    public string? Field { get; init; }

    /// <summary>What decided: <c>location</c>, <c>app-root</c>, <c>www-redirect</c>, <c>slash-redirect</c>, and so on.</summary>
    public required string Step { get; init; }
}

/// <summary>
/// The routing of one ingress-nginx class, written from ingress-nginx's documentation (and, where it is silent,
/// from what its controller and template do, as noted at each rule). Not a hot path: compiled once, answering
/// allocates. The rules, in the order a request meets them:
/// <list type="number">
/// <item><b>Ingresses</b>: those of the class, oldest first; equal creation times are ordered by namespace/name
/// <em>descending</em> (the controller's sort; the documentation is silent). Canary Ingresses make no server or
/// location of their own.</item>
/// <item><b>Servers</b>: one per rule host; the oldest Ingress with a rule for a host creates it, with a root
/// location <c>/</c> serving that Ingress's <c>spec.defaultBackend</c> (or the controller's default backend, 404) under
/// that Ingress's annotations. Rules without host go to the catch-all server <c>_</c>, whose root serves the
/// defaultBackend of the oldest Ingress without rules. A host is matched case-insensitively, without port; an
/// Ingress wildcard <c>*.suffix</c> matches exactly one label (the
/// <see href="https://kubernetes.github.io/ingress-nginx/user-guide/ingress-path-matching/">path matching</see> page:
/// "matches only a single label"); <c>server-alias</c> adds names; other hosts reach <c>_</c>.</item>
/// <item><b>Locations</b> (<see href="https://kubernetes.github.io/ingress-nginx/user-guide/ingress-path-matching/">path priority</see>):
/// ImplementationSpecific is read as Prefix (the controller's defaulting; the documentation is silent). The first
/// Ingress with a host, path and type wins; later duplicates are ignored. Locations are sorted by path length,
/// longest first. A Prefix path <c>/foo</c> becomes the prefix <c>/foo/</c> plus the exact <c>= /foo</c>, unless its
/// Ingress rewrites or uses regex. When any Ingress of the host sets <c>use-regex</c> or a <c>rewrite-target</c>
/// other than the path, every location of the host is the case-insensitive regex <c>~* "^path"</c> and the first
/// that matches wins (the documentation's warning); otherwise NGINX takes an exact match, else the longest prefix,
/// and a request for <c>/foo</c> reaching a prefix <c>/foo/</c> without exact location is redirected (301) to
/// <c>/foo/</c> (NGINX's location rules).</item>
/// <item><b>Server redirects</b>: <c>app-root</c> redirects a request for exactly <c>/</c> (302), before any location;
/// <c>from-to-www-redirect</c> serves the other name with a redirect (<c>http-redirect-code</c>, trailing slash
/// dropped).</item>
/// <item><b>In the location</b> (the template's order): a CORS preflight (OPTIONS with an allowed origin) gets 204;
/// <c>temporal-redirect</c> (302) or <c>permanent-redirect</c> (301) answers; <c>rewrite-target</c> replaces the
/// whole path with the target, <c>$1</c>..<c>$9</c> taken from the path regex (case-insensitive), the query kept
/// (an absolute target redirects, 302); then, for plain HTTP, <c>force-ssl-redirect</c>, or <c>ssl-redirect</c>
/// (default on) on a host whose TLS Secret is usable, redirects to https (<c>http-redirect-code</c>, 308) with the
/// trailing slash dropped unless <c>preserve-trailing-slash</c>
/// (<see href="https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#server-side-https-enforcement-through-redirect">HTTPS enforcement</see>).</item>
/// <item><b>Upstream</b>: the Service port (404 for the default backend; 503, or the <c>default-backend</c>
/// annotation's Service, when the Service or port does not exist). A canary Ingress adds its backend to the upstream
/// of the main location with the same host, path and type; the balancer then checks, in order,
/// <c>canary-by-header</c> (with <c>canary-by-header-value</c>, else <c>canary-by-header-pattern</c>, else
/// <c>always</c>/<c>never</c>), <c>canary-by-cookie</c> (<c>always</c>/<c>never</c>) and <c>canary-weight</c> out of
/// <c>canary-weight-total</c> (<see href="https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#canary">canary</see>).
/// The alternative attaches to the Service port's upstream, so every location using that Service port gets it (the
/// documentation is silent; this is what the controller does).</item>
/// <item><b>Forwarded</b>: the (rewritten) path and query; Host as received or <c>upstream-vhost</c>;
/// <c>X-Forwarded-Prefix</c> when the location rewrites and sets <c>x-forwarded-prefix</c>.</item>
/// </list>
/// HTTPS is served for every host (with the default certificate when no TLS entry names it). Paths are matched raw,
/// as the Gateway API matcher does (NGINX decodes and merges slashes first). Access control (auth, allow-lists, rate
/// limits) is outside the model: it answers as an allowed client. Regexes run in linear time (<see cref="NginxRegex"/>).
/// </summary>
public sealed class IngressNginxModel
{
    private readonly Dictionary<string, NginxServer> _servers;
    private readonly Dictionary<string, NginxRedirectServer> _redirects;
    private readonly IngressNginxOptions _options;

    private IngressNginxModel(string className, IngressNginxOptions options, List<Ingress> ingresses, Dictionary<string, NginxServer> servers, Dictionary<string, NginxRedirectServer> redirects, Dictionary<Ingress, NginxSettings> settings)
    {
        ClassName = className;
        _options = options;
        Ingresses = ingresses.Select(i => i.Key).ToEquatableArray();
        IngressObjects = ingresses;
        _servers = servers;
        _redirects = redirects;
        Settings = settings;
    }

    /// <summary>The class.</summary>
    public string ClassName { get; }

    /// <summary>The Ingresses of the class, in the controller's order.</summary>
    public EquatableArray<ResourceKey> Ingresses { get; }

    internal List<Ingress> IngressObjects { get; }

    internal Dictionary<Ingress, NginxSettings> Settings { get; }

    internal IngressNginxOptions Options => _options;

    /// <summary>The servers, sorted by name (<c>_</c> last).</summary>
    internal IEnumerable<NginxServer> Servers => _servers.Values.OrderBy(s => s.IsCatchAll).ThenBy(s => s.Name, StringComparer.Ordinal);

    internal IEnumerable<NginxRedirectServer> RedirectServers => _redirects.Values.OrderBy(r => r.From, StringComparer.Ordinal);

    /// <summary>The class names ingress-nginx serves in a snapshot: IngressClasses of its controller, and the legacy name <c>nginx</c> when no IngressClass of that name exists.</summary>
    /// <param name="snapshot">The input.</param>
    /// <returns>The class names, sorted.</returns>
    public static EquatableArray<string> Classes(Snapshot snapshot)
    {
        Guard.NotNull(snapshot);
        var selection = IngressClassSelector.Select(snapshot);
        return selection.Ingresses
            .Where(o => o.ClassName is not null && (o.Controller == IngressNginxOptions.ControllerName || (o.IngressClass is null && o.ClassName == "nginx")))
            .Select(o => o.ClassName!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToEquatableArray();
    }

    /// <summary>Builds the routing of one class.</summary>
    /// <param name="snapshot">The input: Ingresses, IngressClasses, Services, Secrets.</param>
    /// <param name="className">The class.</param>
    /// <param name="options">The controller's configuration; the defaults when null.</param>
    /// <returns>The model.</returns>
    public static IngressNginxModel Compile(Snapshot snapshot, string className, IngressNginxOptions? options = null)
    {
        Guard.NotNull(snapshot);
        Guard.NotNullOrEmpty(className);
        options ??= IngressNginxOptions.Default;
        var ingresses = IngressClassSelector.Select(snapshot).OfClass(className).Select(o => o.Ingress).ToList();
        // The controller's sort: creation time, then namespace/name descending.
        ingresses.Sort((x, y) =>
        {
            var c = x.Metadata.CreationTimestamp.CompareTo(y.Metadata.CreationTimestamp);
            return c != 0 ? c : string.CompareOrdinal($"{y.Namespace}/{y.Name}", $"{x.Namespace}/{x.Name}");
        });
        var settings = new Dictionary<Ingress, NginxSettings>(ReferenceEqualityComparer.Instance);
        foreach (var ingress in ingresses)
        {
            settings[ingress] = NginxSettings.Parse(ingress, options);
        }

        var builder = new Builder(snapshot, options, ingresses, settings);
        builder.Build();
        return new IngressNginxModel(className, options, ingresses, builder.Servers, builder.Redirects, settings);
    }

    /// <summary>Decides what ingress-nginx does with a request.</summary>
    /// <param name="probe">The request.</param>
    /// <returns>The decision.</returns>
    public NginxDecision Decide(RequestProbe probe)
    {
        Guard.NotNull(probe);
        var https = probe.Scheme == "https";
        var port = https ? _options.HttpsPort : _options.HttpPort;
        if (probe.Port != port)
        {
            return new NginxDecision { Answer = new RoutingAnswer { Status = 404, Note = "no NGINX listener on this port" }, Step = "port" };
        }

        var host = RequestView.StripPort(probe.Authority).ToString().ToLowerInvariant().TrimEnd('.');
        var q = probe.PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? probe.PathAndQuery : probe.PathAndQuery[..q];
        var query = q < 0 ? null : probe.PathAndQuery[(q + 1)..];
        var requestUri = probe.PathAndQuery;

        var server = SelectServer(host, wildcards: false);
        if (server is null && _redirects.TryGetValue(host, out var www))
        {
            // from-to-www: scheme://to:port{request_uri without its trailing slash}.
            var uri = requestUri.EndsWith('/') ? requestUri[..^1] : requestUri;
            var location = $"{probe.Scheme}://{www.To}:{port.ToString(CultureInfo.InvariantCulture)}{uri}";
            return new NginxDecision { Answer = new RoutingAnswer { Status = _options.HttpRedirectCode, Location = location, Note = "from-to-www-redirect" }, Server = www.Target.Name, Ingress = www.Target.Creator?.Key, Step = "www-redirect" };
        }

        server ??= SelectServer(host, wildcards: true) ?? _servers[NginxServer.CatchAll];
        if (server.AppRoot is { } appRootLocation && path == "/")
        {
            var target = $"{probe.Scheme}://{probe.Authority}{appRootLocation.Settings.AppRoot}";
            return Decision(server, appRootLocation, new RoutingAnswer { Status = 302, Location = target, Note = "app-root" }, "app-root");
        }

        var (found, slashRedirect) = FindLocation(server, path);
        if (slashRedirect is not null)
        {
            var target = $"{probe.Scheme}://{host}{path}/{(query is null ? string.Empty : "?" + query)}";
            return Decision(server, slashRedirect, new RoutingAnswer { Status = 301, Location = target, Note = "NGINX adds the trailing slash of prefix " + slashRedirect.Path }, "slash-redirect");
        }

        var loc = found!;
        var s = loc.Settings;
        if (s.Cors is { } cors && probe.Method == "OPTIONS" && NginxCorsOrigins.Allows(cors, probe.Header("Origin")))
        {
            return Decision(server, loc, new RoutingAnswer { Status = 204, Note = "CORS preflight" }, "cors");
        }

        if (s.Redirect is { } redirect)
        {
            return Decision(server, loc, new RoutingAnswer { Status = redirect.Code, Location = Expand(redirect.Url, probe, host, path, query), Note = redirect.Annotation }, "redirect");
        }

        var forwardedPath = path;
        var forwardedQuery = query;
        var rewritten = false;
        if (loc.Rewrites)
        {
            var result = Rewrite(loc, path);
            if (result is { } target)
            {
                rewritten = true;
                var qmark = target.IndexOf('?', StringComparison.Ordinal);
                if (qmark >= 0)
                {
                    forwardedPath = target[..qmark];
                    var args = target[(qmark + 1)..];
                    forwardedQuery = query is null ? args : args + "&" + query;
                }
                else
                {
                    forwardedPath = target;
                }

                if (forwardedPath.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || forwardedPath.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                {
                    var url = forwardedPath + (forwardedQuery is null ? string.Empty : "?" + forwardedQuery);
                    return Decision(server, loc, new RoutingAnswer { Status = 302, Location = url, Note = "rewrite-target to a URL" }, "rewrite-redirect");
                }
            }
        }

        if (!https && (s.ForceSslRedirect || (s.SslRedirect && server.Certificate == NginxCertificate.Secret)))
        {
            var uri = requestUri;
            if (!s.PreserveTrailingSlash && uri.EndsWith('/'))
            {
                uri = uri[..^1];
            }

            // The Host header's host part, as sent (lua_ingress's redirect_host).
            var redirectHost = RequestView.StripPort(probe.Authority).ToString();
            return Decision(server, loc, new RoutingAnswer { Status = _options.HttpRedirectCode, Location = $"https://{redirectHost}{uri}", Note = s.ForceSslRedirect ? "force-ssl-redirect" : "ssl-redirect" }, "ssl-redirect");
        }

        var upstream = loc.Backend;
        if (upstream.IsDefault)
        {
            return Decision(server, loc, new RoutingAnswer { Status = 404, Note = "default backend" }, "default-backend");
        }

        var (backends, how) = Balance(upstream, probe, loc);
        if (backends.Count == 0)
        {
            return Decision(server, loc, new RoutingAnswer { Status = 503, Backends = [new AnsweredBackend(upstream.Name, 1)], Note = "the Service or its port does not exist" }, "no-endpoints");
        }

        EquatableArray<HttpHeader> headers = rewritten && loc.Settings.XForwardedPrefix is { } prefix ? [new HttpHeader("X-Forwarded-Prefix", prefix)] : [];
        var answer = new RoutingAnswer
        {
            Status = 200,
            Backends = backends,
            PathAndQuery = forwardedPath + (forwardedQuery is null ? string.Empty : "?" + forwardedQuery),
            Host = loc.Settings.UpstreamVhost ?? probe.Authority,
            SetHeaders = headers,
            Note = $"location {loc}{how}",
        };
        return Decision(server, loc, answer, "location");
    }

    private static NginxDecision Decision(NginxServer server, NginxLocation location, RoutingAnswer answer, string step) => new()
    {
        Answer = answer,
        Server = server.Name,
        Ingress = location.Ingress?.Key,
        Path = location.IngressPath,
        Field = location.Field,
        Step = step,
    };

    /// <summary>The server of a host: its name or an alias, else the one-label wildcard, else none (the catch-all).</summary>
    internal NginxServer? SelectServer(string host, bool wildcards = true)
    {
        if (_servers.TryGetValue(host, out var exact) && !exact.IsCatchAll)
        {
            return exact;
        }

        foreach (var server in _servers.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            if (server.Aliases.Contains(host))
            {
                return server;
            }
        }

        var dot = host.IndexOf('.', StringComparison.Ordinal);
        if (wildcards && dot > 0 && IsLabel(host.AsSpan(0, dot)) && _servers.TryGetValue("*." + host[(dot + 1)..], out var wildcard))
        {
            return wildcard;
        }

        return null;
    }

    /// <summary>The <c>[\w-]+</c> of the server name regex ingress-nginx writes for a wildcard host.</summary>
    private static bool IsLabel(ReadOnlySpan<char> label)
    {
        foreach (var c in label)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return label.Length > 0;
    }

    /// <summary>The location NGINX picks, or the prefix location whose trailing-slash redirect answers.</summary>
    internal static (NginxLocation? Location, NginxLocation? SlashRedirect) FindLocation(NginxServer server, string path)
    {
        if (server.RegexMode)
        {
            foreach (var location in server.Locations)
            {
                if (location.Pattern is { } pattern && pattern.IsMatch(path))
                {
                    return (location, null);
                }
            }

            return (server.Locations.First(l => l.Path == "/"), null);
        }

        NginxLocation? longest = null;
        foreach (var location in server.Locations)
        {
            if (location.Kind == NginxMatchKind.Exact && location.Path == path)
            {
                return (location, null);
            }
        }

        foreach (var location in server.Locations)
        {
            if (location.Kind == NginxMatchKind.Prefix && location.Path.Length > 1 && location.Path[^1] == '/' && location.Path.Length == path.Length + 1 && location.Path.StartsWith(path, StringComparison.Ordinal))
            {
                return (null, location);
            }

            if (location.Kind == NginxMatchKind.Prefix && path.StartsWith(location.Path, StringComparison.Ordinal) && (longest is null || location.Path.Length > longest.Path.Length))
            {
                longest = location;
            }
        }

        return (longest ?? server.Locations.First(l => l.Path == "/"), null);
    }

    /// <summary>
    /// <c>rewrite "(?i)path" target break;</c>: when the path regex (unanchored) finds a match, the whole path becomes
    /// the target with <c>$1</c>..<c>$9</c> replaced by the groups; null when it finds none, or when the target uses
    /// other NGINX variables (not modelled).
    /// </summary>
    internal static string? Rewrite(NginxLocation location, string path)
    {
        if (NginxRegex.TryCreate(location.Path, ignoreCase: true) is not { } regex)
        {
            return null;
        }

        var match = regex.Match(path);
        if (!match.Success)
        {
            return null;
        }

        return Substitute(location.Settings.RewriteTarget, match.Groups.Count, i => match.Groups[i].Value);
    }

    /// <summary>Replaces <c>$1</c>..<c>$9</c>; null when the target uses any other variable.</summary>
    internal static string? Substitute(string target, int groups, Func<int, string> group)
    {
        var text = new StringBuilder();
        for (var i = 0; i < target.Length; i++)
        {
            if (target[i] != '$')
            {
                text.Append(target[i]);
                continue;
            }

            if (i + 1 < target.Length && target[i + 1] is >= '1' and <= '9')
            {
                var n = target[i + 1] - '0';
                text.Append(n < groups ? group(n) : string.Empty);
                i++;
                continue;
            }

            return null;
        }

        return text.ToString();
    }

    /// <summary>The redirect URL with the NGINX variables PolicyAttach knows expanded.</summary>
    private static string Expand(string url, RequestProbe probe, string host, string path, string? query)
    {
        if (!url.Contains('$', StringComparison.Ordinal))
        {
            return url;
        }

        return url.Replace("$request_uri", probe.PathAndQuery, StringComparison.Ordinal)
            .Replace("$uri", path, StringComparison.Ordinal)
            .Replace("$scheme", probe.Scheme, StringComparison.Ordinal)
            .Replace("$http_host", probe.Authority, StringComparison.Ordinal)
            .Replace("$host", host, StringComparison.Ordinal)
            .Replace("$is_args", query is null ? string.Empty : "?", StringComparison.Ordinal)
            .Replace("$args", query ?? string.Empty, StringComparison.Ordinal);
    }

    /// <summary>The balancer: the primary upstream, or its first alternative by the canary policy; empty when the chosen upstream has no endpoints.</summary>
    private static (EquatableArray<AnsweredBackend> Backends, string How) Balance(NginxUpstream primary, RequestProbe probe, NginxLocation location)
    {
        EquatableArray<AnsweredBackend> One(NginxUpstream upstream) => Resolve(upstream, location) is { } name ? [new AnsweredBackend(name, 1)] : [];

        if (primary.Alternatives.Count == 0 || primary.Alternatives[0].Policy is not { } policy)
        {
            return (One(primary), string.Empty);
        }

        var canary = primary.Alternatives[0];
        if (policy.Header is { } headerName && probe.Header(headerName) is { } value)
        {
            if (policy.HeaderValue is { } expected)
            {
                if (value == expected)
                {
                    return (One(canary), ", canary by header value");
                }
            }
            else if (policy.HeaderPattern is { } pattern)
            {
                if (NginxRegex.TryCreate(pattern, ignoreCase: false) is not { } regex)
                {
                    return (One(primary), ", canary header pattern not runnable");
                }

                if (regex.IsMatch(value))
                {
                    return (One(canary), ", canary by header pattern");
                }
            }
            else if (value == "always")
            {
                return (One(canary), ", canary by header");
            }
            else if (value == "never")
            {
                return (One(primary), ", canary header says never");
            }
        }

        if (policy.Cookie is { } cookieName && NginxCookies.Find(probe, cookieName) is { } cookie)
        {
            if (cookie == "always")
            {
                return (One(canary), ", canary by cookie");
            }

            if (cookie == "never")
            {
                return (One(primary), ", canary cookie says never");
            }
        }

        var total = policy.EffectiveTotal;
        var weight = Math.Clamp(policy.Weight, 0, total);
        if (weight == 0)
        {
            return (One(primary), string.Empty);
        }

        if (weight == total)
        {
            return (One(canary), ", canary weight " + weight.ToString(CultureInfo.InvariantCulture));
        }

        var main = Resolve(primary, location);
        var alternative = Resolve(canary, location);
        if (main is null || alternative is null)
        {
            // Part of the traffic meets no endpoints; the answer names the backend that has them.
            return (main is not null ? [new AnsweredBackend(main, total - weight)] : alternative is not null ? [new AnsweredBackend(alternative, weight)] : [], ", canary weight with a missing Service");
        }

        return ([new AnsweredBackend(main, total - weight), new AnsweredBackend(alternative, weight)], ", canary weight " + weight.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The backend name of an upstream, or of the location's <c>default-backend</c> when it has no endpoints; null when neither serves.</summary>
    private static string? Resolve(NginxUpstream upstream, NginxLocation location)
    {
        if (upstream.IsValid)
        {
            return upstream.Name;
        }

        return location.Settings.DefaultBackendService is { } fallback && location.Ingress is { } ingress
            ? $"{ingress.Namespace}/{fallback}"
            : null;
    }

    private sealed class Builder(Snapshot snapshot, IngressNginxOptions options, List<Ingress> ingresses, Dictionary<Ingress, NginxSettings> settings)
    {
        private readonly Dictionary<string, NginxUpstream> _upstreams = new(StringComparer.Ordinal);
        private readonly NginxSettings _catchAllSettings = NginxSettings.Parse(new Ingress { ApiVersion = "networking.k8s.io/v1", Metadata = new ObjectMeta { Name = "_" } }, options with { SslRedirect = false });

        public Dictionary<string, NginxServer> Servers { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, NginxRedirectServer> Redirects { get; } = new(StringComparer.Ordinal);

        public void Build()
        {
            CreateServers();
            AddLocations();
            MergeCanaries();
            foreach (var server in Servers.Values)
            {
                Finish(server);
            }

            AddRedirectServers();
        }

        private static string? Host(IngressRule rule) => IngressRuleSet.NormalizeHost(rule.Host);

        private void CreateServers()
        {
            var catchAll = new NginxServer { Name = NginxServer.CatchAll };
            catchAll.Locations.Add(new NginxLocation { Path = "/", IngressPath = "/", PathType = "Prefix", Kind = NginxMatchKind.Prefix, IsDefBackend = true, Backend = NginxUpstream.DefaultBackend, Settings = _catchAllSettings });
            Servers[NginxServer.CatchAll] = catchAll;
            foreach (var ingress in ingresses)
            {
                var s = settings[ingress];
                if (s.IsCanary)
                {
                    continue;
                }

                var defaultUpstream = NginxUpstream.DefaultBackend;
                if (ingress.DefaultBackend is { ServiceName: not null } backend)
                {
                    defaultUpstream = Upstream(ingress, backend, null);
                    var root = catchAll.Locations[0];
                    if (root.IsDefBackend && ingress.Rules.Count == 0)
                    {
                        // The catch-all case: an Ingress with a backend and no rule configures the default server; its
                        // annotations apply, except redirects and rewrites (the controller keeps the originals).
                        root.IsDefBackend = false;
                        root.Backend = defaultUpstream;
                        root.Ingress = ingress;
                        root.Settings = _catchAllSettings;
                    }
                }

                foreach (var rule in ingress.Rules)
                {
                    var host = Host(rule) ?? NginxServer.CatchAll;
                    if (Servers.ContainsKey(host))
                    {
                        continue;
                    }

                    var server = new NginxServer { Name = host, Creator = ingress };
                    server.Locations.Add(new NginxLocation { Path = "/", IngressPath = "/", PathType = "Prefix", Kind = NginxMatchKind.Prefix, IsDefBackend = true, Backend = defaultUpstream, Ingress = ingress, Settings = s });
                    Servers[host] = server;
                }
            }

            foreach (var ingress in ingresses)
            {
                var s = settings[ingress];
                if (s.IsCanary)
                {
                    continue;
                }

                foreach (var rule in ingress.Rules)
                {
                    var server = Servers[Host(rule) ?? NginxServer.CatchAll];
                    if (server.Aliases.Count == 0 && s.Aliases.Count > 0)
                    {
                        server.Aliases = s.Aliases;
                    }

                    if (server.Certificate != NginxCertificate.None || server.IsCatchAll)
                    {
                        continue;
                    }

                    SetCertificate(server, ingress);
                }
            }

            // An alias never takes a name a server has, nor the server's own; of two servers with the same alias, the
            // first in the configuration (servers sorted by name) has it, as NGINX keeps the first of conflicting names.
            var claimed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var server in Servers.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                server.Aliases = server.Aliases.Where(a => a != server.Name && !Servers.ContainsKey(a) && claimed.Add(a)).ToEquatableArray();
            }
        }

        /// <summary>
        /// The certificate of a host from one Ingress: the TLS entry that lists the host. (ingress-nginx also tries each
        /// entry's certificate for a matching name; PolicyAttach keeps no certificate contents, so an entry whose
        /// wildcard covers the host by one label, or an entry without hosts, stands for that.)
        /// </summary>
        private void SetCertificate(NginxServer server, Ingress ingress)
        {
            int? index = null;
            for (var t = 0; t < ingress.Tls.Count && index is null; t++)
            {
                if (ingress.Tls[t].Hosts.Any(h => string.Equals(h, server.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    index = t;
                }
            }

            for (var t = 0; t < ingress.Tls.Count && index is null; t++)
            {
                var entry = ingress.Tls[t];
                if (entry.SecretName is { Length: > 0 } && (entry.Hosts.Count == 0 || entry.Hosts.Any(h => Covers(h.ToLowerInvariant(), server.Name))))
                {
                    index = t;
                }
            }

            if (index is not { } i)
            {
                return;
            }

            server.TlsSource = (ingress, i);
            var secretName = ingress.Tls[i].SecretName;
            var secret = secretName is { Length: > 0 } ? snapshot.Find<Secret>(new ResourceKey(Groups.Core, Kinds.Secret.Kind, ingress.Namespace, secretName)) : null;
            if (secret is { TlsCertificateValid: true })
            {
                server.Certificate = NginxCertificate.Secret;
                server.SecretRef = new ObjectReference { Name = secretName!, Namespace = ingress.Namespace };
            }
            else
            {
                server.Certificate = NginxCertificate.Default;
            }
        }

        private static bool Covers(string pattern, string host)
            => pattern == host || (pattern.StartsWith("*.", StringComparison.Ordinal) && !host.StartsWith("*.", StringComparison.Ordinal)
                && IngressHosts.OneLabelUp(host) is { } parent && parent == pattern[2..]);

        private void AddLocations()
        {
            foreach (var ingress in ingresses)
            {
                var s = settings[ingress];
                for (var r = 0; r < ingress.Rules.Count; r++)
                {
                    var rule = ingress.Rules[r];
                    if (!Servers.TryGetValue(Host(rule) ?? NginxServer.CatchAll, out var server))
                    {
                        server = Servers[NginxServer.CatchAll];
                    }

                    for (var p = 0; p < rule.Paths.Count; p++)
                    {
                        var path = rule.Paths[p];
                        if (path.Backend.ServiceName is null)
                        {
                            continue; // resource backends: the controller skips them
                        }

                        if (s.IsCanary)
                        {
                            continue; // canary upstreams serve no location of their own
                        }

                        var upstream = Upstream(ingress, path.Backend, null);

                        var nginxPath = path.Path.Length == 0 ? "/" : path.Path;
                        var type = path.PathType == "Exact" ? "Exact" : "Prefix";
                        var existing = server.Locations.FirstOrDefault(l => l.IngressPath == nginxPath);
                        if (existing is not null && existing.PathType == type)
                        {
                            if (existing.IsDefBackend)
                            {
                                existing.IsDefBackend = false;
                                existing.Backend = upstream;
                                existing.Ingress = ingress;
                                existing.RuleIndex = r;
                                existing.PathIndex = p;
                                existing.Settings = s;
                                server.FromToWww |= s.FromToWww;
                            }

                            continue;
                        }

                        if (server.Locations.Any(l => l.IngressPath == nginxPath && l.PathType == type))
                        {
                            continue;
                        }

                        server.Locations.Add(new NginxLocation
                        {
                            Path = nginxPath,
                            IngressPath = nginxPath,
                            PathType = type,
                            Kind = type == "Exact" ? NginxMatchKind.Exact : NginxMatchKind.Prefix,
                            Backend = upstream,
                            Ingress = ingress,
                            RuleIndex = r,
                            PathIndex = p,
                            Settings = s,
                        });
                        server.FromToWww |= s.FromToWww;
                    }
                }
            }
        }

        /// <summary>
        /// Canary Ingresses (when some Ingress is not a canary) add their backends as alternatives to the upstream of
        /// each location of the same host with the same path and type; a canary defaultBackend to every upstream of the
        /// catch-all server.
        /// </summary>
        private void MergeCanaries()
        {
            if (ingresses.All(i => settings[i].IsCanary))
            {
                return;
            }

            foreach (var ingress in ingresses.Where(i => settings[i].IsCanary))
            {
                var s = settings[ingress];
                if (ingress.DefaultBackend is { ServiceName: not null } backend)
                {
                    var alternative = Upstream(ingress, backend, s);
                    foreach (var location in Servers[NginxServer.CatchAll].Locations)
                    {
                        if (location.Backend == alternative)
                        {
                            break;
                        }

                        Merge(location.Backend, alternative);
                    }
                }

                foreach (var rule in ingress.Rules)
                {
                    if (!Servers.TryGetValue(Host(rule) ?? NginxServer.CatchAll, out var server))
                    {
                        continue; // "cannot merge alternative backend into hostname that does not exist"
                    }

                    foreach (var path in rule.Paths.Where(p => p.Backend.ServiceName is not null))
                    {
                        var alternative = Upstream(ingress, path.Backend, s);
                        var nginxPath = path.Path.Length == 0 ? "/" : path.Path;
                        var type = path.PathType == "Exact" ? "Exact" : "Prefix";
                        foreach (var location in server.Locations)
                        {
                            if (location.Backend == alternative)
                            {
                                break;
                            }

                            if (location.IngressPath == nginxPath && location.PathType == type)
                            {
                                Merge(location.Backend, alternative);
                            }
                        }
                    }
                }
            }
        }

        private static void Merge(NginxUpstream primary, NginxUpstream alternative)
        {
            if (primary.IsDefault || primary.CanaryIngress is not null || primary.Alternatives.Contains(alternative))
            {
                return;
            }

            primary.Alternatives.Add(alternative);
        }

        /// <summary>Sorts the locations, adds the exact copies of Prefix paths, and compiles the regexes of regex hosts.</summary>
        private static void Finish(NginxServer server)
        {
            var sorted = server.Locations.OrderByDescending(l => l.IngressPath, StringComparer.Ordinal).ToList();
            sorted = [.. sorted.OrderByDescending(l => l.IngressPath.Length)];
            var exact = sorted.Where(l => l.PathType == "Exact").Select(l => l.IngressPath).ToHashSet(StringComparer.Ordinal);
            server.Locations.Clear();
            foreach (var location in sorted)
            {
                if (location.IngressPath == "/" || location.PathType != "Prefix" || location.Rewrites || location.Settings.UseRegex)
                {
                    server.Locations.Add(location);
                    continue;
                }

                var copy = location.Clone();
                location.Path = location.IngressPath.EndsWith('/') ? location.IngressPath : location.IngressPath + "/";
                server.Locations.Add(location);
                if (!exact.Contains(location.IngressPath))
                {
                    var exactCopy = new NginxLocation
                    {
                        Path = copy.IngressPath,
                        IngressPath = copy.IngressPath,
                        PathType = "Exact",
                        Kind = NginxMatchKind.Exact,
                        IsExactCopy = true,
                        Backend = copy.Backend,
                        Ingress = copy.Ingress,
                        RuleIndex = copy.RuleIndex,
                        PathIndex = copy.PathIndex,
                        Settings = copy.Settings,
                    };
                    server.Locations.Add(exactCopy);
                }
            }

            // Decided on the final paths, as the template does: a target equal to a Prefix path stops being equal once the
            // path is normalized (/foo becomes /foo/), and then rewrites.
            server.RegexMode = server.Locations.Any(l => l.Rewrites || l.Settings.UseRegex);
            foreach (var location in server.Locations)
            {
                if (server.RegexMode)
                {
                    location.Kind = NginxMatchKind.Regex;
                    location.Pattern = NginxRegex.TryCreate("^" + location.Path, ignoreCase: true);
                    location.Unsupported = location.Pattern is null;
                }
                else
                {
                    location.Kind = location.PathType == "Exact" ? NginxMatchKind.Exact : NginxMatchKind.Prefix;
                }

                if (server.AppRoot is null && location.Settings.AppRoot is not null)
                {
                    server.AppRoot = location;
                }
            }
        }

        private void AddRedirectServers()
        {
            foreach (var server in Servers.Values.Where(s => s.FromToWww && !s.IsCatchAll && !s.IsWildcard).OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                var from = server.Name.StartsWith("www.", StringComparison.Ordinal) ? server.Name[4..] : "www." + server.Name;
                if (!Servers.ContainsKey(from) && !Redirects.ContainsKey(from))
                {
                    Redirects[from] = new NginxRedirectServer(from, server.Name, server);
                }
            }
        }

        /// <summary>The upstream of a Service backend, shared by every location that names the same Service port.</summary>
        private NginxUpstream Upstream(Ingress ingress, IngressBackend backend, NginxSettings? canary)
        {
            var portText = backend.ServicePortNumber?.ToString(CultureInfo.InvariantCulture) ?? backend.ServicePortName ?? string.Empty;
            var key = $"{ingress.Namespace}-{backend.ServiceName}-{portText}";
            if (_upstreams.TryGetValue(key, out var known))
            {
                return known;
            }

            var service = snapshot.Find<Service>(new ResourceKey(Groups.Core, Kinds.Service.Kind, ingress.Namespace, backend.ServiceName!));
            int? port = backend.ServicePortNumber;
            var valid = service is not null;
            if (service is not null && port is { } number && service.Ports.Count > 0)
            {
                valid = service.FindPort(number) is not null;
            }
            else if (backend.ServicePortName is { } name)
            {
                port = service?.Ports.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal))?.Port;
                valid = port is not null;
            }

            var upstream = new NginxUpstream
            {
                Namespace = ingress.Namespace,
                Service = backend.ServiceName!,
                Port = port,
                PortText = portText,
                IsValid = valid,
                ServiceObject = service,
                CanaryIngress = canary is null ? null : ingress,
                Policy = canary?.Canary,
            };
            _upstreams[key] = upstream;
            return upstream;
        }
    }
}

/// <summary>CORS origins as ingress-nginx checks them: <c>*</c> allows every request; else the origin must end with one of the listed origins, a <c>*</c> standing for one label.</summary>
internal static class NginxCorsOrigins
{
    public static bool Allows(NginxCors cors, string? origin)
    {
        if (cors.Origins.Count == 1 && cors.Origins[0] == "*")
        {
            return true;
        }

        if (origin is null)
        {
            return false;
        }

        var alternatives = cors.Origins.Select(o => "(" + System.Text.RegularExpressions.Regex.Escape(o).Replace(@"\*", @"[A-Za-z0-9\-]+", StringComparison.Ordinal) + ")");
        return NginxRegex.TryCreate("(" + string.Join("|", alternatives) + ")$", ignoreCase: true) is { } regex && regex.IsMatch(origin);
    }
}

/// <summary>Cookies as NGINX's <c>$cookie_NAME</c> reads them: the first cookie of that name in the Cookie headers.</summary>
internal static class NginxCookies
{
    public static string? Find(RequestProbe probe, string name)
    {
        foreach (var header in probe.Headers)
        {
            if (!string.Equals(header.Name, "Cookie", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var part in header.Value.Split(';'))
            {
                var pair = part.Trim();
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0 && string.Equals(pair[..eq], name, StringComparison.OrdinalIgnoreCase))
                {
                    return pair[(eq + 1)..];
                }
            }
        }

        return null;
    }
}
