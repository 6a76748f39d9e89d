using k8s;
using k8s.Autorest;
using k8s.Models;
using PolicyAttach.Kubernetes.Controllers;
using PolicyAttach.Kubernetes.Engine;
using PolicyAttach.Kubernetes.Status;
using PolicyAttach.Model;
using PolicyAttach.Policies;

namespace PolicyAttach.Examples.Controller;

/// <summary>
/// Lists and watches every input kind into an <see cref="ObjectStore"/>, and reconciles when the
/// <see cref="Debouncer"/> says so. All decisions (what changed, when to evaluate, what to patch) are made by the
/// adapter's tested classes; this class only moves data between them and the API server.
/// </summary>
internal sealed class ControllerLoop(IKubernetes client, IPolicyAttachEngine engine, TimeProvider time, Backoff backoff) : IDisposable
{
    private static readonly TimeSpan MissingKindRetry = TimeSpan.FromMinutes(1);

    private readonly ObjectStore _store = new();
    private readonly Debouncer _debouncer = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5));
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Lock _gate = new();
    private DebounceState _pending;

    // Evaluation is incremental: the session starts from the first snapshot and then takes the store's changes.
    private EvaluationSession? _session;

    // Keys whose last patch failed for good (404, 422): planned again with the next update.
    private readonly HashSet<ResourceKey> _retry = [];

    public void Dispose() => _signal.Dispose();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var watches = new List<Task>
        {
            WatchAsync("Service", new GroupKind(Groups.Core, "Service"),
                ct => client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: ct),
                ct => client.CoreV1.WatchListServiceForAllNamespacesAsync(cancellationToken: ct),
                cancellationToken),
            WatchAsync("Namespace", new GroupKind(Groups.Core, "Namespace"),
                ct => client.CoreV1.ListNamespaceAsync(cancellationToken: ct),
                ct => client.CoreV1.WatchListNamespaceAsync(cancellationToken: ct),
                cancellationToken),
            WatchAsync("Secret", new GroupKind(Groups.Core, "Secret"),
                ct => client.CoreV1.ListSecretForAllNamespacesAsync(cancellationToken: ct),
                ct => client.CoreV1.WatchListSecretForAllNamespacesAsync(cancellationToken: ct),
                cancellationToken),
            WatchAsync("ConfigMap", new GroupKind(Groups.Core, "ConfigMap"),
                ct => client.CoreV1.ListConfigMapForAllNamespacesAsync(cancellationToken: ct),
                ct => client.CoreV1.WatchListConfigMapForAllNamespacesAsync(cancellationToken: ct),
                cancellationToken),
        };
        watches.AddRange(WatchedKind.GatewayApi.Select(kind => WatchCustomAsync(kind, cancellationToken)));
        foreach (var kind in await PolicyKindsAsync(cancellationToken).ConfigureAwait(false))
        {
            watches.Add(WatchCustomAsync(kind, cancellationToken));
        }

        watches.Add(ReconcileLoopAsync(cancellationToken));
        await Task.WhenAll(watches).ConfigureAwait(false);
    }

    /// <summary>
    /// The policy kinds to watch: CRDs labelled <c>gateway.networking.k8s.io/policy</c>, and CRDs of kinds the engine
    /// knows (standard kinds, registered kinds, the profile's). The CRDs themselves go into the snapshot, where the
    /// engine reads the label. CRDs created later need a restart in this example.
    /// </summary>
    private async Task<List<WatchedKind>> PolicyKindsAsync(CancellationToken cancellationToken)
    {
        var known = engine.Options.PolicyKinds.Kinds.Concat(engine.Options.Profile?.PolicyKinds ?? []).Select(k => k.Kind).ToHashSet();
        var crds = await backoff.RetryAsync("customresourcedefinitions.apiextensions.k8s.io",
            ct => client.ApiextensionsV1.ListCustomResourceDefinitionAsync(cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        var kinds = new List<WatchedKind>();
        foreach (var crd in crds.Items)
        {
            var groupKind = new GroupKind(crd.Spec.Group, crd.Spec.Names.Kind);
            var labelled = crd.Metadata.Labels?.ContainsKey(PolicyKindRegistry.PolicyLabel) == true;
            if (!labelled && !known.Contains(groupKind))
            {
                continue;
            }

            _store.Apply(WatchEventType.Added, crd);
            var version = crd.Spec.Versions.FirstOrDefault(v => v.Storage) ?? crd.Spec.Versions.First(v => v.Served);
            if (!WatchedKind.GatewayApi.Any(k => k.GroupKind == groupKind))
            {
                kinds.Add(new WatchedKind(crd.Spec.Group, version.Name, crd.Spec.Names.Plural, crd.Spec.Names.Kind));
            }
        }

        return kinds;
    }

    private Task WatchCustomAsync(WatchedKind kind, CancellationToken cancellationToken)
    {
        var generic = new GenericClient(client, kind.Group, kind.Version, kind.Plural, disposeClient: false);
        return WatchAsync($"{kind.Plural}.{kind.Group}", kind.GroupKind,
            ct => generic.ListAsync<UnstructuredObjectList>(cancel: ct),
            ct => generic.WatchAsync<UnstructuredObject>(cancel: ct),
            cancellationToken);
    }

    /// <summary>
    /// List, then watch; on any failure start over after a pause that doubles up to a bound (a fixed, slower one when
    /// the kind is not installed) and starts again from the shortest once a list succeeded.
    /// </summary>
    private async Task WatchAsync<TList, TItem>(string name, GroupKind groupKind, Func<CancellationToken, Task<TList>> list,
        Func<CancellationToken, IAsyncEnumerable<(WatchEventType, TItem)>> watch, CancellationToken cancellationToken)
        where TList : notnull
        where TItem : notnull
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var pause = backoff.Delay(failures++);
            try
            {
                var listed = await list(cancellationToken).ConfigureAwait(false);
                failures = 0;
                Changed(_store.Replace(groupKind, [listed]));
                await foreach (var (type, item) in watch(cancellationToken).ConfigureAwait(false))
                {
                    Changed(_store.Apply(type, item));
                }
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                pause = MissingKindRetry;
                Console.Error.WriteLine($"{name}: not installed; retrying in {pause.TotalSeconds:0} s");
            }
            catch (Exception ex) when (Backoff.IsTransient(ex, cancellationToken))
            {
                Console.Error.WriteLine($"{name}: {ex.Message}; retrying in {pause.TotalSeconds:0.#} s");
            }

            await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Changed(bool changed)
    {
        if (!changed)
        {
            return;
        }

        lock (_gate)
        {
            _pending = Debouncer.OnChange(_pending, time.GetUtcNow());
        }

        _signal.Release();
    }

    private async Task ReconcileLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            DateTimeOffset? due;
            lock (_gate)
            {
                due = _debouncer.DueAt(_pending);
            }

            var now = time.GetUtcNow();
            if (due is null)
            {
                await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (due > now)
            {
                await _signal.WaitAsync(due.Value - now, cancellationToken).ConfigureAwait(false);
                continue;
            }

            lock (_gate)
            {
                _pending = default;
            }

            await ReconcileAsync(now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Evaluate, plan, patch: the part docs/embedding.md shows. The first reconcile evaluates the store in full and plans
    /// every status; each later one applies the store's changes to the session and patches exactly the statuses the
    /// update reports (and those whose patch failed before).
    /// </summary>
    private async Task ReconcileAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        IReadOnlyList<ObjectStatus> plan;
        string what;
        if (_session is null)
        {
            _ = _store.TakeChanges();
            _session = EvaluationSession.Start(_store.CreateSnapshot(), engine.Options);
            var statuses = StatusPatches.Build(_session.Result, new StatusPatchOptions { Time = now, PreviousStatus = _store.StatusOf });
            plan = StatusPatchPlanner.Plan(statuses, _store.Observed());
            what = $"{statuses.Count} statuses";
        }
        else
        {
            var update = _session.Apply(_store.TakeChanges());
            var keys = StatusPatchPlanner.Keys(update, _retry);
            var statuses = StatusPatches.Build(update.Result, new StatusPatchOptions { Time = now, PreviousStatus = _store.StatusOf, Include = keys.Contains });
            plan = StatusPatchPlanner.Plan(statuses, update, _store.Observed(), _retry);
            what = $"{update.Path} ({update.Reason}), {update.Changed.Count} statuses changed, {update.Removed.Count} removed";
        }

        _retry.Clear();
        Console.WriteLine($"{now:O}: {_store.Count} objects, {what}, {plan.Count} to patch");
        foreach (var status in plan)
        {
            try
            {
                await backoff.RetryAsync(status.Key.ToString(), async ct =>
                {
                    await PatchStatusAsync(client, status, ct).ConfigureAwait(false);
                    return true;
                }, cancellationToken, giveUpOn: Backoff.IsFinal).ConfigureAwait(false);
            }
            catch (HttpOperationException ex) when (Backoff.IsFinal(ex))
            {
                // Gone (404) or rejected (422): the next watch event brings the object's real state, and the next
                // reconcile plans this object again.
                _retry.Add(status.Key);
                Console.Error.WriteLine($"{status.Key}: status patch failed with {(int)ex.Response.StatusCode}: {ex.Response.Content}");
            }
        }
    }

    /// <summary>Sends one status merge patch to the status subresource.</summary>
    internal static Task PatchStatusAsync(IKubernetes client, ObjectStatus status, CancellationToken cancellationToken)
    {
        var r = status.Resource;
        return r.Namespaced
            ? client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(status.ToV1Patch(), r.Group, r.Version, status.Key.Namespace, r.Plural, status.Key.Name, cancellationToken: cancellationToken)
            : client.CustomObjects.PatchClusterCustomObjectStatusAsync(status.ToV1Patch(), r.Group, r.Version, r.Plural, status.Key.Name, cancellationToken: cancellationToken);
    }
}
