using System.Text.Json.Nodes;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Testing.Internal;

namespace PolicyAttach.Testing;

/// <summary>
/// A reference to another object, as a <c>parentRefs[]</c> entry, a ListenerSet <c>parentRef</c>, a policy
/// <c>targetRefs[]</c> entry or a <c>certificateRefs[]</c> entry. A null <see cref="Namespace"/> leaves the field
/// out: the referring object's namespace applies.
/// </summary>
/// <param name="Group">The target's API group (empty for the core group).</param>
/// <param name="Kind">The target's kind.</param>
/// <param name="Name">The target's name.</param>
public sealed record ObjectRefBuilder(string Group, string Kind, string Name)
{
    /// <summary>The target's namespace, or null for the referring object's.</summary>
    public string? Namespace { get; init; }

    /// <summary>The listener, rule or Service port name (<c>sectionName</c>), or null.</summary>
    public string? SectionName { get; init; }

    /// <summary>The listener or Service port (<c>port</c>, parent references only), or null.</summary>
    public int? Port { get; init; }

    /// <summary>A reference to a Gateway.</summary>
    /// <param name="namespace">The Gateway's namespace, or null for the referring object's.</param>
    /// <param name="name">The Gateway's name.</param>
    /// <returns>The reference.</returns>
    public static ObjectRefBuilder Gateway(string? @namespace, string name) => new(Groups.Gateway, "Gateway", name) { Namespace = @namespace };

    /// <summary>A reference to a ListenerSet.</summary>
    /// <param name="namespace">The ListenerSet's namespace, or null for the referring object's.</param>
    /// <param name="name">The ListenerSet's name.</param>
    /// <returns>The reference.</returns>
    public static ObjectRefBuilder ListenerSet(string? @namespace, string name) => new(Groups.Gateway, "ListenerSet", name) { Namespace = @namespace };

    /// <summary>A reference to a Service (a GAMMA parent, a policy target).</summary>
    /// <param name="namespace">The Service's namespace, or null for the referring object's.</param>
    /// <param name="name">The Service's name.</param>
    /// <returns>The reference.</returns>
    public static ObjectRefBuilder Service(string? @namespace, string name) => new(Groups.Core, "Service", name) { Namespace = @namespace };

    /// <summary>A reference to a Secret (a listener certificate).</summary>
    /// <param name="namespace">The Secret's namespace, or null for the referring object's.</param>
    /// <param name="name">The Secret's name.</param>
    /// <returns>The reference.</returns>
    public static ObjectRefBuilder Secret(string? @namespace, string name) => new(Groups.Core, "Secret", name) { Namespace = @namespace };

    /// <summary>A reference to a ConfigMap (a CA certificate).</summary>
    /// <param name="namespace">The ConfigMap's namespace, or null for the referring object's.</param>
    /// <param name="name">The ConfigMap's name.</param>
    /// <returns>The reference.</returns>
    public static ObjectRefBuilder ConfigMap(string? @namespace, string name) => new(Groups.Core, "ConfigMap", name) { Namespace = @namespace };

    /// <summary>A reference to a GatewayClass (a policy target).</summary>
    /// <param name="name">The class's name.</param>
    /// <returns>The reference.</returns>
    public static ObjectRefBuilder GatewayClass(string name) => new(Groups.Gateway, "GatewayClass", name);

    /// <summary>A reference to a route of a Gateway API kind (a policy target).</summary>
    /// <param name="kind"><c>HTTPRoute</c>, <c>GRPCRoute</c>, <c>TLSRoute</c>, <c>TCPRoute</c> or <c>UDPRoute</c>.</param>
    /// <param name="name">The route's name.</param>
    /// <returns>The reference.</returns>
    public static ObjectRefBuilder Route(string kind, string name) => new(Groups.Gateway, kind, name);

    /// <summary>The key of the target, given the namespace of the referring object.</summary>
    /// <param name="referrerNamespace">The referring object's namespace.</param>
    /// <returns>The key (cluster-scoped kinds have no namespace).</returns>
    public ResourceKey TargetKey(string referrerNamespace)
        => new(Group, Kind, IsClusterScoped(Group, Kind) ? string.Empty : Namespace ?? referrerNamespace, Name);

