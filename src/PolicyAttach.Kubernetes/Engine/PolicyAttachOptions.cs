using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Policies;

namespace PolicyAttach.Kubernetes.Engine;

/// <summary>
/// What an embedded engine acts for, as configured by <c>services.AddPolicyAttach(options =&gt; ...)</c>. Mutable
/// while it is being configured; <see cref="ToEvaluationOptions"/> turns it into the core's immutable
/// <see cref="EvaluationOptions"/>, which is what the container holds.
/// </summary>
public sealed class PolicyAttachOptions
{
    /// <summary>The GatewayClass <c>spec.controllerName</c> values this controller implements; at least one is required.</summary>
    public ICollection<string> ControllerNames { get; } = new List<string>();

    /// <summary>The features claimed; empty means every feature (<see cref="Features.All"/>).</summary>
    public ICollection<string> SupportedFeatures { get; } = new List<string>();

    /// <summary>
    /// The name of a built-in profile (<c>envoy-gateway</c>, see <see cref="ImplementationProfile.Find"/>); ignored when
    /// <see cref="Profile"/> is set.
    /// </summary>
    public string? ProfileName { get; set; }

    /// <summary>A profile object; takes precedence over <see cref="ProfileName"/>.</summary>
    public ImplementationProfile? Profile { get; set; }

    /// <summary>Policy kinds known beyond the standard ones and the profile's; a later definition of a kind replaces an earlier one.</summary>
    public ICollection<PolicyKindDefinition> PolicyKinds { get; } = new List<PolicyKindDefinition>();

    /// <summary>
    /// How many threads an evaluation may use (<see cref="EvaluationOptions.MaxDegreeOfParallelism"/>): −1, the default,
    /// for every processor, 1 for the calling thread alone, or a larger limit. The result is the same whatever the value.
    /// </summary>
    public int MaxDegreeOfParallelism { get; set; } = -1;

    /// <summary>Builds the immutable options the engine evaluates with.</summary>
    /// <returns>The evaluation options.</returns>
    /// <exception cref="InvalidOperationException">
    /// No controller name is configured, <see cref="ProfileName"/> is unknown, or <see cref="MaxDegreeOfParallelism"/>
    /// is neither −1 nor positive.
    /// </exception>
    public EvaluationOptions ToEvaluationOptions()
    {
        if (ControllerNames.Count == 0 || ControllerNames.Any(string.IsNullOrEmpty))
        {
            throw new InvalidOperationException("PolicyAttach needs at least one non-empty controller name: add one to PolicyAttachOptions.ControllerNames.");
        }

        var profile = Profile;
        if (profile is null && ProfileName is { Length: > 0 } name)
        {
            profile = ImplementationProfile.Find(name)
                ?? throw new InvalidOperationException($"Unknown PolicyAttach profile '{name}'; known profiles: {ImplementationProfile.EnvoyGateway.Name}.");
        }

        if (MaxDegreeOfParallelism is 0 or < -1)
        {
            throw new InvalidOperationException($"PolicyAttachOptions.MaxDegreeOfParallelism is {MaxDegreeOfParallelism}; use -1 for every processor, 1 for the calling thread alone, or a larger limit.");
        }

        return new EvaluationOptions
        {
            ControllerNames = ControllerNames.Distinct(StringComparer.Ordinal).ToEquatableArray(),
            SupportedFeatures = SupportedFeatures.Count == 0 ? Features.All : SupportedFeatures.Distinct(StringComparer.Ordinal).ToEquatableArray(),
            PolicyKinds = PolicyKinds.Count == 0 ? PolicyKindRegistry.Standard : PolicyKindRegistry.Standard.With(PolicyKinds),
            Profile = profile,
            MaxDegreeOfParallelism = MaxDegreeOfParallelism,
        };
    }
}
