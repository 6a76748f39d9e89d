using System.Globalization;
using PolicyAttach.Collections;
using PolicyAttach.Model;

namespace PolicyAttach.IngressNginx;

/// <summary>A <c>permanent-redirect</c> or <c>temporal-redirect</c>: NGINX answers <c>return CODE URL</c>.</summary>
/// <param name="Url">The URL as written (NGINX expands variables in it).</param>
/// <param name="Code">The status code.</param>
/// <param name="Annotation">The annotation it came from.</param>
internal sealed record NginxRedirect(string Url, int Code, string Annotation);

/// <summary>The canary annotations of a canary Ingress (the traffic shaping policy of its backends).</summary>
internal sealed record NginxCanaryPolicy(string? Header, string? HeaderValue, string? HeaderPattern, string? Cookie, int Weight, int WeightTotal)
{
    /// <summary>The total the weight is drawn from: <c>canary-weight-total</c> when above 100, else 100 (ingress-nginx's balancer).</summary>
    public int EffectiveTotal => WeightTotal > 100 ? WeightTotal : 100;
}

/// <summary>The CORS annotations (ingress-nginx's defaults filled in).</summary>
internal sealed record NginxCors(EquatableArray<string> Origins, string Methods, string Headers, string ExposeHeaders, bool Credentials, int MaxAge);

/// <summary>
/// The annotations of one Ingress as ingress-nginx parses them
/// (<see href="https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/">annotations</see>):
/// keys under the prefix (<c>nginx.ingress.kubernetes.io</c> unless the controller's <c>--annotations-prefix</c>
/// says otherwise), values as strings. A value ingress-nginx cannot parse leaves the setting at its default, as the
/// controller does (it logs a warning); the entry is kept in <see cref="Invalid"/>.
/// </summary>
internal sealed class NginxSettings
{
    private const string DefaultCorsMethods = "GET, PUT, POST, DELETE, PATCH, OPTIONS";
    private const string DefaultCorsHeaders = "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization";
    private const int DefaultCorsMaxAge = 1728000;

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <summary>The annotations under the prefix: name without the prefix, then the value, sorted by name.</summary>
    public SortedDictionary<string, string> Annotations { get; } = new(StringComparer.Ordinal);

    /// <summary>Annotations whose value ingress-nginx would not accept, with why; the setting keeps its default.</summary>
    public Dictionary<string, string> Invalid { get; } = new(StringComparer.Ordinal);

    public bool UseRegex { get; private set; }

    /// <summary><c>rewrite-target</c>, or empty.</summary>
    public string RewriteTarget { get; private set; } = string.Empty;

    public string? AppRoot { get; private set; }

    public bool SslRedirect { get; private set; }

    public bool ForceSslRedirect { get; private set; }

    public bool PreserveTrailingSlash { get; private set; }

    public NginxRedirect? Redirect { get; private set; }

    public bool FromToWww { get; private set; }

    /// <summary><c>backend-protocol</c> in upper case: HTTP (default), HTTPS, GRPC, GRPCS, AJP, FCGI, AUTO_HTTP.</summary>
    public string BackendProtocol { get; private set; } = "HTTP";

    /// <summary>Whether <c>canary: "true"</c>.</summary>
    public bool IsCanary { get; private set; }

    public NginxCanaryPolicy? Canary { get; private set; }

    public NginxCors? Cors { get; private set; }

    public string? UpstreamVhost { get; private set; }

    public string? XForwardedPrefix { get; private set; }

    public EquatableArray<string> Aliases { get; private set; } = [];

    /// <summary><c>default-backend</c>: a Service of the Ingress's namespace used when a backend has no endpoints.</summary>
    public string? DefaultBackendService { get; private set; }

