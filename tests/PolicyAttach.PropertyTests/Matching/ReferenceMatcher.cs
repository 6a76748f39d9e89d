using System.Text.RegularExpressions;
using PolicyAttach.Binding;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.PropertyTests.Matching;

/// <summary>A plain request for the reference matcher.</summary>
public sealed record PlainRequest(int Port, string Method, string Host, string PathAndQuery, IReadOnlyList<(string Name, string Value)> Headers);

/// <summary>
/// What the reference matcher decides. <paramref name="Valid"/> spells, per backendRef of the chosen rule, whether it
/// may receive traffic (<c>1</c>) or not (<c>0</c>); empty when no rule is chosen.
/// </summary>
public sealed record ReferenceOutcome(string Kind, int Status, string? Listener, ResourceKey? Route, int Rule, int Match, string Valid = "");

/// <summary>
/// HTTPRoute matching written from the spec digest text as plainly as possible (§4.3, §4.4, §8, §9): pick the
/// listener, collect every (route, rule, match) that matches from every route attached to it, sort them with
/// one comparer, take the first. No index, no precomputation.
/// </summary>
public static class ReferenceMatcher
{
    private sealed record Candidate(RouteResult Route, string Hostname, int RuleIndex, int MatchIndex, HttpRouteMatch Match);

    public static ReferenceOutcome Match(EvaluationResult result, ResourceKey gatewayKey, PlainRequest request)
    {
        var host = request.Host;
        var colon = host.LastIndexOf(':');
        if (colon >= 0 && host[(colon + 1)..].All(char.IsAsciiDigit))
        {
            host = host[..colon];
        }

        var q = request.PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? request.PathAndQuery : request.PathAndQuery[..q];
        var query = q < 0 ? "" : request.PathAndQuery[(q + 1)..];

        // §4.4: listeners of the Gateway and of its accepted ListenerSets, Ready, on the port, protocol HTTP.
        var gateway = result.FindGateway(gatewayKey);
        if (gateway is null || !gateway.IsAccepted)
        {
            return new ReferenceOutcome("notRouted", 404, null, null, -1, -1);
        }

        var listeners = gateway.Listeners
            .Concat(result.ListenerSets.Where(s => s.Parent == gatewayKey && s.IsAccepted).SelectMany(s => s.Listeners))
            .Where(l => l.State == ListenerState.Ready && l.Listener.Port == request.Port && l.Listener.Protocol == "HTTP")
            .ToList();
        var listener = listeners.FirstOrDefault(l => l.Listener.Hostname is { } h && !h.StartsWith('*') && string.Equals(h, host, StringComparison.OrdinalIgnoreCase))
            ?? listeners.Where(l => l.Listener.Hostname is { } h && h.StartsWith('*') && Hostnames.Matches(h, host)).OrderByDescending(l => l.Listener.Hostname!.Length).FirstOrDefault()
            ?? listeners.FirstOrDefault(l => l.Listener.Hostname is null);
        if (listener is null)
        {
            return new ReferenceOutcome("notRouted", 404, null, null, -1, -1);
        }

        // §9.1: every rule of every HTTPRoute accepted on that listener whose hostnames there match the host.
        var candidates = new List<Candidate>();
        foreach (var route in result.Routes)
        {
            if (route.Route is not HttpRoute http)
            {
                continue;
            }

            var hostnames = route.Parents.Where(p => p.IsAccepted)
                .SelectMany(p => p.Listeners)
                .Where(v => v.Attached && v.Owner == listener.Owner && v.ListenerName == listener.Name)
                .SelectMany(v => v.Hostnames)
                .Where(h => h == "*" || Hostnames.Matches(h, host))
                .ToList();
            if (hostnames.Count == 0)
            {
                continue;
            }

            var best = hostnames.OrderByDescending(NonWildcardLength).ThenByDescending(HostLength).First();
            for (var r = 0; r < http.Rules.Count; r++)
            {
                if (route.DroppedRules.Contains(r))
                {
                    continue;
                }

                var matches = http.Rules[r].Matches.IsEmpty ? [HttpRouteMatch.Default] : http.Rules[r].Matches;
                for (var m = 0; m < matches.Count; m++)
                {
                    if (Matches(matches[m], request, path, query))
                    {
                        candidates.Add(new Candidate(route, best, r, m, matches[m]));
                    }
                }
            }
        }

        return Decide(candidates, listener.Name);
    }

