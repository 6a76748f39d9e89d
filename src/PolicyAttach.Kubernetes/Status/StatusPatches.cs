using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Model;

namespace PolicyAttach.Kubernetes.Status;

/// <summary>
/// Turns an <see cref="EvaluationResult"/> into status subresource updates. There is one code path: the core
/// <see cref="StatusWriter"/> writes every status (with <see cref="StatusPatchOptions.Time"/> and the previous
/// conditions' times), and both the merge patches and the <see cref="k8s.Models.V1Condition"/> lists are read from
/// that output.
/// </summary>
public static class StatusPatches
{
    private static readonly JsonSerializerOptions CompactJson = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Builds the status of every object whose status this controller writes.</summary>
    /// <param name="result">The evaluation.</param>
    /// <param name="options">The clock value and previous statuses; null for neither.</param>
    /// <returns>The statuses, sorted by (group, kind, namespace, name).</returns>
    public static StatusSet Build(EvaluationResult result, StatusPatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        options ??= new StatusPatchOptions();
        var previous = new PreviousConditions(result, options.PreviousStatus);
        var json = StatusWriter.ToJson(result, new StatusWriterOptions { Time = options.Time, Previous = previous.Find, Indented = false, Include = options.Include });
        using var document = JsonDocument.Parse(json);
        var controllers = result.Options.ControllerNames;
        var statuses = new List<ObjectStatus>();
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            var apiVersion = entry.GetProperty("apiVersion").GetString()!;
            var kind = entry.GetProperty("kind").GetString()!;
            var metadata = entry.GetProperty("metadata");
            var ns = metadata.TryGetProperty("namespace", out var n) ? n.GetString()! : string.Empty;
            var key = new ResourceKey(ApiVersions.GroupOf(apiVersion), kind, ns, metadata.GetProperty("name").GetString()!);
            var status = (JsonObject)JsonNode.Parse(entry.GetProperty("status").GetRawText())!;
            KeepOtherControllers(status, options.PreviousStatus?.Invoke(key), controllers);
            statuses.Add(Create(key, apiVersion, result.Snapshot, status, ConditionScopes(entry.GetProperty("status"), key, result)));
        }

        return new StatusSet(statuses, result.Snapshot, controllers);
    }

    internal static ObjectStatus Create(ResourceKey key, string apiVersion, Snapshot snapshot, JsonObject status, Dictionary<string, JsonElement> scopes)
    {
        var statusJson = status.ToJsonString(CompactJson);
        var patch = new JsonObject { ["status"] = status }.ToJsonString(CompactJson);
        return new ObjectStatus(key, apiVersion, KubernetesResource.For(apiVersion, key.Kind, snapshot), Parse(statusJson), patch, scopes);
    }

    /// <summary>The names of the lists of per-controller entries: route parents and policy ancestors.</summary>
    internal static readonly string[] SharedLists = ["parents", "ancestors"];

    /// <summary>
    /// A merge patch replaces arrays whole, so the entries other controllers wrote into <c>parents</c> or
    /// <c>ancestors</c> are copied from the previous status, in their order, before this controller's entries.
    /// </summary>
    private static void KeepOtherControllers(JsonObject status, JsonElement? previous, EquatableArray<string> controllers)
    {
        if (previous is not { ValueKind: JsonValueKind.Object } prev)
        {
            return;
        }

        foreach (var name in SharedLists)
        {
            if (status[name] is not JsonArray ours || !prev.TryGetProperty(name, out var before) || before.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var merged = new JsonArray();
            foreach (var item in OtherControllersEntries(before, controllers))
            {
                merged.Add(JsonNode.Parse(item.GetRawText()));
            }

            foreach (var item in ours.ToList())
            {
                ours.Remove(item);
                merged.Add(item);
            }

            status[name] = merged;
        }
    }

    internal static IEnumerable<JsonElement> OtherControllersEntries(JsonElement array, EquatableArray<string> controllers)
        => array.EnumerateArray().Where(e => !IsOurs(e, controllers));

    internal static bool IsOurs(JsonElement entry, EquatableArray<string> controllers)
        => entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("controllerName", out var c) && c.ValueKind == JsonValueKind.String
            && controllers.Contains(c.GetString()!);

    /// <summary>The conditions arrays of a written status, by scope (the scopes the writer passes to Previous).</summary>
    private static Dictionary<string, JsonElement> ConditionScopes(JsonElement status, ResourceKey key, EvaluationResult result)
    {
        var scopes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (status.TryGetProperty("conditions", out var own))
        {
            scopes[string.Empty] = own.Clone();
        }

        if (status.TryGetProperty("listeners", out var listeners))
        {
            foreach (var listener in listeners.EnumerateArray())
            {
                scopes["listeners/" + listener.GetProperty("name").GetString()] = listener.GetProperty("conditions").Clone();
            }
        }

        if (status.TryGetProperty("parents", out var parents) && result.FindRoute(key) is { } route)
        {
            var i = 0;
            foreach (var parent in parents.EnumerateArray())
            {
                scopes["parents/" + route.Parents[i++].ParentIndex.ToString(CultureInfo.InvariantCulture)] = parent.GetProperty("conditions").Clone();
            }
        }

        if (status.TryGetProperty("ancestors", out var ancestors)
            && result.Policies.Statuses.FirstOrDefault(s => s.Resource.Key == key) is { } policy)
        {
            var i = 0;
            foreach (var ancestor in ancestors.EnumerateArray())
            {
                scopes[PreviousConditions.AncestorScope(policy.Ancestors[i++].AncestorRef)] = ancestor.GetProperty("conditions").Clone();
            }
        }

        return scopes;
    }

    internal static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
