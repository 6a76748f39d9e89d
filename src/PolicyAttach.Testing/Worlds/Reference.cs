using PolicyAttach.Model;

namespace PolicyAttach.Testing;

/// <summary>What a reference is for; the shrinker removes references by role when their target goes.</summary>
internal enum ReferenceRole
{
    /// <summary>A Gateway's <c>gatewayClassName</c>, an Ingress's <c>ingressClassName</c>.</summary>
    Class,

    /// <summary>A route's <c>parentRefs[]</c> entry or a ListenerSet's <c>parentRef</c>.</summary>
    Parent,

    /// <summary>A <c>backendRefs[]</c> entry, a mirror target, an Ingress backend.</summary>
    Backend,

    /// <summary>A listener's <c>certificateRefs[]</c>, a Gateway's CA references, an Ingress TLS Secret.</summary>
    Certificate,

    /// <summary>A policy <c>targetRefs[]</c> entry.</summary>
    PolicyTarget,

    /// <summary>A ReferenceGrant <c>to[]</c> entry with a name.</summary>
    GrantTo,

    /// <summary>A <c>parametersRef</c>.</summary>
    Parameters,
}

/// <summary>
/// One reference of an object: its target's key, and the section (listener, rule or port name) or port it names.
/// <see cref="Site"/> tells apart equal references at different places of the same object.
/// </summary>
internal readonly record struct Reference(ReferenceRole Role, ResourceKey Target, string? Section, int? Port, string Site)
{
    public override string ToString()
        => $"{Site} -> {Target}{(Section is null ? string.Empty : "/" + Section)}{(Port is null ? string.Empty : ":" + Port)}";
}
