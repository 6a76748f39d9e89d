using PolicyAttach.Binding;
using PolicyAttach.Cli.Effective;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.Policies;

namespace PolicyAttach.Cli.Explain;

/// <summary>One target of a policy and what became of it.</summary>
/// <param name="Target">The target object.</param>
/// <param name="SectionName">The sectionName, or null.</param>
/// <param name="Level">The level the policy kind gives this target, or null when it cannot target it.</param>
/// <param name="Verdict"><c>Attached</c>, <c>Overridden</c>, <c>Conflicted</c>, <c>NotFound</c>, <c>Invalid</c>, <c>NoContext</c> (accepted, but the
/// target is in no context of a managed Gateway), or another Accepted=False reason.</param>
/// <param name="Message">Why.</param>
internal sealed record PolicyTargetRecord(ObjectRef Target, string? SectionName, string? Level, string Verdict, string Message);

/// <summary>One <c>status.ancestors[]</c> entry.</summary>
/// <param name="AncestorRef">The ancestor.</param>
/// <param name="ControllerName">The controller that writes it.</param>
/// <param name="Conditions">The conditions.</param>
internal sealed record PolicyAncestorRecord(ParentRefRecord AncestorRef, string ControllerName, IReadOnlyList<ConditionRecord> Conditions);

/// <summary>What became of a policy.</summary>
/// <param name="Object">The policy.</param>
/// <param name="ControllerNames">The controller names acted for.</param>
/// <param name="Class"><c>Direct</c> or <c>Inherited</c>, or null when the kind is not known.</param>
/// <param name="Strategy">The merge strategy, or null.</param>
/// <param name="Targets">Every target: targetRefs, then the objects its targetSelectors select.</param>
/// <param name="Ancestors">Its status ancestors.</param>
internal sealed record PolicyExplanation(ObjectRef Object, IReadOnlyList<string> ControllerNames, string? Class, string? Strategy,
    IReadOnlyList<PolicyTargetRecord> Targets, IReadOnlyList<PolicyAncestorRecord> Ancestors);

/// <summary>A policy that reaches a Gateway or route, and the levels it is attached at.</summary>
/// <param name="Policy">The policy.</param>
/// <param name="Levels">The levels its values come from (or its targets' levels when it supplies none).</param>
internal sealed record ReachingPolicyRecord(ObjectRef Policy, IReadOnlyList<string> Levels);

/// <summary>Builds policy explanations, and the policies that reach a Gateway or route.</summary>
internal static class PolicyExplain
{
    /// <summary>Explains a policy: its targets and ancestors.</summary>
    /// <param name="result">The evaluation.</param>
    /// <param name="policy">The policy.</param>
    /// <returns>The explanation.</returns>
    public static PolicyExplanation Explain(EvaluationResult result, IPolicyObject policy)
    {
        var kind = new GroupKind(policy.Key.Group, policy.Key.Kind);
        var definition = Definition(result, policy);
        var status = result.Policies.Statuses.FirstOrDefault(s => s.Policy.Key == policy.Key);
        var ancestors = status is null
            ? []
            : status.Ancestors.Select(a => new PolicyAncestorRecord(ParentRefRecord.From(a.AncestorRef), a.ControllerName, [.. a.Conditions.Select(ConditionRecord.From)])).ToList();
        var targets = Targets(result.Snapshot, policy)
            .Select(t => Verdict(result, policy, kind, definition, t, status))
            .ToList();
        return new PolicyExplanation(ObjectRef.From(policy.Key), [.. result.Options.ControllerNames], definition?.Class.ToString(), definition?.Strategy.ToString(), targets, ancestors);
    }

    /// <summary>The policies that reach any context of a Gateway, ListenerSet or route, sorted by policy.</summary>
    /// <param name="result">The evaluation.</param>
    /// <param name="target">The Gateway, ListenerSet or route.</param>
    /// <returns>The policies.</returns>
    public static List<ReachingPolicyRecord> Reaching(EvaluationResult result, KubeObject target)
    {
        var levels = new SortedDictionary<ResourceKey, SortedSet<PolicyLevel>>();
        foreach (var effective in Contexts(result, target.Key, null).SelectMany(e => e.Kinds))
        {
            foreach (var key in effective.Policies)
            {
                if (!levels.TryGetValue(key, out var set))
                {
                    levels[key] = set = [];
                }

                foreach (var field in effective.Fields)
                {
                    foreach (var source in field.Overrode.Append(field.Source).Where(s => s.Policy == key))
                    {
                        set.Add(source.Level);
                    }
                }
            }
        }

        return levels.Select(p => new ReachingPolicyRecord(ObjectRef.From(p.Key), [.. (p.Value.Count > 0 ? p.Value : TargetLevels(result, p.Key)).Select(l => l.ToString())])).ToList();
    }

