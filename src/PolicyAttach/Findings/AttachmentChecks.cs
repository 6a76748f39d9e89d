using System.Globalization;
using System.Text;
using PolicyAttach.Binding;
using PolicyAttach.Model;

namespace PolicyAttach.Findings;

/// <summary>
/// Routes and listeners that do not carry traffic: a route attached nowhere (PA3101) or through only some of its
/// parentRefs (PA3102), each with every listener's verdict; route hostnames no attached listener serves (PA3103);
/// listeners in conflict (PA3104).
/// </summary>
internal static class AttachmentChecks
{
    public static void Run(FindingContext context)
    {
        foreach (var route in context.Result.Routes)
        {
            Attachment(context, route);
            HostnamesServed(context, route);
        }

        Conflicts(context);
    }

    private static bool IsMesh(RouteParentResult parent) => parent.ParentRef.GroupKind == Kinds.Service;

    private static bool Attached(RouteParentResult parent) => IsMesh(parent) ? parent.IsAccepted : parent.AttachedListeners.Count > 0;

    private static void Attachment(FindingContext context, RouteResult route)
    {
        // Most routes attach through every parentRef: nothing to report, and nothing to allocate.
        var all = true;
        foreach (var parent in route.Parents)
        {
            all &= Attached(parent);
        }

        if (all)
        {
            return;
        }

        var key = route.Route.Key;
        var considered = route.Parents.Where(p => !context.BrokenParentRefs.Contains((key, p.ParentIndex))).ToList();
        if (considered.Count == 0)
        {
            return;
        }

        var refused = considered.Where(p => !Attached(p)).ToList();
        if (refused.Count == 0)
        {
            return;
        }

        if (refused.Count == considered.Count && route.Parents.All(p => !Attached(p)))
        {
            var text = new StringBuilder($"{route.Route.Kind} {key.Namespace}/{key.Name} attached to no listener, so it serves no traffic:");
            foreach (var parent in refused)
            {
                text.Append(' ').Append(Verdicts(parent));
            }

            context.Add(FindingCodes.RouteNotAttached, key, "spec.parentRefs", text.ToString());
            return;
        }

        foreach (var parent in refused)
        {
            context.Add(FindingCodes.ParentRefNotAttached, key, string.Create(CultureInfo.InvariantCulture, $"spec.parentRefs[{parent.ParentIndex}]"),
                $"this parentRef attached to no listener (the route attached through its other parentRefs): {Verdicts(parent)}");
        }
    }

    /// <summary>"Gateway infra/web: listener http: hostname ...; listener https: ...".</summary>
    private static string Verdicts(RouteParentResult parent)
    {
        var text = new StringBuilder();
        text.Append(parent.ParentRef.Kind).Append(' ').Append(parent.ParentRef.Namespace).Append('/').Append(parent.ParentRef.Name).Append(": ");
        if (IsMesh(parent))
        {
            var accepted = parent.Conditions.FirstOrDefault(c => c.Type == ConditionType.Accepted);
            return text.Append(accepted is null ? "not accepted." : $"{accepted.Reason}: {accepted.Message}").ToString();
        }

        var verdicts = parent.Listeners;
        if (verdicts.Count == 0)
        {
            var accepted = parent.Conditions.FirstOrDefault(c => c.Type == ConditionType.Accepted && !c.IsTrue);
            return text.Append(accepted is null ? "no listener considered it." : $"{accepted.Reason}: {accepted.Message}").ToString();
        }

        text.Append(string.Join("; ", verdicts.Select(v => $"listener {v.ListenerName}: {v.Cause} ({v.Message.TrimEnd('.')})")));
        return text.Append('.').ToString();
    }

    private static void HostnamesServed(FindingContext context, RouteResult route)
    {
        var hostnames = route.Route.Hostnames;
        List<ListenerVerdict>? attached = null;
        string? listeners = null;
        string? served = null;
        for (var i = 0; i < hostnames.Count; i++)
        {
            var hostname = hostnames[i];
            // Most hostnames are served: that is found without allocating, and the lists are made only to report.
            if (Served(route, hostname))
            {
                continue;
            }

            attached ??= route.Parents.Where(p => !IsMesh(p)).SelectMany(p => p.AttachedListeners).ToList();
            if (attached.Count == 0)
            {
                return;
            }

            listeners ??= string.Join(", ", attached.Select(v => $"{v.Owner.Kind} {v.Owner.Namespace}/{v.Owner.Name} listener {v.ListenerName}").Distinct(StringComparer.Ordinal));
            served ??= string.Join(", ", attached.SelectMany(v => v.Hostnames).Distinct(StringComparer.OrdinalIgnoreCase));
            context.Add(FindingCodes.HostnameNotServed, route.Route.Key, string.Create(CultureInfo.InvariantCulture, $"spec.hostnames[{i}]"),
                $"hostname {hostname} is served by none of the listeners the route attached to ({listeners}, serving {served}); requests for it are not routed here. Remove it, or add a listener whose hostname covers it.");
        }
    }

    /// <summary>Whether a listener the route attached to (as a Gateway route, not a mesh one) serves a hostname.</summary>
    private static bool Served(RouteResult route, string hostname)
    {
        foreach (var parent in route.Parents)
        {
            if (IsMesh(parent))
            {
                continue;
            }

            foreach (var verdict in parent.AttachedListeners)
            {
                foreach (var s in verdict.Hostnames)
                {
                    if (Hostnames.Intersect(s, hostname) is not null)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static void Conflicts(FindingContext context)
    {
        var owners = context.Result.Gateways.Select(g => (Key: g.Gateway.Key, Spec: g.Gateway.Listeners, Results: g.Listeners))
            .Concat(context.Result.ListenerSets.Select(s => (Key: s.ListenerSet.Key, Spec: s.ListenerSet.Listeners, Results: s.Listeners)));
        foreach (var (key, spec, results) in owners)
        {
            foreach (var listener in results)
            {
                if (listener.Conditions.FirstOrDefault(c => c.Type == ConditionType.Conflicted && c.IsTrue) is not { } conflicted)
                {
                    continue;
                }

                var index = spec.ToList().FindIndex(l => l.Name == listener.Name);
                context.Add(FindingCodes.ListenerConflict, key, index < 0 ? "spec.listeners" : string.Create(CultureInfo.InvariantCulture, $"spec.listeners[{index}]"),
                    $"listener {listener.Name} is in conflict ({conflicted.Reason}): {conflicted.Message.TrimEnd('.')}. It is not programmed; give the listeners distinct hostnames or ports.");
            }
        }
    }
}
