using PolicyAttach.Collections;

namespace PolicyAttach.Model.Routes;

/// <summary>
/// The filter types of HTTPRoute and GRPCRoute. The CRD enum is closed, but a controller must report an unknown
/// type as <c>Accepted=False/UnsupportedValue</c> rather than fail, so unknown types read as
/// <see cref="Unknown"/> with the raw name kept in <see cref="RouteFilter.TypeName"/>
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httproutefiltertype">HTTPRouteFilterType</see>).
/// </summary>
public enum RouteFilterType
{
    /// <summary>A type this model does not know, or one the route kind does not allow (see <see cref="RouteFilter.TypeName"/>).</summary>
    Unknown = 0,

    /// <summary>Modifies request headers (Core).</summary>
    RequestHeaderModifier,

    /// <summary>Modifies response headers (Extended).</summary>
    ResponseHeaderModifier,

    /// <summary>Mirrors requests to another backend (Extended); may repeat.</summary>
    RequestMirror,

    /// <summary>Answers with a redirect (HTTPRoute only; Core).</summary>
    RequestRedirect,

    /// <summary>Rewrites host and path before forwarding (HTTPRoute only; Extended).</summary>
    URLRewrite,

    /// <summary>An implementation-specific filter (<c>extensionRef</c>); may repeat.</summary>
    ExtensionRef,

    /// <summary>Answers CORS preflights and adds CORS headers (HTTPRoute only; Extended).</summary>
    CORS,

    /// <summary>Calls an external auth service (HTTPRoute only; experimental).</summary>
    ExternalAuth,
}

/// <summary>
/// One <c>filters[]</c> entry of an HTTPRoute or GRPCRoute rule or backendRef. Exactly the field named by the type
/// is set; the reader refuses objects where the union is inconsistent
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httproutefilter">HTTPRouteFilter</see>,
/// <see href="https://gateway-api.sigs.k8s.io/reference/spec/#grpcroutefilter">GRPCRouteFilter</see>).
/// </summary>
public sealed record RouteFilter
{
    /// <summary>The parsed type; <see cref="RouteFilterType.Unknown"/> means the route must not be accepted.</summary>
    public required RouteFilterType Type { get; init; }

    /// <summary>The type exactly as written, for status messages.</summary>
    public required string TypeName { get; init; }

    /// <summary>Set for <see cref="RouteFilterType.RequestHeaderModifier"/>.</summary>
    public HttpHeaderFilter? RequestHeaderModifier { get; init; }

    /// <summary>Set for <see cref="RouteFilterType.ResponseHeaderModifier"/>.</summary>
    public HttpHeaderFilter? ResponseHeaderModifier { get; init; }

    /// <summary>Set for <see cref="RouteFilterType.RequestMirror"/>.</summary>
    public HttpRequestMirrorFilter? RequestMirror { get; init; }

    /// <summary>Set for <see cref="RouteFilterType.RequestRedirect"/>.</summary>
    public HttpRequestRedirectFilter? RequestRedirect { get; init; }

    /// <summary>Set for <see cref="RouteFilterType.URLRewrite"/>.</summary>
    public HttpUrlRewriteFilter? UrlRewrite { get; init; }

    /// <summary>Set for <see cref="RouteFilterType.CORS"/>.</summary>
    public HttpCorsFilter? Cors { get; init; }

    /// <summary>
    /// Set for <see cref="RouteFilterType.ExternalAuth"/>: the <c>externalAuth</c> object as written. It is data-plane
    /// configuration (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httpexternalauthfilter">HTTPExternalAuthFilter</see>).
    /// </summary>
    public JsonData? ExternalAuth { get; init; }

    /// <summary>Set for <see cref="RouteFilterType.ExtensionRef"/>: an object in the route's namespace.</summary>
    public LocalObjectReference? ExtensionRef { get; init; }
}

/// <summary>A header name and value (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httpheader">HTTPHeader</see>).</summary>
/// <param name="Name">The header name; compared case-insensitively.</param>
/// <param name="Value">The value, 1 to 4096 characters; several values are comma-separated.</param>
public sealed record HttpHeader(string Name, string Value);

/// <summary>
/// <c>RequestHeaderModifier</c> / <c>ResponseHeaderModifier</c>: set replaces or creates, add appends
/// (comma-joined), remove deletes. Only one action per header name is valid
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httpheaderfilter">HTTPHeaderFilter</see>).
/// </summary>
public sealed record HttpHeaderFilter
{
    /// <summary>Headers to overwrite or create (at most 16, unique names).</summary>
    public EquatableArray<HttpHeader> Set { get; init; } = [];

    /// <summary>Headers to append to (at most 16, unique names).</summary>
    public EquatableArray<HttpHeader> Add { get; init; } = [];

    /// <summary>Header names to delete (at most 16, unique).</summary>
    public EquatableArray<string> Remove { get; init; } = [];
}

/// <summary>
/// The path modifier types. Unknown values read as <see cref="Unknown"/>, with the raw value kept, because a
/// controller reports them as <c>UnsupportedValue</c> (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httppathmodifiertype">HTTPPathModifierType</see>).
/// </summary>
public enum HttpPathModifierType
{
    /// <summary>A type this model does not know.</summary>
    Unknown = 0,

    /// <summary>Replace the whole path with <see cref="HttpPathModifier.ReplaceFullPath"/>.</summary>
    ReplaceFullPath,

