using System.Collections.Frozen;
using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Model;

namespace PolicyAttach.Policies;

/// <summary>
/// The policy kinds the engine knows: the standard ones, those registered in code or by an implementation profile, and those
/// declared by CRDs in the input that carry the <c>gateway.networking.k8s.io/policy</c> label. Immutable.
/// </summary>
public sealed class PolicyKindRegistry
{
    /// <summary>The label a policy CRD carries, with the value <c>Direct</c> or <c>Inherited</c> (spec digest §14.1).</summary>
    public const string PolicyLabel = "gateway.networking.k8s.io/policy";

    private readonly FrozenDictionary<GroupKind, PolicyKindDefinition> _kinds;

    private PolicyKindRegistry(IEnumerable<PolicyKindDefinition> kinds)
    {
        var map = new Dictionary<GroupKind, PolicyKindDefinition>();
        foreach (var kind in kinds)
        {
            map[kind.Kind] = kind;
        }

        _kinds = map.ToFrozenDictionary();
    }

    /// <summary>The standard kinds: BackendTLSPolicy and XBackendTrafficPolicy.</summary>
    public static PolicyKindRegistry Standard { get; } = new(StandardKinds());

    /// <summary>Every definition, sorted by group and kind.</summary>
    public IEnumerable<PolicyKindDefinition> Kinds => _kinds.Values.OrderBy(k => k.Kind);

    /// <summary>A registry with more kinds; a later definition of the same kind replaces an earlier one.</summary>
    /// <param name="kinds">The definitions to add.</param>
    /// <returns>The new registry.</returns>
    public PolicyKindRegistry With(IEnumerable<PolicyKindDefinition> kinds) => new(_kinds.Values.Concat(Guard.NotNull(kinds)));

    /// <summary>
    /// A registry with the kinds of every policy CRD in the snapshot labelled <c>gateway.networking.k8s.io/policy</c>
    /// that is not already known. Inherited kinds take the standard ingress hierarchy with Patch defaults and overrides;
    /// Direct kinds conflict on the same target.
    /// </summary>
    /// <param name="snapshot">The input.</param>
    /// <returns>The new registry.</returns>
    public PolicyKindRegistry WithCrds(Snapshot snapshot)
    {
        var added = new List<PolicyKindDefinition>();
        foreach (var crd in Guard.NotNull(snapshot).OfKind(Model.Kinds.CustomResourceDefinition).OfType<GenericObject>())
        {
            var label = crd.Metadata.Labels.GetValueOrDefault(PolicyLabel);
            if (label is not ("Direct" or "Inherited"))
            {
                continue;
            }

            var spec = crd.Raw.Element.TryGetProperty("spec", out var s) ? s : default;
            if (spec.ValueKind != JsonValueKind.Object
                || !spec.TryGetProperty("group", out var group) || group.ValueKind != JsonValueKind.String
                || !spec.TryGetProperty("names", out var names) || names.ValueKind != JsonValueKind.Object
                || !names.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var key = new GroupKind(group.GetString()!, kind.GetString()!);
            if (!_kinds.ContainsKey(key))
            {
                added.Add(label == "Direct" ? DirectDefinition(key) : InheritedDefinition(key));
            }
        }

        return added.Count == 0 ? this : With(added);
    }

    /// <summary>The definition of a kind, or null.</summary>
    /// <param name="kind">The policy's group and kind.</param>
    /// <returns>The definition, or null when the kind is not known.</returns>
    public PolicyKindDefinition? Find(GroupKind kind) => _kinds.GetValueOrDefault(kind);

    /// <summary>
    /// The definition the policy stage applies to a policy: its kind's, else <see cref="InheritedDefinition"/> for a
    /// policy-shaped object of an unknown kind; null when neither (a known policy type whose kind is not registered).
    /// </summary>
    internal PolicyKindDefinition? DefinitionOf(IPolicyObject policy)
    {
        var kind = new GroupKind(policy.Key.Group, policy.Key.Kind);
        return Find(kind) ?? (policy is PolicyObject ? InheritedDefinition(kind) : null);
    }

    /// <summary>
    /// The definition used for a policy-shaped object of an unknown kind (it has targetRef(s) or targetSelectors):
    /// Inherited, the standard hierarchy, Patch defaults and overrides. This is how a policy CRD works with no
    /// registration at all.
    /// </summary>
    /// <param name="kind">The policy's group and kind.</param>
    /// <returns>The definition.</returns>
    public static PolicyKindDefinition InheritedDefinition(GroupKind kind) => new()
    {
        Kind = kind,
        Class = PolicyClass.Inherited,
        Targets = PolicyKindDefinition.InheritedIngressTargets,
        Strategy = MergeStrategy.Patch,
        Stanzas = StanzaSource.DefaultAndOverride,
    };

    /// <summary>The definition of a Direct policy kind with no more specific knowledge: strategy None, oldest wins.</summary>
    /// <param name="kind">The policy's group and kind.</param>
    /// <returns>The definition.</returns>
    public static PolicyKindDefinition DirectDefinition(GroupKind kind) => new()
    {
        Kind = kind,
        Class = PolicyClass.Direct,
        Targets = PolicyKindDefinition.DirectIngressTargets,
        Strategy = MergeStrategy.None,
        Stanzas = StanzaSource.WholeSpecAsDefault,
        ConflictOnSameTarget = true,
    };

    private static IEnumerable<PolicyKindDefinition> StandardKinds()
    {
        var service = Model.Kinds.Service;
        yield return new PolicyKindDefinition
        {
            Kind = Model.Kinds.BackendTlsPolicy,
            Class = PolicyClass.Direct,
            Targets = [new PolicyTargetKind(service, PolicyLevel.Service, PolicyLevel.ServicePort)],
            Strategy = MergeStrategy.None,
            Stanzas = StanzaSource.WholeSpecAsDefault,
            ConflictOnSameTarget = true,
        };
        yield return new PolicyKindDefinition
        {
            Kind = Model.Kinds.XBackendTrafficPolicy,
            Class = PolicyClass.Direct,
            Targets = [new PolicyTargetKind(service, PolicyLevel.Service, null)],
            Strategy = MergeStrategy.None,
            Stanzas = StanzaSource.WholeSpecAsDefault,
            ConflictOnSameTarget = true,
        };
    }
}
