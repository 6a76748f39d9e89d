using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Policies;
using PolicyAttach.References;

namespace PolicyAttach;

/// <summary>
/// Runs the pipeline over a snapshot: the references stage (the ReferenceGrant index, built once), binding (GatewayClass,
/// Gateway, ListenerSet and route statuses, with the binding verdict of every (route, parentRef, listener)), then
/// policy attachment; and builds the one immutable <see cref="EvaluationResult"/>. Pure and deterministic: the same
/// snapshot and options give an equal result (spec digest §4–§8, §14).
/// </summary>
public static class Evaluator
{
    /// <summary>Evaluates a snapshot.</summary>
    /// <param name="snapshot">The input objects.</param>
    /// <param name="options">The controller names, features, policy kinds and profile.</param>
    /// <returns>The immutable result.</returns>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem (<see cref="EvaluationOptions.Validate"/>).</exception>
    public static EvaluationResult Evaluate(Snapshot snapshot, EvaluationOptions options) => EvaluateBelow(snapshot, options, null);

    /// <summary>
    /// Evaluates a snapshot; with <paramref name="above"/>, the fold states of its Gateways, ListenerSets and listeners
    /// are taken from that resolution instead of being folded (a session's step: the snapshot holds the few routes it
    /// evaluates again and the policies below their listeners, not the policies above, which did not change).
    /// </summary>
    internal static EvaluationResult EvaluateBelow(Snapshot snapshot, EvaluationOptions options, PolicyResolution? above)
    {
        Guard.NotNull(snapshot);
        Guard.NotNull(options);
        var problems = options.Validate();
        if (!problems.IsEmpty)
        {
            throw new ArgumentException("The evaluation options are invalid:" + string.Concat(problems.Select(p => "\n- " + p)), nameof(options));
        }

        var references = new ReferenceIndex(snapshot);

        // Policies are attached before binding (that needs no binding), so that the binder resolves backends with the
        // BackendTLSPolicy verdicts and builds every route status once; folding and policy statuses follow binding.
        var policies = PolicyEngine.Attach(snapshot, references, options.EffectivePolicyKinds);
        var binding = Binder.Bind(snapshot, references, BindingOptionsOf(options), policies.BackendTls);
        return new EvaluationResult(options, binding, policies.Resolve(binding, above, options.EffectiveDegreeOfParallelism));
    }

    /// <summary>
    /// The binding of a snapshot's Gateways (it holds none of the routes), and the given routes' previous results judged
    /// again on the listeners of those Gateways that differ from their previous results, every other cell kept (a
    /// session's step when only listeners changed; <see cref="Binder.Rejudge"/>). No policy is attached: the listeners'
    /// hostnames, ports and allowed routes are read by no policy, and the caller keeps the previous resolution. Null when
    /// the cells kept would not hold.
    /// </summary>
    internal static (BindingResult Binding, RouteResult[] Routes)? Rejudge(Snapshot snapshot, EvaluationOptions options, IReadOnlyDictionary<ResourceKey, GatewayResult> previous,
        IReadOnlyList<RouteResult> routes)
        => Binder.Rejudge(snapshot, new ReferenceIndex(snapshot), BindingOptionsOf(options), previous, routes);

    /// <summary>
    /// The policy stage alone over a snapshot whose binding results are given (a session's step that judged them
    /// already: they are what binding the snapshot gives), folding only below the listeners, from the fold states of
    /// <paramref name="above"/> (<see cref="EvaluateBelow"/>).
    /// </summary>
    internal static EvaluationResult ResolveBelow(Snapshot snapshot, EvaluationOptions options, EquatableArray<GatewayClassResult> classes, IEnumerable<GatewayResult> gateways,
        IEnumerable<RouteResult> routes, PolicyResolution above)
    {
        var references = new ReferenceIndex(snapshot);
        var policies = PolicyEngine.Attach(snapshot, references, options.EffectivePolicyKinds);
        var binding = new BindingResult(snapshot, options.ControllerNames, classes, gateways.OrderBy(g => g.Gateway.Key).ToEquatableArray(), [], routes.OrderBy(r => r.Route.Key).ToEquatableArray());
        return new EvaluationResult(options, binding, policies.Resolve(binding, above, options.EffectiveDegreeOfParallelism));
    }

    private static BindingOptions BindingOptionsOf(EvaluationOptions options)
        => new(options.ControllerNames, options.SupportedFeatures, options.Profile?.TlsTerminateAcceptsTcpRoute ?? false, options.Profile?.Conditions ?? BindingConvention.Spec,
            options.EffectiveDegreeOfParallelism);
}
