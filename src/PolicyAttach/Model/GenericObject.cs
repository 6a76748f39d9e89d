using PolicyAttach.Collections;

namespace PolicyAttach.Model;

/// <summary>
/// An object of a kind PolicyAttach has no typed model for: a policy CRD instance, a custom backend, a CRD.
/// It keeps its kind, metadata, spec and status as JSON, so nothing the user wrote is lost.
/// </summary>
public sealed record GenericObject : KubeObject
{
    /// <summary>The kind as written.</summary>
    public required string ObjectKind { get; init; }

    /// <inheritdoc />
    public override string Kind => ObjectKind;

    /// <summary>The <c>spec</c>, or null when absent.</summary>
    public JsonData? Spec { get; init; }

    /// <summary>The whole object as read (for kinds whose data is not under <c>spec</c>, such as CRDs).</summary>
    public required JsonData Raw { get; init; }
}
