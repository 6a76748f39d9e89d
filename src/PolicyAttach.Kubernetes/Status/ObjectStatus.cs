using System.Text.Json;
using k8s.Models;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Status;

namespace PolicyAttach.Kubernetes.Status;

/// <summary>
/// The status this controller writes for one object, ready for the status subresource: the typed status
/// (<see cref="Model"/>), the JSON merge patch (RFC 7386) body <c>{"status": {...}}</c> written from it, where to send
/// it, and the conditions as KubernetesClient <see cref="V1Condition"/>s. Immutable.
/// </summary>
public sealed class ObjectStatus
{
    private readonly Lazy<JsonElement> _status;

    internal ObjectStatus(ResourceStatus model, KubernetesResource resource, string mergePatch)
        : this(model.Key, model.ApiVersion, resource, mergePatch)
    {
        Model = model;
        Scopes = model.ConditionLists().Select(l => l.Scope.ToString()).ToEquatableArray();
    }

    internal ObjectStatus(ResourceKey key, string apiVersion, KubernetesResource resource, string mergePatch)
    {
        Key = key;
        ApiVersion = apiVersion;
        Resource = resource;
        MergePatch = mergePatch;
        _status = new Lazy<JsonElement>(() =>
        {
            using var document = JsonDocument.Parse(MergePatch);
            return document.RootElement.GetProperty("status").Clone();
        });
    }

    /// <summary>The object.</summary>
    public ResourceKey Key { get; }

    /// <summary>The object's apiVersion.</summary>
    public string ApiVersion { get; }

    /// <summary>The API resource (group, version, plural, scope) to patch.</summary>
    public KubernetesResource Resource { get; }

    /// <summary>
    /// The typed status this controller computed, with its transition times; null for a patch that only removes this
    /// controller's entries from an object it no longer writes.
    /// </summary>
    public ResourceStatus? Model { get; }

    /// <summary>
    /// The <c>status</c> object of the patch: what this controller computed, with the <c>parents</c> or
    /// <c>ancestors</c> entries of other controllers kept from the previous status (read from
    /// <see cref="MergePatch"/> when first asked, for comparison with what the cluster holds).
    /// </summary>
    public JsonElement Status => _status.Value;

    /// <summary>The JSON merge patch body, <c>{"status":{...}}</c>, compact.</summary>
    public string MergePatch { get; }

    /// <summary>
    /// The condition scopes in the status, in order, as <see cref="ConditionScope"/> writes them: <c>""</c> (the
    /// object's own <c>status.conditions</c>), <c>listeners/NAME</c>, <c>parents/INDEX</c> (INDEX of the parentRef in
    /// the route's spec) and <c>ancestors/KIND/NAMESPACE/NAME/SECTION</c>.
    /// </summary>
    public EquatableArray<string> Scopes { get; } = [];

    /// <summary>The merge patch as the KubernetesClient patch object (<see cref="V1Patch.PatchType.MergePatch"/>).</summary>
    /// <returns>A new patch.</returns>
    public V1Patch ToV1Patch() => new(MergePatch, V1Patch.PatchType.MergePatch);

    /// <summary>The conditions of a scope as new <see cref="V1Condition"/> objects, sorted by type.</summary>
    /// <param name="scope">A scope from <see cref="Scopes"/>; <c>""</c> for the object's own conditions.</param>
    /// <returns>The conditions; empty when the scope has none.</returns>
    public IList<V1Condition> GetConditions(string scope = "")
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (Model is null)
        {
            return [];
        }

        foreach (var (s, conditions) in Model.ConditionLists())
        {
            if (string.Equals(s.ToString(), scope, StringComparison.Ordinal))
            {
                return ToV1(conditions);
            }
        }

        return [];
    }

    /// <summary>The conditions of a scope as new <see cref="V1Condition"/> objects, sorted by type.</summary>
    /// <param name="scope">The scope.</param>
    /// <returns>The conditions; empty when the scope has none.</returns>
    public IList<V1Condition> ConditionsOf(ConditionScope scope)
        => Model is null ? [] : ToV1(Model.ConditionsOf(scope));

    private static List<V1Condition> ToV1(EquatableArray<Condition> conditions)
    {
        var list = new List<V1Condition>(conditions.Count);
        foreach (var c in conditions)
        {
            var condition = new V1Condition
            {
                Type = c.Type.Value,
                Status = c.Status.Value,
                Reason = c.Reason.Value,
                Message = c.Message,
                ObservedGeneration = c.ObservedGeneration,
            };
            if (c.LastTransitionTime is { } time)
            {
                // Whole seconds, as the status JSON writes them (metav1.Time).
                condition.LastTransitionTime = new DateTime(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
            }

            list.Add(condition);
        }

        return list;
    }

    /// <inheritdoc />
    public override string ToString() => Key + " " + MergePatch;
}
