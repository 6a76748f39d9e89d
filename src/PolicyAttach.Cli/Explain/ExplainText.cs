using System.Globalization;
using System.Text;
using PolicyAttach.Binding;
using PolicyAttach.Cli.Output;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Explain;

/// <summary>
/// Renders an explanation as readable text. Long lists (the routes a listener considered, the routes of a Gateway,
/// a route's listeners, a policy's targets) print their first entries and a line counting the rest, as
/// <see cref="ListLimit"/> says; with an output writer, the text is written while it is made.
/// </summary>
internal sealed class ExplainText
{
    private readonly ChunkedText _chunks;
    private readonly ListLimit _limit;

    private ExplainText(ListLimit limit, TextWriter? output)
    {
        _limit = limit;
        _chunks = new ChunkedText(output);
    }

    private StringBuilder Text => _chunks.Text;

    /// <summary>Renders any explanation, every entry of every list.</summary>
    /// <param name="explanation">A record from <see cref="ExplainBuilder"/>.</param>
    /// <returns>The text.</returns>
    public static string Write(object explanation) => Write(explanation, ListLimit.None);

    /// <summary>Renders any explanation.</summary>
    /// <param name="explanation">A record from <see cref="ExplainBuilder"/>.</param>
    /// <param name="limit">How many entries of each list to print.</param>
    /// <returns>The text.</returns>
    public static string Write(object explanation, ListLimit limit)
    {
        var writer = new ExplainText(limit, null);
        writer.Any(explanation);
        return writer._chunks.ToString();
    }

    /// <summary>Writes any explanation to a writer while it is made, with <c>\n</c> newlines.</summary>
    /// <param name="explanation">A record from <see cref="ExplainBuilder"/>.</param>
    /// <param name="limit">How many entries of each list to print.</param>
    /// <param name="output">Where to write.</param>
    public static void Write(object explanation, ListLimit limit, TextWriter output)
    {
        var writer = new ExplainText(limit, output);
        writer.Any(explanation);
        writer._chunks.Flush();
    }

    private void Any(object explanation)
    {
        switch (explanation)
        {
            case RouteExplanation route:
                Route(route);
                break;
            case GatewayExplanation gateway:
                Gateway(gateway);
                break;
            case ListenerSetExplanation set:
                ListenerSet(set);
                break;
            case GatewayClassExplanation cls:
                GatewayClass(cls);
                break;
            case PolicyExplanation policy:
                Policy(policy);
                break;
        }
    }

    /// <summary>The first entries of a list as the limit allows, and the line counting the rest.</summary>
    private IEnumerable<T> Limited<T>(IReadOnlyList<T> items, int indent, string what)
    {
        var shown = _limit.Shown(items.Count);
        for (var i = 0; i < shown; i++)
        {
            yield return items[i];
            _chunks.LineDone();
        }

        if (_limit.Rest(items.Count, what) is { } rest)
        {
            Line(indent, rest);
        }
    }

    private static string Controllers(IReadOnlyList<string> names)
        => names.Count == 0 ? "no controller (the input has no GatewayClass; give --controller-name)" : string.Join(", ", names);

    private void Line(int indent, string line) => Text.Append(' ', indent).Append(line).Append('\n');

    private void Conditions(IReadOnlyList<ConditionRecord> conditions, int indent)
    {
        if (conditions.Count == 0)
        {
            return;
        }

        Line(indent, "conditions:");
        ConditionText.AppendDetailed(Text, conditions.Select(c => c.ToCondition()), indent + 2);
    }

    private static string Hostnames(IReadOnlyList<string> hostnames) => hostnames.Count == 0 ? "*" : string.Join(", ", hostnames);

    private static string Parent(ParentRefRecord p) => ExplainRefs.Parent(new ParentReference
    {
        Group = p.Group, Kind = p.Kind, Namespace = p.Namespace, Name = p.Name, SectionName = p.SectionName, Port = p.Port,
    });

