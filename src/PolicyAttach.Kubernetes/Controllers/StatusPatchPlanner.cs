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

    /// <summary>
    /// The patches for one incremental update: as <see cref="Plan(StatusSet, IEnumerable{ObservedObject})"/>, but only for
    /// the objects the update reports (<see cref="SessionUpdate.Changed"/> and <see cref="SessionUpdate.Removed"/>) and
    /// the extra keys given (such as patches that failed before), so an update that changes nothing sends nothing and
    /// the work follows the change. Build <paramref name="next"/> with <see cref="StatusPatchOptions.Include"/> set to
    /// the same keys.
    /// </summary>
    /// <param name="next">The statuses built from the update's result (all of them, or at least those of the keys).</param>
    /// <param name="update">The session's update.</param>
    /// <param name="observed">Every object last seen in the cluster with its status.</param>
    /// <param name="retry">More keys to plan for (for example those whose last patch failed); null for none.</param>
    /// <returns>The patches, sorted by (group, kind, namespace, name).</returns>
    public static IReadOnlyList<ObjectStatus> Plan(StatusSet next, SessionUpdate update, IEnumerable<ObservedObject> observed, IEnumerable<ResourceKey>? retry = null)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(observed);
        var keys = Keys(update, retry);
        return Plan(new StatusSet(next.Where(s => keys.Contains(s.Key)).ToList(), next.Snapshot, next.ControllerNames), observed.Where(o => keys.Contains(o.Key)));
    }

    /// <summary>The keys an update's patches are planned for: <see cref="SessionUpdate.Changed"/>, <see cref="SessionUpdate.Removed"/> and the retried ones.</summary>
    /// <param name="update">The session's update.</param>
    /// <param name="retry">More keys; null for none.</param>
    /// <returns>The keys.</returns>
    public static HashSet<ResourceKey> Keys(SessionUpdate update, IEnumerable<ResourceKey>? retry = null)
    {
        ArgumentNullException.ThrowIfNull(update);
        var keys = new HashSet<ResourceKey>(update.Changed);
        keys.UnionWith(update.Removed);
        keys.UnionWith(retry ?? []);
        return keys;
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
