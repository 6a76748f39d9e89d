using System.Text.Json.Nodes;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Policies;
using PolicyAttach.Testing.Internal;

namespace PolicyAttach.Testing;

/// <summary>A <c>targetSelectors[]</c> entry: objects of a kind whose labels match.</summary>
/// <param name="Group">The target group.</param>
/// <param name="Kind">The target kind.</param>
public sealed record TargetSelectorBuilder(string Group, string Kind)
{
    /// <summary>The labels the targets must have.</summary>
    public StringMap MatchLabels { get; init; } = StringMap.Empty;

    /// <summary><c>namespaces.from</c>: <c>Same</c>, <c>All</c>, <c>Selector</c>, or null to leave it out (Same).</summary>
    public string? NamespacesFrom { get; init; }

    /// <summary><c>namespaces.selector</c> for <c>Selector</c>.</summary>
    public LabelSelectorBuilder? NamespaceSelector { get; init; }

    internal JsonObject ToJson() => Json.Obj(
        ("group", Group),
        ("kind", Kind),
        ("matchLabels", Json.Map(MatchLabels)),
        ("namespaces", NamespacesFrom is null ? null : Json.Obj(("from", NamespacesFrom), ("selector", NamespaceSelector?.ToJson()))));
}

/// <summary>
/// A policy of any kind (GEP-713): targets by reference (with <c>sectionName</c>) or by label selector, and
/// <c>default</c> and <c>override</c> stanzas. Whether the kind is Direct or Inherited and how it merges is the
/// kind's business: declare it with a <see cref="PolicyCrdBuilder"/> in the world (Direct with merge None, or
/// Inherited with Patch), or register it on the world (<see cref="TestWorld.PolicyKinds"/>) for Atomic and
/// cross-namespace kinds.
/// </summary>
public sealed record PolicyBuilder : ObjectBuilder
{
    /// <summary>A policy.</summary>
    /// <param name="group">The policy's API group.</param>
    /// <param name="kind">The policy's kind.</param>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    public PolicyBuilder(string group, string kind, string @namespace, string name)
        : base(@namespace, name)
    {
        PolicyGroup = group ?? throw new ArgumentNullException(nameof(group));
        PolicyKind = kind ?? throw new ArgumentNullException(nameof(kind));
    }

    /// <summary>The policy's API group.</summary>
    public string PolicyGroup { get; init; }

    /// <summary>The policy's kind.</summary>
    public string PolicyKind { get; init; }

    /// <summary>The API version; <c>v1alpha1</c> unless set.</summary>
    public string Version { get; init; } = "v1alpha1";

    /// <inheritdoc />
    public override string ApiVersion => PolicyGroup + "/" + Version;

    /// <inheritdoc />
    public override string Kind => PolicyKind;

    /// <summary><c>spec.targetRefs</c>.</summary>
    public EquatableArray<ObjectRefBuilder> TargetRefs { get; init; } = [];

    /// <summary><c>spec.targetSelectors</c>.</summary>
    public EquatableArray<TargetSelectorBuilder> TargetSelectors { get; init; } = [];

    /// <summary><c>spec.default</c>, or null.</summary>
    public JsonData? Default { get; init; }

    /// <summary><c>spec.override</c>, or null.</summary>
    public JsonData? Override { get; init; }

    /// <summary>More <c>spec</c> fields (a Direct policy's settings), written after the targets; null for none.</summary>
    public JsonData? Settings { get; init; }

    private protected override void RenderBody(JsonObject manifest)
    {
        var spec = Json.Obj(
            ("targetRefs", Json.ArrayOrNull(TargetRefs.Select(t => (JsonNode?)t.TargetJson()))),
            ("targetSelectors", Json.ArrayOrNull(TargetSelectors.Select(t => (JsonNode?)t.ToJson()))),
            ("default", Json.Node(Default)),
            ("override", Json.Node(Override)));
        if (Json.Node(Settings) is JsonObject settings)
        {
            foreach (var (key, value) in settings.ToList())
            {
                settings.Remove(key);
                spec[key] = value;
            }
        }

        manifest["spec"] = spec;
    }

    internal override IEnumerable<Reference> References()
        => TargetRefs.Select((t, i) => t.AsReference(ReferenceRole.PolicyTarget, Namespace, $"spec.targetRefs[{i}]"));

