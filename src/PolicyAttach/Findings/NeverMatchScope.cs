using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Findings;

/// <summary>
/// Which Gateways the never-matching analysis (<see cref="NeverMatchingRules"/>) must compile, found without compiling
/// any table. A match can never win in a place it is served only when an earlier match there has a path that contains
/// its path, or when a more specific listener takes the place's hosts. Here every listener a route attached to, and
/// every hostname bucket there, is a possible place; a Gateway is suspect when one of its places holds two matches
/// whose paths could stand in that relation, a GRPCRoute, or a bucket whose hosts another listener of the same port
/// might take. Each test is a necessary condition of the exact one (methods, headers and queries are not looked at),
/// so a Gateway that is not suspect has no match that never wins. The scope is the suspect Gateways and every Gateway
/// that shares a route with one, transitively: the analysis of those tables alone then gives every route it reports
/// the same places, reasons and served matches as the analysis of all tables, and the routes left out have none to
/// report. Empty when no Gateway is suspect (the common case): then nothing is compiled.
/// </summary>
internal static class NeverMatchScope
{
    /// <summary>The Gateways whose precedence tables the analysis needs; empty when it would find nothing.</summary>
    /// <param name="result">The evaluation.</param>
    /// <returns>The Gateways' keys.</returns>
    public static IReadOnlySet<ResourceKey> Owners(EvaluationResult result)
    {
        // The listeners of each Gateway, its ListenerSets' included whatever their state; a name given twice by one
        // owner makes the Gateway suspect (which of the two a table keeps is not guessed here).
        var gateways = new Dictionary<ResourceKey, int>();
        var parents = new List<int>();
        var suspect = new HashSet<int>();
        var listeners = new Dictionary<(ResourceKey Owner, string Name), (ResourceKey Gateway, ListenerResult Listener)>();
        var byGateway = new Dictionary<ResourceKey, List<ListenerResult>>();
        void AddListeners(ResourceKey gateway, EquatableArray<ListenerResult> owned)
        {
            if (!byGateway.TryGetValue(gateway, out var all))
            {
                byGateway[gateway] = all = [];
            }

            foreach (var listener in owned)
            {
                all.Add(listener);
                if (!listeners.TryAdd((listener.Owner, listener.Name), (gateway, listener)))
                {
                    suspect.Add(Index(gateways, parents, gateway));
                }
            }
        }

        foreach (var gateway in result.Gateways)
        {
            AddListeners(gateway.Gateway.Key, gateway.Listeners);
        }

        foreach (var set in result.ListenerSets)
        {
            AddListeners(set.Parent, set.Listeners);
        }

        // Every listener's attachments (route and hostname, each pair once), and the Gateways that share a route (a
        // union-find over Gateways).
        var attached = new Dictionary<(ResourceKey Owner, string Name), List<(HttpRoute Route, string Hostname)>>();
        foreach (var route in result.Routes)
        {
            var first = -1;
            var traffic = route.Route.Definition.Traffic;
            foreach (var parent in route.Parents)
            {
                foreach (var verdict in parent.AttachedListeners)
                {
                    if (!verdict.Attached)
                    {
                        continue;
                    }

                    var gateway = Index(gateways, parents, result.GatewayOf(verdict.Owner));
                    first = first < 0 ? gateway : Union(parents, first, gateway);
                    if (traffic == RouteTraffic.Grpc)
                    {
                        // gRPC matches are not looked at here: their Gateways are analysed in full.
                        suspect.Add(gateway);
                    }
                    else if (traffic == RouteTraffic.Http && parent.IsAccepted)
                    {
                        var key = (verdict.Owner, verdict.ListenerName);
                        if (!attached.TryGetValue(key, out var list))
                        {
                            attached[key] = list = [];
                        }

                        var http = (HttpRoute)route.Route;
                        foreach (var hostname in verdict.Hostnames)
                        {
                            if (!Listed(list, http, hostname))
                            {
                                list.Add((http, hostname));
                            }
                        }
                    }
                }
            }
        }

        var paths = new PathIndex();
        foreach (var (key, list) in attached)
        {
            if (!listeners.TryGetValue(key, out var found) || TableCompiler.Family(found.Listener.Listener.Protocol) is not (ListenerFamily.Http or ListenerFamily.Https))
            {
                // Not in any table's HTTP listener groups: no place of the analysis.
                continue;
            }

            var gateway = Index(gateways, parents, found.Gateway);
            if (suspect.Contains(gateway))
            {
                continue;
            }

            list.Sort((x, y) => StringComparer.OrdinalIgnoreCase.Compare(x.Hostname, y.Hostname));
            for (var start = 0; start < list.Count;)
            {
                var end = start + 1;
                while (end < list.Count && string.Equals(list[end].Hostname, list[start].Hostname, StringComparison.OrdinalIgnoreCase))
                {
                    end++;
                }

                if (MayBeTaken(byGateway[found.Gateway], found.Listener, list[start].Hostname) || paths.MayShadow(list, start, end))
                {
                    suspect.Add(gateway);
                    break;
                }

                start = end;
            }
        }

        if (suspect.Count == 0)
        {
            return new HashSet<ResourceKey>();
        }

        var roots = suspect.Select(g => Find(parents, g)).ToHashSet();
        return gateways.Where(p => roots.Contains(Find(parents, p.Value))).Select(p => p.Key).ToHashSet();
    }