    /// <summary>
    /// Mesh (GAMMA) matching of a request to a Service (spec digest §13), as plainly: the routes whose status says a
    /// Service parent is accepted, on the request's port (a parentRef without a port binds every port); consumer routes
    /// (in the client's namespace) replace the producer routes (in the Service's) when they bind the port; no route on
    /// the port keeps the mesh's default; hostnames are ignored; the precedence of §9.2 without hostnames.
    /// </summary>
    public static ReferenceOutcome MatchMesh(EvaluationResult result, ResourceKey serviceKey, PlainRequest request, string clientNamespace)
    {
        var q = request.PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? request.PathAndQuery : request.PathAndQuery[..q];
        var query = q < 0 ? "" : request.PathAndQuery[(q + 1)..];
        var service = result.Snapshot.Find<Service>(serviceKey);
        var bound = new List<RouteResult>();
        foreach (var route in result.Routes)
        {
            foreach (var parent in route.Parents.Where(p => p.IsAccepted && p.ParentRef.GroupKind == Kinds.Service && p.ParentRef.TargetKey == serviceKey))
            {
                var port = parent.ParentRef.Port
                    ?? (parent.ParentRef.SectionName is { } section ? service?.Ports.FirstOrDefault(p => p.Name == section)?.Port : null);
                if ((port is null || port == request.Port) && !bound.Contains(route))
                {
                    bound.Add(route);
                }
            }
        }

        var consumers = bound.Where(r => r.Route.Namespace != serviceKey.Namespace && r.Route.Namespace == clientNamespace).ToList();
        var routes = consumers.Count > 0 ? consumers : bound.Where(r => r.Route.Namespace == serviceKey.Namespace).ToList();
        if (routes.Count == 0)
        {
            return new ReferenceOutcome("meshDefault", 200, null, null, -1, -1);
        }

        var candidates = new List<Candidate>();
        foreach (var route in routes)
        {
            if (route.Route is not HttpRoute http)
            {
                continue;
            }

            for (var r = 0; r < http.Rules.Count; r++)
            {
                if (route.DroppedRules.Contains(r))
                {
                    continue;
                }

                var matches = http.Rules[r].Matches.IsEmpty ? [HttpRouteMatch.Default] : http.Rules[r].Matches;
                for (var m = 0; m < matches.Count; m++)
                {
                    if (Matches(matches[m], request, path, query))
                    {
                        candidates.Add(new Candidate(route, "*", r, m, matches[m]));
                    }
                }
            }
        }

        return Decide(candidates, null);
    }

    /// <summary>The first candidate by precedence; its rule routes when the status calls a backend with weight valid (§8).</summary>
    private static ReferenceOutcome Decide(List<Candidate> candidates, string? listener)
    {
        if (candidates.Count == 0)
        {
            return new ReferenceOutcome("notRouted", 404, listener, null, -1, -1);
        }

        candidates.Sort(Precedence);
        var winner = candidates[0];
        var refs = winner.Route.BackendRefs.Where(b => !b.IsMirror && b.RuleIndex == winner.RuleIndex).OrderBy(b => b.BackendIndex).ToList();
        var valid = refs.Where(b => b.IsValid).Sum(b => (long)b.BackendRef.Weight);
        var bits = string.Concat(refs.Select(b => b.IsValid ? '1' : '0'));
        return valid == 0
            ? new ReferenceOutcome("noBackend", 500, listener, winner.Route.Route.Key, winner.RuleIndex, winner.MatchIndex, bits)
            : new ReferenceOutcome("routed", 200, listener, winner.Route.Route.Key, winner.RuleIndex, winner.MatchIndex, bits);
    }

    private static int NonWildcardLength(string h) => h.StartsWith('*') ? 0 : h.Length;

    private static int HostLength(string h) => h == "*" ? 0 : h.Length;

    private static int PathRank(PathMatchType t) => t == PathMatchType.Exact ? 0 : t == PathMatchType.PathPrefix ? 1 : 2;