    internal override ObjectBuilder? WithoutReferences(IReadOnlySet<Reference> doomed)
    {
        var kept = TargetRefs.Where((t, i) => !doomed.Contains(t.AsReference(ReferenceRole.PolicyTarget, Namespace, $"spec.targetRefs[{i}]"))).ToEquatableArray();
        return kept.Count == TargetRefs.Count ? this : kept.IsEmpty && TargetSelectors.IsEmpty ? null : this with { TargetRefs = kept };
    }

    internal override ObjectBuilder RetargetReferences(ResourceKey target, string name)
        => this with { TargetRefs = [.. TargetRefs.Select(t => t.Retarget(Namespace, target, name))] };

    internal override ObjectBuilder RetargetSections(ResourceKey target, string from, string to)
        => this with { TargetRefs = [.. TargetRefs.Select(t => t.RetargetSection(Namespace, target, from, to))] };

    internal override IEnumerable<ObjectBuilder> ShrinkParts()
    {
        for (var i = TargetRefs.Count - 1; i >= 0 && TargetRefs.Count + TargetSelectors.Count > 1; i--)
        {
            yield return this with { TargetRefs = ServiceBuilder.Without(TargetRefs, i) };
        }

        for (var i = TargetSelectors.Count - 1; i >= 0 && TargetRefs.Count + TargetSelectors.Count > 1; i--)
        {
            yield return this with { TargetSelectors = ServiceBuilder.Without(TargetSelectors, i) };
        }

        foreach (var (t, i) in TargetRefs.Select((t, i) => (t, i)).Where(x => x.t.SectionName is not null))
        {
            yield return this with { TargetRefs = ServiceBuilder.Replace(TargetRefs, i, t with { SectionName = null }) };
        }

        if (Default is not null && Override is not null)
        {
            yield return this with { Default = null };
            yield return this with { Override = null };
        }

        foreach (var smaller in Smaller(Default))
        {
            yield return this with { Default = smaller };
        }

        foreach (var smaller in Smaller(Override))
        {
            yield return this with { Override = smaller };
        }
    }

    /// <summary>An object stanza with one top-level key removed each.</summary>
    private static IEnumerable<JsonData> Smaller(JsonData? stanza)
    {
        if (Json.Node(stanza) is not JsonObject obj || obj.Count < 2)
        {
            yield break;
        }

        foreach (var key in obj.Select(p => p.Key).ToList())
        {
            var copy = (JsonObject)obj.DeepClone();
            copy.Remove(key);
            yield return JsonData.Parse(copy.ToJsonString());
        }
    }
}

/// <summary>
/// A BackendTLSPolicy: how Gateways connect to a backend Service over TLS. Its validation trusts the system's CAs
/// unless <see cref="CaCertificateRefs"/> names ConfigMaps.
/// </summary>
public sealed record BackendTlsPolicyBuilder : ObjectBuilder
{
    /// <summary>A BackendTLSPolicy.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <param name="hostname">The SNI and the name verified (<c>validation.hostname</c>).</param>
    public BackendTlsPolicyBuilder(string @namespace, string name, string hostname)
        : base(@namespace, name)
    {
        Hostname = hostname ?? throw new ArgumentNullException(nameof(hostname));
    }

    /// <inheritdoc />
    public override string ApiVersion => Groups.Gateway + "/v1";

    /// <inheritdoc />
    public override string Kind => "BackendTLSPolicy";

    /// <summary><c>validation.hostname</c>.</summary>
    public string Hostname { get; init; }

    /// <summary>The target Services (with a port name as <c>sectionName</c>, or whole).</summary>
    public EquatableArray<ObjectRefBuilder> TargetRefs { get; init; } = [];

    /// <summary>ConfigMaps (in the policy's namespace) holding the CA; empty for <c>wellKnownCACertificates: System</c>.</summary>
    public EquatableArray<string> CaCertificateRefs { get; init; } = [];

    private protected override void RenderBody(JsonObject manifest)
        => manifest["spec"] = Json.Obj(
            ("targetRefs", Json.ArrayOrNull(TargetRefs.Select(t => (JsonNode?)Json.Obj(("group", t.Group), ("kind", t.Kind), ("name", t.Name), ("sectionName", t.SectionName))))),
            ("validation", Json.Obj(
                ("hostname", Hostname),
                ("caCertificateRefs", Json.ArrayOrNull(CaCertificateRefs.Select(c => (JsonNode?)Json.Obj(("group", ""), ("kind", "ConfigMap"), ("name", c))))),
                ("wellKnownCACertificates", CaCertificateRefs.IsEmpty ? "System" : null))));

