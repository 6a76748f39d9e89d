using System.Runtime.CompilerServices;
using PolicyAttach.Binding;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Matching;

/// <summary>Which listener protocol a request looks for.</summary>
internal enum ListenerFamily
{
    Http,
    Https,
    Tls,
    Tcp,
    Udp,
}

/// <summary>The routes of one listener, indexed by hostname tier.</summary>
internal sealed class ListenerTable(ListenerResult listener)
{
    public ListenerResult Listener { get; } = listener;

    /// <summary>The listener's port, held here so that a match reads one object less.</summary>
    public int Port { get; } = listener.Listener.Port;

    public HostTiers<HostRoutes>? Http { get; set; }

    public HostTiers<GrpcEntry[]>? Grpc { get; set; }

    public HostTiers<StreamEntry[]>? Tls { get; set; }

    public StreamEntry? Stream { get; set; }

    public List<(CompiledRoute Route, List<string> Hostnames)> Attached { get; } = [];
}

/// <summary>The routes bound to one Service port for one group of clients (producer, or one consumer namespace).</summary>
internal sealed class MeshGroup
{
    /// <summary>The HTTPRoute candidates per port, in precedence order: the same flattened predicates a listener's hostname has.</summary>
    public required Dictionary<int, HostRoutes> HttpByPort { get; init; }

    public required HostRoutes HttpAllPorts { get; init; }

    public required Dictionary<int, GrpcEntry[]> GrpcByPort { get; init; }

    public required GrpcEntry[] GrpcAllPorts { get; init; }

    public HostRoutes Http(int port) => HttpByPort.TryGetValue(port, out var e) ? e : HttpAllPorts;

    public GrpcEntry[] Grpc(int port) => GrpcByPort.TryGetValue(port, out var e) ? e : GrpcAllPorts;

    /// <summary>The TCPRoute that takes a port's connections (the oldest), by port; a port not in the map has <see cref="TcpAllPorts"/>'s.</summary>
    public Dictionary<int, StreamEntry?> TcpByPort { get; init; } = [];

    public StreamEntry? TcpAllPorts { get; init; }

    public StreamEntry? Tcp(int port) => TcpByPort.TryGetValue(port, out var e) ? e : TcpAllPorts;
}

/// <summary>The hot path: scans candidate lists in precedence order and stops at the first match.</summary>
internal static class Matcher
{
    public static void MatchListener(ListenerTable lt, in RequestView request, MatchOutcome outcome, bool grpc)
    {
        var port = lt.Listener.Listener.Port;
        if (grpc)
        {
            var g = lt.Grpc is { } gt ? First(gt, request) : null;
            if (g is null)
            {
                outcome.SetNotRouted(lt.Listener, grpc: true, stream: false);
            }
            else
            {
                outcome.SetMatched(lt.Listener, port, g.Rule, g.MatchIndex, null, request, grpc: true, stream: false);
            }

            return;
        }

        MatchHttp(lt, request, outcome);
    }

    public static void MatchHttp(ListenerTable lt, in RequestView request, MatchOutcome outcome) => MatchHttp(lt, lt.Http, request, outcome);

    /// <summary>Matches HTTPRoutes on a listener whose routes (<see cref="ListenerTable.Http"/>) the caller holds.</summary>
    public static void MatchHttp(ListenerTable lt, HostTiers<HostRoutes>? http, in RequestView request, MatchOutcome outcome)
    {
        if (http is { } ht && First(ht, request, out var routes, out var index))
        {
            outcome.SetMatched(lt.Listener, lt.Port, in routes.Candidates[index], routes.Rules[index], request);
        }
        else
        {
            outcome.SetNotRouted(lt.Listener, grpc: false, stream: false);
        }
    }

    public static GrpcEntry? First(GrpcEntry[] entries, in RequestView request)
    {
        foreach (var e in entries)
        {
            if (e.Matches(request))
            {
                return e;
            }
        }

        return null;
    }

    /// <summary>
    /// The position of the first candidate of a list (a listener hostname's, or a mesh Service port's; in precedence
    /// order) that matches, or −1: the one HTTPRoute predicate of gateway and mesh matching.
    /// </summary>
    public static int First(HttpCandidate[] candidates, in RequestView request)
    {
        // Consecutive candidates often share a path (one route's matches differing in method, headers or query;
        // routes of many hostnames with the same paths): the path is compared once for a run of candidates with the
        // same (interned) path predicate, whether it matched or not.
        var path = request.Path;
        var matched = false;
        for (var i = 0; i < candidates.Length; i++)
        {
            ref readonly var c = ref candidates[i];
            if (i == 0 || !c.SamePath(in candidates[i - 1]))
            {
                matched = c.PathMatches(path);
            }

            if (matched && (c.Rest is null || c.Rest.Matches(request)))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The first matching candidate through the hostname tiers in precedence order (exact host, wildcards longest
    /// first, then the catch-all): the hostname's routes and the candidate's position.
    /// </summary>
    public static bool First(HostTiers<HostRoutes> tiers, in RequestView request, out HostRoutes routes, out int index)
    {
        var host = request.Host;
        if (tiers.TryExact(host, out routes) && (index = First(routes.Candidates, request)) >= 0)
        {
            return true;
        }

        var from = -1;
        while (tiers.TryNextWildcard(host, ref from, out routes))
        {
            if ((index = First(routes.Candidates, request)) >= 0)
            {
                return true;
            }
        }

        if (tiers.HasAny && (index = First((routes = tiers.Any).Candidates, request)) >= 0)
        {
            return true;
        }

        routes = default;
        index = -1;
        return false;
    }

    public static GrpcEntry? First(HostTiers<GrpcEntry[]> tiers, in RequestView request)
    {
        var host = request.Host;
        if (tiers.Exact(host) is { } exact && First(exact, request) is { } a)
        {
            return a;
        }

        var from = -1;
        while (tiers.NextWildcard(host, ref from) is { } wild)
        {
            if (First(wild, request) is { } b)
            {
                return b;
            }
        }

        return tiers.Any is { } any ? First(any, request) : null;
    }

    public static StreamEntry? First(HostTiers<StreamEntry[]> tiers, ReadOnlySpan<char> sni)
    {
        if (tiers.Exact(sni) is { Length: > 0 } exact)
        {
            return exact[0];
        }

        var from = -1;
        while (tiers.NextWildcard(sni, ref from) is { } wild)
        {
            if (wild.Length > 0)
            {
                return wild[0];
            }
        }

        return tiers.Any is { Length: > 0 } any ? any[0] : null;
    }
}
