using System.Text.Json;
using k8s;
using k8s.Models;
using PolicyAttach.Collections;
using PolicyAttach.Model;

namespace PolicyAttach.Kubernetes.Status;

/// <summary>
/// The status this controller writes for one object, ready for the status subresource: the JSON merge patch
/// (RFC 7386) body <c>{"status": {...}}</c>, where to send it, and the conditions as KubernetesClient
/// <see cref="V1Condition"/>s. Built from the core <see cref="PolicyAttach.StatusWriter"/> output. Immutable.
/// </summary>
public sealed class ObjectStatus
{
    private readonly Dictionary<string, JsonElement> _conditions;

    internal ObjectStatus(ResourceKey key, string apiVersion, KubernetesResource resource, JsonElement status, string mergePatch, Dictionary<string, JsonElement> conditions)
    {
        Key = key;
        ApiVersion = apiVersion;
        Resource = resource;
        Status = status;
        MergePatch = mergePatch;
        _conditions = conditions;
        Scopes = conditions.Keys.ToEquatableArray();
    }

    /// <summary>The object.</summary>
    public ResourceKey Key { get; }

    /// <summary>The object's apiVersion.</summary>
    public string ApiVersion { get; }

    /// <summary>The API resource (group, version, plural, scope) to patch.</summary>
    public KubernetesResource Resource { get; }

    /// <summary>
    /// The <c>status</c> object of the patch: what this controller computed, with the <c>parents</c> or
    /// <c>ancestors</c> entries of other controllers kept from the previous status.
    /// </summary>
    public JsonElement Status { get; }

    /// <summary>The JSON merge patch body, <c>{"status":{...}}</c>, compact.</summary>
    public string MergePatch { get; }

    /// <summary>
    /// The condition scopes in the status, in order: <c>""</c> (the object's own <c>status.conditions</c>),
    /// <c>listeners/NAME</c>, <c>parents/INDEX</c> (INDEX of the parentRef in the route's spec) and
    /// <c>ancestors/KIND/NAMESPACE/NAME/SECTION</c>, as <see cref="PolicyAttach.StatusWriterOptions.Previous"/> names them.
    /// </summary>
    public EquatableArray<string> Scopes { get; }

    /// <summary>The merge patch as the KubernetesClient patch object (<see cref="V1Patch.PatchType.MergePatch"/>).</summary>
    /// <returns>A new patch.</returns>
    public V1Patch ToV1Patch() => new(MergePatch, V1Patch.PatchType.MergePatch);

    /// <summary>The conditions of a scope as new <see cref="V1Condition"/> objects, sorted by type.</summary>
    /// <param name="scope">A scope from <see cref="Scopes"/>; <c>""</c> for the object's own conditions.</param>
    /// <returns>The conditions; empty when the scope has none.</returns>
    public IList<V1Condition> GetConditions(string scope = "")
    {
        ArgumentNullException.ThrowIfNull(scope);
        return _conditions.TryGetValue(scope, out var array)
            ? KubernetesJson.Deserialize<List<V1Condition>>(array.GetRawText())
            : [];
    }

    /// <inheritdoc />
    public override string ToString() => Key + " " + MergePatch;
}
