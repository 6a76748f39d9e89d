using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Model;

namespace PolicyAttach.Policies;

/// <summary>Builds <c>PolicyStatus.ancestors</c> for every policy (spec digest §14.6).</summary>
internal sealed class PolicyStatusBuilder
{
    /// <summary>The most ancestors a PolicyStatus may hold.</summary>
    public const int MaxAncestors = 16;

    private readonly BindingResult _binding;
    private readonly List<Attachment> _attachments;
    private readonly Dictionary<NodeKey, List<Attachment>> _byNode;
    private readonly Dictionary<ResourceKey, List<(RouteResult Route, BackendRefResult Backend)>> _routesByService = [];

    public PolicyStatusBuilder(BindingResult binding, List<Attachment> attachments, Dictionary<NodeKey, List<Attachment>> byNode)
    {
        _binding = binding;
        _attachments = attachments;
        _byNode = byNode;
        foreach (var route in binding.Routes)
        {
            foreach (var backend in route.BackendRefs)
            {
                if (!_routesByService.TryGetValue(backend.BackendRef.TargetKey, out var list))
                {
                    _routesByService[backend.BackendRef.TargetKey] = list = [];
                }

                list.Add((route, backend));
            }
        }
    }

    public EquatableArray<PolicyStatusResult> Build()
    {
        var merged = MergedAncestors();
        var results = new List<PolicyStatusResult>();
        foreach (var group in _attachments.GroupBy(a => a.Policy.Key).OrderBy(g => g.Key))
        {
            var ancestors = new Dictionary<ParentReference, (string Controller, List<Condition> Conditions)>(SameAncestor.Instance);
            foreach (var attachment in group)
            {
                foreach (var (ancestor, controller) in Ancestors(attachment))
                {
                    if (ancestors.TryGetValue(ancestor, out var existing) && !Worse(attachment, existing.Conditions))
                    {
                        continue;
                    }

                    ancestors[ancestor] = (controller, Conditions(attachment));
                }
            }

            foreach (var (ancestor, controller, message) in merged.GetValueOrDefault(group.Key) ?? [])
            {
                if (!ancestors.TryGetValue(ancestor, out var entry))
                {
                    ancestors[ancestor] = entry = (controller, []);
                }

                if (!entry.Conditions.Any(c => c.Type == ConditionType.Merged))
                {
                    entry.Conditions.Add(Condition.Make(ConditionType.Merged, true, ConditionReason.Merged, message, group.First().Object.Metadata.Generation));
                }
            }

            if (ancestors.Count == 0)
            {
                continue;
            }

            var first = group.First();
            results.Add(new PolicyStatusResult
            {
                Policy = first.Policy,
                Resource = first.Object,
                Ancestors = Cap(ancestors.Select(a => new PolicyAncestorResult
                {
                    AncestorRef = a.Key,
                    ControllerName = a.Value.Controller,
                    Conditions = Condition.ByType(a.Value.Conditions),
                }).ToList(), first.Object.Metadata.Generation),
            });
        }

        return results.ToEquatableArray();
    }

    /// <summary>
    /// Envoy Gateway's <c>Merged</c> conditions: a route policy with mergeType is merged, per listener the route
    /// attaches through, onto the closest parent policy of its kind (the listener's, else its Gateway's; for a
    /// ListenerSet listener the listener's, the ListenerSet's, else the parent Gateway's). Both are told.
    /// </summary>
    private Dictionary<ResourceKey, List<(ParentReference Ancestor, string Controller, string Message)>> MergedAncestors()
    {
        var result = new Dictionary<ResourceKey, List<(ParentReference, string, string)>>();
        void Add(ResourceKey policy, ParentReference ancestor, string controller, string message)
        {
            if (!result.TryGetValue(policy, out var list))
            {
                result[policy] = list = [];
            }

            list.Add((ancestor, controller, message));
        }

        foreach (var child in _attachments.Where(a => a.Applies && a.MergeType is not null && a.Definition.ReportOverridden))
        {
            if (_binding.FindRoute(child.Target.TargetKey) is not { } route)
            {
                continue;
            }

            foreach (var parent in route.Parents)
            {
                foreach (var verdict in parent.AttachedListeners)
                {
                    if (ClosestParent(child, verdict.Owner, verdict.ListenerName) is not { } closest)
                    {
                        continue;
                    }

                    var listenerRef = new ParentReference { Group = Groups.Gateway, Kind = verdict.Owner.Kind, Namespace = verdict.Owner.Namespace, Name = verdict.Owner.Name, SectionName = verdict.ListenerName, NamespaceSet = true };
                    Add(child.Policy.Key, listenerRef, parent.ControllerName, $"Merged with policy {closest.Policy.Key.Namespace}/{closest.Policy.Key.Name}.");
                    foreach (var (ancestor, controller) in Ancestors(closest))
                    {
                        Add(closest.Policy.Key, ancestor, controller, $"This policy is being merged by other {child.Definition.Kind.Kind}s for these routes: [{route.Route.Namespace}/{route.Route.Name}].");
                    }
                }
            }
        }

        return result;
    }

