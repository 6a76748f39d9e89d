using PolicyAttach.Collections;

namespace PolicyAttach.Binding;

/// <summary>
/// What the engine acts for: the GatewayClass controller names it owns and the features it claims. Immutable;
/// compares by value.
/// </summary>
public sealed record EvaluationOptions
{
    /// <summary>
    /// The <c>spec.controllerName</c> values of the GatewayClasses this controller implements. Objects of other
    /// classes get no status from this engine.
    /// </summary>
    public required EquatableArray<string> ControllerNames { get; init; }

    /// <summary>The features claimed; <see cref="Features.All"/> by default.</summary>
    public EquatableArray<string> SupportedFeatures { get; init; } = Features.All;
}
