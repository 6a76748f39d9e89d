using System.Globalization;
using System.Text.Json;
using PolicyAttach.Model;
using PolicyAttach.Status;

namespace PolicyAttach.Kubernetes.Status;

/// <summary>
/// Answers <see cref="PolicyAttach.StatusWriterOptions.Previous"/> from the statuses observed in the cluster: the
/// object's own conditions, a listener's by name, a route parent's by its parentRef and controller, a policy
/// ancestor's by its ancestorRef and controller, each matched against the typed status being stamped.
/// </summary>
internal sealed class PreviousConditions(Func<ResourceKey, JsonElement?>? previousStatus)
{
    /// <summary>The previous conditions of one status's scopes, or null when there is no previous status.</summary>
    public Func<ResourceKey, ConditionScope, ConditionType, Condition?>? For(ResourceStatus status)
    {
        if (previousStatus?.Invoke(status.Key) is not { ValueKind: JsonValueKind.Object } previous)
        {
            return null;
        }

        var scopes = Index(status, previous);
        return (_, scope, type) => scopes.TryGetValue(scope, out var conditions) ? Find(conditions, type) : null;
    }

    private static Condition? Find(JsonElement conditions, ConditionType type)
    {
        if (conditions.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var condition in conditions.EnumerateArray())
        {
            if (condition.ValueKind == JsonValueKind.Object && String(condition, "type") == type.Value)
            {
                return ToCondition(condition);
            }
        }

        return null;
    }

    private static Dictionary<ConditionScope, JsonElement> Index(ResourceStatus current, JsonElement status)
    {
        var scopes = new Dictionary<ConditionScope, JsonElement>();
        if (status.TryGetProperty("conditions", out var own))
        {
            scopes[ConditionScope.Own] = own;
        }

        foreach (var listener in Array(status, "listeners"))
        {
            if (String(listener, "name") is { } name && listener.TryGetProperty("conditions", out var c))
            {
                scopes[ConditionScope.Listener(name)] = c;
            }
        }

        var ns = current.Key.Namespace;
        if (current is RouteStatus route)
        {
            foreach (var parent in route.Parents)
            {
                if (FindEntry(status, "parents", "parentRef", parent.ParentRef, parent.ControllerName, ns) is { } conditions)
                {
                    scopes[ConditionScope.Parent(parent.ParentIndex)] = conditions;
                }
            }
        }

        if (current is PolicyStatus policy)
        {
            foreach (var ancestor in policy.Ancestors)
            {
                if (FindEntry(status, "ancestors", "ancestorRef", ancestor.AncestorRef, ancestor.ControllerName, ns) is { } conditions)
                {
                    scopes[ConditionScope.Ancestor(ancestor.AncestorRef)] = conditions;
                }
            }
        }

        return scopes;
    }

    private static JsonElement? FindEntry(JsonElement status, string list, string refName, ParentReference reference, string controller, string objectNamespace)
    {
        foreach (var entry in Array(status, list))
        {
            if (String(entry, "controllerName") == controller
                && entry.TryGetProperty(refName, out var r) && r.ValueKind == JsonValueKind.Object
                && Matches(r, reference, objectNamespace)
                && entry.TryGetProperty("conditions", out var conditions))
            {
                return conditions;
            }
        }

        return null;
    }

    /// <summary>Whether a reference as written in a status (defaults possibly omitted) is the computed one.</summary>
    private static bool Matches(JsonElement written, ParentReference reference, string objectNamespace)
    {
        var port = written.TryGetProperty("port", out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var value) ? value : (int?)null;
        return (String(written, "group") ?? Groups.Gateway) == reference.Group
            && (String(written, "kind") ?? "Gateway") == reference.Kind
            && (String(written, "namespace") ?? objectNamespace) == (reference.Namespace.Length == 0 ? objectNamespace : reference.Namespace)
            && String(written, "name") == reference.Name
            && String(written, "sectionName") == reference.SectionName
            && port == reference.Port;
    }

    private static Condition? ToCondition(JsonElement c)
    {
        if (String(c, "type") is not { } type || String(c, "status") is not { } status || String(c, "reason") is not { } reason)
        {
            return null;
        }

        DateTimeOffset? time = String(c, "lastTransitionTime") is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : null;
        return new Condition
        {
            Type = ConditionType.Parse(type),
            Status = ConditionStatus.Parse(status),
            Reason = ConditionReason.Parse(reason),
            Message = String(c, "message") ?? string.Empty,
            ObservedGeneration = c.TryGetProperty("observedGeneration", out var g) && g.ValueKind == JsonValueKind.Number && g.TryGetInt64(out var gen) ? gen : 0,
            LastTransitionTime = time,
        };
    }

    private static IEnumerable<JsonElement> Array(JsonElement obj, string name)
        => obj.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
            : [];

    private static string? String(JsonElement obj, string name)
        => obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
