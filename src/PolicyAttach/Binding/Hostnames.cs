using PolicyAttach.Collections;

namespace PolicyAttach.Binding;

/// <summary>
/// Hostname intersection between a listener and a route (spec digest §4.3): a <c>*.</c> wildcard covers one or more
/// labels and never the bare suffix; the intersection of two wildcards is the more specific one.
/// </summary>
internal static class Hostnames
{
    /// <summary>The hostname that stands for "any host" in results.</summary>
    public const string Any = "*";

    /// <summary>Whether <paramref name="host"/> (precise) is covered by <paramref name="pattern"/> (precise or wildcard).</summary>
    /// <param name="pattern">A hostname, possibly <c>*.suffix</c>.</param>
    /// <param name="host">A precise hostname.</param>
    /// <returns>True when they are equal or the wildcard covers the host.</returns>
    public static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> host)
    {
        if (pattern.Length >= 2 && pattern[0] == '*' && pattern[1] == '.')
        {
            var suffix = pattern[1..];
            return host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
        }

        return pattern.Equals(host, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The hostname a route hostname contributes on a listener, or null when they do not intersect. A null listener
    /// hostname matches everything.
    /// </summary>
    /// <param name="listener">The listener hostname, or null.</param>
    /// <param name="route">A route hostname.</param>
    /// <returns>The intersection, or null.</returns>
    public static string? Intersect(string? listener, string route)
    {
        if (listener is null)
        {
            return route;
        }

        var listenerWild = IsWildcard(listener);
        var routeWild = IsWildcard(route);
        if (!listenerWild && !routeWild)
        {
            return string.Equals(listener, route, StringComparison.OrdinalIgnoreCase) ? route : null;
        }

        if (listenerWild && !routeWild)
        {
            return Matches(listener, route) ? route : null;
        }

        if (!listenerWild)
        {
            return Matches(route, listener) ? listener : null;
        }

        // Both wildcards: one must be a suffix domain of the other; keep the longer (more specific) one.
        if (string.Equals(listener, route, StringComparison.OrdinalIgnoreCase))
        {
            return route;
        }

        if (route.Length > listener.Length && route.AsSpan(1).EndsWith(listener.AsSpan(1), StringComparison.OrdinalIgnoreCase))
        {
            return route;
        }

        if (listener.Length > route.Length && listener.AsSpan(1).EndsWith(route.AsSpan(1), StringComparison.OrdinalIgnoreCase))
        {
            return listener;
        }

        return null;
    }

    /// <summary>
    /// Every hostname served for a route on a listener. A route without hostnames serves the listener's hostname
    /// (or <see cref="Any"/>). An empty result means no intersection.
    /// </summary>
    /// <param name="listener">The listener hostname, or null.</param>
    /// <param name="routeHostnames">The route's hostnames.</param>
    /// <returns>The intersections, in route order, without duplicates.</returns>
    public static IReadOnlyList<string> IntersectAll(string? listener, IReadOnlyList<string> routeHostnames)
    {
        if (routeHostnames.Count == 0)
        {
            return [listener ?? Any];
        }

        var result = new List<string>(routeHostnames.Count);
        foreach (var host in routeHostnames)
        {
            var hit = Intersect(listener, host);
            if (hit is not null && !result.Contains(hit, StringComparer.Ordinal))
            {
                result.Add(hit);
            }
        }

        return result;
    }

    /// <summary>Whether any route hostname intersects the listener hostname; does not allocate.</summary>
    /// <param name="listener">The listener hostname, or null.</param>
    /// <param name="routeHostnames">The route's hostnames; none means every hostname.</param>
    /// <returns>True when the route serves at least one hostname on the listener.</returns>
    public static bool AnyIntersect(string? listener, EquatableArray<string> routeHostnames)
    {
        if (listener is null || routeHostnames.IsEmpty)
        {
            return true;
        }

        foreach (var host in routeHostnames.AsSpan())
        {
            if (Intersect(listener, host) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a hostname starts with the <c>*.</c> wildcard label.</summary>
    /// <param name="hostname">A hostname.</param>
    /// <returns>True for a wildcard.</returns>
    public static bool IsWildcard(string hostname) => hostname.StartsWith("*.", StringComparison.Ordinal);
}
