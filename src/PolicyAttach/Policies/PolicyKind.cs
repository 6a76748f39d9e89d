using PolicyAttach.Collections;
using PolicyAttach.Model;

namespace PolicyAttach.Policies;

/// <summary>
/// The levels of the attachment hierarchy (GEP-713 "Hierarchy";
/// <see href="https://gateway-api.sigs.k8s.io/geps/gep-713/">GEP-713</see>). From least to most specific:
/// GatewayClass, Gateway namespace, Gateway, ListenerSet, listener, Route namespace, route, rule, Backend namespace,
/// Service, Service port (the article's hierarchy, as the declined GEP-2649 drew it; spec digest §14.3). A sectioned
/// target sits just below its object. The namespace levels were added last, so their numbers do not follow that order.
/// </summary>
public enum PolicyLevel
{
    /// <summary>A GatewayClass.</summary>
    GatewayClass = 0,

    /// <summary>A Gateway as a whole.</summary>
    Gateway = 1,

    /// <summary>A ListenerSet as a whole.</summary>
    ListenerSet = 2,

    /// <summary>One listener of a Gateway or ListenerSet (<c>sectionName</c>).</summary>
    Listener = 3,

    /// <summary>A route as a whole (any route kind).</summary>
    Route = 4,

    /// <summary>One named rule of a route (<c>sectionName</c>).</summary>
    Rule = 5,

    /// <summary>A backend Service as a whole.</summary>
    Service = 6,

    /// <summary>One named port of a backend Service (<c>sectionName</c>).</summary>
    ServicePort = 7,

    /// <summary>A core Namespace as the namespace of Gateways: just above the Gateways in it.</summary>
    GatewayNamespace = 8,

    /// <summary>A core Namespace as the namespace of routes: just above the routes in it, below the listener.</summary>
    RouteNamespace = 9,

    /// <summary>A core Namespace as the namespace of backends: just above the Services in it, below the rule.</summary>
    BackendNamespace = 10,
}

/// <summary>Whether a policy's effect spans the hierarchy (GEP-713 "Classes").</summary>
public enum PolicyClass
{
    /// <summary>Affects only the object it targets; merge strategy None.</summary>
    Direct = 0,

    /// <summary>Flows down the hierarchy with defaults and overrides.</summary>
    Inherited = 1,
}

/// <summary>How the policies that reach one context combine (spec digest §14.5).</summary>
public enum MergeStrategy
{
    /// <summary>The oldest policy on a target wins; the others are Conflicted.</summary>
    None = 0,

    /// <summary>Whole documents: the more specific default wins, the less specific override wins.</summary>
    Atomic = 1,

    /// <summary>RFC 7386 merge patch: objects merge field by field; scalars and lists are replaced; null deletes.</summary>
    Patch = 2,

    /// <summary>Like <see cref="Patch"/>, but lists of objects are merged entry by entry on a key field.</summary>
    KeyedPatch = 3,

    /// <summary>A merger supplied in code (<see cref="PolicyKindDefinition.CustomMerger"/>).</summary>
    Custom = 4,
}

/// <summary>Where a policy's defaults and overrides come from.</summary>
public enum StanzaSource
{
    /// <summary><c>spec.default</c> and <c>spec.override</c> (also <c>defaults</c>/<c>overrides</c>).</summary>
    DefaultAndOverride = 0,

    /// <summary>The whole spec, without its target fields, is an implicit default.</summary>
    WholeSpecAsDefault = 1,
}

/// <summary>Whether a policy may target objects in other namespaces.</summary>
public enum CrossNamespaceTargets
{
    /// <summary>Only the policy's own namespace.</summary>
    Forbidden = 0,

    /// <summary>Other namespaces when a ReferenceGrant in the target's namespace allows the policy kind.</summary>
    WithReferenceGrant = 1,

    /// <summary>Any namespace.</summary>
    Allowed = 2,
}

/// <summary>
/// What a target kind means to a policy kind: its level, and what <c>sectionName</c> names. A core
/// <c>Namespace</c> target is declared once per namespace level it applies at
/// (<see cref="PolicyLevel.GatewayNamespace"/>, <see cref="PolicyLevel.RouteNamespace"/>,
/// <see cref="PolicyLevel.BackendNamespace"/>): a policy on the Namespace then applies to the Gateways, routes or
/// backends of that namespace at those levels.
/// </summary>
/// <param name="Target">The target's group and kind.</param>
/// <param name="Level">The level of a whole-object target.</param>
/// <param name="SectionLevel">The level of a sectioned target, or null when sectionName is not supported.</param>
public sealed record PolicyTargetKind(GroupKind Target, PolicyLevel Level, PolicyLevel? SectionLevel);

/// <summary>
/// A merger supplied in code for <see cref="MergeStrategy.Custom"/>: combines an established document (from above or
/// older) with a challenger (below or newer). Must be pure and deterministic.
/// </summary>
public interface IPolicyMerger
{
    /// <summary>Merges two documents.</summary>
    /// <param name="established">The established document.</param>
    /// <param name="challenger">The challenger document.</param>
    /// <param name="isOverride">Whether both are overrides (the established one should win) or defaults (the challenger should).</param>
    /// <returns>The merged document.</returns>
    JsonData Merge(JsonData established, JsonData challenger, bool isOverride);
}

/// <summary>
/// A policy kind as data: which targets it takes, whether it is Direct or Inherited, how it merges, where its
/// defaults and overrides come from, and whether it may cross namespaces. A profile is a set of these.
/// </summary>
public sealed record PolicyKindDefinition
{
    /// <summary>The policy's group and kind.</summary>
    public required GroupKind Kind { get; init; }

