using System.Collections.Frozen;
using PolicyAttach.Collections;
using PolicyAttach.Model;

namespace PolicyAttach.Binding;

/// <summary>
/// Gateway API feature names (<see href="https://gateway-api.sigs.k8s.io/concepts/conformance/">conformance features</see>)
/// that change what the engine computes. An implementation claims the features it supports; the engine then
/// reports unsupported ones the way the spec says.
/// </summary>
public static class Features
{
#pragma warning disable CS1591 // Feature names are the spec's own strings.
    public const string Gateway = "Gateway";
    public const string HttpRoute = "HTTPRoute";
    public const string GrpcRoute = "GRPCRoute";
    public const string TlsRoute = "TLSRoute";
    public const string TcpRoute = "TCPRoute";
    public const string UdpRoute = "UDPRoute";
    public const string ReferenceGrant = "ReferenceGrant";
    public const string ListenerSet = "ListenerSet";
    public const string BackendTlsPolicy = "BackendTLSPolicy";
    public const string TlsRouteModeTerminate = "TLSRouteModeTerminate";
    public const string TlsRouteModeMixed = "TLSRouteModeMixed";
    public const string GatewayPort8080 = "GatewayPort8080";
    public const string HttpRouteParentRefPort = "HTTPRouteParentRefPort";
    public const string GatewayFrontendClientCertificateValidation = "GatewayFrontendClientCertificateValidation";
    public const string GatewayFrontendClientCertificateValidationInsecureFallback = "GatewayFrontendClientCertificateValidationInsecureFallback";
    public const string GatewayBackendClientCertificate = "GatewayBackendClientCertificate";
    public const string Mesh = "Mesh";
#pragma warning restore CS1591

    /// <summary>
    /// Everything the engine implements, which is what it claims by default (sorted, as
    /// <c>GatewayClass.status.supportedFeatures</c> is): the feature of every route kind (the route-kind table)
    /// and the features below.
    /// </summary>
    public static EquatableArray<string> All { get; } = RouteKindTable.All.Select(k => k.Feature).Concat(new[]
    {
        BackendTlsPolicy, Gateway, "GatewayAddressEmpty", GatewayBackendClientCertificate, GatewayFrontendClientCertificateValidation,
        GatewayFrontendClientCertificateValidationInsecureFallback, "GatewayHTTPListenerIsolation", "GatewayHTTPSListenerDetectMisdirectedRequests",
        "GatewayInfrastructurePropagation", GatewayPort8080, "GRPCRouteNamedRouteRule", "HTTPRoute303RedirectStatusCode",
        "HTTPRoute307RedirectStatusCode", "HTTPRoute308RedirectStatusCode", "HTTPRouteBackendProtocolH2C", "HTTPRouteBackendProtocolWebSocket",
        "HTTPRouteBackendRequestHeaderModification", "HTTPRouteDestinationPortMatching", "HTTPRouteHostRewrite", "HTTPRouteMethodMatching",
        "HTTPRouteNamedRouteRule", HttpRouteParentRefPort, "HTTPRoutePathRedirect", "HTTPRoutePathRewrite", "HTTPRoutePortRedirect",
        "HTTPRouteQueryParamMatching", "HTTPRouteRequestMirror", "HTTPRouteRequestMultipleMirrors", "HTTPRouteRequestPercentageMirror",
        "HTTPRouteResponseHeaderModification", "HTTPRouteSchemeRedirect", ListenerSet, Mesh, ReferenceGrant,
        TlsRouteModeMixed, TlsRouteModeTerminate,
    }).Order(StringComparer.Ordinal).ToEquatableArray();
}

/// <summary>A set of claimed features with fast lookup.</summary>
internal sealed class FeatureSet
{
    private readonly FrozenSet<string> _features;

    public FeatureSet(IEnumerable<string> features) => _features = features.ToFrozenSet(StringComparer.Ordinal);

    public bool Has(string feature) => _features.Contains(feature);
}