    private Attachment? ClosestParent(Attachment child, ResourceKey owner, string listener)
    {
        Attachment? At(NodeKey node) => _byNode.TryGetValue(node, out var list) ? list.FirstOrDefault(a => a.Definition.Kind == child.Definition.Kind) : null;
        var closest = At(new NodeKey(owner, listener)) ?? At(new NodeKey(owner, null));
        if (closest is null && owner.GroupKind == Kinds.ListenerSet && _binding.FindListenerSet(owner) is { } set)
        {
            closest = At(new NodeKey(set.Parent, null));
        }

        return closest;
    }

    /// <summary>
    /// One ancestor whether or not its parentRef wrote <c>namespace</c>: a route's parentRef without it and the
    /// listener reference of a merge name the same Gateway and section, and get one entry (the first form seen).
    /// </summary>
    private sealed class SameAncestor : IEqualityComparer<ParentReference>
    {
        public static SameAncestor Instance { get; } = new();

        public bool Equals(ParentReference? x, ParentReference? y)
            => ReferenceEquals(x, y) || (x is not null && y is not null && x with { NamespaceSet = false } == y with { NamespaceSet = false });

        public int GetHashCode(ParentReference obj) => (obj with { NamespaceSet = false }).GetHashCode();
    }

    private static bool Worse(Attachment attachment, List<Condition> existing)
        => attachment.Problem is not null && existing.Any(c => c.Type == ConditionType.Accepted && c.IsTrue);

    /// <summary>The ancestors an attachment reports on: the Gateways (or ListenerSets) through which it takes effect.</summary>
    private IEnumerable<(ParentReference Ancestor, string Controller)> Ancestors(Attachment attachment)
    {
        var target = attachment.Target;
        var group = new GroupKind(target.Group, target.Kind);
        if (group == Kinds.Gateway)
        {
            if (_binding.FindGateway(target.TargetKey) is { } gateway)
            {
                yield return (Ref(target, target.SectionName), gateway.ControllerName);
            }
            else if (!attachment.Definition.OmitMissingTargets && attachment.Problem?.Reason == ConditionReason.TargetNotFound)
            {
                yield return (Ref(target, target.SectionName), DefaultController);
            }

            yield break;
        }

        if (group == Kinds.ListenerSet)
        {
            if (_binding.FindListenerSet(target.TargetKey) is { } set && _binding.FindGateway(set.Parent) is { } parent)
            {
                yield return (Ref(target, target.SectionName), parent.ControllerName);
            }

            yield break;
        }

        if (group == Kinds.Namespace && target.SectionName is null)
        {
            foreach (var ancestor in NamespaceAncestors(attachment))
            {
                yield return ancestor;
            }

            yield break;
        }

        if (group == Kinds.GatewayClass)
        {
            var cls = _binding.GatewayClasses.FirstOrDefault(c => c.GatewayClass.Name == target.Name);
            if (cls is not null)
            {
                yield return (new ParentReference { Group = Kinds.GatewayClass.Group, Kind = Kinds.GatewayClass.Kind, Namespace = string.Empty, Name = target.Name }, cls.GatewayClass.ControllerName);
            }

            yield break;
        }

        if (_binding.FindRoute(target.TargetKey) is { } route && route.Route.Kind == target.Kind)
        {
            foreach (var parent in route.Parents)
            {
                yield return (parent.ParentRef, parent.ControllerName);
            }

            yield break;
        }

        if (group == Kinds.Service && _routesByService.TryGetValue(target.TargetKey, out var uses))
        {
            var service = _binding.Snapshot.Find<Service>(target.TargetKey);
            foreach (var (usingRoute, backend) in uses)
            {
                if (target.SectionName is { } section && service?.FindPort(backend.BackendRef.Port ?? -1)?.Name != section)
                {
                    continue;
                }

                foreach (var parent in usingRoute.Parents)
                {
                    yield return (parent.ParentRef, parent.ControllerName);
                }
            }

            yield break;
        }

        if (!attachment.Definition.OmitMissingTargets && attachment.Problem?.Reason == ConditionReason.TargetNotFound && !_binding.ControllerNames.IsEmpty)
        {
            yield return (Ref(target, target.SectionName), DefaultController);
        }
    }

