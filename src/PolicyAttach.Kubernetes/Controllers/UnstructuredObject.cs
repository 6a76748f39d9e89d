using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace PolicyAttach.Kubernetes.Controllers;

/// <summary>
/// Any Kubernetes object, for <see cref="GenericClient"/> calls on kinds KubernetesClient has no model for (the
/// Gateway API kinds, policy CRDs): metadata is typed, every other field is kept as JSON.
/// </summary>
public sealed class UnstructuredObject : IKubernetesObject<V1ObjectMeta>
{
    /// <inheritdoc />
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = string.Empty;

    /// <inheritdoc />
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    /// <inheritdoc />
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>Every other field (<c>spec</c>, <c>status</c>, ...).</summary>
    [JsonExtensionData]
#pragma warning disable CA2227 // System.Text.Json fills extension data through the setter.
    public IDictionary<string, JsonElement> Fields { get; set; } = new Dictionary<string, JsonElement>();
#pragma warning restore CA2227
}

/// <summary>A list of <see cref="UnstructuredObject"/>s as a list call returns it.</summary>
public sealed class UnstructuredObjectList : IKubernetesObject<V1ListMeta>, IItems<UnstructuredObject>
{
    /// <inheritdoc />
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = string.Empty;

    /// <inheritdoc />
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    /// <inheritdoc />
    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    /// <inheritdoc />
    [JsonPropertyName("items")]
#pragma warning disable CA2227 // System.Text.Json fills the list through the setter.
    public IList<UnstructuredObject> Items { get; set; } = new List<UnstructuredObject>();
#pragma warning restore CA2227
}
