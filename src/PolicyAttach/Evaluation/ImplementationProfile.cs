using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Manifests;
using PolicyAttach.Model;
using PolicyAttach.Policies;

namespace PolicyAttach;

/// <summary>
/// What one implementation does differently from the spec's defaults, as data on the same engine: how it reads
/// manifests, how it binds, and which policy kinds it defines. Every switch an implementation needs lives here and
/// nowhere else; each stage reads only its own (the readers <see cref="AcceptsUnservedVersions"/>, binding
/// <see cref="TlsTerminateAcceptsTcpRoute"/>, policies <see cref="PolicyKinds"/>). Immutable; compares by value.
/// </summary>
public sealed record ImplementationProfile
{
    /// <summary>The name used on the command line, such as <c>envoy-gateway</c>.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// Reading: whether known kinds are read at apiVersions the API server does not serve (with a warning) instead of
    /// being dropped. Implementations that decode by kind and ignore apiVersion (Envoy Gateway's translator) do.
    /// </summary>
    public bool AcceptsUnservedVersions { get; init; }

    /// <summary>Binding: whether a TLS listener in Terminate mode also takes TCPRoutes (Envoy Gateway's does).</summary>
    public bool TlsTerminateAcceptsTcpRoute { get; init; }

    /// <summary>
    /// Binding: whether Gateway, ListenerSet and listener conditions and backend reasons are written as Envoy Gateway
    /// writes them (<see cref="BindingConvention.EnvoyGateway"/>) instead of as the spec digest draws them.
    /// </summary>
    public BindingConvention Conditions { get; init; }

    /// <summary>Policies: the policy kinds the implementation defines, added to the registry in effect.</summary>
    public EquatableArray<PolicyKindDefinition> PolicyKinds { get; init; } = [];

    /// <summary>The manifest read options of this implementation, on top of <paramref name="options"/>.</summary>
    /// <param name="options">The options to start from; null for the defaults.</param>
    /// <returns>The options with this profile's reading switches applied.</returns>
    public ManifestReadOptions ApplyTo(ManifestReadOptions? options = null)
        => (options ?? new ManifestReadOptions()) with { AcceptUnservedVersions = AcceptsUnservedVersions };

    /// <summary>The Envoy Gateway API group.</summary>
    public const string EnvoyGatewayGroup = "gateway.envoyproxy.io";

    /// <summary>
    /// Envoy Gateway: its BackendTrafficPolicy, ClientTrafficPolicy, SecurityPolicy and EnvoyExtensionPolicy take the
    /// whole spec as an implicit default, the most specific policy wins whole (Atomic), two policies on the same scope
    /// conflict (first wins), less specific policies are told they are <c>Overridden</c>, and a route policy with
    /// <c>mergeType</c> merges onto the closest parent policy. It reads unserved versions and lets TLS Terminate
    /// listeners take TCPRoutes.
    /// </summary>
    public static ImplementationProfile EnvoyGateway { get; } = new()
    {
        Name = "envoy-gateway",
        AcceptsUnservedVersions = true,
        TlsTerminateAcceptsTcpRoute = true,
        Conditions = BindingConvention.EnvoyGateway,
        PolicyKinds =
        [
            EnvoyGatewayKind("BackendTrafficPolicy", Kinds.Gateway, Kinds.ListenerSet, Kinds.HttpRoute, Kinds.GrpcRoute, Kinds.TcpRoute, Kinds.UdpRoute, Kinds.TlsRoute),
            EnvoyGatewayKind("EnvoyExtensionPolicy", Kinds.Gateway, Kinds.ListenerSet, Kinds.HttpRoute, Kinds.GrpcRoute, Kinds.TcpRoute, Kinds.UdpRoute, Kinds.TlsRoute),
            EnvoyGatewayKind("SecurityPolicy", Kinds.Gateway, Kinds.ListenerSet, Kinds.HttpRoute, Kinds.GrpcRoute, Kinds.TcpRoute),
            EnvoyGatewayKind("ClientTrafficPolicy", Kinds.Gateway, Kinds.ListenerSet),

            // Envoy Gateway writes no ancestor for a BackendTLSPolicy whose Service does not exist.
            PolicyKindRegistry.Standard.Find(Kinds.BackendTlsPolicy)! with { OmitMissingTargets = true },
        ],
    };

    /// <summary>Every built-in profile, by name.</summary>
    public static EquatableArray<ImplementationProfile> BuiltIn { get; } = [EnvoyGateway];

    /// <summary>The built-in profile of a name, or null.</summary>
    /// <param name="name">A profile name such as <c>envoy-gateway</c>.</param>
    /// <returns>The profile, or null when none has that name.</returns>
    public static ImplementationProfile? Find(string name)
    {
        foreach (var profile in BuiltIn)
        {
            if (string.Equals(profile.Name, name, StringComparison.Ordinal))
            {
                return profile;
            }
        }

        return null;
    }

    private static PolicyKindDefinition EnvoyGatewayKind(string kind, params GroupKind[] targets) => new()
    {
        Kind = new GroupKind(EnvoyGatewayGroup, kind),
        Class = PolicyClass.Inherited,
        Targets = targets.Select(t => t == Kinds.Gateway ? new PolicyTargetKind(t, PolicyLevel.Gateway, PolicyLevel.Listener)
            : t == Kinds.ListenerSet ? new PolicyTargetKind(t, PolicyLevel.ListenerSet, PolicyLevel.Listener)
            : new PolicyTargetKind(t, PolicyLevel.Route, PolicyLevel.Rule)).ToEquatableArray(),
        Strategy = MergeStrategy.Atomic,
        Stanzas = StanzaSource.WholeSpecAsDefault,
        CrossNamespace = CrossNamespaceTargets.WithReferenceGrant,
        ConflictOnSameTarget = true,
        ReportOverridden = true,
        OmitMissingTargets = true,
        MergeKeys = StringMap.Of(("compression", "type"), ("compressor", "type"), ("httpUpgrade", "type"), ("contextExtensions", "name")),
    };
}
