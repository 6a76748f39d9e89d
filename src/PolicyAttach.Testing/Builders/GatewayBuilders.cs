using System.Text.Json.Nodes;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Testing.Internal;

namespace PolicyAttach.Testing;

/// <summary>A GatewayClass: the controller that implements its Gateways.</summary>
public sealed record GatewayClassBuilder : ObjectBuilder
{
    /// <summary>A GatewayClass.</summary>
    /// <param name="name">The class name.</param>
    /// <param name="controllerName">Its <c>spec.controllerName</c>.</param>
    public GatewayClassBuilder(string name, string controllerName)
        : base(string.Empty, name)
    {
        ControllerName = controllerName ?? throw new ArgumentNullException(nameof(controllerName));
    }

    /// <inheritdoc />
    public override string ApiVersion => Groups.Gateway + "/v1";

    /// <inheritdoc />
    public override string Kind => "GatewayClass";

    /// <summary><c>spec.controllerName</c>.</summary>
    public string ControllerName { get; init; }

    /// <summary><c>spec.parametersRef</c>, or null.</summary>
    public ObjectRefBuilder? ParametersRef { get; init; }

    private protected override void RenderBody(JsonObject manifest)
        => manifest["spec"] = Json.Obj(
            ("controllerName", ControllerName),
            ("parametersRef", ParametersRef is { } p ? Json.Obj(("group", p.Group), ("kind", p.Kind), ("name", p.Name), ("namespace", p.Namespace)) : null));

    internal override IEnumerable<Reference> References()
        => ParametersRef is { } p ? [p.AsReference(ReferenceRole.Parameters, p.Namespace ?? string.Empty, "spec.parametersRef")] : [];

    internal override ObjectBuilder? WithoutReferences(IReadOnlySet<Reference> doomed)
        => References().Any(doomed.Contains) ? this with { ParametersRef = null } : this;

    internal override ObjectBuilder RetargetReferences(ResourceKey target, string name)
        => ParametersRef is { } p ? this with { ParametersRef = p.Retarget(p.Namespace ?? string.Empty, target, name) } : this;

    internal override IEnumerable<ObjectBuilder> ShrinkParts()
        => ParametersRef is null ? [] : [this with { ParametersRef = null }];
}

/// <summary>
/// A listener of a Gateway or a ListenerSet entry. The factories give each protocol its usual port; TLS listeners
/// that terminate need <see cref="CertificateRefs"/>.
/// </summary>
/// <param name="Name">The listener name, unique in its Gateway or ListenerSet.</param>
/// <param name="Protocol"><c>HTTP</c>, <c>HTTPS</c>, <c>TLS</c>, <c>TCP</c>, <c>UDP</c> or a domain-prefixed protocol.</param>
/// <param name="Port">The port.</param>
public sealed record ListenerBuilder(string Name, string Protocol, int Port)
{
    /// <summary>The hostname (<c>*.</c> wildcards allowed), or null for every hostname.</summary>
    public string? Hostname { get; init; }

    /// <summary><c>tls.mode</c>: <c>Terminate</c>, <c>Passthrough</c>, or null to leave it out.</summary>
    public string? TlsMode { get; init; }

    /// <summary><c>tls.certificateRefs</c>.</summary>
    public EquatableArray<ObjectRefBuilder> CertificateRefs { get; init; } = [];

    /// <summary><c>allowedRoutes.namespaces.from</c>: <c>Same</c>, <c>All</c>, <c>Selector</c>, or null to leave it out (Same).</summary>
    public string? RoutesFrom { get; init; }

    /// <summary><c>allowedRoutes.namespaces.selector</c> for <c>Selector</c>.</summary>
    public LabelSelectorBuilder? RoutesSelector { get; init; }

    /// <summary><c>allowedRoutes.kinds</c> (kinds of the Gateway API group); empty for the protocol's kinds.</summary>
    public EquatableArray<string> RouteKinds { get; init; } = [];

    /// <summary>An HTTP listener.</summary>
    /// <param name="name">The name.</param>
    /// <param name="port">The port.</param>
    /// <returns>The listener.</returns>
    public static ListenerBuilder Http(string name, int port = 80) => new(name, Protocols.Http, port);