    /// <summary>Replace the matched PathPrefix, element by element, with <see cref="HttpPathModifier.ReplacePrefixMatch"/>.</summary>
    ReplacePrefixMatch,
}

/// <summary>
/// A path redirect or rewrite (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httppathmodifier">HTTPPathModifier</see>).
/// The value field matching the type is set.
/// </summary>
public sealed record HttpPathModifier
{
    /// <summary>The parsed type.</summary>
    public required HttpPathModifierType Type { get; init; }

    /// <summary>The type exactly as written.</summary>
    public required string TypeName { get; init; }

    /// <summary>The new path for <see cref="HttpPathModifierType.ReplaceFullPath"/> (at most 1024 characters).</summary>
    public string? ReplaceFullPath { get; init; }

    /// <summary>
    /// The replacement of the matched prefix for <see cref="HttpPathModifierType.ReplacePrefixMatch"/>; may be empty.
    /// Valid only in a rule with exactly one PathPrefix match.
    /// </summary>
    public string? ReplacePrefixMatch { get; init; }
}

/// <summary>
/// <c>RequestRedirect</c>: answer with a redirect built from these parts; no backend is contacted
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httprequestredirectfilter">HTTPRequestRedirectFilter</see>).
/// </summary>
public sealed record HttpRequestRedirectFilter
{
    /// <summary>
    /// <c>http</c> or <c>https</c>, or null to keep the request's scheme. Any other value is kept as written and
    /// makes the route <c>Accepted=False/UnsupportedValue</c>.
    /// </summary>
    public string? Scheme { get; init; }

    /// <summary>The Location hostname (a precise hostname), or null for the request's Host.</summary>
    public string? Hostname { get; init; }

    /// <summary>The path change, or null to keep the path.</summary>
    public HttpPathModifier? Path { get; init; }

    /// <summary>
    /// The Location port (1 to 65535), or null: then the scheme's well-known port when <see cref="Scheme"/> is set,
    /// else the listener's port.
    /// </summary>
    public int? Port { get; init; }

    /// <summary>
    /// The status code, default 302. 301 and 302 are Core; 303, 307 and 308 Extended. Other values are kept as
    /// written and make the route <c>Accepted=False/UnsupportedValue</c>.
    /// </summary>
    public int StatusCode { get; init; } = 302;
}

/// <summary>
/// <c>URLRewrite</c>: change the Host header and path before forwarding
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httpurlrewritefilter">HTTPURLRewriteFilter</see>).
/// </summary>
public sealed record HttpUrlRewriteFilter
{
    /// <summary>The new Host header value (a precise hostname), or null to keep it.</summary>
    public string? Hostname { get; init; }

    /// <summary>The path rewrite, or null to keep the path.</summary>
    public HttpPathModifier? Path { get; init; }
}

/// <summary>A share expressed as numerator / denominator (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#fraction">Fraction</see>).</summary>
public sealed record MirrorFraction
{
    /// <summary>The numerator, at least 0 and at most <see cref="Denominator"/>.</summary>
    public required int Numerator { get; init; }

    /// <summary>The denominator, at least 1 (default 100).</summary>
    public int Denominator { get; init; } = 100;
}

/// <summary>
/// <c>RequestMirror</c>: copy requests to one endpoint of another backend and ignore its responses. At most one of
/// <see cref="Percent"/> and <see cref="Fraction"/> is set; neither means 100%
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httprequestmirrorfilter">HTTPRequestMirrorFilter</see>).
/// </summary>
public sealed record HttpRequestMirrorFilter
{
    /// <summary>The mirror target, with defaults applied (its weight is meaningless and stays 1).</summary>
    public required BackendReference BackendRef { get; init; }

    /// <summary>The percentage of requests mirrored, 0 to 100, or null.</summary>
    public int? Percent { get; init; }

    /// <summary>The fraction of requests mirrored, or null.</summary>
    public MirrorFraction? Fraction { get; init; }

    /// <summary>The share of requests mirrored, from 0 to 1, with the default of 100% applied.</summary>
    public double Share => Percent is { } p ? p / 100.0 : Fraction is { } f ? (double)f.Numerator / f.Denominator : 1.0;
}

/// <summary>
/// <c>CORS</c>: the gateway answers preflights itself and adds CORS headers to simple requests
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httpcorsfilter">HTTPCORSFilter</see>).
/// </summary>
public sealed record HttpCorsFilter
{
    /// <summary>Allowed origins (<c>scheme://host[:port]</c>, host wildcards allowed), or exactly <c>*</c>; at most 64.</summary>
    public EquatableArray<string> AllowOrigins { get; init; } = [];

    /// <summary>Whether <c>Access-Control-Allow-Credentials: true</c> is sent; null when unset (not sent).</summary>
    public bool? AllowCredentials { get; init; }

    /// <summary>Allowed methods (HTTP methods or exactly <c>*</c>); at most 9.</summary>
    public EquatableArray<string> AllowMethods { get; init; } = [];

    /// <summary>Allowed request headers (or exactly <c>*</c>); at most 64.</summary>
    public EquatableArray<string> AllowHeaders { get; init; } = [];

    /// <summary>Response headers exposed to scripts; at most 64.</summary>
    public EquatableArray<string> ExposeHeaders { get; init; } = [];

    /// <summary>Seconds a preflight result may be cached (<c>Access-Control-Max-Age</c>), at least 1, default 5.</summary>
    public int MaxAge { get; init; } = 5;
}
