using System.Text.Json.Nodes;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Testing.Internal;

namespace PolicyAttach.Testing;

/// <summary>An IngressClass: which controller implements Ingresses of the class.</summary>
public sealed record IngressClassBuilder : ObjectBuilder
{
    /// <summary>An IngressClass.</summary>
    /// <param name="name">The class name.</param>
    /// <param name="controller"><c>spec.controller</c>.</param>
    public IngressClassBuilder(string name, string controller)
        : base(string.Empty, name)
    {
        Controller = controller ?? throw new ArgumentNullException(nameof(controller));
    }

    /// <inheritdoc />
    public override string ApiVersion => Groups.Networking + "/v1";

    /// <inheritdoc />
    public override string Kind => "IngressClass";

    /// <summary><c>spec.controller</c>.</summary>
    public string Controller { get; init; }

    /// <summary>Whether the class is the cluster's default (the <c>ingressclass.kubernetes.io/is-default-class</c> annotation).</summary>
    public bool IsDefault { get; init; }

    private protected override void RenderBody(JsonObject manifest)
    {
        if (IsDefault)
        {
            var metadata = manifest["metadata"]!.AsObject();
            var annotations = metadata["annotations"] as JsonObject ?? [];
            annotations["ingressclass.kubernetes.io/is-default-class"] = "true";
            metadata["annotations"] = annotations;
        }

        manifest["spec"] = Json.Obj(("controller", Controller));
    }

    internal override IEnumerable<ObjectBuilder> ShrinkParts() => IsDefault ? [this with { IsDefault = false }] : [];
}

/// <summary>An Ingress backend: a Service port by number or by name.</summary>
/// <param name="ServiceName">The Service name.</param>
public sealed record IngressBackendBuilder(string ServiceName)
{
    /// <summary>The port number, or null.</summary>
    public int? PortNumber { get; init; }

    /// <summary>The port name, or null.</summary>
    public string? PortName { get; init; }

    /// <summary>A backend by port number.</summary>
    /// <param name="service">The Service name.</param>
    /// <param name="port">The port.</param>
    /// <returns>The backend.</returns>
    public static IngressBackendBuilder Port(string service, int port) => new(service) { PortNumber = port };

    internal JsonObject ToJson() => Json.Obj(("service", Json.Obj(
        ("name", ServiceName),
        ("port", PortName is not null ? Json.Obj(("name", PortName)) : Json.Obj(("number", PortNumber))))));

    internal Reference AsReference(string ns, string site)
        => new(ReferenceRole.Backend, new ResourceKey(Groups.Core, "Service", ns, ServiceName), PortName, PortNumber, site);
}

/// <summary>An Ingress HTTP path.</summary>
/// <param name="Path">The path.</param>
/// <param name="PathType"><c>Exact</c>, <c>Prefix</c> or <c>ImplementationSpecific</c>.</param>
/// <param name="Backend">The backend.</param>
public sealed record IngressPathBuilder(string Path, string PathType, IngressBackendBuilder Backend);

/// <summary>An Ingress rule: an optional host and its paths.</summary>
/// <param name="Host">The host (a leading <c>*.</c> covers one label), or null for every host.</param>
public sealed record IngressRuleBuilder(string? Host)
{
    /// <summary>The paths.</summary>
    public EquatableArray<IngressPathBuilder> Paths { get; init; } = [];
}

/// <summary>An Ingress TLS entry.</summary>
/// <param name="SecretName">The TLS Secret in the Ingress's namespace.</param>
public sealed record IngressTlsBuilder(string SecretName)
{
    /// <summary>The hosts the certificate covers.</summary>
    public EquatableArray<string> Hosts { get; init; } = [];
}

/// <summary>An Ingress (<c>networking.k8s.io/v1</c>).</summary>
public sealed record IngressBuilder : ObjectBuilder
{
    /// <summary>An Ingress.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    public IngressBuilder(string @namespace, string name)
        : base(@namespace, name)
    {
    }

    /// <inheritdoc />
    public override string ApiVersion => Groups.Networking + "/v1";

    /// <inheritdoc />
    public override string Kind => "Ingress";

    /// <summary><c>spec.ingressClassName</c>, or null (the default class, if any, applies).</summary>
    public string? ClassName { get; init; }

    /// <summary><c>spec.defaultBackend</c>, or null.</summary>
    public IngressBackendBuilder? DefaultBackend { get; init; }

    /// <summary>The rules.</summary>
    public EquatableArray<IngressRuleBuilder> Rules { get; init; } = [];

    /// <summary>The TLS entries.</summary>
    public EquatableArray<IngressTlsBuilder> Tls { get; init; } = [];

    private protected override void RenderBody(JsonObject manifest)
        => manifest["spec"] = Json.Obj(
            ("ingressClassName", ClassName),
            ("defaultBackend", DefaultBackend?.ToJson()),
            ("tls", Json.ArrayOrNull(Tls.Select(t => (JsonNode?)Json.Obj(("hosts", Json.Strings(t.Hosts)), ("secretName", t.SecretName))))),
            ("rules", Json.ArrayOrNull(Rules.Select(r => (JsonNode?)Json.Obj(
                ("host", r.Host),
                ("http", Json.Obj(("paths", new JsonArray([.. r.Paths.Select(p => (JsonNode)Json.Obj(("path", p.Path), ("pathType", p.PathType), ("backend", p.Backend.ToJson())))])))))))));

    private IEnumerable<(string Site, IngressBackendBuilder Backend)> Backends()
        => Rules.SelectMany((r, i) => r.Paths.Select((p, j) => ($"spec.rules[{i}].http.paths[{j}].backend", p.Backend)))
            .Concat(DefaultBackend is { } d ? [("spec.defaultBackend", d)] : []);

