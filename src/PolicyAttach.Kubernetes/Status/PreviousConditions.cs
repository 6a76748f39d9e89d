using System.Globalization;
using System.Text.Json;
using PolicyAttach.Binding;
using PolicyAttach.Model;

namespace PolicyAttach.Kubernetes.Status;

/// <summary>
/// Answers <see cref="PolicyAttach.StatusWriterOptions.Previous"/> from the statuses observed in the
/// cluster: the object's own conditions, a listener's by name, a route parent's by its parentRef and controller,
/// a policy ancestor's by its ancestorRef and controller. Used by one <see cref="StatusPatches.Build"/> call.
/// </summary>
internal sealed class PreviousConditions(EvaluationResult result, Func<ResourceKey, JsonElement?>? previousStatus)
{
    private readonly Dictionary<ResourceKey, Dictionary<string, JsonElement>> _scopes = [];

    public static string AncestorScope(ParentReference r) => "ancestors/" + r.Kind + "/" + r.Namespace + "/" + r.Name + "/" + r.SectionName;

    public Condition? Find(ResourceKey key, string scope, string type)
    {
        if (previousStatus is null)
        {
            return null;
        }

        if (!_scopes.TryGetValue(key, out var scopes))
        {
            scopes = previousStatus(key) is { ValueKind: JsonValueKind.Object } status ? Index(key, status) : [];
            _scopes[key] = scopes;
        }

        if (!scopes.TryGetValue(scope, out var conditions) || conditions.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var condition in conditions.EnumerateArray())
        {
            if (condition.ValueKind == JsonValueKind.Object && String(condition, "type") == type)
            {
                return ToCondition(condition);
            }
        }

        return null;
    }

    private Dictionary<string, JsonElement> Index(ResourceKey key, JsonElement status)
    {
        var scopes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (status.TryGetProperty("conditions", out var own))
        {
            scopes[string.Empty] = own;
        }

        foreach (var listener in Array(status, "listeners"))
        {
            if (String(listener, "name") is { } name && listener.TryGetProperty("conditions", out var c))
            {
                scopes["listeners/" + name] = c;
            }
        }

        if (result.FindRoute(key) is { } route)
        {
            foreach (var parent in route.Parents)
            {
                if (FindEntry(status, "parents", "parentRef", parent.ParentRef, parent.ControllerName, key.Namespace) is { } conditions)
                {
                    scopes["parents/" + parent.ParentIndex.ToString(CultureInfo.InvariantCulture)] = conditions;
                }
            }
        }

        foreach (var policy in result.Policies.Statuses.Where(s => s.Resource.Key == key))
        {
            foreach (var ancestor in policy.Ancestors)
            {
                if (FindEntry(status, "ancestors", "ancestorRef", ancestor.AncestorRef, ancestor.ControllerName, key.Namespace) is { } conditions)
                {
                    scopes[AncestorScope(ancestor.AncestorRef)] = conditions;
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