    /// <summary>As a <c>parentRefs[]</c> entry: group and kind only when they are not Gateway's.</summary>
    internal JsonObject ParentJson() => Json.Obj(
        ("group", Group == Groups.Gateway && Kind == "Gateway" ? null : Group),
        ("kind", Group == Groups.Gateway && Kind == "Gateway" ? null : Kind),
        ("namespace", Namespace),
        ("name", Name),
        ("sectionName", SectionName),
        ("port", Port));

    /// <summary>As a policy <c>targetRefs[]</c> entry.</summary>
    internal JsonObject TargetJson() => Json.Obj(
        ("group", Group),
        ("kind", Kind),
        ("name", Name),
        ("namespace", Namespace),
        ("sectionName", SectionName));

    /// <summary>As a <c>certificateRefs[]</c> entry: group and kind only when they are not a Secret's.</summary>
    internal JsonObject CertificateJson() => Json.Obj(
        ("group", Group == Groups.Core && Kind == "Secret" ? null : Group),
        ("kind", Group == Groups.Core && Kind == "Secret" ? null : Kind),
        ("name", Name),
        ("namespace", Namespace));

    /// <summary>The reference in the shrinker's terms.</summary>
    internal Reference AsReference(ReferenceRole role, string referrerNamespace, string site)
        => new(role, TargetKey(referrerNamespace), SectionName, Port, site);

    /// <summary>Renamed when it points at <paramref name="target"/>.</summary>
    internal ObjectRefBuilder Retarget(string referrerNamespace, ResourceKey target, string name)
        => TargetKey(referrerNamespace) == target ? this with { Name = name } : this;

    /// <summary>The section renamed when it is <paramref name="from"/> of <paramref name="target"/>.</summary>
    internal ObjectRefBuilder RetargetSection(string referrerNamespace, ResourceKey target, string from, string to)
        => SectionName == from && TargetKey(referrerNamespace) == target ? this with { SectionName = to } : this;

    internal static bool IsClusterScoped(string group, string kind)
        => (group, kind) is (Groups.Gateway, "GatewayClass") or (Groups.Core, "Namespace") or (Groups.Networking, "IngressClass")
            or (Groups.ApiExtensions, "CustomResourceDefinition");
}

/// <summary>A label selector: <c>matchLabels</c> and <c>matchExpressions</c>, all of which must hold.</summary>
public sealed record LabelSelectorBuilder
{
    /// <summary>Labels that must be present with these values.</summary>
    public StringMap MatchLabels { get; init; } = StringMap.Empty;

    /// <summary>Set-based requirements.</summary>
    public EquatableArray<LabelRequirementBuilder> MatchExpressions { get; init; } = [];

    /// <summary>A selector of one label.</summary>
    /// <param name="key">The label key.</param>
    /// <param name="value">The label value.</param>
    /// <returns>The selector.</returns>
    public static LabelSelectorBuilder Label(string key, string value) => new() { MatchLabels = StringMap.Of((key, value)) };

    /// <summary>A selector that requires a label to exist.</summary>
    /// <param name="key">The label key.</param>
    /// <returns>The selector.</returns>
    public static LabelSelectorBuilder Exists(string key) => new() { MatchExpressions = [new LabelRequirementBuilder(key, "Exists")] };

    internal JsonObject ToJson() => Json.Obj(
        ("matchLabels", Json.Map(MatchLabels)),
        ("matchExpressions", Json.ArrayOrNull(MatchExpressions.Select(e => (JsonNode?)Json.Obj(
            ("key", e.Key), ("operator", e.Operator), ("values", Json.Strings(e.Values)))))));
}

/// <summary>A <c>matchExpressions[]</c> entry.</summary>
/// <param name="Key">The label key.</param>
/// <param name="Operator"><c>In</c>, <c>NotIn</c>, <c>Exists</c> or <c>DoesNotExist</c>.</param>
public sealed record LabelRequirementBuilder(string Key, string Operator)
{
    /// <summary>The values for <c>In</c> and <c>NotIn</c>.</summary>
    public EquatableArray<string> Values { get; init; } = [];
}
