using PolicyAttach.Collections;

namespace PolicyAttach.Model;

/// <summary>The API group names PolicyAttach knows.</summary>
public static class Groups
{
    /// <summary>The core group (Service, Secret, ConfigMap, Namespace): the empty string.</summary>
    public const string Core = "";

    /// <summary><c>gateway.networking.k8s.io</c>.</summary>
    public const string Gateway = "gateway.networking.k8s.io";

    /// <summary><c>gateway.networking.x-k8s.io</c>, the experimental X kinds.</summary>
    public const string GatewayExperimental = "gateway.networking.x-k8s.io";

    /// <summary><c>networking.k8s.io</c> (Ingress, IngressClass).</summary>
    public const string Networking = "networking.k8s.io";

    /// <summary><c>apiextensions.k8s.io</c> (CustomResourceDefinition).</summary>
    public const string ApiExtensions = "apiextensions.k8s.io";
}

/// <summary>
/// A route's <c>parentRefs[]</c> entry with CRD defaults applied: group <c>gateway.networking.k8s.io</c>, kind
/// <c>Gateway</c>, namespace the route's (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#parentreference">ParentReference</see>).
/// </summary>
public sealed record ParentReference
{
    /// <summary>The parent's group (defaulted).</summary>
    public string Group { get; init; } = Groups.Gateway;

    /// <summary>The parent's kind (defaulted).</summary>
    public string Kind { get; init; } = Kinds.Gateway.Kind;

    /// <summary>The parent's namespace (defaulted to the referring object's).</summary>
    public required string Namespace { get; init; }

    /// <summary>The parent's name.</summary>
    public required string Name { get; init; }

    /// <summary>The listener name (Gateway, ListenerSet) or port name (Service), if set.</summary>
    public string? SectionName { get; init; }

    /// <summary>The port, if set.</summary>
    public int? Port { get; init; }

    /// <summary>Whether the user wrote <c>namespace</c> (status echoes the reference as written, with defaults).</summary>
    public bool NamespaceSet { get; init; }

    /// <summary>The parent's group and kind, to compare against <see cref="Kinds"/>.</summary>
    public GroupKind GroupKind => new(Group, Kind);

    /// <summary>The key of the referenced parent.</summary>
    public ResourceKey TargetKey => new(Group, Kind, Namespace, Name);
}

/// <summary>
/// A <c>backendRefs[]</c> entry (also mirror targets) with defaults applied: group "", kind <c>Service</c>,
/// weight 1, namespace the route's (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#backendref">BackendRef</see>).
/// </summary>
public sealed record BackendReference
{
    /// <summary>The backend's group (defaulted to the core group).</summary>
    public string Group { get; init; } = Groups.Core;

    /// <summary>The backend's kind (defaulted to <c>Service</c>).</summary>
    public string Kind { get; init; } = Kinds.Service.Kind;

    /// <summary>The backend's name.</summary>
    public required string Name { get; init; }

    /// <summary>The backend's namespace (defaulted to the route's).</summary>
    public required string Namespace { get; init; }

    /// <summary>The Service port; required for a core Service.</summary>
    public int? Port { get; init; }

    /// <summary>The weight, 0 to 1,000,000 (default 1).</summary>
    public int Weight { get; init; } = 1;

    /// <summary>The referenced object's group and kind, to compare against <see cref="Kinds"/>.</summary>
    public GroupKind GroupKind => new(Group, Kind);

    /// <summary>The referenced object's key.</summary>
    public ResourceKey TargetKey => new(Group, Kind, Namespace, Name);
}

/// <summary>
/// A reference to a Secret or another object in the same or another namespace (<c>certificateRefs</c>,
/// <c>clientCertificateRef</c>, frontend <c>caCertificateRefs</c>) with defaults applied.
/// </summary>
public sealed record ObjectReference
{
    /// <summary>The group.</summary>
    public string Group { get; init; } = Groups.Core;

    /// <summary>The kind.</summary>
    public string Kind { get; init; } = Kinds.Secret.Kind;

    /// <summary>The name.</summary>
    public required string Name { get; init; }

    /// <summary>The namespace (defaulted to the referring object's).</summary>
    public required string Namespace { get; init; }

    /// <summary>The referenced object's group and kind, to compare against <see cref="Kinds"/>.</summary>
    public GroupKind GroupKind => new(Group, Kind);

    /// <summary>The referenced object's key.</summary>
    public ResourceKey TargetKey => new(Group, Kind, Namespace, Name);
}

/// <summary>A reference within the referring object's namespace (<c>extensionRef</c>, BackendTLSPolicy <c>caCertificateRefs</c>).</summary>
/// <param name="Group">The group.</param>
/// <param name="Kind">The kind.</param>
/// <param name="Name">The name.</param>
public sealed record LocalObjectReference(string Group, string Kind, string Name);

/// <summary>A policy <c>targetRef</c> or <c>targetRefs[]</c> entry (GEP-713).</summary>
public sealed record PolicyTargetReference
{
    /// <summary>The target's group.</summary>
    public required string Group { get; init; }

    /// <summary>The target's kind.</summary>
    public required string Kind { get; init; }

    /// <summary>The target's name.</summary>
    public required string Name { get; init; }

    /// <summary>The target's namespace: the policy's unless the reference names another.</summary>
    public required string Namespace { get; init; }

    /// <summary>The listener, rule or port name, if set.</summary>
    public string? SectionName { get; init; }

    /// <summary>The referenced object's group and kind, to compare against <see cref="Kinds"/>.</summary>
    public GroupKind GroupKind => new(Group, Kind);

    /// <summary>The referenced object's key.</summary>
    public ResourceKey TargetKey => new(Group, Kind, Namespace, Name);
}

/// <summary>A label selector requirement (<c>matchExpressions[]</c>).</summary>
/// <param name="Key">The label key.</param>
/// <param name="Operator"><c>In</c>, <c>NotIn</c>, <c>Exists</c> or <c>DoesNotExist</c>.</param>
/// <param name="Values">The values for <c>In</c> and <c>NotIn</c>.</param>
public sealed record LabelSelectorRequirement(string Key, string Operator, EquatableArray<string> Values);

/// <summary>
/// A Kubernetes label selector. The empty selector matches everything
/// (<see href="https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors">label selectors</see>).
/// </summary>
public sealed record LabelSelector
{
    /// <summary>Labels that must be present with these values.</summary>
    public StringMap MatchLabels { get; init; } = StringMap.Empty;

    /// <summary>Set-based requirements, all of which must hold.</summary>
    public EquatableArray<LabelSelectorRequirement> MatchExpressions { get; init; } = [];

    /// <summary>Whether <paramref name="labels"/> satisfy the selector.</summary>
    /// <param name="labels">An object's labels.</param>
    /// <returns>True when every label and requirement holds.</returns>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        Guard.NotNull(labels);
        foreach (var pair in MatchLabels)
        {
            if (!labels.TryGetValue(pair.Key, out var value) || !string.Equals(value, pair.Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        foreach (var requirement in MatchExpressions)
        {
            var present = labels.TryGetValue(requirement.Key, out var value);
            var ok = requirement.Operator switch
            {
                "In" => present && requirement.Values.Contains(value!, StringComparer.Ordinal),
                "NotIn" => !present || !requirement.Values.Contains(value!, StringComparer.Ordinal),
                "Exists" => present,
                "DoesNotExist" => !present,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
