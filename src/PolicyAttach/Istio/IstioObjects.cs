using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Model;

namespace PolicyAttach.Istio;

// The Istio networking API (networking.istio.io v1, v1beta1, v1alpha3) as read from the input, field paths kept for
// the report. Facts come from the API reference (istio.io/latest/docs/reference/config/networking/ and the
// istio/api protos it is generated from); each record cites what it models.

/// <summary>How a <c>StringMatch</c> compares (VirtualService reference, StringMatch).</summary>
internal enum StringMatchKind
{
    /// <summary><c>exact</c>: case-sensitive equality.</summary>
    Exact,

    /// <summary><c>prefix</c>: the value starts with the string (a character prefix, not path elements).</summary>
    Prefix,

    /// <summary><c>regex</c>: an RE2 expression matched against the whole value.</summary>
    Regex,

    /// <summary>An empty match (<c>{}</c>): for headers, the header is present (HTTPMatchRequest.headers).</summary>
    Present,
}

/// <summary>A <c>StringMatch</c> with the object and the path of the field it was read from.</summary>
internal sealed record IstioStringMatch(StringMatchKind Kind, string Value, string Field)
{
    /// <summary>The object that wrote the condition (a delegation combines conditions of two VirtualServices).</summary>
    public ResourceKey Source { get; init; }

    /// <summary>Whether a value satisfies the match; <paramref name="ignoreCase"/> applies to exact and prefix only.</summary>
    public bool Matches(string value, Re2Patterns re2, bool ignoreCase = false) => Kind switch
    {
        StringMatchKind.Exact => string.Equals(value, Value, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal),
        StringMatchKind.Prefix => value.StartsWith(Value, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal),
        StringMatchKind.Regex => re2.FullMatch(Value, value),
        _ => true,
    };
}

/// <summary>A named StringMatch (a header or query parameter condition).</summary>
internal sealed record IstioNamedMatch(string Name, IstioStringMatch Match);

/// <summary>A server host of an Istio Gateway: <c>[namespace/]dnsName</c>; the namespace defaults to <c>*</c> (any).</summary>
internal sealed record IstioServerHost(string Namespace, string Host, string Field);

/// <summary>An Istio Gateway server: port, hosts, TLS (Gateway reference, Server).</summary>
internal sealed record IstioServer
{
    public required int Port { get; init; }

    public required string Protocol { get; init; }

    public string? PortName { get; init; }

    public string? Name { get; init; }

    public EquatableArray<IstioServerHost> Hosts { get; init; } = [];

    public bool HttpsRedirect { get; init; }

    /// <summary><c>tls.mode</c>; PASSTHROUGH when tls is set without a mode (the enum's zero value).</summary>
    public string? TlsMode { get; init; }

    public EquatableArray<string> CredentialNames { get; init; } = [];

    public required string Field { get; init; }
}

/// <summary>An Istio Gateway (networking.istio.io Gateway): servers, and the selector of the proxies that apply them.</summary>
internal sealed record IstioGatewayObject
{
    public required ResourceKey Key { get; init; }

    public required ObjectMeta Metadata { get; init; }

    public StringMap Selector { get; init; } = StringMap.Empty;

    public EquatableArray<IstioServer> Servers { get; init; } = [];
}

/// <summary>An <c>HTTPMatchRequest</c>: its conditions are ANDed (VirtualService reference, HTTPMatchRequest).</summary>
internal sealed record IstioHttpMatch
{
    public required string Field { get; init; }

    /// <summary>The object that wrote the match block.</summary>
    public ResourceKey Source { get; init; }

    public string? Name { get; init; }

    public IstioStringMatch? Uri { get; init; }

    public IstioStringMatch? Scheme { get; init; }

    public IstioStringMatch? Method { get; init; }

    public IstioStringMatch? Authority { get; init; }

    public EquatableArray<IstioNamedMatch> Headers { get; init; } = [];

    public EquatableArray<IstioNamedMatch> WithoutHeaders { get; init; } = [];

    public EquatableArray<IstioNamedMatch> QueryParams { get; init; } = [];

    public int? Port { get; init; }

    public StringMap SourceLabels { get; init; } = StringMap.Empty;

    public EquatableArray<string> Gateways { get; init; } = [];

    public string? SourceNamespace { get; init; }

    public bool IgnoreUriCase { get; init; }

    public string? StatPrefix { get; init; }
}

/// <summary>Header operations (VirtualService reference, Headers.HeaderOperations).</summary>
internal sealed record IstioHeaderOperations
{
    public EquatableArray<KeyValuePair<string, string>> Set { get; init; } = [];

    public EquatableArray<KeyValuePair<string, string>> Add { get; init; } = [];

    public EquatableArray<string> Remove { get; init; } = [];

    public bool IsEmpty => Set.Count == 0 && Add.Count == 0 && Remove.Count == 0;
}

/// <summary>Request and response header operations.</summary>
internal sealed record IstioHeaders(IstioHeaderOperations Request, IstioHeaderOperations Response, string Field)
{
    public bool IsEmpty => Request.IsEmpty && Response.IsEmpty;
}