    private static SortedSet<PolicyLevel> TargetLevels(EvaluationResult result, ResourceKey key)
    {
        var levels = new SortedSet<PolicyLevel>();
        if (result.Snapshot.Find(key) is IPolicyObject policy && Definition(result, policy) is { } definition)
        {
            foreach (var target in policy.TargetRefs)
            {
                if (definition.LevelOf(new GroupKind(target.Group, target.Kind), target.SectionName is not null) is { } level)
                {
                    levels.Add(level);
                }
            }
        }

        return levels;
    }

    private static PolicyKindDefinition? Definition(EvaluationResult result, IPolicyObject policy)
    {
        var kind = new GroupKind(policy.Key.Group, policy.Key.Kind);
        return result.Options.PolicyKinds.WithCrds(result.Snapshot).Find(kind) ?? (policy is PolicyObject ? PolicyKindRegistry.InheritedDefinition(kind) : null);
    }

    /// <summary>The targetRefs, then the objects the targetSelectors select (as the engine selects them).</summary>
    private static List<PolicyTargetReference> Targets(Snapshot snapshot, IPolicyObject policy)
    {
        var targets = new List<PolicyTargetReference>(policy.TargetRefs);
        foreach (var selector in policy.TargetSelectors)
        {
            foreach (var candidate in snapshot.OfKind(new GroupKind(selector.Group, selector.Kind)))
            {
                var namespaceOk = selector.NamespaceSelector is null
                    ? candidate.Namespace == policy.Key.Namespace
                    : selector.NamespaceSelector.Matches(snapshot.NamespaceLabels(candidate.Namespace));
                if (namespaceOk && selector.Selector.Matches(candidate.Metadata.Labels) && !targets.Any(t => t.TargetKey == candidate.Key && t.SectionName is null))
                {
                    targets.Add(new PolicyTargetReference { Group = candidate.Group, Kind = candidate.Kind, Namespace = candidate.Namespace, Name = candidate.Name });
                }
            }
        }

        return targets;
    }

    private static PolicyTargetRecord Verdict(EvaluationResult result, IPolicyObject policy, GroupKind kind, PolicyKindDefinition? definition, PolicyTargetReference target, PolicyStatusResult? status)
    {
        var what = $"{target.Kind} {target.Namespace}/{target.Name}";
        // A Namespace target sits at every namespace level its kind declares (spec digest §14.3).
        var level = target.GroupKind == Kinds.Namespace && target.SectionName is null && definition is not null && definition.NamespaceLevels.Any()
            ? string.Join(", ", definition.NamespaceLevels)
            : definition?.LevelOf(new GroupKind(target.Group, target.Kind), target.SectionName is not null)?.ToString();
        PolicyTargetRecord Record(string verdict, string message) => new(ObjectRef.From(target.TargetKey), target.SectionName, level, verdict, message);

        if (definition is null)
        {
            return Record("Invalid", $"{kind} is not a known policy kind; label its CRD {PolicyKindRegistry.PolicyLabel} or use --profile.");
        }

        if (target.GroupKind == Kinds.Namespace && target.SectionName is null)
        {
            // The policy stage decides Namespace targets (spec digest §14.3): explain reports its verdict.
            var refused = status?.Ancestors.Where(a => a.AncestorRef.Kind == Kinds.Namespace.Kind && a.AncestorRef.Name == target.Name)
                .SelectMany(a => a.Conditions).FirstOrDefault(c => c.Type == ConditionType.Accepted && !c.IsTrue);
            if (refused is not null)
            {
                return Record(refused.Reason, refused.Message);
            }

            var gateways = status?.Ancestors.Count ?? 0;
            return gateways == 0
                ? Record("NoContext", $"Accepted, but nothing a managed Gateway serves is in Namespace {target.Name}.")
                : Record("Attached", $"In effect at the {level} levels of Namespace {target.Name}, through {(gateways == 1 ? "1 Gateway" : gateways.ToString(System.Globalization.CultureInfo.InvariantCulture) + " Gateways")}.");
        }

        if (level is null)
        {
            return Record("Invalid", $"{kind.Kind} cannot target {target.Kind}{(target.SectionName is null ? string.Empty : " with a sectionName")}; it targets {string.Join(", ", definition.Targets.Select(t => t.Target.Kind).Distinct())}.");
        }

        if (target.Namespace != policy.Key.Namespace && definition.CrossNamespace == CrossNamespaceTargets.Forbidden)
        {
            return Record("Invalid", $"{what} is in another namespace, which {kind.Kind} may not target.");
        }

        if (result.Snapshot.Find(target.TargetKey) is not { } targetObject)
        {
            return Record("NotFound", $"{what} does not exist.");
        }

        if (target.SectionName is { } section && !HasSection(targetObject, section))
        {
            return Record("NotFound", $"{what} has no section \"{section}\".");
        }

        var conditions = status?.Ancestors.SelectMany(a => a.Conditions).ToList() ?? [];
        var contexts = Contexts(result, target.TargetKey, target.SectionName);
        if (contexts.Any(c => c.Find(kind)?.Policies.Contains(policy.Key) == true))
        {
            return conditions.FirstOrDefault(c => c.Type == "Overridden" && c.IsTrue) is { } overridden
                ? Record("Overridden", overridden.Message)
                : Record("Attached", $"In effect in {Count(contexts.Count)} of {what}.");
        }

        var rejected = conditions.Where(c => c.Type == ConditionType.Accepted && !c.IsTrue).ToList();
        if ((rejected.FirstOrDefault(c => c.Message.Contains(what, StringComparison.Ordinal)) ?? rejected.FirstOrDefault()) is { } problem)
        {
            return Record(problem.Reason, problem.Message);
        }

        return Record("NoContext", contexts.Count == 0
            ? $"Accepted, but {what} is in no context of a managed Gateway (not attached, or no attached route uses it)."
            : $"Accepted, but not in effect in the {Count(contexts.Count)} of {what}.");
    }

