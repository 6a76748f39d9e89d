using System.Globalization;
using PolicyAttach.Binding;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Findings;

/// <summary>One match of a rule (the match index is −1 for a rule without matches, which matches everything).</summary>
/// <param name="Route">The route.</param>
/// <param name="RuleIndex">The rule's index in the route.</param>
/// <param name="MatchIndex">The match's index in the rule.</param>
internal readonly record struct MatchSite(ResourceKey Route, int RuleIndex, int MatchIndex);

/// <summary>What <see cref="NeverMatchingRules.Analyze"/> found.</summary>
/// <param name="Served">Every match served through some listener of a Gateway.</param>
/// <param name="Never">The served matches that never win, with the reason in each place they are served.</param>
internal sealed record NeverMatchAnalysis(IReadOnlySet<MatchSite> Served, IReadOnlyDictionary<MatchSite, IReadOnlyList<NeverReason>> Never);

/// <summary>Why a match never wins in one place it is served: the match that takes its requests, or the listener that takes its hosts.</summary>
/// <param name="Listener">The listener (owner and name) it is served through.</param>
/// <param name="Hostname">The hostname bucket (<c>*</c> for any host).</param>
/// <param name="Shadower">The match of higher precedence that matches every request it matches, or null.</param>
/// <param name="TakenBy">The more specific listener that receives every host of the bucket, or null.</param>
internal readonly record struct NeverReason((ResourceKey Owner, string Name) Listener, string Hostname, MatchSite? Shadower, (ResourceKey Owner, string Name)? TakenBy);

/// <summary>
/// Matches that can never be the answer, computed exactly from the compiled Gateway tables and the precedence they
/// encode (spec digest §9.2, §10): for every listener and hostname bucket a match is served in, either a match
/// earlier in the bucket's precedence order matches every request it matches (decided exactly: path Exact and
/// PathPrefix containment on whole elements, method, every header and query condition; a regex only by testing it on
/// an exact value or by being the same pattern), or the bucket's hosts are all taken by a more specific listener on
/// the same port. Where containment cannot be decided (a regex against a prefix or another regex), the match is not
/// reported: never a guess. HTTPRoute and GRPCRoute matches on Gateways are analysed; mesh tables are not.
/// </summary>
internal static class NeverMatchingRules
{
    /// <summary>The matches served on Gateways, and those that never win with the reason in every place they are served.</summary>
    /// <param name="table">The compiled tables.</param>
    /// <param name="result">The evaluation the tables were compiled from.</param>
    /// <returns>The analysis.</returns>
    public static NeverMatchAnalysis Analyze(RoutingTable table, EvaluationResult result)
    {
        var sites = new Dictionary<MatchSite, SiteState>();
        var shadowCache = new Dictionary<HttpCandidate[], int[]>(ReferenceEqualityComparer.Instance);
        foreach (var gateway in result.Gateways)
        {
            if (table.FindGateway(gateway.Gateway.Key) is not { } gatewayTable)
            {
                continue;
            }

            foreach (var (_, family, listeners) in gatewayTable.ListenerGroups())
            {
                if (family is not (ListenerFamily.Http or ListenerFamily.Https))
                {
                    continue;
                }

                foreach (var listener in Tables(listeners))
                {
                    var id = (listener.Listener.Owner, listener.Listener.Name);
                    if (listener.Http is { } http)
                    {
                        foreach (var (hostname, routes) in Buckets(http))
                        {
                            var takenBy = TakenBy(listeners, listener, hostname);
                            var shadowers = takenBy is null ? Shadowers(routes.Candidates, shadowCache) : null;
                            for (var i = 0; i < routes.Candidates.Length; i++)
                            {
                                var site = new MatchSite(routes.Rules[i].Route.Key, routes.Candidates[i].RuleIndex, routes.Candidates[i].MatchIndex);
                                var shadower = shadowers is null || shadowers[i] < 0
                                    ? (MatchSite?)null
                                    : new MatchSite(routes.Rules[shadowers[i]].Route.Key, routes.Candidates[shadowers[i]].RuleIndex, routes.Candidates[shadowers[i]].MatchIndex);
                                Record(sites, site, takenBy is not null || shadower is not null ? new NeverReason(id, hostname, shadower, takenBy) : null);
                            }
                        }
                    }

                    if (listener.Grpc is { } grpc)
                    {
                        foreach (var (hostname, entries) in Buckets(grpc))
                        {
                            var takenBy = TakenBy(listeners, listener, hostname);
                            for (var i = 0; i < entries.Length; i++)
                            {
                                var shadower = takenBy is null ? FirstGrpcShadower(entries, i) : -1;
                                var site = Site(entries[i]);
                                Record(sites, site, takenBy is not null || shadower >= 0
                                    ? new NeverReason(id, hostname, shadower >= 0 ? Site(entries[shadower]) : null, takenBy)
                                    : null);
                            }
                        }
                    }
                }
            }
        }

        return new NeverMatchAnalysis(
            sites.Keys.ToHashSet(),
            sites.Where(p => p.Value.AlwaysNever).ToDictionary(p => p.Key, p => (IReadOnlyList<NeverReason>)p.Value.Reasons));
    }

