using PolicyAttach.Binding;
using PolicyAttach.Cli.Explain;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.Policies;

namespace PolicyAttach.Cli.Effective;

/// <summary>Collects the contexts of a target and the effective policies in each.</summary>
internal static class EffectiveBuilder
{
    /// <summary>Builds the report of a Gateway, ListenerSet, route or Service.</summary>
    /// <param name="result">The evaluation.</param>
    /// <param name="target">The object.</param>
    /// <param name="section">A listener name (Gateway, ListenerSet), rule name (route) or port name (Service), or null.</param>
    /// <param name="profile">The profile name given, or null.</param>
    /// <param name="report">The report.</param>
    /// <param name="error">The usage error: a kind with no context, or a section the object does not have.</param>
    /// <returns>Whether a report was built.</returns>
    public static bool TryBuild(EvaluationResult result, KubeObject target, string? section, string? profile, out EffectiveReport report, out string? error)
    {
        report = null!;
        error = null;
        var contexts = new List<EffectiveContextRecord>();
        switch (target)
        {
            case Gateway gateway:
                if (section is not null && !gateway.Listeners.Any(l => l.Name == section))
                {
                    error = NoSection(target, section, "listener", gateway.Listeners.Select(l => l.Name));
                    return false;
                }

                if (result.FindGateway(gateway.Key) is not null)
                {
                    contexts.Add(Context(result, gateway.Key, null, section, null, null, null));
                }

                break;
            case ListenerSet set:
                if (section is not null && !set.Listeners.Any(l => l.Name == section))
                {
                    error = NoSection(target, section, "listener", set.Listeners.Select(l => l.Name));
                    return false;
                }

                if (result.FindListenerSet(set.Key) is { } computed && result.FindGateway(computed.Parent) is not null)
                {
                    contexts.Add(Context(result, computed.Parent, set.Key, section, null, null, null));
                }

                break;
            case RouteBase route:
                var rules = Enumerable.Range(0, route.RuleCount).Select(i => new RuleRecord(i, route.RuleName(i))).ToList();
                if (section is not null && !rules.Any(r => r.Name == section))
                {
                    error = NoSection(target, section, "rule", rules.Where(r => r.Name is not null).Select(r => r.Name!));
                    return false;
                }

                foreach (var (gateway, set, listener) in Listeners(result, route.Key))
                {
                    var routeRef = ObjectRef.From(route.Key);
                    if (section is null)
                    {
                        contexts.Add(Context(result, gateway, set, listener, routeRef, null, null));
                    }

                    foreach (var rule in rules.Where(r => section is null || r.Name == section))
                    {
                        contexts.Add(Context(result, gateway, set, listener, routeRef, rule, null));
                    }
                }

                break;
            case Service service:
                if (section is not null && !service.Ports.Any(p => p.Name == section))
                {
                    error = NoSection(target, section, "port", service.Ports.Where(p => p.Name is not null).Select(p => p.Name!));
                    return false;
                }

                contexts.AddRange(Backends(result, service, section));
                break;
            default:
                error = $"{target.Key} is a {target.Kind}; effective covers Gateways, ListenerSets, routes and Services";
                return false;
        }

        var ordered = contexts.OrderBy(c => c.Gateway.ToKey()).ToList();
        report = new EffectiveReport(ObjectRef.From(target.Key), section, [.. result.Options.ControllerNames], profile, ordered);
        return true;
    }

    private static string NoSection(KubeObject target, string section, string what, IEnumerable<string> names)
    {
        var known = names.ToList();
        return $"{target.Key} has no {what} named '{section}'" + (known.Count == 0 ? $" (it has no named {what})" : $"; {what}s: {string.Join(", ", known)}");
    }

    /// <summary>The listeners a route is attached to through accepted parentRefs, each once, in parentRef then listener order.</summary>
    internal static List<(ResourceKey Gateway, ResourceKey? Set, string Listener)> Listeners(EvaluationResult result, ResourceKey route)
    {
        var found = new List<(ResourceKey, ResourceKey?, string)>();
        if (result.FindRoute(route) is not { } computed)
        {
            return found;
        }

        foreach (var parent in computed.Parents.Where(p => p.IsAccepted))
        {
            foreach (var verdict in parent.Listeners.Where(v => v.Attached))
            {
                var entry = Owner(result, verdict.Owner, verdict.ListenerName);
                if (entry is { } e && !found.Contains(e))
                {
                    found.Add(e);
                }
            }
        }

        return found;
    }

    /// <summary>The Gateway (and ListenerSet) of a listener owner.</summary>
    private static (ResourceKey Gateway, ResourceKey? Set, string Listener)? Owner(EvaluationResult result, ResourceKey owner, string listener)
    {
        if (result.FindGateway(owner) is not null)
        {
            return (owner, null, listener);
        }

        return result.FindListenerSet(owner) is { } set ? (set.Parent, owner, listener) : null;
    }

    /// <summary>Every rule that sends to the Service, through every listener its route is attached to, with the port.</summary>
    private static List<EffectiveContextRecord> Backends(EvaluationResult result, Service service, string? portName)
    {
        var contexts = new List<EffectiveContextRecord>();
        var seen = new HashSet<(ResourceKey, ResourceKey?, string, ResourceKey, int, int?)>();
        foreach (var route in result.Routes)
        {
            var uses = route.BackendRefs.Where(b => b.IsValid && !b.IsMirror && b.BackendRef.TargetKey == service.Key).ToList();
            if (uses.Count == 0)
            {
                continue;
            }

            foreach (var (gateway, set, listener) in Listeners(result, route.Route.Key))
            {
                foreach (var use in uses)
                {
                    var port = use.BackendRef.Port;
                    var name = port is { } p ? service.FindPort(p)?.Name : null;
                    if ((portName is not null && name != portName) || !seen.Add((gateway, set, listener, route.Route.Key, use.RuleIndex, port)))
                    {
                        continue;
                    }

                    var rule = new RuleRecord(use.RuleIndex, route.Route.RuleName(use.RuleIndex));
                    contexts.Add(Context(result, gateway, set, listener, ObjectRef.From(route.Route.Key), rule, new BackendPortRecord(ObjectRef.From(service.Key), port, name)));
                }
            }
        }

        return contexts;
    }

    private static EffectiveContextRecord Context(EvaluationResult result, ResourceKey gateway, ResourceKey? set, string? listener, ObjectRef? route, RuleRecord? rule, BackendPortRecord? backend)
    {
        var owner = set ?? gateway;
        var policies = result.Policies;
        var context = PolicyContext.ForGateway(owner);
        if (listener is not null)
        {
            context = context.WithListener(listener);
            if (route is not null)
            {
                context = context.WithRoute(route.ToKey());
                if (rule is not null)
                {
                    context = context.WithRule(rule.Name);
                    if (backend is not null)
                    {
                        context = context.WithBackend(backend.Service.ToKey(), backend.PortName);
                    }
                }
            }
        }

        var effective = policies.For(context);
        return new EffectiveContextRecord(ObjectRef.From(gateway), set is { } s ? ObjectRef.From(s) : null, listener, route, rule, backend,
            [.. effective.Kinds.Select(EffectivePolicyRecord.From)]);
    }
}
