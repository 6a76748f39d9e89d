using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Ingresses;

/// <summary>What kind of thing an Ingress conversion could not carry over exactly.</summary>
public enum ConversionIssueKind
{
    /// <summary>An annotation with no Gateway API equivalent (controller-specific behaviour); it is dropped.</summary>
    UnsupportedAnnotation = 0,

    /// <summary>An annotation making the paths regular expressions (<c>use-regex</c> and the like); they are converted as written prefixes.</summary>
    RegexPaths,

    /// <summary>An <c>ImplementationSpecific</c> path, converted as <c>PathPrefix</c>; the controller may read it otherwise.</summary>
    ImplementationSpecificPath,

    /// <summary>
    /// A wildcard rule host: the Ingress wildcard covers one DNS label, a Gateway API wildcard one or more, so the
    /// converted listener also takes deeper hosts (<c>a.b.foo.com</c> for <c>*.foo.com</c>).
    /// </summary>
    WildcardHost,

    /// <summary>A wildcard TLS host: the converted HTTPS listener also serves deeper hosts, which the Ingress does not.</summary>
    WildcardTlsHost,

    /// <summary>A <c>resource</c> backend: converted to a backendRef of its group and kind, which implementations rarely support.</summary>
    ResourceBackend,

    /// <summary>A Service port given by name that the input cannot resolve to a number (a backendRef needs the number).</summary>
    UnresolvedPortName,

    /// <summary>A TLS entry without <c>secretName</c>: the controller's default certificate; no listener is made.</summary>
    TlsWithoutSecret,

    /// <summary>A TLS host served with different Secrets by several entries; the oldest Ingress's Secret is used.</summary>
    TlsSecretConflict,

    /// <summary>A TLS Secret missing from the input or not holding a valid certificate: the listener will not be programmed.</summary>
    TlsSecretNotUsable,

    /// <summary>Several Ingresses of the class set <c>spec.defaultBackend</c>; only the oldest is converted.</summary>
    DefaultBackendConflict,

    /// <summary>Several Ingresses define the same host and path; the converted routes leave the choice to route age.</summary>
    DuplicatePath,

    /// <summary>An Ingress without class: no Gateway is made for it.</summary>
    NoClass,

    /// <summary>A class name without an IngressClass object: the Gateway's GatewayClass must be chosen by hand.</summary>
    ClassWithoutIngressClass,

    /// <summary>The Gateway has more than the 64 listeners the API allows.</summary>
    TooManyListeners,
}

/// <summary>One thing the conversion could not carry over exactly.</summary>
public sealed record ConversionIssue
{
    /// <summary>The kind.</summary>
    public required ConversionIssueKind Kind { get; init; }

    /// <summary>The Ingress (or IngressClass) concerned, when one is.</summary>
    public ResourceKey? Subject { get; init; }

    /// <summary>The field, such as <c>spec.rules[0].http.paths[1]</c> or <c>metadata.annotations</c>.</summary>
    public string? Field { get; init; }

    /// <summary>The host concerned (lowercase, <c>*.suffix</c> for a wildcard), when one is.</summary>
    public string? Host { get; init; }

    /// <summary>What differs and what to do.</summary>
    public required string Message { get; init; }

    /// <summary>Whether some requests may be routed differently by the converted routes than by the Ingress.</summary>
    public required bool AffectsRouting { get; init; }
}

/// <summary>What an Ingress conversion could not carry over, in a stable order (class, then Ingress, then field).</summary>
/// <param name="Issues">The issues.</param>
public sealed record ConversionReport(EquatableArray<ConversionIssue> Issues)
{
    /// <summary>Whether the converted routes route every request as the Ingresses do (no issue affects routing).</summary>
    public bool RoutesIdentically => !Issues.Any(i => i.AffectsRouting);
}

/// <summary>The result of converting Ingresses: what to apply, what only helps evaluation, and the report.</summary>
public sealed record IngressConversion
{
    /// <summary>One Gateway per class, named after the class.</summary>
    public required EquatableArray<Gateway> Gateways { get; init; }

    /// <summary>The HTTPRoutes: one per Ingress and host (split by 16 rules), and one per class for the default backend.</summary>
    public required EquatableArray<HttpRoute> HttpRoutes { get; init; }

    /// <summary>ReferenceGrants letting a Gateway use TLS Secrets of other namespaces.</summary>
    public required EquatableArray<ReferenceGrant> ReferenceGrants { get; init; }

    /// <summary>
    /// For evaluating the conversion only: a GatewayClass per class with the IngressClass's controller as
    /// <c>controllerName</c>. Not meant to be applied: a cluster uses its Gateway API implementation's own class.
    /// </summary>
    public required EquatableArray<GatewayClass> GatewayClasses { get; init; }

    /// <summary>What could not be carried over.</summary>
    public required ConversionReport Report { get; init; }

    /// <summary>The objects to apply, in order: Gateways, ReferenceGrants, HTTPRoutes (oldest Ingress first).</summary>
    public IEnumerable<KubeObject> Objects => Gateways.Cast<KubeObject>().Concat(ReferenceGrants).Concat(HttpRoutes);
}
