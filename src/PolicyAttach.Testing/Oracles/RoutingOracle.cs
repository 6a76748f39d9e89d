using System.Globalization;
using PolicyAttach.Collections;
using PolicyAttach.Matching;
using PolicyAttach.Model;

namespace PolicyAttach.Testing;

/// <summary>What <see cref="RoutingOracle.Compare"/> compares besides the outcome.</summary>
public sealed record RoutingComparisonOptions
{
    /// <summary>Everything: outcome, route, rule and backends.</summary>
    public static RoutingComparisonOptions Default { get; } = new();

    /// <summary>Whether to compare the route and rule that took the request (off for a data plane that cannot tell).</summary>
    public bool CompareRoute { get; init; } = true;

    /// <summary>Whether to compare the backends that may receive the request.</summary>
    public bool CompareBackends { get; init; } = true;
}

/// <summary>The engine's decision and an implementation's for one request, and how they differ.</summary>
/// <param name="Request">The request.</param>
/// <param name="Expected">The engine's decision (what <c>policyattach match</c> answers).</param>
/// <param name="Actual">The implementation's decision.</param>
/// <param name="Differences">One line per field that differs; empty when they agree.</param>
public sealed record RoutingComparison(TestRequest Request, RouteDecision Expected, RouteDecision Actual, EquatableArray<string> Differences)
{
    /// <summary>Whether the decisions agree on everything compared.</summary>
    public bool IsMatch => Differences.IsEmpty;

    /// <summary>The request, both decisions and the differences.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => IsMatch
        ? $"{Request}: {Actual}"
        : $"{Request}:\n  expected (policyattach match): {Expected}\n  actual:                        {Actual}\n  " + string.Join("\n  ", Differences);
}

/// <summary>
/// The engine as the oracle of routing: the decision <c>policyattach match</c> makes for a request on a world, and
/// its comparison with an implementation's.
/// </summary>
public static class RoutingOracle
{
    /// <summary>The engine's decision for a request (what <c>policyattach match</c> answers).</summary>
    /// <param name="world">The world.</param>
    /// <param name="request">The request.</param>
    /// <returns>The decision.</returns>
    public static RouteDecision Expected(TestWorld world, TestRequest request)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(request);
        switch (request.Target)
        {
            case RequestTarget.Ingress:
                return Decide(world.IngressRouting(request.Name).Match(request.ToView()));
            case RequestTarget.Service:
                if (world.Routing.FindService(request.TargetKey) is { } mesh && mesh.Match(request.ToView()) is { IsMeshDefault: false } outcome)
                {
                    return Decide(outcome);
                }

                // No route binds to the Service's port: a mesh sends the request to the Service itself.
                return world.Snapshot.Find<Service>(request.TargetKey) is null || request.IsStream
                    ? RouteDecision.NotRouted
                    : new RouteDecision { Outcome = MatchOutcomeKind.Routed, Backends = [new BackendTarget(request.Namespace, request.Name, request.Port)] };
            default:
                return world.Routing.FindGateway(request.TargetKey) is { } gateway ? Decide(gateway.Match(request.ToView())) : RouteDecision.NotRouted;
        }
    }

    /// <summary>Compares an implementation's decision with the engine's.</summary>
    /// <param name="world">The world.</param>
    /// <param name="request">The request.</param>
    /// <param name="actual">The implementation's decision.</param>
    /// <param name="options">What to compare besides the outcome; null for everything.</param>
    /// <returns>Both decisions and their differences.</returns>
    public static RoutingComparison Compare(TestWorld world, TestRequest request, RouteDecision actual, RoutingComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(actual);
        options ??= RoutingComparisonOptions.Default;
        var expected = Expected(world, request);
        var differences = new List<string>();
        if (expected.Outcome != actual.Outcome)
        {
            differences.Add($"outcome: expected {expected.Outcome}, got {actual.Outcome}");
        }

        if (options.CompareRoute && expected.Route != actual.Route)
        {
            differences.Add($"route: expected {Text(expected.Route)}, got {Text(actual.Route)}");
        }

        if (options.CompareRoute && expected.RuleIndex != actual.RuleIndex)
        {
            differences.Add($"rule: expected {Text(expected.RuleIndex)}, got {Text(actual.RuleIndex)}");
        }

        var actualBackends = actual.Backends.Order().ToEquatableArray();
        if (options.CompareBackends && !expected.Backends.Equals(actualBackends))
        {
            differences.Add($"backends: expected [{string.Join(", ", expected.Backends)}], got [{string.Join(", ", actualBackends)}]");
        }

        return new RoutingComparison(request, expected, actual, differences.ToEquatableArray());
    }

    private static RouteDecision Decide(MatchOutcome outcome) => new()
    {
        Outcome = outcome.Kind,
        Route = outcome.RouteKey,
        RuleIndex = outcome.RuleIndex >= 0 ? outcome.RuleIndex : null,
        Backends = outcome.Kind == MatchOutcomeKind.Routed
            ? [.. outcome.Backends.Where(b => b.IsValid && b.Weight > 0).Select(b => new BackendTarget(b.BackendRef.Namespace, b.BackendRef.Name, b.BackendRef.Port)).Distinct().Order()]
            : [],
    };

    private static string Text(ResourceKey? key) => key?.ToString() ?? "none";

    private static string Text(int? index) => index?.ToString(CultureInfo.InvariantCulture) ?? "none";
}
