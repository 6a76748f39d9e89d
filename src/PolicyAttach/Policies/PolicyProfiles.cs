using PolicyAttach.Collections;
using PolicyAttach.Model;

namespace PolicyAttach.Policies;

/// <summary>
/// Built-in profiles: known implementations' policy kinds as data on the same engine. Envoy Gateway's kinds take
/// the whole spec as an implicit default, the most specific policy wins whole (Atomic), two policies on the same
/// scope conflict (first wins), less specific policies are told they are <c>Overridden</c>, and a route policy
/// with <c>mergeType</c> merges onto the closest parent policy.
/// </summary>
public static class PolicyProfiles
{
    /// <summary>The Envoy Gateway API group.</summary>
    public const string EnvoyGatewayGroup = "gateway.envoyproxy.io";

    /// <summary>Envoy Gateway's BackendTrafficPolicy, ClientTrafficPolicy, SecurityPolicy and EnvoyExtensionPolicy.</summary>
    public static PolicyProfile EnvoyGateway { get; } = new("envoy-gateway",
    [
        EnvoyGatewayKind("BackendTrafficPolicy", "Gateway", "ListenerSet", "HTTPRoute", "GRPCRoute", "TCPRoute", "UDPRoute", "TLSRoute"),
        EnvoyGatewayKind("EnvoyExtensionPolicy", "Gateway", "ListenerSet", "HTTPRoute", "GRPCRoute", "TCPRoute", "UDPRoute", "TLSRoute"),
        EnvoyGatewayKind("SecurityPolicy", "Gateway", "ListenerSet", "HTTPRoute", "GRPCRoute", "TCPRoute"),
        EnvoyGatewayKind("ClientTrafficPolicy", "Gateway", "ListenerSet"),

        // Envoy Gateway writes no ancestor for a BackendTLSPolicy whose Service does not exist.
        PolicyKindRegistry.Standard.Find(new GroupKind(Groups.Gateway, "BackendTLSPolicy"))! with { OmitMissingTargets = true },
    ])
    {
        TlsTerminateAcceptsTcpRoute = true,
        AcceptsUnservedVersions = true,
    };

    /// <summary>The profile of a name, or null.</summary>
    /// <param name="name">A profile name such as <c>envoy-gateway</c>.</param>
    /// <returns>The profile, or null when none has that name.</returns>
    public static PolicyProfile? Find(string name) => string.Equals(name, EnvoyGateway.Name, StringComparison.Ordinal) ? EnvoyGateway : null;

    private static PolicyKindDefinition EnvoyGatewayKind(string kind, params string[] targets) => new()
    {
        Kind = new GroupKind(EnvoyGatewayGroup, kind),
        Class = PolicyClass.Inherited,
        Targets = targets.Select(t => t switch
        {
            "Gateway" => new PolicyTargetKind(new GroupKind(Groups.Gateway, t), PolicyLevel.Gateway, PolicyLevel.Listener),
            "ListenerSet" => new PolicyTargetKind(new GroupKind(Groups.Gateway, t), PolicyLevel.ListenerSet, PolicyLevel.Listener),
            _ => new PolicyTargetKind(new GroupKind(Groups.Gateway, t), PolicyLevel.Route, PolicyLevel.Rule),
        }).ToEquatableArray(),
        Strategy = MergeStrategy.Atomic,
        Stanzas = StanzaSource.WholeSpecAsDefault,
        CrossNamespace = CrossNamespaceTargets.WithReferenceGrant,
        ConflictOnSameTarget = true,
        ReportOverridden = true,
        OmitMissingTargets = true,
        MergeKeys = StringMap.Of(("compression", "type"), ("compressor", "type"), ("httpUpgrade", "type"), ("contextExtensions", "name")),
    };
}
