using PolicyAttach.Model;

namespace PolicyAttach.Examples.Controller;

/// <summary>A custom resource the controller lists and watches through <see cref="k8s.GenericClient"/>.</summary>
/// <param name="Group">The API group.</param>
/// <param name="Version">The served version to read.</param>
/// <param name="Plural">The resource name.</param>
/// <param name="Kind">The kind.</param>
internal sealed record WatchedKind(string Group, string Version, string Plural, string Kind)
{
    public GroupKind GroupKind => new(Group, Kind);

    /// <summary>The Gateway API kinds (standard and experimental channels); absent CRDs are retried slowly.</summary>
    public static IReadOnlyList<WatchedKind> GatewayApi { get; } =
    [
        new(Groups.Gateway, "v1", "gatewayclasses", "GatewayClass"),
        new(Groups.Gateway, "v1", "gateways", "Gateway"),
        new(Groups.Gateway, "v1", "httproutes", "HTTPRoute"),
        new(Groups.Gateway, "v1", "grpcroutes", "GRPCRoute"),
        new(Groups.Gateway, "v1beta1", "referencegrants", "ReferenceGrant"),
        new(Groups.Gateway, "v1", "backendtlspolicies", "BackendTLSPolicy"),
        new(Groups.Gateway, "v1alpha2", "tcproutes", "TCPRoute"),
        new(Groups.Gateway, "v1alpha2", "tlsroutes", "TLSRoute"),
        new(Groups.Gateway, "v1alpha2", "udproutes", "UDPRoute"),
        new(Groups.GatewayExperimental, "v1alpha1", "xlistenersets", "XListenerSet"),
    ];
}
