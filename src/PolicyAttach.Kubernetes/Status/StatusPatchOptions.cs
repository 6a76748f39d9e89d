using System.Text.Json;
using PolicyAttach.Model;

namespace PolicyAttach.Kubernetes.Status;

/// <summary>The clock value and the previous statuses a <see cref="StatusPatches.Build"/> call works from.</summary>
public sealed record StatusPatchOptions
{
    /// <summary>
    /// The <c>lastTransitionTime</c> of a condition that is new or whose status or reason changed. The engine has no
    /// clock: pass the controller's current time. Null writes no time (the API server rejects that for
    /// <c>metav1.Condition</c>, so controllers always set it).
    /// </summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>
    /// The object's <c>status</c> as last observed (from a list or watch), or null when it has none. It is used to
    /// keep the <c>lastTransitionTime</c> of conditions whose status and reason did not change, and to keep the
    /// <c>status.parents</c> and <c>status.ancestors</c> entries of other controllers in the patch.
    /// <see cref="Controllers.ObjectStore.StatusOf"/> fits.
    /// </summary>
    public Func<ResourceKey, JsonElement?>? PreviousStatus { get; init; }

    /// <summary>
    /// Which objects to build a status for, or null for all: after an incremental evaluation, the objects whose status
    /// changed (<see cref="SessionUpdate.Changed"/>), so the work follows the change rather than the world.
    /// </summary>
    public Func<ResourceKey, bool>? Include { get; init; }
}