    /// <summary>An HTTPS listener terminating TLS with one certificate.</summary>
    /// <param name="name">The name.</param>
    /// <param name="certificate">The certificate reference.</param>
    /// <param name="port">The port.</param>
    /// <returns>The listener.</returns>
    public static ListenerBuilder Https(string name, ObjectRefBuilder certificate, int port = 443)
        => new(name, Protocols.Https, port) { CertificateRefs = [certificate] };

    /// <summary>A TLS listener passing TLS through (routes by SNI).</summary>
    /// <param name="name">The name.</param>
    /// <param name="port">The port.</param>
    /// <returns>The listener.</returns>
    public static ListenerBuilder TlsPassthrough(string name, int port = 443) => new(name, Protocols.Tls, port) { TlsMode = TlsModes.Passthrough };

    /// <summary>A TCP listener.</summary>
    /// <param name="name">The name.</param>
    /// <param name="port">The port.</param>
    /// <returns>The listener.</returns>
    public static ListenerBuilder Tcp(string name, int port) => new(name, Protocols.Tcp, port);

    /// <summary>A UDP listener.</summary>
    /// <param name="name">The name.</param>
    /// <param name="port">The port.</param>
    /// <returns>The listener.</returns>
    public static ListenerBuilder Udp(string name, int port) => new(name, Protocols.Udp, port);

    internal JsonObject ToJson() => Json.Obj(
        ("name", Name),
        ("hostname", Hostname),
        ("port", Port),
        ("protocol", Protocol),
        ("tls", TlsMode is null && CertificateRefs.IsEmpty ? null : Json.Obj(
            ("mode", TlsMode),
            ("certificateRefs", Json.ArrayOrNull(CertificateRefs.Select(c => (JsonNode?)c.CertificateJson()))))),
        ("allowedRoutes", RoutesFrom is null && RouteKinds.IsEmpty ? null : Json.Obj(
            ("namespaces", RoutesFrom is null ? null : Json.Obj(("from", RoutesFrom), ("selector", RoutesSelector?.ToJson()))),
            ("kinds", Json.ArrayOrNull(RouteKinds.Select(k => (JsonNode?)Json.Obj(("kind", k))))))));

    /// <summary>Whether the listener terminates TLS and so needs a certificate.</summary>
    internal bool Terminates => Protocol == Protocols.Https || (Protocol == Protocols.Tls && TlsMode != TlsModes.Passthrough);

    internal IEnumerable<Reference> References(string ns, string site)
        => CertificateRefs.Select((c, i) => c.AsReference(ReferenceRole.Certificate, ns, $"{site}.tls.certificateRefs[{i}]"));

    /// <summary>Without the doomed certificates; null when a terminating listener is left without any.</summary>
    internal ListenerBuilder? Without(IReadOnlySet<Reference> doomed, string ns, string site)
    {
        var kept = CertificateRefs.Where((c, i) => !doomed.Contains(c.AsReference(ReferenceRole.Certificate, ns, $"{site}.tls.certificateRefs[{i}]"))).ToEquatableArray();
        return kept.Count == CertificateRefs.Count ? this : kept.IsEmpty && Terminates ? null : this with { CertificateRefs = kept };
    }

    internal ListenerBuilder Retarget(string ns, ResourceKey target, string name)
        => this with { CertificateRefs = [.. CertificateRefs.Select(c => c.Retarget(ns, target, name))] };

    internal IEnumerable<ListenerBuilder> ShrinkParts()
    {
        if (Hostname is not null)
        {
            yield return this with { Hostname = null };
        }

        for (var i = CertificateRefs.Count - 1; i >= 0 && CertificateRefs.Count > 1; i--)
        {
            yield return this with { CertificateRefs = ServiceBuilder.Without(CertificateRefs, i) };
        }

        if (!RouteKinds.IsEmpty)
        {
            yield return this with { RouteKinds = [] };
        }

        // Widen, never narrow: All is in every generated domain, while leaving the field out means Same.
        if (RoutesFrom is not FromNamespaces.All)
        {
            yield return this with { RoutesFrom = FromNamespaces.All, RoutesSelector = null };
        }
    }
}