    private static MatchSite Site(GrpcEntry entry) => new(entry.Rule.Route.Key, entry.Rule.Index, entry.MatchIndex);

    private sealed class SiteState
    {
        public bool AlwaysNever { get; set; } = true;

        public List<NeverReason> Reasons { get; } = [];
    }

    private static void Record(Dictionary<MatchSite, SiteState> sites, MatchSite site, NeverReason? reason)
    {
        if (!sites.TryGetValue(site, out var state))
        {
            sites[site] = state = new SiteState();
        }

        if (reason is { } r)
        {
            state.Reasons.Add(r);
        }
        else
        {
            state.AlwaysNever = false;
        }
    }

    private static IEnumerable<ListenerTable> Tables(HostTiers<ListenerTable> listeners)
        => listeners.Patterns.Select(p => p.Value).Concat(listeners.HasAny ? [listeners.Any] : []).Distinct();

    /// <summary>The hostname buckets of a listener: each pattern, then <c>*</c> for the catch-all.</summary>
    private static IEnumerable<(string Hostname, T Value)> Buckets<T>(HostTiers<T> tiers)
    {
        foreach (var (pattern, value) in tiers.Patterns)
        {
            yield return (pattern, value);
        }

        if (tiers.HasAny)
        {
            yield return (Hostnames.Any, tiers.Any);
        }
    }

    /// <summary>
    /// The listener that receives every host of a bucket instead of <paramref name="listener"/>, or null when some host
    /// of the bucket reaches it. Listeners of a port are chosen by the most specific hostname: exact, then the longest
    /// wildcard, then the one without a hostname (spec digest §4.4).
    /// </summary>
    private static (ResourceKey Owner, string Name)? TakenBy(HostTiers<ListenerTable> listeners, ListenerTable listener, string bucket)
    {
        ListenerTable? chosen;
        if (bucket == Hostnames.Any)
        {
            // A host no listener hostname matches (a single label) reaches the catch-all listener.
            chosen = listeners.HasAny ? listeners.Any : null;
        }
        else if (!Hostnames.IsWildcard(bucket))
        {
            chosen = listeners.Best(bucket);
        }
        else
        {
            // A host of a fresh label under the wildcard: no exact listener has it; the longest wildcard listener
            // that covers the whole bucket takes it, else the catch-all.
            var suffix = bucket[2..];
            chosen = listeners.Patterns
                .Where(p => Hostnames.IsWildcard(p.Key) && Covers(p.Key[2..], suffix))
                .OrderByDescending(p => p.Key.Length)
                .Select(p => p.Value)
                .FirstOrDefault() ?? (listeners.HasAny ? listeners.Any : null);
        }

        return chosen is null || ReferenceEquals(chosen, listener) ? null : (chosen.Listener.Owner, chosen.Listener.Name);
    }

