using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Manifests;
using PolicyAttach.Policies;

namespace PolicyAttach;

/// <summary>
/// What the engine acts for: the GatewayClass controller names it owns, the features it claims, the policy kinds it
/// knows and the implementation profile it reproduces. Immutable; compares by value. <see cref="Evaluator.Evaluate"/>
/// validates it before any work and reports every problem at once (<see cref="Validate"/>).
/// </summary>
public sealed record EvaluationOptions
{
    /// <summary>
    /// The <c>spec.controllerName</c> values of the GatewayClasses this controller implements. Objects of other
    /// classes get no status from this engine (with none, nothing is owned). Each is a domain-prefixed path such as
    /// <c>example.com/gateway-controller</c> (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#gatewaycontroller">GatewayController</see>).
    /// </summary>
    public required EquatableArray<string> ControllerNames { get; init; }

    /// <summary>The features claimed; <see cref="Features.All"/> by default. Each must be one of <see cref="Features.All"/>.</summary>
    public EquatableArray<string> SupportedFeatures { get; init; } = Features.All;

    /// <summary>
    /// The policy kinds known beyond the standard ones (kinds registered in code). Policy CRDs in the input labelled
    /// <c>gateway.networking.k8s.io/policy</c> and the <see cref="Profile"/>'s kinds are always added.
    /// </summary>
    public PolicyKindRegistry PolicyKinds { get; init; } = PolicyKindRegistry.Standard;

    /// <summary>
    /// A known implementation's rules (<see cref="ImplementationProfile.EnvoyGateway"/>): its policy kinds are added to
    /// <see cref="PolicyKinds"/>, and its binding rules apply. Null for the spec's behaviour alone.
    /// </summary>
    public ImplementationProfile? Profile { get; init; }

    /// <summary>
    /// Whether to write the optional target status of GEP-713 (Experimental, a SHOULD): a condition
    /// <c>&lt;policy group&gt;/&lt;PolicyKind&gt;Affected</c> (True, reason <c>PolicyAffected</c>, the policies named in the
    /// message) on each GatewayClass, Gateway, ListenerSet or route a policy of that kind applies to, or on the listener
    /// entry for a listener-sectioned policy; a route's goes on each of its parent entries (a route has no conditions of
    /// its own). Off by default, so the statuses are the spec's and the implementations' without it.
    /// </summary>
    public bool AffectedConditions { get; init; }

    /// <summary>
    /// How many threads an evaluation may use: −1 (the default) for as many as the machine has processors
    /// (<see cref="Environment.ProcessorCount"/>), 1 to evaluate on the calling thread alone, or any other positive
    /// number as a limit. Routes are bound, and their policy contexts folded, on that many threads when there are enough
    /// of them to share; the result is the same, byte for byte, whatever the value and the threads' timing (each route's
    /// result is placed by its position, what routes share is counted afterwards in the serial order, and a fold state
    /// two threads reach is kept once). A policy kind with a <see cref="PolicyKindDefinition.CustomMerger"/>
    /// keeps the fold on the calling thread. Must be −1 or at least 1.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary><see cref="MaxDegreeOfParallelism"/> with −1 resolved to the processor count.</summary>
    internal int EffectiveDegreeOfParallelism => MaxDegreeOfParallelism == -1 ? Environment.ProcessorCount : MaxDegreeOfParallelism;

    /// <summary>The policy kinds in effect: <see cref="PolicyKinds"/> plus the profile's.</summary>
    internal PolicyKindRegistry EffectivePolicyKinds => Profile is null ? PolicyKinds : PolicyKinds.With(Profile.PolicyKinds);

    /// <summary>
    /// Every problem of these options, in field order: a controller name that is not a
    /// domain-prefixed path or is repeated, a feature that is not one of <see cref="Features.All"/> or is repeated, a
    /// null registry or profile kind, policy kind definitions that cannot work (no targets, a keyed patch without
    /// keys, a custom strategy without a merger), and a degree of parallelism that is neither −1 nor positive. Empty
    /// when the options are valid.
    /// </summary>
    /// <returns>One message per problem, naming the field and the value.</returns>
    public EquatableArray<string> Validate()
    {
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in ControllerNames)
        {
            // GatewayController (apis/v1/shared_types.go): the pattern the GatewayClass reader checks, at most 253 characters.
            if (name is null || name.Length > 253 || !Patterns.IsDomainPrefixedPath(name))
            {
                problems.Add($"ControllerNames: \"{name}\" is not a domain-prefixed path of at most 253 characters, such as example.com/gateway-controller.");
            }
            else if (!names.Add(name))
            {
                problems.Add($"ControllerNames: \"{name}\" is given more than once.");
            }
        }

        var features = new HashSet<string>(StringComparer.Ordinal);
        foreach (var feature in SupportedFeatures)
        {
            if (feature is null || !Features.All.Contains(feature, StringComparer.Ordinal))
            {
                problems.Add($"SupportedFeatures: \"{feature}\" is not a feature this engine implements; use names from Features.All.");
            }
            else if (!features.Add(feature))
            {
                problems.Add($"SupportedFeatures: \"{feature}\" is given more than once.");
            }
        }

        if (PolicyKinds is null)
        {
            problems.Add("PolicyKinds is null; leave it unset for the standard kinds.");
        }
        else
        {
            foreach (var kind in PolicyKinds.Kinds)
            {
                problems.AddRange(kind.Problems().Select(p => $"PolicyKinds: {p}"));
            }
        }

        if (Profile is not null)
        {
            foreach (var kind in Profile.PolicyKinds)
            {
                problems.AddRange(kind is null ? [$"Profile {Profile.Name}: a policy kind is null."] : kind.Problems().Select(p => $"Profile {Profile.Name}: {p}"));
            }
        }

        if (MaxDegreeOfParallelism is 0 or < -1)
        {
            problems.Add($"MaxDegreeOfParallelism: {MaxDegreeOfParallelism} is not a number of threads; use -1 for every processor, 1 for the calling thread alone, or a larger limit.");
        }

        return problems.ToEquatableArray();
    }
}
