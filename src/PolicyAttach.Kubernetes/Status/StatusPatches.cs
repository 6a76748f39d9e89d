using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Status;

namespace PolicyAttach.Kubernetes.Status;

/// <summary>
/// Turns an <see cref="EvaluationResult"/> into status subresource updates. The statuses are the core's typed model
/// (<see cref="StatusModel"/>), stamped with <see cref="StatusPatchOptions.Time"/> and the previous conditions' times;
/// the merge patch is written from it by the core <see cref="StatusWriter"/>, and the
/// <see cref="k8s.Models.V1Condition"/> lists are read from it: no status JSON is parsed back.
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
        var statuses = options.Include is { } include ? StatusModel.Build(result, include) : StatusModel.Build(result);
        return FromStatuses(statuses, result, options);
    }

    /// <summary>
    /// Builds the patches of the given typed statuses (all of an evaluation's, or the changed ones of an incremental
    /// evaluation) with the times and the other controllers' entries the previous statuses give.
    /// </summary>
    /// <param name="statuses">The statuses, from <see cref="StatusModel"/>.</param>
    /// <param name="result">The evaluation they come from (its snapshot names the API resources, its options the controllers).</param>
    /// <param name="options">The clock value and previous statuses; null for neither.</param>
    /// <returns>The statuses, sorted by (group, kind, namespace, name).</returns>
    public static StatusSet FromStatuses(IEnumerable<ResourceStatus> statuses, EvaluationResult result, StatusPatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        ArgumentNullException.ThrowIfNull(result);
        options ??= new StatusPatchOptions();
        var previous = new PreviousConditions(options.PreviousStatus);
        var controllers = result.Options.ControllerNames;
        var built = new List<ObjectStatus>();
        foreach (var status in statuses.OrderBy(s => s.Key))
        {
            var stamped = status.WithTransitionTimes(options.Time, previous.For(status));
            built.Add(Create(stamped, result.Snapshot, options.PreviousStatus?.Invoke(status.Key), controllers));
        }

        return new StatusSet(built, result.Snapshot, controllers);
    }

    /// <summary>
    /// The patch of one stamped status. A merge patch replaces arrays whole, so the entries other controllers wrote into
    /// <c>parents</c> or <c>ancestors</c> are copied from the previous status, in their order, before this controller's.
    /// </summary>
    private static ObjectStatus Create(ResourceStatus status, Snapshot snapshot, JsonElement? previous, EquatableArray<string> controllers)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, StatusWriter.WriterOptions(indented: false)))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("status");
            StatusWriter.WriteStatus(writer, status, sharedEntries: (w, list) =>
            {
                if (previous is { ValueKind: JsonValueKind.Object } prev && prev.TryGetProperty(list, out var before) && before.ValueKind == JsonValueKind.Array)
                {
                    foreach (var entry in OtherControllersEntries(before, controllers))
                    {
                        entry.WriteTo(w);
                    }
                }
            });
            writer.WriteEndObject();
        }

        return new ObjectStatus(status, KubernetesResource.For(status.ApiVersion, status.Key.Kind, snapshot), Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <summary>A patch that is not an evaluated status (the planner's release of this controller's entries).</summary>
    internal static ObjectStatus Create(ResourceKey key, string apiVersion, Snapshot snapshot, JsonObject status)
    {
        var patch = new JsonObject { ["status"] = status }.ToJsonString(CompactJson);
        return new ObjectStatus(key, apiVersion, KubernetesResource.For(apiVersion, key.Kind, snapshot), patch);
    }

    /// <summary>The names of the lists of per-controller entries: route parents and policy ancestors.</summary>
    internal static readonly string[] SharedLists = ["parents", "ancestors"];

    internal static IEnumerable<JsonElement> OtherControllersEntries(JsonElement array, EquatableArray<string> controllers)
        => array.EnumerateArray().Where(e => !IsOurs(e, controllers));

    internal static bool IsOurs(JsonElement entry, EquatableArray<string> controllers)
        => entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("controllerName", out var c) && c.ValueKind == JsonValueKind.String
            && controllers.Contains(c.GetString()!);
}
