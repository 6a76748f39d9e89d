using PolicyAttach.Collections;

namespace PolicyAttach.Model;

/// <summary>
/// The catalogue of the API groups and kinds PolicyAttach models: the one place their names are written. Code
/// compares references against these (<c>parentRef.GroupKind == Kinds.Service</c>) rather than spelling kinds.
/// </summary>
public static class Kinds
{
    /// <summary>A GatewayClass. (<c>GatewayClass</c> in <c>gateway.networking.k8s.io</c>)</summary>
    public static GroupKind GatewayClass { get; } = new(Groups.Gateway, "GatewayClass");

    /// <summary>A Gateway. (<c>Gateway</c> in <c>gateway.networking.k8s.io</c>)</summary>
    public static GroupKind Gateway { get; } = new(Groups.Gateway, "Gateway");

    /// <summary>A ListenerSet (GEP-1713). (<c>ListenerSet</c> in <c>gateway.networking.k8s.io</c>)</summary>
    public static GroupKind ListenerSet { get; } = new(Groups.Gateway, "ListenerSet");

    /// <summary>An HTTPRoute. (<c>HTTPRoute</c> in <c>gateway.networking.k8s.io</c>)</summary>
    public static GroupKind HttpRoute { get; } = new(Groups.Gateway, "HTTPRoute");

    /// <summary>A GRPCRoute. (<c>GRPCRoute</c> in <c>gateway.networking.k8s.io</c>)</summary>
    public static GroupKind GrpcRoute { get; } = new(Groups.Gateway, "GRPCRoute");

    /// <summary>A TLSRoute. (<c>TLSRoute</c> in <c>gateway.networking.k8s.io</c>)</summary>
    public static GroupKind TlsRoute { get; } = new(Groups.Gateway, "TLSRoute");

    /// <summary>A TCPRoute. (<c>TCPRoute</c> in <c>gateway.networking.k8s.io</c>)</summary>
    public static GroupKind TcpRoute { get; } = new(Groups.Gateway, "TCPRoute");

    /// <summary>A UDPRoute. (<c>UDPRoute</c> in <c>gateway.networking.k8s.io</c>)</summary>
    public static GroupKind UdpRoute { get; } = new(Groups.Gateway, "UDPRoute");

    /// <summary>A ReferenceGrant. (<c>ReferenceGrant</c> in <c>gateway.networking.k8s.io</c>)</summary>
    public static GroupKind ReferenceGrant { get; } = new(Groups.Gateway, "ReferenceGrant");

    /// <summary>A BackendTLSPolicy. (<c>BackendTLSPolicy</c> in <c>gateway.networking.k8s.io</c>)</summary>
    public static GroupKind BackendTlsPolicy { get; } = new(Groups.Gateway, "BackendTLSPolicy");

    /// <summary>An XBackendTrafficPolicy (experimental). (<c>XBackendTrafficPolicy</c> in <c>gateway.networking.x-k8s.io</c>)</summary>
    public static GroupKind XBackendTrafficPolicy { get; } = new(Groups.GatewayExperimental, "XBackendTrafficPolicy");

    /// <summary>
    /// An XListenerSet: the experimental channel's ListenerSet before it graduated. Read as a
    /// <see cref="ListenerSet"/>. (<c>XListenerSet</c> in <c>gateway.networking.x-k8s.io</c>)
    /// </summary>
    public static GroupKind XListenerSet { get; } = new(Groups.GatewayExperimental, "XListenerSet");

    /// <summary>A core Service. (<c>Service</c>)</summary>
    public static GroupKind Service { get; } = new(Groups.Core, "Service");

    /// <summary>A core Secret. (<c>Secret</c>)</summary>
    public static GroupKind Secret { get; } = new(Groups.Core, "Secret");

    /// <summary>A core ConfigMap. (<c>ConfigMap</c>)</summary>
    public static GroupKind ConfigMap { get; } = new(Groups.Core, "ConfigMap");

    /// <summary>A core Namespace. (<c>Namespace</c>)</summary>
    public static GroupKind Namespace { get; } = new(Groups.Core, "Namespace");

    /// <summary>An Ingress. (<c>Ingress</c> in <c>networking.k8s.io</c>)</summary>
    public static GroupKind Ingress { get; } = new(Groups.Networking, "Ingress");

    /// <summary>An IngressClass. (<c>IngressClass</c> in <c>networking.k8s.io</c>)</summary>
    public static GroupKind IngressClass { get; } = new(Groups.Networking, "IngressClass");

    /// <summary>A CustomResourceDefinition. (<c>CustomResourceDefinition</c> in <c>apiextensions.k8s.io</c>)</summary>
    public static GroupKind CustomResourceDefinition { get; } = new(Groups.ApiExtensions, "CustomResourceDefinition");

    /// <summary>Every kind of the catalogue, sorted by group and kind.</summary>
    public static EquatableArray<GroupKind> All { get; } = new[]
    {
        GatewayClass, Gateway, ListenerSet, HttpRoute, GrpcRoute, TlsRoute, TcpRoute, UdpRoute, ReferenceGrant, BackendTlsPolicy, XBackendTrafficPolicy, XListenerSet, Service, Secret, ConfigMap, Namespace, Ingress, IngressClass, CustomResourceDefinition,
    }.Order().ToEquatableArray();
}