    internal override IEnumerable<Reference> References()
        => Backends().Select(b => b.Backend.AsReference(Namespace, b.Site))
            .Concat(Tls.Select((t, i) => new Reference(ReferenceRole.Certificate, new ResourceKey(Groups.Core, "Secret", Namespace, t.SecretName), null, null, $"spec.tls[{i}]")))
            .Concat(ClassName is { } c ? [new Reference(ReferenceRole.Class, new ResourceKey(Groups.Networking, "IngressClass", string.Empty, c), null, null, "spec.ingressClassName")] : []);

    internal override ObjectBuilder? WithoutReferences(IReadOnlySet<Reference> doomed)
    {
        var rules = Rules.Select((r, i) => r with
        {
            Paths = r.Paths.Where((p, j) => !doomed.Contains(p.Backend.AsReference(Namespace, $"spec.rules[{i}].http.paths[{j}].backend"))).ToEquatableArray(),
        }).Where(r => !r.Paths.IsEmpty).ToEquatableArray();
        var defaultBackend = DefaultBackend is { } d && doomed.Contains(d.AsReference(Namespace, "spec.defaultBackend")) ? null : DefaultBackend;
        var tls = Tls.Where((t, i) => !doomed.Contains(new Reference(ReferenceRole.Certificate, new ResourceKey(Groups.Core, "Secret", Namespace, t.SecretName), null, null, $"spec.tls[{i}]"))).ToEquatableArray();
        var className = ClassName is { } c && doomed.Contains(new Reference(ReferenceRole.Class, new ResourceKey(Groups.Networking, "IngressClass", string.Empty, c), null, null, "spec.ingressClassName")) ? null : ClassName;
        return rules.IsEmpty && defaultBackend is null ? null : this with { Rules = rules, DefaultBackend = defaultBackend, Tls = tls, ClassName = className };
    }

    internal override ObjectBuilder RetargetReferences(ResourceKey target, string name)
    {
        IngressBackendBuilder Retarget(IngressBackendBuilder b) => new ResourceKey(Groups.Core, "Service", Namespace, b.ServiceName) == target ? b with { ServiceName = name } : b;
        return this with
        {
            Rules = [.. Rules.Select(r => r with { Paths = [.. r.Paths.Select(p => p with { Backend = Retarget(p.Backend) })] })],
            DefaultBackend = DefaultBackend is { } d ? Retarget(d) : null,
            Tls = [.. Tls.Select(t => new ResourceKey(Groups.Core, "Secret", Namespace, t.SecretName) == target ? t with { SecretName = name } : t)],
            ClassName = ClassName is { } c && new ResourceKey(Groups.Networking, "IngressClass", string.Empty, c) == target ? name : ClassName,
        };
    }

    internal override IEnumerable<ObjectBuilder> ShrinkParts()
    {
        for (var i = Rules.Count - 1; i >= 0 && (Rules.Count > 1 || DefaultBackend is not null); i--)
        {
            yield return this with { Rules = ServiceBuilder.Without(Rules, i) };
        }

        for (var i = 0; i < Rules.Count; i++)
        {
            for (var j = Rules[i].Paths.Count - 1; j >= 0 && Rules[i].Paths.Count > 1; j--)
            {
                yield return this with { Rules = ServiceBuilder.Replace(Rules, i, Rules[i] with { Paths = ServiceBuilder.Without(Rules[i].Paths, j) }) };
            }

            if (Rules[i].Host is not null)
            {
                yield return this with { Rules = ServiceBuilder.Replace(Rules, i, Rules[i] with { Host = null }) };
            }
        }

        if (DefaultBackend is not null && !Rules.IsEmpty)
        {
            yield return this with { DefaultBackend = null };
        }

        for (var i = Tls.Count - 1; i >= 0; i--)
        {
            yield return this with { Tls = ServiceBuilder.Without(Tls, i) };
        }
    }
}

/// <summary>
/// An object given as raw JSON: any kind the typed builders do not cover, or a document that is deliberately
/// malformed. Its key is read from the JSON as far as it goes.
/// </summary>
public sealed record RawObjectBuilder : ObjectBuilder
{
    /// <summary>An object from its JSON text.</summary>
    /// <param name="json">The manifest as one JSON object.</param>
    public RawObjectBuilder(string json)
        : base(ReadString(json, "metadata", "namespace") ?? string.Empty, ReadString(json, "metadata", "name") ?? string.Empty)
    {
        ManifestJson = json;
        if (Parse(json) is not JsonObject)
        {
            throw new ArgumentException("The manifest must be one JSON object.", nameof(json));
        }
    }

    /// <summary>The manifest as written.</summary>
    public string ManifestJson { get; init; }

    /// <inheritdoc />
    public override string ApiVersion => ReadString(ManifestJson, "apiVersion") ?? string.Empty;

    /// <inheritdoc />
    public override string Kind => ReadString(ManifestJson, "kind") ?? string.Empty;

    private protected override void RenderBody(JsonObject manifest)
    {
        // The raw text replaces everything; metadata written by the base is dropped.
        manifest.Clear();
        if (Parse(ManifestJson) is JsonObject raw)
        {
            foreach (var (key, value) in raw.ToList())
            {
                raw.Remove(key);
                manifest[key] = value;
            }
        }
    }

    private static string? ReadString(string json, params string[] path)
    {
        var node = Parse(json);
        foreach (var name in path)
        {
            node = node is JsonObject obj ? obj[name] : null;
        }

        return node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
    }

    private static JsonNode? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json ?? throw new ArgumentNullException(nameof(json)));
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
