using PolicyAttach.Collections;

namespace PolicyAttach.Model;

/// <summary>
/// A Gateway: listeners bound to addresses, owned by the controller of its class
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#gateway">Gateway</see>).
/// </summary>
public sealed record Gateway : KubeObject
{
    /// <inheritdoc />
    public override string Kind => Kinds.Gateway.Kind;

    /// <summary>The GatewayClass name.</summary>
    public required string GatewayClassName { get; init; }

    /// <summary>The listeners, in spec order.</summary>
    public EquatableArray<Listener> Listeners { get; init; } = [];

    /// <summary>Requested addresses.</summary>
    public EquatableArray<GatewayAddress> Addresses { get; init; } = [];

    /// <summary>Infrastructure labels, annotations and parameters.</summary>
    public GatewayInfrastructure? Infrastructure { get; init; }

    /// <summary>Which ListenerSets may attach; the default allows none.</summary>
    public AllowedListeners AllowedListeners { get; init; } = AllowedListeners.Default;

    /// <summary>Gateway-level TLS: backend client certificate and frontend client validation.</summary>
    public GatewayTls? Tls { get; init; }

    /// <summary><c>spec.defaultScope</c> (experimental), if set.</summary>
    public string? DefaultScope { get; init; }
}

/// <summary>A requested Gateway address; type defaults to <c>IPAddress</c>.</summary>
/// <param name="Type">The address type.</param>
/// <param name="Value">The value, if set.</param>
public sealed record GatewayAddress(string Type, string? Value);

/// <summary>Gateway <c>spec.infrastructure</c>.</summary>
public sealed record GatewayInfrastructure
{
    /// <summary>Labels for generated resources.</summary>
    public StringMap Labels { get; init; } = StringMap.Empty;

    /// <summary>Annotations for generated resources.</summary>
    public StringMap Annotations { get; init; } = StringMap.Empty;

    /// <summary>A local parameters reference.</summary>
    public LocalObjectReference? ParametersRef { get; init; }
}

/// <summary>Gateway <c>spec.allowedListeners</c>: which namespaces' ListenerSets may attach.</summary>
public sealed record AllowedListeners
{
    /// <summary>The default: no ListenerSet may attach.</summary>
    public static AllowedListeners Default { get; } = new();

    /// <summary><c>namespaces.from</c>: <c>None</c> (default), <c>Same</c>, <c>All</c> or <c>Selector</c>.</summary>
    public string NamespacesFrom { get; init; } = FromNamespaces.None;

    /// <summary>The Namespace selector for <c>Selector</c>.</summary>
    public LabelSelector? Selector { get; init; }
}

/// <summary>Gateway <c>spec.tls</c>.</summary>
public sealed record GatewayTls
{
    /// <summary>The client certificate the Gateway presents to backends (<c>backend.clientCertificateRef</c>).</summary>
    public ObjectReference? BackendClientCertificateRef { get; init; }

    /// <summary>The default frontend client-certificate validation (<c>frontend.default.validation</c>).</summary>
    public FrontendValidation? DefaultValidation { get; init; }

    /// <summary>Per-port frontend validation (<c>frontend.perPort[]</c>).</summary>
    public EquatableArray<PerPortValidation> PerPort { get; init; } = [];
}

/// <summary>Frontend client-certificate validation.</summary>
public sealed record FrontendValidation
{
    /// <summary>The CA certificate references (a ConfigMap with <c>ca.crt</c> is Core).</summary>
    public EquatableArray<ObjectReference> CaCertificateRefs { get; init; } = [];

    /// <summary><c>AllowValidOnly</c> (default) or <c>AllowInsecureFallback</c>.</summary>
    public string Mode { get; init; } = "AllowValidOnly";
}

/// <summary>Frontend validation for one port.</summary>
/// <param name="Port">The port.</param>
/// <param name="Validation">The validation for that port.</param>
public sealed record PerPortValidation(int Port, FrontendValidation? Validation);

/// <summary>
/// A ListenerSet: listeners that attach to a parent Gateway from elsewhere (GEP-1713,
/// <see href="https://gateway-api.sigs.k8s.io/geps/gep-1713/">ListenerSet</see>).
/// </summary>
public sealed record ListenerSet : KubeObject
{
    /// <inheritdoc />
    public override string Kind => Kinds.ListenerSet.Kind;

    /// <summary>The parent Gateway (group and kind defaulted, namespace the ListenerSet's unless set).</summary>
    public required ParentReference ParentRef { get; init; }

    /// <summary>The listener entries, in spec order.</summary>
    public EquatableArray<Listener> Listeners { get; init; } = [];
}

/// <summary>
/// A ReferenceGrant: lets objects of the <c>from</c> kinds and namespaces refer to the <c>to</c> kinds in the grant's
/// namespace (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#referencegrant">ReferenceGrant</see>).
/// </summary>
public sealed record ReferenceGrant : KubeObject
{
    /// <inheritdoc />
    public override string Kind => Kinds.ReferenceGrant.Kind;

    /// <summary>Who may refer (ORed).</summary>
    public EquatableArray<ReferenceGrantFrom> From { get; init; } = [];

    /// <summary>What may be referred to (ORed).</summary>
    public EquatableArray<ReferenceGrantTo> To { get; init; } = [];
}

/// <summary>A <c>from[]</c> entry.</summary>
/// <param name="Group">The referring group.</param>
/// <param name="Kind">The referring kind.</param>
/// <param name="Namespace">The referring namespace.</param>
public sealed record ReferenceGrantFrom(string Group, string Kind, string Namespace);

/// <summary>A <c>to[]</c> entry; a null name allows every object of the kind.</summary>
/// <param name="Group">The referred group.</param>
/// <param name="Kind">The referred kind.</param>
/// <param name="Name">The referred name, or null for all.</param>
public sealed record ReferenceGrantTo(string Group, string Kind, string? Name);
