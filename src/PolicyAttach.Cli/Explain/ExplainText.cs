using System.Globalization;
using System.Text;
using PolicyAttach.Cli.Output;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Explain;

/// <summary>Renders an explanation as readable text.</summary>
internal static class ExplainText
{
    /// <summary>Renders any explanation.</summary>
    /// <param name="explanation">A record from <see cref="ExplainBuilder"/>.</param>
    /// <returns>The text.</returns>
    public static string Write(object explanation)
    {
        var text = new StringBuilder();
        switch (explanation)
        {
            case RouteExplanation route:
                Route(text, route);
                break;
            case GatewayExplanation gateway:
                Gateway(text, gateway);
                break;
            case ListenerSetExplanation set:
                ListenerSet(text, set);
                break;
            case GatewayClassExplanation cls:
                GatewayClass(text, cls);
                break;
            case PolicyExplanation policy:
                Policy(text, policy);
                break;
        }

        return text.ToString();
    }

    private static string Controllers(IReadOnlyList<string> names)
        => names.Count == 0 ? "no controller (the input has no GatewayClass; give --controller-name)" : string.Join(", ", names);

    private static void Line(StringBuilder text, int indent, string line) => text.Append(' ', indent).Append(line).Append('\n');

    private static void Conditions(StringBuilder text, IReadOnlyList<ConditionRecord> conditions, int indent)
    {
        if (conditions.Count == 0)
        {
            return;
        }

        Line(text, indent, "conditions:");
        ConditionText.AppendDetailed(text, conditions.Select(c => c.ToCondition()), indent + 2);
    }

    private static string Hostnames(IReadOnlyList<string> hostnames) => hostnames.Count == 0 ? "*" : string.Join(", ", hostnames);

    private static string Parent(ParentRefRecord p) => ExplainRefs.Parent(new ParentReference
    {
        Group = p.Group, Kind = p.Kind, Namespace = p.Namespace, Name = p.Name, SectionName = p.SectionName, Port = p.Port,
    });

    private static void Route(StringBuilder text, RouteExplanation route)
    {
        Line(text, 0, route.Object.ToString());
        Line(text, 2, "controller: " + Controllers(route.ControllerNames));
        Line(text, 2, "hostnames: " + (route.Hostnames.Count == 0 ? "(none: every listener hostname)" : string.Join(", ", route.Hostnames)));
        if (route.Parents.Count == 0)
        {
            Line(text, 2, "no parentRefs: the route attaches nowhere.");
        }

        if (!route.Managed)
        {
            Line(text, 2, "no parentRef is managed by this controller: it writes no status for this route.");
        }

        foreach (var parent in route.Parents)
        {
            Line(text, 2, string.Create(CultureInfo.InvariantCulture, $"parentRef {parent.Index}: {Parent(parent.ParentRef)}"));
            if (!parent.Managed)
            {
                Line(text, 4, "not managed by this controller: " + (parent.Unmanaged ?? "missing parent, or another controller's class"));
                continue;
            }

            if (parent.Listeners.Count == 0)
            {
                Line(text, 4, "no listener considered");
            }

            foreach (var verdict in parent.Listeners)
            {
                var outcome = verdict.Attached ? "attached, hostnames " + Hostnames(verdict.Hostnames) : "not attached (" + verdict.Cause + ")";
                Line(text, 4, $"listener {verdict.Listener} of {verdict.Owner}: {outcome}");
                Line(text, 6, verdict.Message);
            }

            Conditions(text, parent.Conditions, 4);
        }

        if (route.Backends.Count > 0)
        {
            Line(text, 2, "backends:");
        }

        foreach (var b in route.Backends)
        {
            var position = b.Mirror
                ? (b.Backend < 0 ? $"rule {b.Rule} mirror" : $"rule {b.Rule} backendRef {b.Backend} mirror")
                : $"rule {b.Rule} backendRef {b.Backend}";
            var port = b.Port is { } p ? " port " + p.ToString(CultureInfo.InvariantCulture) : string.Empty;
            var target = new ResourceKey(b.Group, b.Kind, b.Namespace, b.Name).ToString();
            var weight = b.Mirror ? string.Empty : " weight " + b.Weight.ToString(CultureInfo.InvariantCulture);
            Line(text, 4, string.Create(CultureInfo.InvariantCulture, $"{position}: {target}{port}{weight}: ") + (b.Valid ? "resolved" : b.Reason + ": " + b.Message));
        }

        if (route.DroppedRules.Count > 0)
        {
            Line(text, 2, "dropped rules (unsupported values): " + string.Join(", ", route.DroppedRules.Select(r => r.ToString(CultureInfo.InvariantCulture))));
        }

        Reaching(text, route.Policies);
    }

    private static void Reaching(StringBuilder text, IReadOnlyList<ReachingPolicyRecord> policies)
    {
        if (policies.Count == 0)
        {
            return;
        }

        Line(text, 2, "policies (see 'policyattach effective' for the values):");
        foreach (var p in policies)
        {
            Line(text, 4, $"{p.Policy} at {(p.Levels.Count == 0 ? "no level" : string.Join(", ", p.Levels))}");
        }
    }