/// <summary>A Gateway: listeners owned by the controller of its class.</summary>
public sealed record GatewayBuilder : ObjectBuilder
{
    /// <summary>A Gateway.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <param name="className">Its <c>gatewayClassName</c>.</param>
    /// <param name="listeners">Its listeners.</param>
    public GatewayBuilder(string @namespace, string name, string className, params ListenerBuilder[] listeners)
        : base(@namespace, name)
    {
        ClassName = className ?? throw new ArgumentNullException(nameof(className));
        Listeners = [.. listeners ?? []];
    }

    /// <inheritdoc />
    public override string ApiVersion => Groups.Gateway + "/v1";

    /// <inheritdoc />
    public override string Kind => "Gateway";

    /// <summary><c>spec.gatewayClassName</c>.</summary>
    public string ClassName { get; init; }

    /// <summary>The listeners (at least one for a valid Gateway).</summary>
    public EquatableArray<ListenerBuilder> Listeners { get; init; }

    /// <summary><c>allowedListeners.namespaces.from</c> (which ListenerSets may attach), or null to leave it out (None).</summary>
    public string? ListenersFrom { get; init; }

    /// <summary><c>allowedListeners.namespaces.selector</c> for <c>Selector</c>.</summary>
    public LabelSelectorBuilder? ListenersSelector { get; init; }

    /// <summary><c>tls.frontend.default.validation.caCertificateRefs</c> (client certificate validation).</summary>
    public EquatableArray<ObjectRefBuilder> FrontendCaCertificateRefs { get; init; } = [];

    private protected override void RenderBody(JsonObject manifest)
    {
        JsonObject? tls = null;
        if (!FrontendCaCertificateRefs.IsEmpty)
        {
            var validation = Json.Obj(("caCertificateRefs", new JsonArray([.. FrontendCaCertificateRefs.Select(c => (JsonNode)c.TargetJson())])));
            tls = Json.Obj(("frontend", Json.Obj(("default", Json.Obj(("validation", validation))))));
        }

        manifest["spec"] = Json.Obj(
            ("gatewayClassName", ClassName),
            ("listeners", new JsonArray([.. Listeners.Select(l => (JsonNode)l.ToJson())])),
            ("allowedListeners", ListenersFrom is null ? null : Json.Obj(("namespaces", Json.Obj(("from", ListenersFrom), ("selector", ListenersSelector?.ToJson()))))),
            ("tls", tls));
    }

    private ResourceKey ClassKey => new(Groups.Gateway, "GatewayClass", string.Empty, ClassName);

    internal override IEnumerable<Reference> References()
        => Listeners.SelectMany((l, i) => l.References(Namespace, $"spec.listeners[{i}]"))
            .Prepend(new Reference(ReferenceRole.Class, ClassKey, null, null, "spec.gatewayClassName"))
            .Concat(FrontendCaCertificateRefs.Select((c, i) => c.AsReference(ReferenceRole.Certificate, Namespace, $"spec.tls.frontend.default.validation.caCertificateRefs[{i}]")));

    internal override ObjectBuilder? WithoutReferences(IReadOnlySet<Reference> doomed)
    {
        if (doomed.Contains(new Reference(ReferenceRole.Class, ClassKey, null, null, "spec.gatewayClassName")))
        {
            return null;
        }

        var listeners = Listeners.Select((l, i) => l.Without(doomed, Namespace, $"spec.listeners[{i}]")).OfType<ListenerBuilder>().ToEquatableArray();
        var cas = FrontendCaCertificateRefs.Where((c, i) => !doomed.Contains(c.AsReference(ReferenceRole.Certificate, Namespace, $"spec.tls.frontend.default.validation.caCertificateRefs[{i}]"))).ToEquatableArray();
        return listeners.IsEmpty ? null : this with { Listeners = listeners, FrontendCaCertificateRefs = cas };
    }