    /// <summary>
    /// Whether a listener other than <paramref name="listener"/> might receive hosts of the bucket. False only when it
    /// is the one listener of its port and protocol family (ListenerSets' included, whatever their state), or when the
    /// bucket is an exact hostname that no other listener of the port and family names or covers and none lacks a
    /// hostname: the listener that the most specific hostname selects is then this one or none.
    /// </summary>
    private static bool MayBeTaken(List<ListenerResult> listeners, ListenerResult listener, string bucket)
    {
        var port = listener.Listener.Port;
        var family = TableCompiler.Family(listener.Listener.Protocol);
        var exact = bucket != Hostnames.Any && !Hostnames.IsWildcard(bucket) && IsAscii(bucket);
        foreach (var other in listeners)
        {
            if (ReferenceEquals(other, listener) || other.Listener.Port != port || TableCompiler.Family(other.Listener.Protocol) != family)
            {
                continue;
            }

            if (!exact || other.Listener.Hostname is not { } hostname || !IsAscii(hostname))
            {
                return true;
            }

            var covers = Hostnames.IsWildcard(hostname)
                ? bucket.EndsWith(hostname.AsSpan(1), StringComparison.OrdinalIgnoreCase)
                : string.Equals(hostname, bucket, StringComparison.OrdinalIgnoreCase);
            if (covers)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the route's entries at the end of a listener's list already hold the hostname (two parentRefs to one listener).</summary>
    private static bool Listed(List<(HttpRoute Route, string Hostname)> list, HttpRoute route, string hostname)
    {
        for (var i = list.Count - 1; i >= 0 && ReferenceEquals(list[i].Route, route); i--)
        {
            if (string.Equals(list[i].Hostname, hostname, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAscii(string text) => System.Text.Ascii.IsValid(text);

    private static int Index(Dictionary<ResourceKey, int> gateways, List<int> parents, ResourceKey gateway)
    {
        if (!gateways.TryGetValue(gateway, out var index))
        {
            gateways[gateway] = index = parents.Count;
            parents.Add(index);
        }

        return index;
    }

    private static int Find(List<int> parents, int index)
    {
        while (parents[index] != index)
        {
            parents[index] = parents[parents[index]];
            index = parents[index];
        }

        return index;
    }

    private static int Union(List<int> parents, int a, int b)
    {
        var (x, y) = (Find(parents, a), Find(parents, b));
        if (x != y)
        {
            parents[Math.Max(x, y)] = Math.Min(x, y);
        }

        return Math.Min(x, y);
    }

    /// <summary>
    /// The paths of one bucket's matches, and whether one of them could come before another and contain it: an Exact
    /// path given twice; a PathPrefix whose prefix (trailing <c>/</c> removed) is the other's or one of its element
    /// prefixes and which is at least as long as written (a longer prefix as written comes first, and only a PathPrefix
    /// contains a PathPrefix); a regex given twice (a regex is after every Exact and PathPrefix, and contains another
    /// regex only when it is the same pattern). Reused across buckets.
    /// </summary>
    private sealed class PathIndex
    {
        private readonly Dictionary<string, int> _exact = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _regexes = new(StringComparer.Ordinal);

        // A normalized prefix: how many matches have it, and the longest of them as written.
        private readonly Dictionary<string, (int Count, int Longest)> _prefixes = new(StringComparer.Ordinal);

        public bool MayShadow(List<(HttpRoute Route, string Hostname)> bucket, int start, int end)
        {
            _exact.Clear();
            _regexes.Clear();
            _prefixes.Clear();
            for (var i = start; i < end; i++)
            {
                foreach (var rule in bucket[i].Route.Rules)
                {
                    if (rule.Matches.IsEmpty)
                    {
                        AddPrefix(HttpPathMatch.Default.Value);
                        continue;
                    }

                    foreach (var match in rule.Matches)
                    {
                        var path = match.Path;
                        switch (path.Type)
                        {
                            case PathMatchType.Exact:
                                _exact[path.Value] = _exact.GetValueOrDefault(path.Value) + 1;
                                break;
                            case PathMatchType.PathPrefix:
                                AddPrefix(path.Value);
                                break;
                            case PathMatchType.RegularExpression:
                                _regexes[path.Value] = _regexes.GetValueOrDefault(path.Value) + 1;
                                break;
                        }
                    }
                }
            }

            if (_exact.Values.Any(c => c > 1) || _regexes.Values.Any(c => c > 1))
            {
                return true;
            }

            foreach (var (prefix, (count, _)) in _prefixes)
            {
                if (count > 1)
                {
                    return true;
                }
            }

            if (_prefixes.Count < 2)
            {
                return false;
            }

#if NET9_0_OR_GREATER
            var lookup = _prefixes.GetAlternateLookup<ReadOnlySpan<char>>();
#endif
            foreach (var (prefix, (_, longest)) in _prefixes)
            {
                // Each prefix given once: is a shorter element prefix of it given, at least as long as written?
                for (var k = 0; k < prefix.Length; k++)
                {
                    if (k > 0 ? prefix[k] != '/' : prefix[0] != '/')
                    {
                        continue;
                    }

#if NET9_0_OR_GREATER
                    if (lookup.TryGetValue(prefix.AsSpan(0, k), out var outer) && outer.Longest >= longest)
#else
                    if (_prefixes.TryGetValue(prefix[..k], out var outer) && outer.Longest >= longest)
#endif
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private void AddPrefix(string value)
        {
            var prefix = HttpEntry.NormalizePrefix(value);
            var (count, longest) = _prefixes.GetValueOrDefault(prefix);
            _prefixes[prefix] = (count + 1, Math.Max(longest, value.Length));
        }
    }
}
