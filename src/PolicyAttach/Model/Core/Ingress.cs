using PolicyAttach.Collections;

namespace PolicyAttach.Model;

/// <summary>
/// An Ingress (<c>networking.k8s.io/v1</c>,
/// <see href="https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/">Ingress</see>).
/// </summary>
public sealed record Ingress : KubeObject
{
    /// <inheritdoc />
    public override string Kind => Kinds.Ingress.Kind;

    /// <summary><c>spec.ingressClassName</c>, if set.</summary>
    public string? IngressClassName { get; init; }

    /// <summary>The backend for requests no rule matches.</summary>
    public IngressBackend? DefaultBackend { get; init; }

    /// <summary>The rules, in spec order.</summary>
    public EquatableArray<IngressRule> Rules { get; init; } = [];

    /// <summary>The TLS entries.</summary>
    public EquatableArray<IngressTls> Tls { get; init; } = [];
}

/// <summary>An Ingress rule: an optional host and HTTP paths.</summary>
/// <param name="Host">The host (a leading <c>*.</c> wildcard covers one label), or null for every host.</param>
/// <param name="Paths">The paths.</param>
public sealed record IngressRule(string? Host, EquatableArray<IngressPath> Paths);

/// <summary>An Ingress HTTP path.</summary>
/// <param name="Path">The path, <c>/</c> when absent.</param>
/// <param name="PathType"><c>Exact</c>, <c>Prefix</c> or <c>ImplementationSpecific</c>.</param>
/// <param name="Backend">The backend.</param>
public sealed record IngressPath(string Path, string PathType, IngressBackend Backend);

/// <summary>An Ingress backend: a Service port (by number or name) or a resource.</summary>
public sealed record IngressBackend
{
    /// <summary>The Service name, for a Service backend.</summary>
    public string? ServiceName { get; init; }

    /// <summary>The Service port number, if given by number.</summary>
    public int? ServicePortNumber { get; init; }

    /// <summary>The Service port name, if given by name.</summary>
    public string? ServicePortName { get; init; }

    /// <summary>A resource backend (group, kind, name), if given.</summary>
    public LocalObjectReference? Resource { get; init; }
}

/// <summary>An Ingress TLS entry.</summary>
/// <param name="Hosts">The hosts the certificate covers.</param>
/// <param name="SecretName">The TLS Secret name, if set.</param>
public sealed record IngressTls(EquatableArray<string> Hosts, string? SecretName);

/// <summary>An IngressClass: which controller implements Ingresses of the class.</summary>
public sealed record IngressClass : KubeObject
{
    /// <inheritdoc />
    public override string Kind => Kinds.IngressClass.Kind;

    /// <summary><c>spec.controller</c>.</summary>
    public string? Controller { get; init; }

    /// <summary><c>spec.parameters</c>, if set.</summary>
    public ParametersReference? Parameters { get; init; }

    /// <summary>Whether the <c>ingressclass.kubernetes.io/is-default-class</c> annotation is <c>"true"</c>.</summary>
    public bool IsDefaultClass => string.Equals(Metadata.Annotations.GetValueOrDefault("ingressclass.kubernetes.io/is-default-class"), "true", StringComparison.Ordinal);
}
