using PolicyAttach.Collections;
using PolicyAttach.Policies;

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

    /// <summary>
    /// The policy kinds known beyond the standard ones (a profile such as <see cref="PolicyProfiles.EnvoyGateway"/>,
    /// or kinds registered in code). Policy CRDs in the input labelled <c>gateway.networking.k8s.io/policy</c> are
    /// always added.
    /// </summary>
    public PolicyKindRegistry PolicyKinds { get; init; } = PolicyKindRegistry.Standard;

    /// <summary>
    /// A known implementation's rules (<see cref="PolicyProfiles.EnvoyGateway"/>): its policy kinds are added to
    /// <see cref="PolicyKinds"/>, and its few binding differences apply. Null for the spec's behaviour alone.
    /// </summary>
    public PolicyProfile? Profile { get; init; }

    /// <summary>The policy kinds in effect: <see cref="PolicyKinds"/> plus the profile's.</summary>
    internal PolicyKindRegistry EffectivePolicyKinds => Profile is null ? PolicyKinds : PolicyKinds.WithProfile(Profile);
}
