namespace PolicyAttach.Model;

/// <summary>
/// A GatewayClass: the class of Gateways a controller implements
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#gatewayclass">GatewayClass</see>). Cluster-scoped.
/// </summary>
public sealed record GatewayClass : KubeObject
{
    /// <inheritdoc />
    public override string Kind => Kinds.GatewayClass.Kind;

    /// <summary>The controller that manages Gateways of this class (<c>spec.controllerName</c>).</summary>
    public required string ControllerName { get; init; }

    /// <summary>Implementation-specific parameters (<c>spec.parametersRef</c>), if any.</summary>
    public ParametersReference? ParametersRef { get; init; }

    /// <summary>A human-readable description.</summary>
    public string? Description { get; init; }
}

/// <summary>A reference to implementation-specific parameters (<c>parametersRef</c>).</summary>
/// <param name="Group">The group.</param>
/// <param name="Kind">The kind.</param>
/// <param name="Name">The name.</param>
/// <param name="Namespace">The namespace, when the referent is namespaced.</param>
public sealed record ParametersReference(string Group, string Kind, string Name, string? Namespace);
