using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyAttach.Kubernetes.Status;
using PolicyAttach.Model;

namespace PolicyAttach.Kubernetes.Controllers;

/// <summary>
/// Decides which status patches a controller sends after an evaluation. Pure: the same statuses and observations
/// give the same plan.
/// </summary>
public static class StatusPatchPlanner
{
    /// <summary>
    /// The patches to send: (1) every computed status whose merge patch would change the observed status (so an
    /// unchanged status, including the watch event of this controller's own last patch, sends nothing); (2) for a
    /// route or policy this controller no longer writes a status for but whose observed <c>parents</c> or
    /// <c>ancestors</c> still hold entries with one of its controller names, a patch that keeps only the other
    /// controllers' entries. Sorted by (group, kind, namespace, name).
    /// </summary>
    /// <param name="next">The statuses built from the latest evaluation.</param>
    /// <param name="observed">Every object last seen in the cluster with its status.</param>
    /// <returns>The patches.</returns>
    public static IReadOnlyList<ObjectStatus> Plan(StatusSet next, IEnumerable<ObservedObject> observed)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(observed);
        var byKey = new Dictionary<ResourceKey, ObservedObject>();
        foreach (var o in observed)
        {
            byKey[o.Key] = o;
        }

        var plan = new List<ObjectStatus>();
        foreach (var status in next)
        {
            var previous = byKey.GetValueOrDefault(status.Key)?.Status;
            if (!JsonMergePatch.IsNoOp(previous, status.Status))
            {
                plan.Add(status);
            }
        }

        foreach (var o in byKey.Values)
        {
            if (next.Find(o.Key) is null && Release(o, next) is { } release)
            {
                plan.Add(release);
            }
        }

        plan.Sort((a, b) => a.Key.CompareTo(b.Key));
        return plan;
    }

    private static ObjectStatus? Release(ObservedObject o, StatusSet next)
    {
        if (o.Status is not { ValueKind: JsonValueKind.Object } status)
        {
            return null;
        }

        JsonObject? patch = null;
        foreach (var name in StatusPatches.SharedLists)
        {
            if (status.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
                && list.EnumerateArray().Any(e => StatusPatches.IsOurs(e, next.ControllerNames)))
            {
                patch ??= [];
                patch[name] = new JsonArray(StatusPatches.OtherControllersEntries(list, next.ControllerNames).Select(e => JsonNode.Parse(e.GetRawText())).ToArray());
            }
        }

        return patch is null ? null : StatusPatches.Create(o.Key, o.ApiVersion, next.Snapshot, patch);
    }
}
