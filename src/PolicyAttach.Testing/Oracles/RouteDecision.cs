using System.Globalization;
using System.Text;
using PolicyAttach.Collections;
using PolicyAttach.Matching;
using PolicyAttach.Model;

namespace PolicyAttach.Testing;

/// <summary>A backend a request may be forwarded to.</summary>
/// <param name="Namespace">The backend's namespace.</param>
/// <param name="Name">The backend's name.</param>
/// <param name="Port">The port, or null.</param>
public readonly record struct BackendTarget(string Namespace, string Name, int? Port) : IComparable<BackendTarget>
{
    /// <inheritdoc />
    public int CompareTo(BackendTarget other)
    {
        var c = string.CompareOrdinal(Namespace, other.Namespace);
        c = c != 0 ? c : string.CompareOrdinal(Name, other.Name);
        return c != 0 ? c : Nullable.Compare(Port, other.Port);
    }

    /// <summary>Ordinal less-than.</summary>
    public static bool operator <(BackendTarget left, BackendTarget right) => left.CompareTo(right) < 0;

    /// <summary>Ordinal less-than-or-equal.</summary>
    public static bool operator <=(BackendTarget left, BackendTarget right) => left.CompareTo(right) <= 0;

    /// <summary>Ordinal greater-than.</summary>
    public static bool operator >(BackendTarget left, BackendTarget right) => left.CompareTo(right) > 0;

    /// <summary>Ordinal greater-than-or-equal.</summary>
    public static bool operator >=(BackendTarget left, BackendTarget right) => left.CompareTo(right) >= 0;

    /// <summary><c>namespace/name:port</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Port is { } p ? $"{Namespace}/{Name}:{p.ToString(CultureInfo.InvariantCulture)}" : $"{Namespace}/{Name}";
}

/// <summary>
/// A routing decision for one request: what happened, which route rule took it, and the backends that may receive
/// it (valid, with a weight above 0). The engine's decision is <see cref="RoutingOracle.Expected"/>; an
/// implementation under test reports its own for <see cref="RoutingOracle.Compare"/>.
/// </summary>
public sealed record RouteDecision
{
    /// <summary>What happened.</summary>
    public required MatchOutcomeKind Outcome { get; init; }

    /// <summary>The route (or Ingress) that took the request, or null.</summary>
    public ResourceKey? Route { get; init; }

    /// <summary>The rule's position in the route, or null.</summary>
    public int? RuleIndex { get; init; }

    /// <summary>The backends that may receive the request (valid, weight above 0), in ordinal order.</summary>
    public EquatableArray<BackendTarget> Backends { get; init; } = [];

    /// <summary>Not routed: no listener or no rule matched.</summary>
    public static RouteDecision NotRouted { get; } = new() { Outcome = MatchOutcomeKind.NotRouted };

    /// <summary>Routed by a rule to backends.</summary>
    /// <param name="route">The route.</param>
    /// <param name="ruleIndex">The rule's position.</param>
    /// <param name="backends">The backends that may receive the request.</param>
    /// <returns>The decision.</returns>
    public static RouteDecision Routed(ResourceKey route, int ruleIndex, params BackendTarget[] backends)
        => new() { Outcome = MatchOutcomeKind.Routed, Route = route, RuleIndex = ruleIndex, Backends = [.. (backends ?? []).Order()] };

    /// <summary>Matched by a rule without a usable backend (500).</summary>
    /// <param name="route">The route.</param>
    /// <param name="ruleIndex">The rule's position.</param>
    /// <returns>The decision.</returns>
    public static RouteDecision NoBackend(ResourceKey route, int ruleIndex)
        => new() { Outcome = MatchOutcomeKind.NoBackend, Route = route, RuleIndex = ruleIndex };

    /// <summary>The decision in one line, such as <c>Routed by HTTPRoute/app/web rule 0 to app/svc:80</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder(Outcome.ToString());
        if (Route is { } route)
        {
            text.Append(" by ").Append(route);
        }

        if (RuleIndex is { } rule)
        {
            text.Append(" rule ").Append(rule.ToString(CultureInfo.InvariantCulture));
        }

        if (!Backends.IsEmpty)
        {
            text.Append(" to ").AppendJoin(", ", Backends);
        }

        return text.ToString();
    }
}