    private static string Count(int contexts) => contexts == 1 ? "1 context" : contexts.ToString(System.Globalization.CultureInfo.InvariantCulture) + " contexts";

    private static bool HasSection(KubeObject target, string section) => target switch
    {
        Gateway g => g.Listeners.Any(l => l.Name == section),
        ListenerSet s => s.Listeners.Any(l => l.Name == section),
        RouteBase r => Enumerable.Range(0, r.RuleCount).Any(i => r.RuleName(i) == section),
        Service s => s.Ports.Any(p => p.Name == section),
        _ => false,
    };

    /// <summary>The effective policies of every context a target node is part of.</summary>
    private static List<EffectivePolicies> Contexts(EvaluationResult result, ResourceKey target, string? section)
    {
        var policies = result.Policies;
        var contexts = new List<EffectivePolicies>();
        switch (result.Snapshot.Find(target))
        {
            case GatewayClass cls:
                contexts.AddRange(result.Gateways.Where(g => g.Gateway.GatewayClassName == cls.Name).Select(g => policies.For(PolicyContext.ForGateway(g.Gateway.Key))));
                break;
            case Gateway or ListenerSet:
                if ((result.FindGateway(target)?.Listeners ?? result.FindListenerSet(target)?.Listeners) is { } listeners)
                {
                    if (section is null)
                    {
                        contexts.Add(policies.For(PolicyContext.ForGateway(target)));
                    }

                    contexts.AddRange(listeners.Where(l => section is null || l.Name == section).Select(l => policies.For(PolicyContext.ForGateway(target).WithListener(l.Name))));
                }

                break;
            case RouteBase route:
                foreach (var (gateway, set, listener) in EffectiveBuilder.Listeners(result, target))
                {
                    var owner = set ?? gateway;
                    if (section is null)
                    {
                        contexts.Add(policies.For(PolicyContext.ForGateway(owner).WithListener(listener).WithRoute(target)));
                    }

                    for (var i = 0; i < route.RuleCount; i++)
                    {
                        if (route.RuleName(i) is { } rule && (section is null || rule == section))
                        {
                            contexts.Add(policies.For(PolicyContext.ForGateway(owner).WithListener(listener).WithRoute(target).WithRule(rule)));
                        }
                    }
                }

                break;
            case Service service:
                foreach (var use in result.Routes.SelectMany(r => r.BackendRefs.Where(b => b.IsValid && !b.IsMirror && b.BackendRef.TargetKey == target).Select(b => (Route: r, Backend: b))))
                {
                    var port = use.Backend.BackendRef.Port is { } p ? service.FindPort(p)?.Name : null;
                    if (section is not null && port != section)
                    {
                        continue;
                    }

                    foreach (var (gateway, set, listener) in EffectiveBuilder.Listeners(result, use.Route.Route.Key))
                    {
                        contexts.Add(policies.For(PolicyContext.ForGateway(set ?? gateway).WithListener(listener).WithRoute(use.Route.Route.Key).WithRule(use.Route.Route.RuleName(use.Backend.RuleIndex)).WithBackend(target, port)));
                    }
                }

                break;
        }

        return contexts;
    }
}