    private void Route(RouteExplanation route)
    {
        Line(0, route.Object.ToString());
        Line(2, "controller: " + Controllers(route.ControllerNames));
        Line(2, "hostnames: " + (route.Hostnames.Count == 0 ? "(none: every listener hostname)" : string.Join(", ", route.Hostnames)));
        if (route.Parents.Count == 0)
        {
            Line(2, "no parentRefs: the route attaches nowhere.");
        }

        if (!route.Managed)
        {
            Line(2, "no parentRef is managed by this controller: it writes no status for this route.");
        }

        foreach (var parent in route.Parents)
        {
            Line(2, string.Create(CultureInfo.InvariantCulture, $"parentRef {parent.Index}: {Parent(parent.ParentRef)}"));
            if (!parent.Managed)
            {
                Line(4, "not managed by this controller: " + (parent.Unmanaged ?? "missing parent, or another controller's class"));
                continue;
            }

            if (parent.Listeners.Count == 0)
            {
                Line(4, "no listener considered");
            }

            foreach (var verdict in Limited(parent.Listeners, 4, "listeners"))
            {
                var outcome = verdict.Attached ? "attached, hostnames " + Hostnames(verdict.Hostnames) : "not attached (" + verdict.Cause + ")";
                Line(4, $"listener {verdict.Listener} of {verdict.Owner}: {outcome}");
                Line(6, verdict.Message);
            }

            Conditions(parent.Conditions, 4);
        }

        if (route.Backends.Count > 0)
        {
            Line(2, "backends:");
        }

        foreach (var b in Limited(route.Backends, 4, "backends"))
        {
            var position = b.Mirror
                ? (b.Backend < 0 ? $"rule {b.Rule} mirror" : $"rule {b.Rule} backendRef {b.Backend} mirror")
                : $"rule {b.Rule} backendRef {b.Backend}";
            var port = b.Port is { } p ? " port " + p.ToString(CultureInfo.InvariantCulture) : string.Empty;
            var target = new ResourceKey(b.Group, b.Kind, b.Namespace, b.Name).ToString();
            var weight = b.Mirror ? string.Empty : " weight " + b.Weight.ToString(CultureInfo.InvariantCulture);
            Line(4, string.Create(CultureInfo.InvariantCulture, $"{position}: {target}{port}{weight}: ") + (b.Valid ? "resolved" : b.Reason + ": " + b.Message));
        }

        if (route.DroppedRules.Count > 0)
        {
            Line(2, "dropped rules (unsupported values): " + string.Join(", ", route.DroppedRules.Select(r => r.ToString(CultureInfo.InvariantCulture))));
        }

        Reaching(route.Policies);
    }

    private void Reaching(IReadOnlyList<ReachingPolicyRecord> policies)
    {
        if (policies.Count == 0)
        {
            return;
        }

        Line(2, "policies (see 'policyattach effective' for the values):");
        foreach (var p in Limited(policies, 4, "policies"))
        {
            Line(4, $"{p.Policy} at {(p.Levels.Count == 0 ? "no level" : string.Join(", ", p.Levels))}");
        }
    }

    private void Policy(PolicyExplanation policy)
    {
        Line(0, policy.Object.ToString());
        Line(2, "controller: " + Controllers(policy.ControllerNames));
        Line(2, policy.Class is null ? "kind: not a known policy kind" : $"kind: {policy.Class}, merge {policy.Strategy}");
        Line(2, policy.Targets.Count == 0 ? "targets: none" : "targets:");
        foreach (var t in Limited(policy.Targets, 4, "targets"))
        {
            var section = t.SectionName is null ? string.Empty : " sectionName=" + t.SectionName;
            var level = t.Level is null ? string.Empty : " (" + t.Level + ")";
            Line(4, $"{t.Target}{section}{level}: {t.Verdict}");
            Line(6, t.Message);
        }

        Line(2, policy.Ancestors.Count == 0 ? "ancestors: none (no status is written)" : "ancestors:");
        foreach (var a in Limited(policy.Ancestors, 4, "ancestors"))
        {
            Line(4, $"{Parent(a.AncestorRef)} ({a.ControllerName})");
            ConditionText.AppendDetailed(Text, a.Conditions.Select(c => c.ToCondition()), 6);
        }
    }

    private void Listeners(IReadOnlyList<ListenerRecord> listeners)
    {
        foreach (var l in Limited(listeners, 2, "listeners"))
        {
            Line(2, string.Create(CultureInfo.InvariantCulture, $"listener {l.Name} ({l.Protocol} port {l.Port}, hostname {l.Hostname ?? "*"}): {l.State}"));
            Line(4, "supported kinds: " + (l.SupportedKinds.Count == 0 ? "(none)" : string.Join(", ", l.SupportedKinds.Select(k => new GroupKind(k.Group, k.Kind).ToString()))));
            Line(4, "attached routes: " + l.AttachedRoutes.ToString(CultureInfo.InvariantCulture));
            Conditions(l.Conditions, 4);
            if (l.Routes.Count > 0)
            {
                Line(4, _limit.Shown(l.Routes.Count) < l.Routes.Count
                    ? $"routes considered: {Summary(l.Routes.Count, CountByCause(l.Routes))}; the first {_limit.Shown(l.Routes.Count):N0} in route key order:"
                    : "routes considered:");
            }

            foreach (var r in Limited(l.Routes, 6, "routes"))
            {
                var outcome = r.Attached ? "attached, hostnames " + Hostnames(r.Hostnames) : "not attached (" + r.Cause + ")";
                Line(6, string.Create(CultureInfo.InvariantCulture, $"{r.Route} parentRef {r.ParentIndex}: {outcome}"));
                Line(8, r.Message);
            }
        }
    }