    /// <summary>Direct or Inherited.</summary>
    public PolicyClass Class { get; init; } = PolicyClass.Inherited;

    /// <summary>The target kinds accepted and what each means.</summary>
    public required EquatableArray<PolicyTargetKind> Targets { get; init; }

    /// <summary>How policies combine.</summary>
    public MergeStrategy Strategy { get; init; } = MergeStrategy.Patch;

    /// <summary>For <see cref="MergeStrategy.KeyedPatch"/>: list field name → key field of its entries.</summary>
    public StringMap MergeKeys { get; init; } = StringMap.Empty;

    /// <summary>For <see cref="MergeStrategy.Custom"/>: the merger.</summary>
    public IPolicyMerger? CustomMerger { get; init; }

    /// <summary>Where defaults and overrides come from.</summary>
    public StanzaSource Stanzas { get; init; } = StanzaSource.DefaultAndOverride;

    /// <summary>Cross-namespace targeting.</summary>
    public CrossNamespaceTargets CrossNamespace { get; init; } = CrossNamespaceTargets.Forbidden;

    /// <summary>
    /// Whether policies on the same target and section conflict (the oldest wins, the rest are
    /// <c>Accepted=False/Conflicted</c>) rather than merge. Always true for <see cref="MergeStrategy.None"/>.
    /// </summary>
    public bool ConflictOnSameTarget { get; init; }

    /// <summary>Whether to write Envoy Gateway's <c>Overridden</c> and <c>Merged</c> conditions on ancestors.</summary>
    public bool ReportOverridden { get; init; }

    /// <summary>Whether a policy whose target does not exist gets no ancestor at all (Envoy Gateway) instead of an ancestor with <c>TargetNotFound</c>.</summary>
    public bool OmitMissingTargets { get; init; }

    /// <summary>What makes this definition unusable: no targets, a keyed patch without keys, a custom strategy without a merger.</summary>
    /// <returns>One message per problem; empty when the definition is usable.</returns>
    internal IEnumerable<string> Problems()
    {
        if (Targets.IsEmpty)
        {
            yield return $"{Kind} has no target kinds; list at least one in Targets.";
        }

        if (Strategy == MergeStrategy.KeyedPatch && MergeKeys.Count == 0)
        {
            yield return $"{Kind} uses KeyedPatch without MergeKeys; name the key field of each merged list.";
        }

        if (Strategy == MergeStrategy.Custom && CustomMerger is null)
        {
            yield return $"{Kind} uses the Custom strategy without a CustomMerger.";
        }

        foreach (var t in Targets)
        {
            if ((t.Target == Model.Kinds.Namespace) != IsNamespaceLevel(t.Level) || (t.Target == Model.Kinds.Namespace && t.SectionLevel is not null))
            {
                yield return $"{Kind} declares {t.Target} at level {t.Level}; a Namespace target takes a namespace level (GatewayNamespace, RouteNamespace, BackendNamespace) and no section, and only a Namespace target does.";
            }
        }
    }

    /// <summary>The namespace levels this kind declares for a core <c>Namespace</c> target; empty when it takes none.</summary>
    public IEnumerable<PolicyLevel> NamespaceLevels => Targets.Where(t => t.Target == Model.Kinds.Namespace).Select(t => t.Level).Distinct();

    /// <summary>Whether a level is one of the namespace levels.</summary>
    /// <param name="level">The level.</param>
    /// <returns>True for GatewayNamespace, RouteNamespace and BackendNamespace.</returns>
    public static bool IsNamespaceLevel(PolicyLevel level) => level is PolicyLevel.GatewayNamespace or PolicyLevel.RouteNamespace or PolicyLevel.BackendNamespace;

    /// <summary>The level of a target, or null when this kind cannot target it.</summary>
    /// <param name="target">The target's group and kind.</param>
    /// <param name="sectioned">Whether the reference has a sectionName.</param>
    /// <returns>The level.</returns>
    public PolicyLevel? LevelOf(GroupKind target, bool sectioned)
    {
        foreach (var t in Targets)
        {
            if (t.Target == target)
            {
                return sectioned ? t.SectionLevel : t.Level;
            }
        }

        return null;
    }

    /// <summary>The object target kinds of an ingress policy, without namespace levels: GatewayClass, Gateway, ListenerSet, every route kind (route and rule levels), Service.</summary>
    public static EquatableArray<PolicyTargetKind> DirectIngressTargets { get; } =
    [
        new(Kinds.GatewayClass, PolicyLevel.GatewayClass, null),
        new(Kinds.Gateway, PolicyLevel.Gateway, PolicyLevel.Listener),
        new(Kinds.ListenerSet, PolicyLevel.ListenerSet, PolicyLevel.Listener),
        .. Model.RouteKindTable.All.Select(k => new PolicyTargetKind(k.Kind, PolicyLevel.Route, PolicyLevel.Rule)),
        new(Kinds.Service, PolicyLevel.Service, PolicyLevel.ServicePort),
    ];

    /// <summary>
    /// The standard target kinds of an Inherited ingress policy: GatewayClass → Gateway namespace → Gateway → listener →
    /// Route namespace → route → rule → Backend namespace → Service → port (the article's hierarchy): the object targets
    /// of <see cref="DirectIngressTargets"/> and a core <c>Namespace</c> at its three levels.
    /// </summary>
    public static EquatableArray<PolicyTargetKind> InheritedIngressTargets { get; } =
    [
        .. DirectIngressTargets,
        new(Model.Kinds.Namespace, PolicyLevel.GatewayNamespace, null),
        new(Model.Kinds.Namespace, PolicyLevel.RouteNamespace, null),
        new(Model.Kinds.Namespace, PolicyLevel.BackendNamespace, null),
    ];
}