/// <summary>A destination: a host from the service registry, a subset, a port (VirtualService reference, Destination).</summary>
internal sealed record IstioDestination(string Host, string? Subset, int? Port, string Field);

/// <summary>A weighted destination of an HTTP, TLS or TCP rule.</summary>
internal sealed record IstioRouteDestination
{
    public required IstioDestination Destination { get; init; }

    /// <summary>The weight as written, or null (0 in the proto).</summary>
    public int? Weight { get; init; }

    public IstioHeaders? Headers { get; init; }

    public required string Field { get; init; }
}

/// <summary>An <c>HTTPRedirect</c> (VirtualService reference).</summary>
internal sealed record IstioRedirect
{
    public string? Uri { get; init; }

    public string? Authority { get; init; }

    public int? Port { get; init; }

    /// <summary><c>derivePort</c>: FROM_PROTOCOL_DEFAULT or FROM_REQUEST_PORT.</summary>
    public string? DerivePort { get; init; }

    public string? Scheme { get; init; }

    /// <summary>The status code; 301 when unset.</summary>
    public int RedirectCode { get; init; } = 301;

    public string? PrefixRewrite { get; init; }

    public required string Field { get; init; }
}

/// <summary>An <c>HTTPRewrite</c> (VirtualService reference).</summary>
internal sealed record IstioRewrite
{
    public string? Uri { get; init; }

    public string? Authority { get; init; }

    public string? RegexMatch { get; init; }

    public string? RegexRewrite { get; init; }

    public required string Field { get; init; }
}

/// <summary>An <c>HTTPRetry</c> (VirtualService reference).</summary>
internal sealed record IstioRetry
{
    public int? Attempts { get; init; }

    public string? PerTryTimeout { get; init; }

    public string? RetryOn { get; init; }

    public string? Backoff { get; init; }

    public required string Field { get; init; }
}

/// <summary>A mirror target with its share in percent (100 when unset).</summary>
internal sealed record IstioMirror(IstioDestination Destination, double? Percentage, string Field);

/// <summary>A <c>CorsPolicy</c> (VirtualService reference).</summary>
internal sealed record IstioCors
{
    public EquatableArray<IstioStringMatch> AllowOrigins { get; init; } = [];

    public EquatableArray<string> AllowOriginLegacy { get; init; } = [];

    public EquatableArray<string> AllowMethods { get; init; } = [];

    public EquatableArray<string> AllowHeaders { get; init; } = [];

    public EquatableArray<string> ExposeHeaders { get; init; } = [];

    public string? MaxAge { get; init; }

    public bool? AllowCredentials { get; init; }

    public string? UnmatchedPreflights { get; init; }

    public required string Field { get; init; }
}

/// <summary>An <c>HTTPFaultInjection</c> (VirtualService reference).</summary>
internal sealed record IstioFault
{
    public string? DelayFixed { get; init; }

    public double? DelayPercentage { get; init; }

    public int? AbortHttpStatus { get; init; }

    public string? AbortGrpcStatus { get; init; }

    public double? AbortPercentage { get; init; }

    public required string Field { get; init; }
}

/// <summary>An <c>HTTPRoute</c> rule of a VirtualService: matches, and one of route, redirect, direct response or delegate.</summary>
internal sealed record IstioHttpRule
{
    public required string Field { get; init; }

    public required int Index { get; init; }

    public string? Name { get; init; }

    /// <summary>The match blocks (ORed); empty matches every request.</summary>
    public EquatableArray<IstioHttpMatch> Matches { get; init; } = [];

    public EquatableArray<IstioRouteDestination> Route { get; init; } = [];

    public IstioRedirect? Redirect { get; init; }

    public int? DirectResponseStatus { get; init; }

    public string? DirectResponseField { get; init; }

    public (string Name, string? Namespace, string Field)? Delegate { get; init; }

    public IstioRewrite? Rewrite { get; init; }

    public string? Timeout { get; init; }

    public IstioRetry? Retries { get; init; }

    public IstioFault? Fault { get; init; }

    public EquatableArray<IstioMirror> Mirrors { get; init; } = [];

    public IstioCors? Cors { get; init; }

    public IstioHeaders? Headers { get; init; }
}

/// <summary>A TLS or TCP match block (TLSMatchAttributes, L4MatchAttributes).</summary>
internal sealed record IstioL4Match
{
    public required string Field { get; init; }

    public EquatableArray<string> SniHosts { get; init; } = [];

    public EquatableArray<string> DestinationSubnets { get; init; } = [];

    public int? Port { get; init; }

    public StringMap SourceLabels { get; init; } = StringMap.Empty;

    public EquatableArray<string> Gateways { get; init; } = [];

    public string? SourceNamespace { get; init; }

    public string? SourceSubnet { get; init; }
}

/// <summary>A TLS or TCP rule of a VirtualService.</summary>
internal sealed record IstioL4Rule
{
    public required string Field { get; init; }

    public required int Index { get; init; }

    public EquatableArray<IstioL4Match> Matches { get; init; } = [];

