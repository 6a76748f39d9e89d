using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.Manifests;

namespace PolicyAttach.Kubernetes.Conversion;

/// <summary>
/// Converts KubernetesClient objects (<see cref="V1Service"/>, <see cref="V1Namespace"/>, <see cref="V1Secret"/>,
/// any <see cref="IKubernetesObject"/>) and the <see cref="JsonElement"/> or <see cref="JsonNode"/> objects a
/// <see cref="GenericClient"/> returns for custom resources into the core model. Each object is serialized with
/// <see cref="KubernetesJson"/> and read by <see cref="ManifestReader"/>: the same code path as manifests, so
/// defaults and validation are identical. A missing <c>apiVersion</c> or <c>kind</c> (list items from the API
/// server often lack them) is taken from the model's <see cref="KubernetesEntityAttribute"/>.
/// </summary>
public static class KubernetesObjectConverter
{
    /// <summary>Converts one object.</summary>
    /// <param name="value">An <see cref="IKubernetesObject"/>, a <see cref="JsonElement"/>, a <see cref="JsonNode"/>, or any object <see cref="KubernetesJson"/> serializes to a Kubernetes object.</param>
    /// <param name="options">Defaults for missing metadata; null for the standard ones.</param>
    /// <returns>The core object (null when dropped) and the diagnostics, which have no location.</returns>
    public static ManifestReadResult Convert(object value, ManifestReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        return ManifestReader.Read(ToElement(value), options);
    }

    /// <summary>
    /// Converts objects in order, as a load does: objects without a creationTimestamp get
    /// <see cref="ManifestLoaderOptions.Epoch"/> (plus n seconds for the n-th with
    /// <see cref="ManifestLoaderOptions.InputOrderIsCreationOrder"/>), and list objects (<c>V1ServiceList</c>, a
    /// <c>*List</c> JSON object) are expanded to their items.
    /// </summary>
    /// <param name="values">The objects.</param>
    /// <param name="options">The epoch and default namespace; null for the defaults.</param>
    /// <returns>The objects (with a null location) and every diagnostic.</returns>
    public static LoadResult ConvertAll(IEnumerable<object> values, ManifestLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var session = new LoadSession(options ?? new ManifestLoaderOptions());
        foreach (var value in values)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(values));
            session.AddElement(ToElement(value));
        }

        return session.ToResult();
    }

    /// <summary>The JSON the core reads for an object.</summary>
    /// <param name="value">The object.</param>
    /// <returns>A standalone element.</returns>
    public static JsonElement ToElement(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        switch (value)
        {
            case JsonElement element:
                return element.Clone();
            case JsonDocument document:
                return document.RootElement.Clone();
            case JsonNode node:
                return Parse(node.ToJsonString());
        }

        var json = KubernetesJson.Serialize(value);
        if (JsonNode.Parse(json) is not JsonObject obj)
        {
            return Parse(json);
        }

        var changed = FillTypeMeta(obj, value.GetType());
        var itemType = value.GetType().GetInterfaces()
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IItems<>))?
            .GetGenericArguments()[0];
        if (itemType is not null && obj["items"] is JsonArray items)
        {
            foreach (var item in items.OfType<JsonObject>())
            {
                changed |= FillTypeMeta(item, itemType);
            }
        }

        return changed ? Parse(obj.ToJsonString()) : Parse(json);
    }

    private static bool FillTypeMeta(JsonObject obj, Type type)
    {
        var entity = type.GetCustomAttribute<KubernetesEntityAttribute>();
        if (entity is null)
        {
            return false;
        }

        var changed = false;
        if (obj["apiVersion"] is not JsonValue apiVersion || string.IsNullOrEmpty(apiVersion.ToString()))
        {
            obj["apiVersion"] = string.IsNullOrEmpty(entity.Group) ? entity.ApiVersion : entity.Group + "/" + entity.ApiVersion;
            changed = true;
        }

        if (obj["kind"] is not JsonValue kind || string.IsNullOrEmpty(kind.ToString()))
        {
            obj["kind"] = entity.Kind;
            changed = true;
        }

        return changed;
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 1024 });
        return document.RootElement.Clone();
    }
}
