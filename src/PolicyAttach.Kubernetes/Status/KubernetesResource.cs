using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using PolicyAttach.Manifests;
using PolicyAttach.Model;

namespace PolicyAttach.Kubernetes.Status;

/// <summary>
/// Where an object lives in the API: what <see cref="k8s.GenericClient"/> and the custom-objects status calls
/// (<c>PatchNamespacedCustomObjectStatusAsync</c>, <c>PatchClusterCustomObjectStatusAsync</c>) take.
/// </summary>
/// <param name="Group">The API group; empty for the core group.</param>
/// <param name="Version">The version, such as <c>v1</c>.</param>
/// <param name="Plural">The lowercase plural resource name, such as <c>httproutes</c>.</param>
/// <param name="Namespaced">Whether objects of the kind live in a namespace.</param>
public sealed record KubernetesResource(string Group, string Version, string Plural, bool Namespaced)
{
    private static readonly FrozenDictionary<GroupKind, string> KnownPlurals = new Dictionary<GroupKind, string>
    {
        [new(Groups.Gateway, "GatewayClass")] = "gatewayclasses",
        [new(Groups.Gateway, "Gateway")] = "gateways",
        [new(Groups.Gateway, "HTTPRoute")] = "httproutes",
        [new(Groups.Gateway, "GRPCRoute")] = "grpcroutes",
        [new(Groups.Gateway, "TCPRoute")] = "tcproutes",
        [new(Groups.Gateway, "TLSRoute")] = "tlsroutes",
        [new(Groups.Gateway, "UDPRoute")] = "udproutes",
        [new(Groups.Gateway, "ListenerSet")] = "listenersets",
        [new(Groups.Gateway, "ReferenceGrant")] = "referencegrants",
        [new(Groups.Gateway, "BackendTLSPolicy")] = "backendtlspolicies",
        [new(Groups.GatewayExperimental, "XListenerSet")] = "xlistenersets",
        [new(Groups.GatewayExperimental, "XBackendTrafficPolicy")] = "xbackendtrafficpolicies",
        [new(Groups.Core, "Service")] = "services",
        [new(Groups.Core, "Namespace")] = "namespaces",
        [new(Groups.Core, "Secret")] = "secrets",
        [new(Groups.Core, "ConfigMap")] = "configmaps",
        [new(Groups.Networking, "Ingress")] = "ingresses",
        [new(Groups.Networking, "IngressClass")] = "ingressclasses",
        [new(Groups.ApiExtensions, "CustomResourceDefinition")] = "customresourcedefinitions",
    }.ToFrozenDictionary();

    /// <summary><c>group/version</c>, or <c>version</c> for the core group.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary>
    /// The resource of a kind at an apiVersion: the Gateway API, core and policy kinds from a table; any other kind
    /// from a CustomResourceDefinition in <paramref name="snapshot"/> (its <c>spec.names.plural</c> and
    /// <c>spec.scope</c>); failing that, the lowercase kind made plural as the API machinery guesses it
    /// (<c>BackendTrafficPolicy</c> → <c>backendtrafficpolicies</c>) and namespaced.
    /// </summary>
    /// <param name="apiVersion">The object's apiVersion.</param>
    /// <param name="kind">The object's kind.</param>
    /// <param name="snapshot">Where to look for CRDs; null for none.</param>
    /// <returns>The resource.</returns>
    public static KubernetesResource For(string apiVersion, string kind, Snapshot? snapshot = null)
    {
        ArgumentNullException.ThrowIfNull(apiVersion);
        ArgumentException.ThrowIfNullOrEmpty(kind);
        var groupKind = GroupKind.FromApiVersion(apiVersion, kind);
        var group = groupKind.Group;
        var version = group.Length == 0 ? apiVersion : apiVersion[(group.Length + 1)..];
        if (KnownPlurals.TryGetValue(groupKind, out var plural))
        {
            return new KubernetesResource(group, version, plural, ManifestReader.IsNamespaced(groupKind));
        }

        if (snapshot is not null && FromCrd(groupKind, version, snapshot) is { } fromCrd)
        {
            return fromCrd;
        }

        return new KubernetesResource(group, version, GuessPlural(kind), ManifestReader.IsNamespaced(groupKind));
    }

    /// <summary>The plural the API machinery guesses for a kind: lowercase, then <c>-es</c> after s, <c>-ies</c> for y, else <c>-s</c>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The plural resource name.</returns>
    public static string GuessPlural(string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
#pragma warning disable CA1308 // Kubernetes resource names are lowercase by definition.
        var lower = kind.ToLowerInvariant();
#pragma warning restore CA1308
        return lower[^1] switch
        {
            's' => lower + "es",
            'y' => lower[..^1] + "ies",
            _ => lower + "s",
        };
    }

    private static KubernetesResource? FromCrd(GroupKind groupKind, string version, Snapshot snapshot)
    {
        foreach (var crd in snapshot.OfKind(new GroupKind(Groups.ApiExtensions, "CustomResourceDefinition")).OfType<GenericObject>())
        {
            var root = crd.Raw.Element;
            if (!root.TryGetProperty("spec", out var spec) || spec.ValueKind != JsonValueKind.Object
                || !TryString(spec, "group", out var group) || group != groupKind.Group
                || !spec.TryGetProperty("names", out var names) || names.ValueKind != JsonValueKind.Object
                || !TryString(names, "kind", out var kind) || kind != groupKind.Kind)
            {
                continue;
            }

            var plural = TryString(names, "plural", out var p) && p.Length > 0 ? p : GuessPlural(kind);
            var namespaced = !TryString(spec, "scope", out var scope) || !string.Equals(scope, "Cluster", StringComparison.Ordinal);
            return new KubernetesResource(group, version, plural, namespaced);
        }

        return null;
    }

    private static bool TryString(JsonElement obj, string name, out string value)
    {
        value = obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;
        return value.Length > 0;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Plural}.{ApiVersion}");
}
