using PolicyAttach.Collections;

namespace PolicyAttach.Model;

/// <summary>
/// What every policy object has in common (GEP-713,
/// <see href="https://gateway-api.sigs.k8s.io/geps/gep-713/">Policy Attachment</see>): targets and a spec.
/// </summary>
public interface IPolicyObject
{
    /// <summary>The policy's identity.</summary>
    ResourceKey Key { get; }

    /// <summary>The policy's metadata (creationTimestamp decides conflicts).</summary>
    ObjectMeta Metadata { get; }

    /// <summary>Every target: <c>targetRefs[]</c> and the single <c>targetRef</c>, namespaces resolved.</summary>
    EquatableArray<PolicyTargetReference> TargetRefs { get; }

    /// <summary>Label-selected targets (<c>targetSelectors[]</c>).</summary>
    EquatableArray<PolicyTargetSelector> TargetSelectors { get; }

    /// <summary>The whole spec as JSON, with any <c>default</c> and <c>override</c> stanzas as written.</summary>
    JsonData Spec { get; }
}

/// <summary>A <c>targetSelectors[]</c> entry: objects of a kind whose labels match, optionally in other namespaces.</summary>
public sealed record PolicyTargetSelector
{
    /// <summary>The target group.</summary>
    public required string Group { get; init; }

    /// <summary>The target kind.</summary>
    public required string Kind { get; init; }

    /// <summary>The label selector over the targets.</summary>
    public LabelSelector Selector { get; init; } = new();

    /// <summary>
    /// Which namespaces to select targets in: <c>Same</c> (the policy's, the default), <c>All</c>, or <c>Selector</c>
    /// (namespaces whose labels match <see cref="NamespaceSelector"/>). Targets outside the policy's namespace also
    /// need the kind to allow cross-namespace targeting.
    /// </summary>
    public string NamespacesFrom { get; init; } = FromNamespaces.Same;

    /// <summary>The namespace selector used when <see cref="NamespacesFrom"/> is <c>Selector</c>.</summary>
    public LabelSelector? NamespaceSelector { get; init; }
}

/// <summary>
/// An instance of any policy CRD PolicyAttach has no typed model for, such as a <c>RetryPolicy</c> or Envoy Gateway's
/// <c>BackendTrafficPolicy</c>: kind, metadata, targets and the spec as JSON.
/// </summary>
public sealed record PolicyObject : KubeObject, IPolicyObject
{
    /// <summary>The kind as written.</summary>
    public required string ObjectKind { get; init; }

    /// <inheritdoc />
    public override string Kind => ObjectKind;

    /// <inheritdoc />
    public EquatableArray<PolicyTargetReference> TargetRefs { get; init; } = [];

    /// <inheritdoc />
    public EquatableArray<PolicyTargetSelector> TargetSelectors { get; init; } = [];

    /// <inheritdoc />
    public required JsonData Spec { get; init; }

    /// <summary><c>spec.default</c>, if present.</summary>
    public JsonData? Default { get; init; }

    /// <summary><c>spec.override</c> (or <c>spec.overrides</c>), if present.</summary>
    public JsonData? Override { get; init; }
}

/// <summary>
/// A BackendTLSPolicy: how the Gateway connects to a backend over TLS
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#backendtlspolicy">BackendTLSPolicy</see>, GEP-1897).
/// </summary>
public sealed record BackendTlsPolicy : KubeObject, IPolicyObject
{
    /// <inheritdoc />
    public override string Kind => Kinds.BackendTlsPolicy.Kind;

    /// <inheritdoc />
    public EquatableArray<PolicyTargetReference> TargetRefs { get; init; } = [];

    /// <inheritdoc />
    public EquatableArray<PolicyTargetSelector> TargetSelectors => [];

    /// <inheritdoc />
    public required JsonData Spec { get; init; }

    /// <summary>CA certificate references (ConfigMaps, local), if given.</summary>
    public EquatableArray<LocalObjectReference> CaCertificateRefs { get; init; } = [];

    /// <summary><c>validation.wellKnownCACertificates</c> (<c>System</c>), if given.</summary>
    public string? WellKnownCaCertificates { get; init; }

    /// <summary><c>validation.hostname</c>: the SNI and the name verified.</summary>
    public string? Hostname { get; init; }

    /// <summary><c>validation.subjectAltNames[]</c>.</summary>
    public EquatableArray<SubjectAltName> SubjectAltNames { get; init; } = [];

    /// <summary>Implementation-specific options.</summary>
    public StringMap Options { get; init; } = StringMap.Empty;
}

/// <summary>A subject alternative name to verify.</summary>
/// <param name="Type"><c>Hostname</c> or <c>URI</c>.</param>
/// <param name="Value">The hostname or URI.</param>
public sealed record SubjectAltName(string Type, string Value);

/// <summary>
/// An XBackendTrafficPolicy (experimental): retry budget and session persistence for backends.
/// </summary>
public sealed record XBackendTrafficPolicy : KubeObject, IPolicyObject
{
    /// <inheritdoc />
    public override string Kind => Kinds.XBackendTrafficPolicy.Kind;

    /// <inheritdoc />
    public EquatableArray<PolicyTargetReference> TargetRefs { get; init; } = [];

    /// <inheritdoc />
    public EquatableArray<PolicyTargetSelector> TargetSelectors => [];

    /// <inheritdoc />
    public required JsonData Spec { get; init; }
}
