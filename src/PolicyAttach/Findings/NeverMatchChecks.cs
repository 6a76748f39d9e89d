using System.Globalization;
using PolicyAttach.Binding;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Findings;

/// <summary>
/// Rules that can never match (PA3201), single matches that can never match (PA3202) and routes none of whose rules
/// can (PA3203), from <see cref="NeverMatchingRules"/>. A route reported whole is not reported rule by rule, nor a rule
/// match by match.
/// </summary>
internal static class NeverMatchChecks
{
    private const int PlacesShown = 2;

    public static void Run(FindingContext context, RoutingTable table)
    {
        var analysis = NeverMatchingRules.Analyze(table, context.Result);
        if (analysis.Never.Count == 0)
        {
            return;
        }

        foreach (var byRoute in analysis.Served.GroupBy(s => s.Route).OrderBy(g => g.Key))
        {
            var route = context.Snapshot.Find<RouteBase>(byRoute.Key);
            var sites = byRoute.ToList();
            if (sites.TrueForAll(analysis.Never.ContainsKey))
            {
                context.Add(FindingCodes.RouteNeverMatches, byRoute.Key, "spec.rules",
                    $"no rule of {byRoute.Key.Kind} {byRoute.Key.Namespace}/{byRoute.Key.Name} can ever match: {Why(context, sites, analysis)}. Remove the route, or make its matches more specific than the ones named.");
                continue;
            }

            foreach (var byRule in sites.GroupBy(s => s.RuleIndex).OrderBy(g => g.Key))
            {
                var ruleSites = byRule.OrderBy(s => s.MatchIndex).ToList();
                if (ruleSites.TrueForAll(analysis.Never.ContainsKey))
                {
                    context.Add(FindingCodes.RuleNeverMatches, byRoute.Key, string.Create(CultureInfo.InvariantCulture, $"spec.rules[{byRule.Key}]"),
                        $"{NeverMatchingRules.Describe(ruleSites[0] with { MatchIndex = -1 }, route)} can never match: {Why(context, ruleSites, analysis)}. Make it more specific than the rule named (a longer path, a method, more headers), or remove it.");
                    continue;
                }

                foreach (var site in ruleSites.Where(analysis.Never.ContainsKey))
                {
                    context.Add(FindingCodes.MatchNeverMatches, byRoute.Key, string.Create(CultureInfo.InvariantCulture, $"spec.rules[{site.RuleIndex}].matches[{site.MatchIndex}]"),
                        $"{NeverMatchingRules.Describe(site, route)} can never match: {Why(context, [site], analysis)}. Remove the match, or make it more specific.");
                }
            }
        }
    }

    /// <summary>The reasons, distinct, the first few in full: "on listener http of Gateway infra/web (host a.example.com), rule 0 of HTTPRoute apps/x matches every request it matches".</summary>
    private static string Why(FindingContext context, IReadOnlyList<MatchSite> sites, NeverMatchAnalysis analysis)
    {
        var reasons = sites.SelectMany(s => analysis.Never[s])
            .Select(r => Text(context, r))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var shown = string.Join("; ", reasons.Take(PlacesShown));
        return reasons.Count <= PlacesShown ? shown : string.Create(CultureInfo.InvariantCulture, $"{shown}; and {reasons.Count - PlacesShown} more");
    }

    private static string Text(FindingContext context, NeverReason reason)
    {
        var where = $"on listener {reason.Listener.Name} of {reason.Listener.Owner.Kind} {reason.Listener.Owner.Namespace}/{reason.Listener.Owner.Name}"
            + (reason.Hostname == Hostnames.Any ? string.Empty : $" (hostname {reason.Hostname})");
        if (reason.TakenBy is { } taken)
        {
            return $"{where}, every host goes to the more specific listener {taken.Name} of {taken.Owner.Kind} {taken.Owner.Namespace}/{taken.Owner.Name}";
        }

        var shadower = reason.Shadower!.Value;
        return $"{where}, {NeverMatchingRules.Describe(shadower, context.Snapshot.Find<RouteBase>(shadower.Route))} comes first and matches every request it matches";
    }
}