    internal override ObjectBuilder RetargetReferences(ResourceKey target, string name) => this with
    {
        ClassName = target == ClassKey ? name : ClassName,
        Listeners = [.. Listeners.Select(l => l.Retarget(Namespace, target, name))],
        FrontendCaCertificateRefs = [.. FrontendCaCertificateRefs.Select(c => c.Retarget(Namespace, target, name))],
    };

    internal override IEnumerable<string> Sections() => Listeners.Select(l => l.Name);

    internal override IEnumerable<int> PortNumbers() => Listeners.Select(l => l.Port);

    internal override ObjectBuilder RenameSection(string from, string to)
        => this with { Listeners = [.. Listeners.Select(l => l.Name == from ? l with { Name = to } : l)] };

    internal override IEnumerable<ObjectBuilder> ShrinkParts()
    {
        for (var i = Listeners.Count - 1; i >= 0 && Listeners.Count > 1; i--)
        {
            yield return this with { Listeners = ServiceBuilder.Without(Listeners, i) };
        }

        for (var i = 0; i < Listeners.Count; i++)
        {
            foreach (var smaller in Listeners[i].ShrinkParts())
            {
                yield return this with { Listeners = ServiceBuilder.Replace(Listeners, i, smaller) };
            }
        }

        if (ListenersFrom is not null)
        {
            yield return this with { ListenersFrom = null, ListenersSelector = null };
        }

        if (!FrontendCaCertificateRefs.IsEmpty)
        {
            yield return this with { FrontendCaCertificateRefs = [] };
        }
    }
}

/// <summary>A ListenerSet: listeners that attach to a parent Gateway that allows them.</summary>
public sealed record ListenerSetBuilder : ObjectBuilder
{
    /// <summary>A ListenerSet.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <param name="parent">The parent Gateway.</param>
    /// <param name="listeners">Its listeners.</param>
    public ListenerSetBuilder(string @namespace, string name, ObjectRefBuilder parent, params ListenerBuilder[] listeners)
        : base(@namespace, name)
    {
        Parent = parent ?? throw new ArgumentNullException(nameof(parent));
        Listeners = [.. listeners ?? []];
    }

    /// <inheritdoc />
    public override string ApiVersion => Groups.Gateway + "/v1";

    /// <inheritdoc />
    public override string Kind => "ListenerSet";

    /// <summary><c>spec.parentRef</c>.</summary>
    public ObjectRefBuilder Parent { get; init; }

    /// <summary>The listeners (at least one for a valid ListenerSet).</summary>
    public EquatableArray<ListenerBuilder> Listeners { get; init; }

    private protected override void RenderBody(JsonObject manifest)
        => manifest["spec"] = Json.Obj(
            ("parentRef", Parent.ParentJson()),
            ("listeners", new JsonArray([.. Listeners.Select(l => (JsonNode)l.ToJson())])));

    internal override IEnumerable<Reference> References()
        => Listeners.SelectMany((l, i) => l.References(Namespace, $"spec.listeners[{i}]"))
            .Prepend(Parent.AsReference(ReferenceRole.Parent, Namespace, "spec.parentRef"));

    internal override ObjectBuilder? WithoutReferences(IReadOnlySet<Reference> doomed)
    {
        if (doomed.Contains(Parent.AsReference(ReferenceRole.Parent, Namespace, "spec.parentRef")))
        {
            return null;
        }

        var listeners = Listeners.Select((l, i) => l.Without(doomed, Namespace, $"spec.listeners[{i}]")).OfType<ListenerBuilder>().ToEquatableArray();
        return listeners.IsEmpty ? null : this with { Listeners = listeners };
    }

    internal override ObjectBuilder RetargetReferences(ResourceKey target, string name) => this with
    {
        Parent = Parent.Retarget(Namespace, target, name),
        Listeners = [.. Listeners.Select(l => l.Retarget(Namespace, target, name))],
    };

    internal override ObjectBuilder RetargetSections(ResourceKey target, string from, string to)
        => this with { Parent = Parent.RetargetSection(Namespace, target, from, to) };

    internal override IEnumerable<string> Sections() => Listeners.Select(l => l.Name);

    internal override IEnumerable<int> PortNumbers() => Listeners.Select(l => l.Port);