    /// <summary>Whether every host under <c>*.inner</c> is under <c>*.outer</c>.</summary>
    private static bool Covers(string outer, string inner)
        => string.Equals(outer, inner, StringComparison.OrdinalIgnoreCase)
        || inner.EndsWith("." + outer, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// For each candidate, the position of the first earlier candidate that subsumes it, or −1; cached per shared
    /// shape. Earlier candidates are indexed by their path predicate as the scan goes, so that only those whose path
    /// can contain the candidate's are compared: an Exact of the same value, a PathPrefix that is one of the path's
    /// element prefixes, or a regex. Bounded work: near-linear unless many candidates share one path.
    /// </summary>
    private static int[] Shadowers(HttpCandidate[] candidates, Dictionary<HttpCandidate[], int[]> cache)
    {
        if (cache.TryGetValue(candidates, out var known))
        {
            return known;
        }

        var result = new int[candidates.Length];
        var exact = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var prefixes = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var regexes = new List<int>();
        var possible = new List<int>();
        for (var i = 0; i < candidates.Length; i++)
        {
            result[i] = -1;
            var inner = candidates[i];
            if (Analyzable(inner))
            {
                possible.Clear();
                var path = inner.PathType switch
                {
                    PathMatchType.Exact => (string)inner.PathPredicate!,
                    PathMatchType.PathPrefix => inner.Prefix!,
                    _ => null,
                };
                if (inner.PathType == PathMatchType.Exact && exact.TryGetValue(path!, out var same))
                {
                    possible.AddRange(same);
                }

                if (path is not null)
                {
                    foreach (var prefix in ElementPrefixes(path))
                    {
                        if (prefixes.TryGetValue(prefix, out var outers))
                        {
                            possible.AddRange(outers);
                        }
                    }
                }

                if (inner.PathType is PathMatchType.Exact or PathMatchType.RegularExpression)
                {
                    possible.AddRange(regexes);
                }

                possible.Sort();
                foreach (var j in possible)
                {
                    if (Subsumes(candidates[j], inner))
                    {
                        result[i] = j;
                        break;
                    }
                }
            }

            var index = inner.PathType switch
            {
                PathMatchType.Exact => Bucket(exact, (string)inner.PathPredicate!),
                PathMatchType.PathPrefix => Bucket(prefixes, inner.Prefix!),
                PathMatchType.RegularExpression => regexes,
                _ => null,
            };
            index?.Add(i);
        }

        cache[candidates] = result;
        return result;
    }

    private static List<int> Bucket(Dictionary<string, List<int>> index, string key)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        return list;
    }

    /// <summary>The normalized prefixes a PathPrefix match of which covers <paramref name="path"/>: each run up to a <c>/</c>, and the whole.</summary>
    private static IEnumerable<string> ElementPrefixes(string path)
    {
        if (path.Length == 0 || path[0] == '/')
        {
            yield return string.Empty;
        }

        for (var k = 1; k < path.Length; k++)
        {
            if (path[k] == '/')
            {
                yield return path[..k];
            }
        }

        if (path.Length > 0)
        {
            yield return path;
        }
    }

    /// <summary>A match whose regex did not compile never matches for that reason alone: it is left to the reader's diagnostic.</summary>
    private static bool Analyzable(in HttpCandidate candidate)
        => candidate.PathPredicate is not MatchPattern { IsValid: false }
        && (candidate.Rest is null || (Valid(candidate.Rest.Headers) && Valid(candidate.Rest.Queries)));

    private static bool Valid(ValueCondition[]? conditions) => conditions is null || Array.TrueForAll(conditions, c => c.Regex is not { IsValid: false });

    /// <summary>Whether every request <paramref name="inner"/> matches, <paramref name="outer"/> matches too (exactly, or false when undecidable).</summary>
    internal static bool Subsumes(in HttpCandidate outer, in HttpCandidate inner)
        => PathSubsumes(outer, inner)
        && (outer.Rest?.Method is not { } method || string.Equals(method, inner.Rest?.Method, StringComparison.Ordinal))
        && ConditionsSubsume(outer.Rest?.Headers, inner.Rest?.Headers, StringComparison.OrdinalIgnoreCase)
        && ConditionsSubsume(outer.Rest?.Queries, inner.Rest?.Queries, StringComparison.Ordinal);