    /// <summary>
    /// The ancestors of a Namespace target (GEP-713 leaves the choice to the policy; it SHOULD be the Gateway): the
    /// Gateways through which the policy takes effect at its level: the Gateways of the namespace, the parents of its
    /// routes, or the parents of the routes that use its Services. A refused Namespace target is reported on the
    /// Namespace itself, so that the refusal is written somewhere.
    /// </summary>
    private IEnumerable<(ParentReference Ancestor, string Controller)> NamespaceAncestors(Attachment attachment)
    {
        var ns = attachment.Target.Name;
        if (attachment.Problem is not null)
        {
            if (!_binding.ControllerNames.IsEmpty)
            {
                yield return (new ParentReference { Group = Groups.Core, Kind = Kinds.Namespace.Kind, Namespace = string.Empty, Name = ns }, DefaultController);
            }

            yield break;
        }

        switch (attachment.Level)
        {
            case PolicyLevel.GatewayNamespace:
                foreach (var gateway in _binding.Gateways.Where(g => g.Gateway.Namespace == ns))
                {
                    yield return (new ParentReference { Group = Groups.Gateway, Kind = Kinds.Gateway.Kind, Namespace = ns, Name = gateway.Gateway.Name, NamespaceSet = true }, gateway.ControllerName);
                }

                break;
            case PolicyLevel.RouteNamespace:
                foreach (var parent in _binding.Routes.Where(r => r.Route.Namespace == ns).SelectMany(r => r.Parents))
                {
                    yield return (parent.ParentRef, parent.ControllerName);
                }

                break;
            default:
                foreach (var (usingRoute, _) in _routesByService.Where(u => u.Key.Namespace == ns).SelectMany(u => u.Value))
                {
                    foreach (var parent in usingRoute.Parents)
                    {
                        yield return (parent.ParentRef, parent.ControllerName);
                    }
                }

                break;
        }
    }

    private string DefaultController => _binding.ControllerNames.IsEmpty ? string.Empty : _binding.ControllerNames[0];

    private static ParentReference Ref(PolicyTargetReference target, string? section)
        => new() { Group = target.Group, Kind = target.Kind, Namespace = target.Namespace, Name = target.Name, SectionName = section, NamespaceSet = true };

    private List<Condition> Conditions(Attachment attachment)
    {
        var g = attachment.Object.Metadata.Generation;
        var conditions = new List<Condition>();
        var name = $"{attachment.Definition.Kind.Kind} {attachment.Policy.Key.Namespace}/{attachment.Policy.Key.Name}";
        conditions.Add(attachment.Problem is { } problem
            ? Condition.Make(ConditionType.Accepted, false, problem, g)
            : Condition.Make(ConditionType.Accepted, true, ConditionReason.Accepted, $"{name} is accepted.", g));
        if (attachment.Policy is BackendTlsPolicy tls && attachment.Problem?.Reason != ConditionReason.Conflicted)
        {
            var problems = BackendTlsCa.Problems(_binding.Snapshot, tls);
            conditions.Add(problems.Count == 0
                ? Condition.Make(ConditionType.ResolvedRefs, true, ConditionReason.ResolvedRefs, "All CA certificate references are resolved.", g)
                : Condition.Make(ConditionType.ResolvedRefs, false, problems[0], g));
        }

        if (attachment.Definition.ReportOverridden && attachment.OverriddenBy.Count > 0)
        {
            conditions.Add(Condition.Make(ConditionType.Overridden, true, ConditionReason.Overridden, $"{name} is overridden by more specific policies on: {string.Join(", ", attachment.OverriddenBy)}.", g));
        }

        return conditions;
    }

    /// <summary>At most 16 ancestors: those not accepted first, then by namespace and name; the 16th says how many were left out.</summary>
    private static EquatableArray<PolicyAncestorResult> Cap(List<PolicyAncestorResult> ancestors, long generation)
    {
        var ordered = ancestors
            .OrderBy(a => a.Conditions.Any(c => c.Type == ConditionType.Accepted && !c.IsTrue) ? 0 : 1)
            .ThenBy(a => a.AncestorRef.Namespace, StringComparer.Ordinal)
            .ThenBy(a => a.AncestorRef.Name, StringComparer.Ordinal)
            .ThenBy(a => a.AncestorRef.Kind, StringComparer.Ordinal)
            .ThenBy(a => a.AncestorRef.SectionName ?? string.Empty, StringComparer.Ordinal)
            .ToList();
        if (ordered.Count <= MaxAncestors)
        {
            return ordered.ToEquatableArray();
        }

        var left = ordered.Count - MaxAncestors;
        var last = ordered[MaxAncestors - 1];
        ordered[MaxAncestors - 1] = last with
        {
            Conditions = Condition.ByType(last.Conditions
                .Append(Condition.Make(ConditionType.Aggregated, true, ConditionReason.Aggregated, $"The policy has {ordered.Count} ancestors; status holds at most {MaxAncestors}, so {left} are not listed.", generation))),
        };
        return ordered.Take(MaxAncestors).ToEquatableArray();
    }
}