    internal override ObjectBuilder RenameSection(string from, string to)
        => this with { Listeners = [.. Listeners.Select(l => l.Name == from ? l with { Name = to } : l)] };

    internal override IEnumerable<ObjectBuilder> ShrinkParts()
    {
        for (var i = Listeners.Count - 1; i >= 0 && Listeners.Count > 1; i--)
        {
            yield return this with { Listeners = ServiceBuilder.Without(Listeners, i) };
        }

        for (var i = 0; i < Listeners.Count; i++)
        {
            foreach (var smaller in Listeners[i].ShrinkParts())
            {
                yield return this with { Listeners = ServiceBuilder.Replace(Listeners, i, smaller) };
            }
        }
    }
}

/// <summary>A <c>from[]</c> entry of a ReferenceGrant.</summary>
/// <param name="Group">The referring group.</param>
/// <param name="Kind">The referring kind.</param>
/// <param name="Namespace">The referring namespace.</param>
public sealed record GrantFromBuilder(string Group, string Kind, string Namespace);

/// <summary>A <c>to[]</c> entry of a ReferenceGrant; a null name allows every object of the kind.</summary>
/// <param name="Group">The referred group.</param>
/// <param name="Kind">The referred kind.</param>
/// <param name="Name">The referred name, or null for all.</param>
public sealed record GrantToBuilder(string Group, string Kind, string? Name = null);

/// <summary>A ReferenceGrant: lets the <c>from</c> kinds and namespaces refer to the <c>to</c> kinds in its namespace.</summary>
public sealed record ReferenceGrantBuilder : ObjectBuilder
{
    /// <summary>A ReferenceGrant.</summary>
    /// <param name="namespace">The namespace whose objects it lets others use.</param>
    /// <param name="name">The name.</param>
    public ReferenceGrantBuilder(string @namespace, string name)
        : base(@namespace, name)
    {
    }

    /// <inheritdoc />
    public override string ApiVersion => Groups.Gateway + "/v1";

    /// <inheritdoc />
    public override string Kind => "ReferenceGrant";

    /// <summary>Who may refer.</summary>
    public EquatableArray<GrantFromBuilder> From { get; init; } = [];

    /// <summary>What may be referred to.</summary>
    public EquatableArray<GrantToBuilder> To { get; init; } = [];

    private protected override void RenderBody(JsonObject manifest)
        => manifest["spec"] = Json.Obj(
            ("from", new JsonArray([.. From.Select(f => (JsonNode)Json.Obj(("group", f.Group), ("kind", f.Kind), ("namespace", f.Namespace)))])),
            ("to", new JsonArray([.. To.Select(t => (JsonNode)Json.Obj(("group", t.Group), ("kind", t.Kind), ("name", t.Name)))])));

    internal override IEnumerable<Reference> References()
        => To.Select((t, i) => (t, i)).Where(x => x.t.Name is not null)
            .Select(x => new Reference(ReferenceRole.GrantTo, new ResourceKey(x.t.Group, x.t.Kind, Namespace, x.t.Name!), null, null, $"spec.to[{x.i}]"));

    internal override ObjectBuilder? WithoutReferences(IReadOnlySet<Reference> doomed)
    {
        var kept = To.Where((t, i) => t.Name is null || !doomed.Contains(new Reference(ReferenceRole.GrantTo, new ResourceKey(t.Group, t.Kind, Namespace, t.Name), null, null, $"spec.to[{i}]"))).ToEquatableArray();
        return kept.IsEmpty ? null : this with { To = kept };
    }

    internal override ObjectBuilder RetargetReferences(ResourceKey target, string name)
        => this with { To = [.. To.Select(t => t.Name is not null && new ResourceKey(t.Group, t.Kind, Namespace, t.Name) == target ? t with { Name = name } : t)] };

    internal override IEnumerable<ObjectBuilder> ShrinkParts()
    {
        for (var i = From.Count - 1; i >= 0 && From.Count > 1; i--)
        {
            yield return this with { From = ServiceBuilder.Without(From, i) };
        }

        for (var i = To.Count - 1; i >= 0 && To.Count > 1; i--)
        {
            yield return this with { To = ServiceBuilder.Without(To, i) };
        }
    }
}