    public EquatableArray<IstioRouteDestination> Route { get; init; } = [];
}

/// <summary>A VirtualService (networking.istio.io VirtualService).</summary>
internal sealed record VirtualServiceObject
{
    public required ResourceKey Key { get; init; }

    public required ObjectMeta Metadata { get; init; }

    public EquatableArray<string> Hosts { get; init; } = [];

    /// <summary>The gateways as written; empty means <c>mesh</c>.</summary>
    public EquatableArray<string> Gateways { get; init; } = [];

    public EquatableArray<IstioHttpRule> Http { get; init; } = [];

    public EquatableArray<IstioL4Rule> Tls { get; init; } = [];

    public EquatableArray<IstioL4Rule> Tcp { get; init; } = [];

    public EquatableArray<string> ExportTo { get; init; } = [];

    /// <summary>Whether the VirtualService is a delegate: it has no hosts (VirtualService reference, hosts).</summary>
    public bool IsDelegate => Hosts.Count == 0;
}

/// <summary>Load balancer settings (DestinationRule reference, LoadBalancerSettings).</summary>
internal sealed record IstioLoadBalancer
{
    public string? Simple { get; init; }

    public string? HashHeader { get; init; }

    public string? HashCookie { get; init; }

    public string? HashCookieTtl { get; init; }

    public bool HashSourceIp { get; init; }

    public string? HashQueryParameter { get; init; }

    public long? MaglevTableSize { get; init; }

    public long? RingMinimumSize { get; init; }

    public string? Warmup { get; init; }

    public bool HasLocality { get; init; }

    public required string Field { get; init; }
}

/// <summary>Connection pool settings (DestinationRule reference, ConnectionPoolSettings).</summary>
internal sealed record IstioConnectionPool
{
    public long? MaxConnections { get; init; }

    public string? ConnectTimeout { get; init; }

    public string? MaxConnectionDuration { get; init; }

    public string? TcpIdleTimeout { get; init; }

    public (long? Probes, string? Time, string? Interval)? TcpKeepalive { get; init; }

    public long? Http1MaxPendingRequests { get; init; }

    public long? Http2MaxRequests { get; init; }

    public long? MaxRequestsPerConnection { get; init; }

    public long? MaxRetries { get; init; }

    public string? HttpIdleTimeout { get; init; }

    public required string Field { get; init; }
}

/// <summary>Outlier detection (DestinationRule reference, OutlierDetection).</summary>
internal sealed record IstioOutlierDetection
{
    public long? Consecutive5xxErrors { get; init; }

    public long? ConsecutiveGatewayErrors { get; init; }

    public long? ConsecutiveLocalOriginFailures { get; init; }

    public long? ConsecutiveErrors { get; init; }

    public bool? SplitExternalLocalOriginErrors { get; init; }

    public string? Interval { get; init; }

    public string? BaseEjectionTime { get; init; }

    public long? MaxEjectionPercent { get; init; }

    public long? MinHealthPercent { get; init; }

    public bool HasErrorCodes { get; init; }

    public required string Field { get; init; }
}

/// <summary>Client TLS settings toward the destination (DestinationRule reference, ClientTLSSettings).</summary>
internal sealed record IstioClientTls
{
    /// <summary>DISABLE (the zero value), SIMPLE, MUTUAL or ISTIO_MUTUAL.</summary>
    public string Mode { get; init; } = "DISABLE";

    public string? Sni { get; init; }

    public EquatableArray<string> SubjectAltNames { get; init; } = [];

    public string? CaCertificates { get; init; }

    public string? CredentialName { get; init; }

    public bool? InsecureSkipVerify { get; init; }

    public bool HasClientCertificate { get; init; }

    public required string Field { get; init; }
}

/// <summary>A traffic policy; port-level settings override the whole policy for their port (DestinationRule reference, TrafficPolicy).</summary>
internal sealed record IstioTrafficPolicy
{
    public IstioLoadBalancer? LoadBalancer { get; init; }

    public IstioConnectionPool? ConnectionPool { get; init; }

    public IstioOutlierDetection? OutlierDetection { get; init; }

    public IstioClientTls? Tls { get; init; }

    public EquatableArray<(int Port, IstioTrafficPolicy Policy)> PortLevel { get; init; } = [];

    public required string Field { get; init; }
}

/// <summary>A subset: endpoints of the host with these labels, and an optional policy that overrides the DestinationRule's.</summary>
internal sealed record IstioSubset(string Name, StringMap Labels, IstioTrafficPolicy? TrafficPolicy, string Field);

/// <summary>A DestinationRule (networking.istio.io DestinationRule).</summary>
internal sealed record DestinationRuleObject
{
    public required ResourceKey Key { get; init; }

    public required ObjectMeta Metadata { get; init; }

    public required string Host { get; init; }

    public IstioTrafficPolicy? TrafficPolicy { get; init; }

    public EquatableArray<IstioSubset> Subsets { get; init; } = [];

    public EquatableArray<string> ExportTo { get; init; } = [];

    public bool HasWorkloadSelector { get; init; }
}