    /// <summary>A count and its parts by name (ordinal order), such as <c>50,000 (Attached 781, HostnameMismatch 49,219)</c>.</summary>
    private static string Summary(int count, SortedDictionary<string, int> parts)
        => string.Create(CultureInfo.InvariantCulture, $"{count:N0} (")
            + string.Join(", ", parts.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:N0}"))) + ")";

    /// <summary>The verdicts of a listener's routes counted by cause, read without building each verdict's message.</summary>
    private static SortedDictionary<string, int> CountByCause(IReadOnlyList<RouteVerdictRecord> routes)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        if (routes is RouteVerdictList cells)
        {
            // Counted by value, then named: a name per cell (3.2 million for 50,000 routes on 64 listeners) and a
            // sorted insert for each cost more than the rest of the text.
            var byCause = new Dictionary<BindingCause, int>();
            foreach (var cause in cells.Causes())
            {
                byCause[cause] = byCause.GetValueOrDefault(cause) + 1;
            }

            foreach (var (cause, count) in byCause)
            {
                counts[cause.ToString()] = count;
            }
        }
        else
        {
            foreach (var r in routes)
            {
                counts[r.Cause] = counts.GetValueOrDefault(r.Cause) + 1;
            }
        }

        return counts;
    }

    private void AttachedRoutes(IReadOnlyList<AttachedRouteRecord> routes)
    {
        if (routes.Count > 0 && _limit.Shown(routes.Count) < routes.Count)
        {
            // Too many to read: how many are Accepted and of which kinds, before the first entries.
            var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var accepted = 0;
            foreach (var r in routes)
            {
                accepted += r.Accepted ? 1 : 0;
                counts[r.Route.Kind] = counts.GetValueOrDefault(r.Route.Kind) + 1;
            }

            var kinds = string.Join(", ", counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value:N0}")));
            Line(2, string.Create(CultureInfo.InvariantCulture,
                $"routes: {routes.Count:N0} ({accepted:N0} Accepted, {routes.Count - accepted:N0} not Accepted; {kinds}); the first {_limit.Shown(routes.Count):N0} in key order:"));
        }
        else
        {
            Line(2, routes.Count == 0 ? "routes: none names it as parent" : "routes:");
        }

        foreach (var r in Limited(routes, 4, "routes"))
        {
            var where = r.Listeners.Count == 0 ? "attached to no listener" : "attached to " + string.Join(", ", r.Listeners);
            Line(4, $"{r.Route}: {(r.Accepted ? "Accepted" : "not Accepted")}, {where}");
        }
    }

    private void Gateway(GatewayExplanation gateway)
    {
        Line(0, gateway.Object.ToString());
        Line(2, "controller: " + Controllers(gateway.ControllerNames));
        Line(2, "gatewayClassName: " + gateway.GatewayClassName);
        if (!gateway.Managed)
        {
            Line(2, "its class is not managed by this controller (or does not exist): no status is written.");
            return;
        }

        Conditions(gateway.Conditions, 2);
        Listeners(gateway.Listeners);
        Line(2, "attached ListenerSets: " + gateway.AttachedListenerSets.ToString(CultureInfo.InvariantCulture));
        foreach (var set in Limited(gateway.ListenerSets, 4, "ListenerSets"))
        {
            Line(4, $"{set.Object}: {(set.Accepted ? "Accepted" : "not Accepted")}, listeners {(set.Listeners.Count == 0 ? "(none)" : string.Join(", ", set.Listeners))}");
        }

        AttachedRoutes(gateway.Routes);
        Reaching(gateway.Policies);
    }

    private void ListenerSet(ListenerSetExplanation set)
    {
        Line(0, set.Object.ToString());
        Line(2, "controller: " + Controllers(set.ControllerNames));
        Line(2, "parent: " + Parent(set.Parent));
        if (!set.Managed)
        {
            Line(2, "its parent Gateway is not managed by this controller (or does not exist): no status is written.");
            return;
        }

        Conditions(set.Conditions, 2);
        Listeners(set.Listeners);
        AttachedRoutes(set.Routes);
        Reaching(set.Policies);
    }

    private void GatewayClass(GatewayClassExplanation cls)
    {
        Line(0, cls.Object.ToString());
        Line(2, "controller: " + Controllers(cls.ControllerNames));
        Line(2, "controllerName: " + cls.ControllerName + (cls.Managed ? string.Empty : " (not managed by this controller: no status is written)"));
        Conditions(cls.Conditions, 2);
        var shown = _limit.Shown(cls.Gateways.Count);
        Line(2, cls.Gateways.Count == 0 ? "gateways: none" : "gateways: " + string.Join(", ", cls.Gateways.Take(shown).Select(g => g.ToString()))
            + (_limit.Rest(cls.Gateways.Count, "Gateways") is { } rest ? " " + rest : string.Empty));
    }
}