    /// <summary>The value of an annotation (name without prefix), or null.</summary>
    public string? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>Parses the annotations of an Ingress.</summary>
    public static NginxSettings Parse(Ingress ingress, IngressNginxOptions options)
    {
        var settings = new NginxSettings { SslRedirect = options.SslRedirect };
        var prefix = options.AnnotationPrefix + "/";
        foreach (var (key, value) in ingress.Metadata.Annotations)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                settings._values[key[prefix.Length..]] = value;
                settings.Annotations[key[prefix.Length..]] = value;
            }
        }

        settings.Read();
        return settings;
    }

    private void Read()
    {
        // The rewrite group (rewrite/main.go): target, ssl-redirect (default: the ConfigMap's), preserve-trailing-slash,
        // force-ssl-redirect, use-regex, app-root (a path, not a URL).
        RewriteTarget = Get("rewrite-target") ?? string.Empty;
        SslRedirect = Bool("ssl-redirect") ?? SslRedirect;
        PreserveTrailingSlash = Bool("preserve-trailing-slash") ?? false;
        ForceSslRedirect = Bool("force-ssl-redirect") ?? false;
        UseRegex = Bool("use-regex") ?? false;
        if (Get("app-root") is { Length: > 0 } appRoot)
        {
            if (appRoot[0] == '/' && !appRoot.Contains("://", StringComparison.Ordinal))
            {
                AppRoot = appRoot;
            }
            else
            {
                Invalid["app-root"] = "app-root must be a path starting with /; ingress-nginx ignores it.";
            }
        }

        // The redirect group (redirect.go): temporal-redirect first, then permanent-redirect; codes outside 300-307
        // (temporal) or 300-308 (permanent) fall back to 302 and 301; only http and https URLs.
        FromToWww = Bool("from-to-www-redirect") ?? false;
        if (Get("temporal-redirect") is { Length: > 0 } temporal && ValidUrl("temporal-redirect", temporal))
        {
            var code = Int("temporal-redirect-code") ?? 302;
            Redirect = new NginxRedirect(temporal, code is >= 300 and <= 307 ? code : 302, "temporal-redirect");
        }
        else if (Get("permanent-redirect") is { Length: > 0 } permanent && ValidUrl("permanent-redirect", permanent))
        {
            var code = Int("permanent-redirect-code") ?? 301;
            Redirect = new NginxRedirect(permanent, code is >= 300 and <= 308 ? code : 301, "permanent-redirect");
        }

        if (Get("backend-protocol") is { } protocol)
        {
            var upper = protocol.Trim().ToUpperInvariant();
            if (upper is "HTTP" or "HTTPS" or "GRPC" or "GRPCS" or "AJP" or "FCGI" or "AUTO_HTTP")
            {
                BackendProtocol = upper;
            }
            else
            {
                Invalid["backend-protocol"] = $"backend-protocol \"{protocol}\" is not one of HTTP, HTTPS, GRPC, GRPCS, AJP, FCGI; ingress-nginx uses HTTP.";
            }
        }

        ReadCanary();
        ReadCors();
        UpstreamVhost = Get("upstream-vhost") is { Length: > 0 } vhost ? vhost : null;
        XForwardedPrefix = Get("x-forwarded-prefix") is { Length: > 0 } xfp ? xfp : null;
        if (Get("server-alias") is { } aliases)
        {
            Aliases = aliases.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(a => a.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToEquatableArray();
        }

        DefaultBackendService = Get("default-backend") is { Length: > 0 } service ? service : null;
    }

    private void ReadCanary()
    {
        IsCanary = Bool("canary") ?? false;
        var weight = Int("canary-weight") ?? 0;
        var total = Int("canary-weight-total") ?? 100;
        var header = Get("canary-by-header") ?? string.Empty;
        var value = Get("canary-by-header-value") ?? string.Empty;
        var pattern = Get("canary-by-header-pattern") ?? string.Empty;
        var cookie = Get("canary-by-cookie") ?? string.Empty;
        if (!IsCanary)
        {
            // canary/main.go refuses the group when conditions are set without canary: "true".
            if (weight > 0 || header.Length > 0 || value.Length > 0 || pattern.Length > 0 || cookie.Length > 0)
            {
                Invalid["canary"] = "canary conditions are set but canary is not \"true\"; ingress-nginx ignores them.";
            }

            return;
        }

        Canary = new NginxCanaryPolicy(
            header.Length > 0 ? header : null,
            header.Length > 0 && value.Length > 0 ? value : null,
            header.Length > 0 && value.Length == 0 && pattern.Length > 0 ? pattern : null,
            cookie.Length > 0 ? cookie : null,
            weight,
            total);
    }

    private void ReadCors()
    {
        if (Bool("enable-cors") != true)
        {
            return;
        }

        var origins = (Get("cors-allow-origin") ?? "*").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (origins.Length == 0)
        {
            origins = ["*"];
        }

        var maxAge = Int("cors-max-age");
        Cors = new NginxCors(
            origins.ToEquatableArray(),
            Get("cors-allow-methods") is { Length: > 0 } methods ? methods : DefaultCorsMethods,
            Get("cors-allow-headers") is { Length: > 0 } headers ? headers : DefaultCorsHeaders,
            Get("cors-expose-headers") ?? string.Empty,
            Bool("cors-allow-credentials") ?? true,
            maxAge is > 0 ? maxAge.Value : DefaultCorsMaxAge);
    }

    private bool ValidUrl(string name, string url)
    {
        if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        Invalid[name] = $"{name} must be an http or https URL; ingress-nginx ignores it.";
        return false;
    }

    /// <summary>A boolean as Go's strconv.ParseBool reads it; null when absent or invalid (recorded).</summary>
    private bool? Bool(string name)
    {
        if (Get(name) is not { } value)
        {
            return null;
        }

        // Go accepts exactly these spellings (the title-case ones are .NET's bool.TrueString and bool.FalseString).
        if (value is "1" or "t" or "T" or "TRUE" or "true" || value == bool.TrueString)
        {
            return true;
        }

        if (value is "0" or "f" or "F" or "FALSE" or "false" || value == bool.FalseString)
        {
            return false;
        }

        Invalid[name] = $"{name} \"{value}\" is not a boolean; ingress-nginx uses its default.";
        return null;
    }

    /// <summary>An integer as Go's strconv.Atoi reads it; null when absent or invalid (recorded).</summary>
    private int? Int(string name)
    {
        if (Get(name) is not { } value)
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        Invalid[name] = $"{name} \"{value}\" is not an integer; ingress-nginx uses its default.";
        return null;
    }
}