    private static int HeaderCount(HttpRouteMatch m) => m.Headers.Select(h => h.Name.ToLowerInvariant()).Distinct().Count();

    private static int QueryCount(HttpRouteMatch m) => m.QueryParams.Select(h => h.Name).Distinct().Count();

    /// <summary>§9.2, in order, continuing on ties.</summary>
    private static int Precedence(Candidate x, Candidate y)
    {
        int[] xs =
        [
            -NonWildcardLength(x.Hostname), -HostLength(x.Hostname), PathRank(x.Match.Path.Type),
            x.Match.Path.Type == PathMatchType.PathPrefix ? -x.Match.Path.Value.Length : 0,
            x.Match.Method is null ? 1 : 0, -HeaderCount(x.Match), -QueryCount(x.Match),
        ];
        int[] ys =
        [
            -NonWildcardLength(y.Hostname), -HostLength(y.Hostname), PathRank(y.Match.Path.Type),
            y.Match.Path.Type == PathMatchType.PathPrefix ? -y.Match.Path.Value.Length : 0,
            y.Match.Method is null ? 1 : 0, -HeaderCount(y.Match), -QueryCount(y.Match),
        ];
        for (var i = 0; i < xs.Length; i++)
        {
            if (xs[i] != ys[i])
            {
                return xs[i].CompareTo(ys[i]);
            }
        }

        var c = x.Route.Route.Metadata.CreationTimestamp.CompareTo(y.Route.Route.Metadata.CreationTimestamp);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal($"{x.Route.Route.Namespace}/{x.Route.Route.Name}", $"{y.Route.Route.Namespace}/{y.Route.Route.Name}");
        if (c != 0)
        {
            return c;
        }

        return x.RuleIndex != y.RuleIndex ? x.RuleIndex.CompareTo(y.RuleIndex) : x.MatchIndex.CompareTo(y.MatchIndex);
    }

    private static bool Matches(HttpRouteMatch match, PlainRequest request, string path, string query)
    {
        var pathOk = match.Path.Type switch
        {
            PathMatchType.Exact => path == match.Path.Value,
            PathMatchType.PathPrefix => PrefixBySegments(match.Path.Value, path),
            PathMatchType.RegularExpression => FullMatch(match.Path.Value, path),
            _ => false,
        };
        if (!pathOk || (match.Method is not null && match.Method != request.Method))
        {
            return false;
        }

        var seenHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in match.Headers)
        {
            if (!seenHeaders.Add(h.Name))
            {
                continue;
            }

            var actual = request.Headers.Where(rh => string.Equals(rh.Name, h.Name, StringComparison.OrdinalIgnoreCase)).Select(rh => rh.Value).FirstOrDefault();
            if (actual is null || !(h.Type == StringMatchType.RegularExpression ? FullMatch(h.Value, actual) : actual == h.Value))
            {
                return false;
            }
        }

        var pairs = query.Length == 0 ? [] : query.Split('&').Select(p => p.Split('=', 2)).Select(p => (Name: p[0], Value: p.Length > 1 ? p[1] : "")).ToList();
        var seenQuery = new HashSet<string>(StringComparer.Ordinal);
        foreach (var qp in match.QueryParams)
        {
            if (!seenQuery.Add(qp.Name))
            {
                continue;
            }

            var found = pairs.Where(p => p.Name == qp.Name).Select(p => p.Value).FirstOrDefault();
            if (found is null || !(qp.Type == StringMatchType.RegularExpression ? FullMatch(qp.Value, found) : found == qp.Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>PathPrefix element by element; a trailing slash of the prefix is ignored.</summary>
    private static bool PrefixBySegments(string prefix, string path)
    {
        var p = prefix.TrimEnd('/').Split('/');
        var s = path.Split('/');
        if (p.Length > s.Length)
        {
            return false;
        }

        for (var i = 0; i < p.Length; i++)
        {
            if (p[i] != s[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool FullMatch(string pattern, string value)
    {
        try
        {
            return Regex.IsMatch(value, @"\A(?:" + pattern + @")\z", RegexOptions.CultureInvariant);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
