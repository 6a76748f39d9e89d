using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Ingresses;

/// <summary>
/// The <see cref="ConversionIssue.Kind"/> values of Ingress conversions: what an Ingress conversion could not carry
/// over exactly.
/// </summary>
public static class IngressIssueKinds
{
    /// <summary>An annotation with no Gateway API equivalent (controller-specific behaviour); it is dropped.</summary>
    public const string UnsupportedAnnotation = "UnsupportedAnnotation";

    /// <summary>An annotation making the paths regular expressions (<c>use-regex</c> and the like); they are converted as written prefixes.</summary>
    public const string RegexPaths = "RegexPaths";

    /// <summary>An <c>ImplementationSpecific</c> path, converted as <c>PathPrefix</c>; the controller may read it otherwise.</summary>
    public const string ImplementationSpecificPath = "ImplementationSpecificPath";

    /// <summary>
    /// A wildcard rule host: the Ingress wildcard covers one DNS label, a Gateway API wildcard one or more, so the
    /// converted listener also takes deeper hosts (<c>a.b.foo.com</c> for <c>*.foo.com</c>).
    /// </summary>
    public const string WildcardHost = "WildcardHost";

    /// <summary>A wildcard TLS host: the converted HTTPS listener also serves deeper hosts, which the Ingress does not.</summary>
    public const string WildcardTlsHost = "WildcardTlsHost";

    /// <summary>A <c>resource</c> backend: converted to a backendRef of its group and kind, which implementations rarely support.</summary>
    public const string ResourceBackend = "ResourceBackend";

    /// <summary>A Service port given by name that the input cannot resolve to a number (a backendRef needs the number).</summary>
    public const string UnresolvedPortName = "UnresolvedPortName";

    /// <summary>A TLS entry without <c>secretName</c>: the controller's default certificate; no listener is made.</summary>
    public const string TlsWithoutSecret = "TlsWithoutSecret";

    /// <summary>A TLS host served with different Secrets by several entries; the oldest Ingress's Secret is used.</summary>
    public const string TlsSecretConflict = "TlsSecretConflict";

    /// <summary>A TLS Secret missing from the input or not holding a valid certificate: the listener will not be programmed.</summary>
    public const string TlsSecretNotUsable = "TlsSecretNotUsable";

    /// <summary>Several Ingresses of the class set <c>spec.defaultBackend</c>; only the oldest is converted.</summary>
    public const string DefaultBackendConflict = "DefaultBackendConflict";

    /// <summary>Several Ingresses define the same host and path; the converted routes leave the choice to route age.</summary>
    public const string DuplicatePath = "DuplicatePath";

    /// <summary>An Ingress without class: no Gateway is made for it.</summary>
    public const string NoClass = "NoClass";

    /// <summary>A class name without an IngressClass object: the Gateway's GatewayClass must be chosen by hand.</summary>
    public const string ClassWithoutIngressClass = "ClassWithoutIngressClass";

    /// <summary>The Gateway has more than the 64 listeners the API allows.</summary>
    public const string TooManyListeners = "TooManyListeners";

    /// <summary>The target Gateway given (<c>--gateway</c>) has no listener for a host or TLS entry of the Ingresses.</summary>
    public const string TargetListenerMissing = "TargetListenerMissing";
}

/// <summary>The result of converting Ingresses: what to apply, what only helps evaluation, and the report.</summary>
public sealed record IngressConversion
{
    /// <summary>The Gateways made (one per class), or none when converting onto an existing Gateway.</summary>
    public required EquatableArray<Gateway> Gateways { get; init; }

    /// <summary>ListenerSets made (one per namespace) when converting onto ListenerSets.</summary>
    public EquatableArray<ListenerSet> ListenerSets { get; init; } = [];

    /// <summary>The HTTPRoutes.</summary>
    public required EquatableArray<HttpRoute> HttpRoutes { get; init; }

    /// <summary>The GRPCRoutes (gRPC backends).</summary>
    public EquatableArray<GrpcRoute> GrpcRoutes { get; init; } = [];

    /// <summary>ReferenceGrants letting a Gateway use TLS Secrets of other namespaces.</summary>
    public required EquatableArray<ReferenceGrant> ReferenceGrants { get; init; }

    /// <summary>Policies: BackendTLSPolicies, and an implementation's policies under its profile.</summary>
    public EquatableArray<KubeObject> Policies { get; init; } = [];

    /// <summary>
    /// For evaluating the conversion only: a GatewayClass per class with the IngressClass's controller as
    /// <c>controllerName</c>. Not meant to be applied: a cluster uses its Gateway API implementation's own class.
    /// </summary>
    public required EquatableArray<GatewayClass> GatewayClasses { get; init; }

    /// <summary>Where the parts of the output objects came from (for errors found when reading them back).</summary>
    public EquatableArray<ConversionOrigin> Origins { get; init; } = [];

    /// <summary>What was carried, approximated or dropped, and what was withheld.</summary>
    public required ConversionReport Report { get; init; }

    /// <summary>
    /// The objects to apply, in order: Gateways, ListenerSets, ReferenceGrants, HTTPRoutes, GRPCRoutes (oldest Ingress
    /// first), policies.
    /// </summary>
    public IEnumerable<KubeObject> Objects => Gateways.Cast<KubeObject>().Concat(ListenerSets).Concat(ReferenceGrants).Concat(HttpRoutes).Concat(GrpcRoutes).Concat(Policies);
}