    private static bool PathSubsumes(in HttpCandidate outer, in HttpCandidate inner)
    {
        switch (outer.PathType)
        {
            case PathMatchType.Exact:
                return inner.PathType == PathMatchType.Exact && string.Equals((string)outer.PathPredicate!, (string)inner.PathPredicate!, StringComparison.Ordinal);
            case PathMatchType.PathPrefix:
                var prefix = outer.Prefix!;
                return inner.PathType switch
                {
                    PathMatchType.Exact => HttpEntry.PathPrefixMatches((string)inner.PathPredicate!, prefix),
                    PathMatchType.PathPrefix => HttpEntry.PathPrefixMatches(inner.Prefix!, prefix),
                    _ => false,
                };
            case PathMatchType.RegularExpression:
                var pattern = (MatchPattern)outer.PathPredicate!;
                return inner.PathType switch
                {
                    PathMatchType.Exact => pattern.IsMatch((string)inner.PathPredicate!),
                    PathMatchType.RegularExpression => ReferenceEquals(pattern, inner.PathPredicate),
                    _ => false,
                };
            default:
                return false;
        }
    }

    /// <summary>
    /// Whether every condition of <paramref name="outer"/> holds whenever those of <paramref name="inner"/> do: each
    /// needs a condition of <paramref name="inner"/> on the same name whose values it accepts (an exact value equal, or
    /// one its regex matches; a regex only the same pattern).
    /// </summary>
    private static bool ConditionsSubsume(ValueCondition[]? outer, ValueCondition[]? inner, StringComparison names)
    {
        if (outer is null)
        {
            return true;
        }

        foreach (var condition in outer)
        {
            var found = false;
            foreach (var candidate in inner ?? [])
            {
                if (string.Equals(condition.Name, candidate.Name, names) && ValueSubsumes(condition, candidate))
                {
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    private static bool ValueSubsumes(ValueCondition outer, ValueCondition inner) => outer.Regex is { } pattern
        ? inner.Regex is null ? pattern.IsMatch(inner.Value) : ReferenceEquals(pattern, inner.Regex)
        : inner.Regex is null && string.Equals(outer.Value, inner.Value, StringComparison.Ordinal);

    private static int FirstGrpcShadower(GrpcEntry[] entries, int index)
    {
        var inner = entries[index];
        if (inner.ServiceRegex is { IsValid: false } || inner.MethodRegex is { IsValid: false } || !Valid(inner.Headers))
        {
            return -1;
        }

        for (var j = 0; j < index; j++)
        {
            var outer = entries[j];
            if (NameSubsumes(outer.Service, outer.ServiceRegex, inner.Service, inner.ServiceRegex)
                && NameSubsumes(outer.Method, outer.MethodRegex, inner.Method, inner.MethodRegex)
                && ConditionsSubsume(outer.Headers.Length == 0 ? null : outer.Headers, inner.Headers, StringComparison.OrdinalIgnoreCase))
            {
                return j;
            }
        }

        return -1;
    }

    /// <summary>A gRPC service or method condition: unset accepts all; exact, a regex tested on it, or the same regex.</summary>
    private static bool NameSubsumes(string? outerValue, MatchPattern? outerRegex, string? innerValue, MatchPattern? innerRegex)
    {
        if (outerRegex is not null)
        {
            return innerRegex is null ? innerValue is not null && outerRegex.IsMatch(innerValue) : ReferenceEquals(outerRegex, innerRegex);
        }

        return outerValue is null || (innerRegex is null && string.Equals(outerValue, innerValue, StringComparison.Ordinal));
    }

    /// <summary>A match in words: <c>rule 1 (match 0) of HTTPRoute apps/store</c>.</summary>
    /// <param name="site">The match.</param>
    /// <param name="route">The route object, for the rule's name.</param>
    /// <returns>The text.</returns>
    public static string Describe(MatchSite site, RouteBase? route)
    {
        var rule = route?.RuleName(site.RuleIndex) is { } name
            ? string.Create(CultureInfo.InvariantCulture, $"rule {site.RuleIndex} ({name})")
            : string.Create(CultureInfo.InvariantCulture, $"rule {site.RuleIndex}");
        var match = site.MatchIndex >= 0 ? string.Create(CultureInfo.InvariantCulture, $" match {site.MatchIndex}") : string.Empty;
        return $"{rule}{match} of {site.Route.Kind} {site.Route.Namespace}/{site.Route.Name}";
    }
}
