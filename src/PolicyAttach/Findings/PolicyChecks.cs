using System.Globalization;
using PolicyAttach.Binding;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.Policies;

namespace PolicyAttach.Findings;

/// <summary>
/// Policies not in effect: a targetRef to a missing object or section (PA3301), a conflict lost (PA3302), every
/// field overridden wherever it reaches (PA3303), no context reached (PA3304), a target the controller refuses
/// (PA3305). Only policies of kinds the evaluation knows are checked.
/// </summary>
internal static class PolicyChecks
{
    public static void Run(FindingContext context)
    {
        var result = context.Result;
        var kinds = result.Options.EffectivePolicyKinds.WithCrds(context.Snapshot);
        Dictionary<ResourceKey, Use>? usage = null; // Computed when the first policy needs it: most inputs have none.
        var statuses = result.Policies.Statuses.ToDictionary(s => s.Policy.Key);
        foreach (var policy in context.Snapshot.Policies)
        {
            var key = policy.Key;
            if (kinds.Find(new GroupKind(key.Group, key.Kind)) is null)
            {
                continue;
            }

            var problems = Targets(context, policy);
            var conditions = statuses.TryGetValue(key, out var status)
                ? status.Ancestors.SelectMany(a => a.Conditions).Where(c => c.Type == ConditionType.Accepted && !c.IsTrue).ToList()
                : [];
            foreach (var condition in conditions.DistinctBy(c => (c.Reason, c.Message)))
            {
                var code = condition.Reason == ConditionReason.Conflicted ? FindingCodes.PolicyConflicted
                    : condition.Reason == ConditionReason.Invalid ? FindingCodes.PolicyInvalid
                    : null;
                if (code is not null)
                {
                    problems++;
                    context.Add(code, key, "spec.targetRefs", $"{condition.Message.TrimEnd('.')}; the policy does not apply there.");
                }
            }

            if (problems > 0 || conditions.Count > 0 || (policy.TargetRefs.Count == 0 && policy.TargetSelectors.Count == 0))
            {
                continue;
            }

            usage ??= Usage(result);
            usage.TryGetValue(key, out var use);
            if (!use.Appears)
            {
                context.Add(FindingCodes.PolicyNoContext, key, "spec.targetRefs",
                    $"{key.Kind} {key.Namespace}/{key.Name} reaches no traffic: none of its targets is in the routing of a Gateway of the controller (a route not attached, a Service no attached route sends to). Attach the target first, or retarget the policy.");
            }
            else if (!use.Sourced && use.Overridden)
            {
                context.Add(FindingCodes.PolicyOverridden, key, "spec",
                    $"{key.Kind} {key.Namespace}/{key.Name} changes nothing: every field it sets is overridden, wherever it reaches, by another policy. Remove it, or remove the overriding fields of the others.");
            }
        }
    }

    /// <summary>Reports targetRefs to missing objects or sections; returns how many.</summary>
    private static int Targets(FindingContext context, IPolicyObject policy)
    {
        var count = 0;
        for (var i = 0; i < policy.TargetRefs.Count; i++)
        {
            var target = policy.TargetRefs[i];
            var path = string.Create(CultureInfo.InvariantCulture, $"spec.targetRefs[{i}]");
            var what = $"{target.Kind} {target.Namespace}/{target.Name}";
            if (context.Snapshot.Find(target.TargetKey) is not { } found)
            {
                count++;
                context.Add(FindingCodes.PolicyTargetNotFound, policy.Key, path + ".name",
                    $"targetRef {what} does not exist, so the policy does not apply to it{context.CloseMatches(new GroupKind(target.Group, target.Kind), target.Namespace, target.Name)}.");
            }
            else if (target.SectionName is { } section && Sections(found) is { } sections && !sections.Contains(section, StringComparer.Ordinal))
            {
                count++;
                context.Add(FindingCodes.PolicyTargetNotFound, policy.Key, path + ".sectionName",
                    $"{what} has no section \"{section}\"; its sections are {(sections.Count == 0 ? "none" : string.Join(", ", sections))}.");
            }
        }

        return count;
    }