    internal override IEnumerable<Reference> References()
        => TargetRefs.Select((t, i) => t.AsReference(ReferenceRole.PolicyTarget, Namespace, $"spec.targetRefs[{i}]"))
            .Concat(CaCertificateRefs.Select((c, i) => new Reference(ReferenceRole.Certificate, new ResourceKey(Groups.Core, "ConfigMap", Namespace, c), null, null, $"spec.validation.caCertificateRefs[{i}]")));

    internal override ObjectBuilder? WithoutReferences(IReadOnlySet<Reference> doomed)
    {
        var kept = TargetRefs.Where((t, i) => !doomed.Contains(t.AsReference(ReferenceRole.PolicyTarget, Namespace, $"spec.targetRefs[{i}]"))).ToEquatableArray();
        var cas = CaCertificateRefs.Where((c, i) => !doomed.Contains(new Reference(ReferenceRole.Certificate, new ResourceKey(Groups.Core, "ConfigMap", Namespace, c), null, null, $"spec.validation.caCertificateRefs[{i}]"))).ToEquatableArray();
        return kept.IsEmpty ? null : this with { TargetRefs = kept, CaCertificateRefs = cas };
    }

    internal override ObjectBuilder RetargetReferences(ResourceKey target, string name) => this with
    {
        TargetRefs = [.. TargetRefs.Select(t => t.Retarget(Namespace, target, name))],
        CaCertificateRefs = [.. CaCertificateRefs.Select(c => new ResourceKey(Groups.Core, "ConfigMap", Namespace, c) == target ? name : c)],
    };

    internal override ObjectBuilder RetargetSections(ResourceKey target, string from, string to)
        => this with { TargetRefs = [.. TargetRefs.Select(t => t.RetargetSection(Namespace, target, from, to))] };

    internal override IEnumerable<ObjectBuilder> ShrinkParts()
    {
        for (var i = TargetRefs.Count - 1; i >= 0 && TargetRefs.Count > 1; i--)
        {
            yield return this with { TargetRefs = ServiceBuilder.Without(TargetRefs, i) };
        }

        if (!CaCertificateRefs.IsEmpty)
        {
            yield return this with { CaCertificateRefs = [] };
        }
    }
}

/// <summary>
/// A CustomResourceDefinition that declares a policy kind with the <c>gateway.networking.k8s.io/policy</c> label, so
/// that the engine and <c>policyattach</c> know it: <c>Direct</c> (merge None, the oldest policy on a target wins) or
/// <c>Inherited</c> (Patch defaults and overrides down the hierarchy).
/// </summary>
public sealed record PolicyCrdBuilder : ObjectBuilder
{
    /// <summary>A policy CRD.</summary>
    /// <param name="group">The policy kind's group.</param>
    /// <param name="kind">The policy kind.</param>
    /// <param name="policyClass">Direct or Inherited.</param>
    public PolicyCrdBuilder(string group, string kind, PolicyClass policyClass)
        : base(string.Empty, Plural(kind) + "." + group)
    {
        PolicyGroup = group;
        PolicyKind = kind;
        Class = policyClass;
        Labels = StringMap.Of((PolicyKindRegistry.PolicyLabel, policyClass.ToString()));
    }

    /// <summary>The declared kind's group.</summary>
    public string PolicyGroup { get; init; }

    /// <summary>The declared kind.</summary>
    public string PolicyKind { get; init; }

    /// <summary>Direct or Inherited (the label's value).</summary>
    public PolicyClass Class { get; init; }

    /// <inheritdoc />
    public override string ApiVersion => Groups.ApiExtensions + "/v1";

    /// <inheritdoc />
    public override string Kind => "CustomResourceDefinition";

    private protected override void RenderBody(JsonObject manifest)
        => manifest["spec"] = Json.Obj(
            ("group", PolicyGroup),
            ("scope", "Namespaced"),
            ("names", Json.Obj(("kind", PolicyKind), ("plural", Plural(PolicyKind)))),
            ("versions", new JsonArray(Json.Obj(("name", "v1alpha1"), ("served", true), ("storage", true),
                ("schema", Json.Obj(("openAPIV3Schema", Json.Obj(("type", "object"), ("x-kubernetes-preserve-unknown-fields", true)))))))));

    /// <summary>The CRD's plural name: the kind in lower case, <c>y</c> made <c>ies</c>, otherwise with an <c>s</c>.</summary>
    private static string Plural(string kind)
    {
        var lower = new string([.. kind.Select(char.ToLowerInvariant)]);
        return lower.EndsWith('y') ? lower[..^1] + "ies" : lower + "s";
    }
}