    private static void Policy(StringBuilder text, PolicyExplanation policy)
    {
        Line(text, 0, policy.Object.ToString());
        Line(text, 2, "controller: " + Controllers(policy.ControllerNames));
        Line(text, 2, policy.Class is null ? "kind: not a known policy kind" : $"kind: {policy.Class}, merge {policy.Strategy}");
        Line(text, 2, policy.Targets.Count == 0 ? "targets: none" : "targets:");
        foreach (var t in policy.Targets)
        {
            var section = t.SectionName is null ? string.Empty : " sectionName=" + t.SectionName;
            var level = t.Level is null ? string.Empty : " (" + t.Level + ")";
            Line(text, 4, $"{t.Target}{section}{level}: {t.Verdict}");
            Line(text, 6, t.Message);
        }

        Line(text, 2, policy.Ancestors.Count == 0 ? "ancestors: none (no status is written)" : "ancestors:");
        foreach (var a in policy.Ancestors)
        {
            Line(text, 4, $"{Parent(a.AncestorRef)} ({a.ControllerName})");
            ConditionText.AppendDetailed(text, a.Conditions.Select(c => c.ToCondition()), 6);
        }
    }

    private static void Listeners(StringBuilder text, IReadOnlyList<ListenerRecord> listeners)
    {
        foreach (var l in listeners)
        {
            Line(text, 2, string.Create(CultureInfo.InvariantCulture, $"listener {l.Name} ({l.Protocol} port {l.Port}, hostname {l.Hostname ?? "*"}): {l.State}"));
            Line(text, 4, "supported kinds: " + (l.SupportedKinds.Count == 0 ? "(none)" : string.Join(", ", l.SupportedKinds.Select(k => new GroupKind(k.Group, k.Kind).ToString()))));
            Line(text, 4, "attached routes: " + l.AttachedRoutes.ToString(CultureInfo.InvariantCulture));
            Conditions(text, l.Conditions, 4);
            if (l.Routes.Count > 0)
            {
                Line(text, 4, "routes considered:");
            }

            foreach (var r in l.Routes)
            {
                var outcome = r.Attached ? "attached, hostnames " + Hostnames(r.Hostnames) : "not attached (" + r.Cause + ")";
                Line(text, 6, string.Create(CultureInfo.InvariantCulture, $"{r.Route} parentRef {r.ParentIndex}: {outcome}"));
                Line(text, 8, r.Message);
            }
        }
    }

    private static void AttachedRoutes(StringBuilder text, IReadOnlyList<AttachedRouteRecord> routes)
    {
        Line(text, 2, routes.Count == 0 ? "routes: none names it as parent" : "routes:");
        foreach (var r in routes)
        {
            var where = r.Listeners.Count == 0 ? "attached to no listener" : "attached to " + string.Join(", ", r.Listeners);
            Line(text, 4, $"{r.Route}: {(r.Accepted ? "Accepted" : "not Accepted")}, {where}");
        }
    }

    private static void Gateway(StringBuilder text, GatewayExplanation gateway)
    {
        Line(text, 0, gateway.Object.ToString());
        Line(text, 2, "controller: " + Controllers(gateway.ControllerNames));
        Line(text, 2, "gatewayClassName: " + gateway.GatewayClassName);
        if (!gateway.Managed)
        {
            Line(text, 2, "its class is not managed by this controller (or does not exist): no status is written.");
            return;
        }

        Conditions(text, gateway.Conditions, 2);
        Listeners(text, gateway.Listeners);
        Line(text, 2, "attached ListenerSets: " + gateway.AttachedListenerSets.ToString(CultureInfo.InvariantCulture));
        foreach (var set in gateway.ListenerSets)
        {
            Line(text, 4, $"{set.Object}: {(set.Accepted ? "Accepted" : "not Accepted")}, listeners {(set.Listeners.Count == 0 ? "(none)" : string.Join(", ", set.Listeners))}");
        }

        AttachedRoutes(text, gateway.Routes);
        Reaching(text, gateway.Policies);
    }

    private static void ListenerSet(StringBuilder text, ListenerSetExplanation set)
    {
        Line(text, 0, set.Object.ToString());
        Line(text, 2, "controller: " + Controllers(set.ControllerNames));
        Line(text, 2, "parent: " + Parent(set.Parent));
        if (!set.Managed)
        {
            Line(text, 2, "its parent Gateway is not managed by this controller (or does not exist): no status is written.");
            return;
        }

        Conditions(text, set.Conditions, 2);
        Listeners(text, set.Listeners);
        AttachedRoutes(text, set.Routes);
        Reaching(text, set.Policies);
    }

    private static void GatewayClass(StringBuilder text, GatewayClassExplanation cls)
    {
        Line(text, 0, cls.Object.ToString());
        Line(text, 2, "controller: " + Controllers(cls.ControllerNames));
        Line(text, 2, "controllerName: " + cls.ControllerName + (cls.Managed ? string.Empty : " (not managed by this controller: no status is written)"));
        Conditions(text, cls.Conditions, 2);
        Line(text, 2, cls.Gateways.Count == 0 ? "gateways: none" : "gateways: " + string.Join(", ", cls.Gateways.Select(g => g.ToString())));
    }
}