    private static List<string>? Sections(KubeObject target) => target switch
    {
        Gateway g => [.. g.Listeners.Select(l => l.Name)],
        ListenerSet s => [.. s.Listeners.Select(l => l.Name)],
        RouteBase r => [.. Enumerable.Range(0, r.RuleCount).Select(r.RuleName).OfType<string>()],
        Service s => [.. s.Ports.Select(p => p.Name).OfType<string>()],
        _ => null,
    };

    /// <summary>How a policy takes part in the effective policies of every context of the controller's Gateways.</summary>
    private readonly record struct Use(bool Appears, bool Sourced, bool Overridden);

    /// <remarks>
    /// Contexts that receive the same policies share one <see cref="EffectivePolicies"/> (and each kind's
    /// <see cref="EffectivePolicy"/>) by reference, so each is noted once: on 10,000 routes with 64 listeners, millions
    /// of contexts come down to the few thousand distinct folds. A route's rules and backends are read once, not once
    /// per listener.
    /// </remarks>
    private static Dictionary<ResourceKey, Use> Usage(EvaluationResult result)
    {
        var usage = new Dictionary<ResourceKey, Use>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        void Note(EffectivePolicies effective)
        {
            if (effective.Kinds.Count == 0 || !seen.Add(effective))
            {
                return;
            }

            foreach (var kind in effective.Kinds)
            {
                if (!seen.Add(kind))
                {
                    continue;
                }

                foreach (var policy in kind.Policies)
                {
                    usage[policy] = usage.GetValueOrDefault(policy) with { Appears = true };
                }

                foreach (var field in kind.Fields)
                {
                    usage[field.Source.Policy] = usage.GetValueOrDefault(field.Source.Policy) with { Appears = true, Sourced = true };
                    foreach (var overrode in field.Overrode)
                    {
                        usage[overrode.Policy] = usage.GetValueOrDefault(overrode.Policy) with { Appears = true, Overridden = true };
                    }
                }
            }
        }

        var policies = result.Policies;
        foreach (var (owner, listeners) in result.Gateways.Select(g => (g.Gateway.Key, g.Listeners)).Concat(result.ListenerSets.Select(s => (s.ListenerSet.Key, s.Listeners))))
        {
            Note(policies.ForGateway(owner));
            foreach (var listener in listeners)
            {
                Note(policies.ForListener(owner, listener.Name));
            }
        }

        var rules = new List<(string? Name, List<(ResourceKey Service, string? Port)> Backends)>();
        foreach (var route in result.Routes)
        {
            var key = route.Route.Key;
            var attached = route.Parents.SelectMany(p => p.AttachedListeners).DistinctBy(v => (v.Owner, v.ListenerName)).ToList();
            if (attached.Count == 0)
            {
                continue;
            }

            rules.Clear();
            for (var i = 0; i < route.Route.RuleCount; i++)
            {
                var backends = new List<(ResourceKey Service, string? Port)>();
                foreach (var backend in route.BackendRefs.Where(b => b.RuleIndex == i && b.IsValid && b.BackendRef.GroupKind == Kinds.Service))
                {
                    var service = result.Snapshot.Find<Service>(backend.BackendRef.TargetKey);
                    backends.Add((backend.BackendRef.TargetKey, backend.BackendRef.Port is { } p ? service?.FindPort(p)?.Name : null));
                }

                rules.Add((route.Route.RuleName(i), backends));
            }

            foreach (var verdict in attached)
            {
                var (owner, listener) = (verdict.Owner, verdict.ListenerName);
                Note(policies.ForRoute(owner, listener, key));
                foreach (var (rule, backends) in rules)
                {
                    Note(policies.ForRule(owner, listener, key, rule));
                    foreach (var (service, port) in backends)
                    {
                        Note(policies.ForBackend(owner, listener, key, rule, service, port));
                    }
                }
            }
        }

        return usage;
    }
}
