namespace PolicyAttach.Conversion;

/// <summary>Two matches whose first-match order Gateway API's precedence would reverse and no added match can restore.</summary>
/// <param name="EarlierRule">The rule that comes first in the source's order.</param>
/// <param name="Earlier">Its match.</param>
/// <param name="LaterRule">The later rule whose match Gateway API ranks higher.</param>
/// <param name="Later">That match.</param>
/// <param name="Why">Why no match can restore the order.</param>
internal sealed record OrderConflict(int EarlierRule, MatchSpec Earlier, int LaterRule, MatchSpec Later, string Why);

/// <summary>
/// Keeps a first-match rule list's meaning under Gateway API precedence. A source such as a VirtualService tries its
/// rules in order and the first that matches wins; an HTTPRoute ranks every match of every rule by precedence
/// (Exact path, longest prefix, method, header count, query count) and only then by rule order (spec digest §9.2).
/// Whenever a match <c>p</c> of a later rule outranks a match <c>m</c> of an earlier rule and both can match the same
/// request, the earlier rule also gets the match <c>m ∩ p</c>: it ranks at least as high as <c>p</c> (its path is the
/// more specific one, it has every method, header and query condition of both), and on a tie the earlier rule wins
/// by rule order. Added matches are themselves checked against later rules until nothing changes. Then, for every
/// request, the highest-ranked matching candidate belongs to the first rule whose original matches the request
/// matches: exactly the source's choice. A regular expression path ranks below every prefix, and its intersection
/// with a prefix is not one match: the later match's path is then written as the equivalent regular expression
/// (PathPrefix <c>/a</c> as <c>/a(/.*)?</c>), which ties on the path and leaves the order to the other criteria
/// and to rule order. Where the intersection is still not one match (two different regular expressions) or the
/// CRD's limits (64 matches per rule, 128 per route) are reached, the pair is returned as a conflict for the report.
/// </summary>
internal static class FirstMatchOrder
{
    /// <summary>The CRD's limit of matches in one rule.</summary>
    public const int MaxMatchesPerRule = 64;

    /// <summary>The CRD's limit of matches in one route (all rules).</summary>
    public const int MaxMatchesPerRoute = 128;

    /// <summary>Adds the matches that keep the first-match order; returns each rule's matches (originals first) and the conflicts.</summary>
    /// <param name="rules">Each rule's matches, rules in the source's order.</param>
    /// <param name="re2">The regex engine used to decide whether exact values satisfy patterns.</param>
    /// <param name="budget">The most matches the result may hold in total.</param>
    public static (List<List<MatchSpec>> Rules, List<OrderConflict> Conflicts) Preserve(IReadOnlyList<IReadOnlyList<MatchSpec>> rules, Re2Patterns re2, int budget = MaxMatchesPerRoute)
        => Preserve(rules, re2, budget, out _);

    /// <summary>As <see cref="Preserve(IReadOnlyList{IReadOnlyList{MatchSpec}}, Re2Patterns, int)"/>; also returns the rules whose paths were rewritten as regular expressions.</summary>
    public static (List<List<MatchSpec>> Rules, List<OrderConflict> Conflicts) Preserve(IReadOnlyList<IReadOnlyList<MatchSpec>> rules, Re2Patterns re2, int budget, out SortedSet<int> demoted)
    {
        demoted = [];
        var result = rules.Select(r => r.Distinct().ToList()).ToList();
        var conflicts = new List<OrderConflict>();
        var reported = new HashSet<(int, MatchSpec, int, MatchSpec)>();
        var total = result.Sum(r => r.Count);
        bool changed;
        do
        {
            changed = false;
            for (var i = 0; i < result.Count; i++)
            {
                for (var mi = 0; mi < result[i].Count; mi++)
                {
                    var m = result[i][mi];
                    for (var j = i + 1; j < result.Count; j++)
                    {
                        var later = result[j];
                        for (var pi = 0; pi < later.Count; pi++)
                        {
                            var p = later[pi];
                            if (MatchSpec.Precedence(p, m) <= 0)
                            {
                                continue;
                            }

                            var kind = MatchSpec.Intersect(m, p, re2, out var both);
                            if (kind == Intersection.Empty)
                            {
                                continue;
                            }

                            if (m.Path.Kind == PathKind.Regex && p.Path.Kind != PathKind.Regex && (kind == Intersection.Inexpressible || MatchSpec.Precedence(both!, p) < 0))
                            {
                                // Lower the later match to the regular-expression rank (same paths), then look again.
                                later[pi] = p with { Path = p.Path.AsRegex() };
                                demoted.Add(j);
                                changed = true;
                                pi--;
                                continue;
                            }

                            if (kind == Intersection.Inexpressible || MatchSpec.Precedence(both!, p) < 0)
                            {
                                if (reported.Add((i, m, j, p)))
                                {
                                    conflicts.Add(new OrderConflict(i, m, j, p, "no single HTTPRoute match expresses the requests both match"));
                                }

                                continue;
                            }

                            if (result[i].Contains(both!))
                            {
                                continue;
                            }

                            if (total >= budget || result[i].Count >= MaxMatchesPerRule)
                            {
                                if (reported.Add((i, m, j, p)))
                                {
                                    conflicts.Add(new OrderConflict(i, m, j, p, $"keeping the order needs more matches than an HTTPRoute allows ({MaxMatchesPerRule} per rule, {MaxMatchesPerRoute} per route)"));
                                }

                                continue;
                            }

                            result[i].Add(both!);
                            total++;
                            changed = true;
                        }
                    }
                }
            }
        }
        while (changed);

        return (result, conflicts);
    }
}
