using Microsoft.Extensions.DependencyInjection;
using PolicyAttach.Examples.Controller;
using PolicyAttach.Kubernetes.Cluster;
using PolicyAttach.Kubernetes.Engine;
using PolicyAttach.Kubernetes.Status;
using k8s;

namespace PolicyAttach.Kubernetes.Tests.Cluster;

/// <summary>
/// Two replicas of the example controller against the local API server, which serves the Lease with resourceVersion
/// conflicts: one leads and patches, the other writes nothing until the first stops, then takes the Lease and writes.
/// Every status patch is checked against the Lease holder at the moment it arrived. Nothing waits on luck: each step
/// waits for a condition, with a generous deadline.
/// </summary>
public sealed class LeaderElectionTests : IDisposable
{
    private const string LeaseNamespace = "default";
    private const string LeaseName = "policyattach-example-controller";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    // Short enough for a test, long enough that a loaded machine does not make the leader miss its renewals.
    private static readonly LeaseTimings Short = new(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(250));

    private readonly LocalApiServer _server = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("pa-lease-").FullName;

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Leadership_TwoReplicas_OnlyTheLeaseHolderEverPatches_TheOtherTakesOverWhenItStops()
    {
        ClusterWorld.Populate(_server);
        var services = new ServiceCollection();
        services.AddPolicyAttach(o => o.ControllerNames.Add("example.com/gateway-controller"));
        await using var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<IPolicyAttachEngine>();
        using var a = Connect("token-a");
        using var b = Connect("token-b");
        var read = await new ClusterReader(a).ReadAsync();
        var expected = StatusPatches.Build(engine.Evaluate(Snapshot.Create(read.Load!.Resources)), new StatusPatchOptions { Time = DateTimeOffset.UnixEpoch });
        Assert.NotEmpty(expected);

        // a campaigns alone first, so which replica leads is not left to chance.
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var terms = new System.Collections.Concurrent.ConcurrentQueue<(string Identity, string? Holder, bool AStopped)>();
        var runA = Replica(a, "a", engine, () => terms.Enqueue(("a", _server.LeaseHolder(LeaseNamespace, LeaseName), stopA.IsCancellationRequested)), stopA.Token);
        await WaitFor(() => _server.LeaseHolder(LeaseNamespace, LeaseName) == "a", "a to take the Lease", runA);
        var runB = Replica(b, "b", engine, () => terms.Enqueue(("b", _server.LeaseHolder(LeaseNamespace, LeaseName), stopA.IsCancellationRequested)), stopB.Token);
        await WaitFor(() => PatchedBy("token-a", expected), "a to patch every status", runA, runB);

        // The statuses are wiped: only a new term (a fresh list) writes them again, and b must not while a holds the Lease.
        _server.ClearStatuses();
        await stopA.CancelAsync();
        await Stopped(runA);
        await WaitFor(() => _server.LeaseHolder(LeaseNamespace, LeaseName) == "b", "b to take the Lease", runB);
        await WaitFor(() => PatchedBy("token-b", expected), "b to patch every status again", runB);
        await stopB.CancelAsync();
        await Stopped(runB);

        // Each term started while its replica held the Lease: a's first, b's once a was stopped (b's could start earlier
        // only if a failed to renew for the whole renew deadline, which would be a Lease b then rightly holds).
        Assert.Equal(("a", (string?)"a", false), terms.First());
        Assert.All(terms, t => Assert.Equal(t.Identity, t.Holder));
        Assert.Contains(terms, t => t.Identity == "b");
        var identities = new Dictionary<string, string>(StringComparer.Ordinal) { ["token-a"] = "a", ["token-b"] = "b" };
        Assert.All(_server.StatusPatches, p => Assert.Equal($"{LeaseNamespace}/{LeaseName}={identities[p.Token]}", p.Holders));
    }

    private IKubernetes Connect(string token)
    {
        _server.OtherTokens[token] = true;
        var dir = Directory.CreateDirectory(Path.Combine(_dir, token)).FullName;
        Assert.True(ClusterConnection.TryConnect(_server.WriteKubeconfig(dir, token), null, TimeSpan.FromSeconds(30), _ => null, out var client, out var error), error);
        return client!;
    }

    private static Task Replica(IKubernetes client, string identity, IPolicyAttachEngine engine, Action started, CancellationToken stop)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500), TimeProvider.System);
        var leadership = new Leadership(client, LeaseNamespace, LeaseName, identity, Short, async term =>
        {
            started();
            using var loop = new ControllerLoop(client, engine, TimeProvider.System, backoff);
            await loop.RunAsync(term);
        }, TextWriter.Null);
        return Task.Run(() => leadership.RunAsync(stop), CancellationToken.None);
    }

    private bool PatchedBy(string token, IReadOnlyList<ObjectStatus> expected)
        => expected.All(e => _server.StatusPatches.Any(p => p.Token == token && p.Resource == e.Resource.Plural + "." + e.Resource.Group
            && p.Name == e.Key.Name && p.Namespace == e.Key.Namespace));

    private static async Task WaitFor(Func<bool> condition, string what, params Task[] running)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (running.FirstOrDefault(t => t.IsCompleted) is { } ended)
            {
                await ended; // surfaces why a replica ended early
                Assert.Fail($"a replica ended while waiting for {what}");
            }

            Assert.True(DateTime.UtcNow < deadline, $"waited {Deadline.TotalSeconds} s for {what}");
            await Task.Delay(50);
        }
    }

    private static async Task Stopped(Task run)
    {
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(Deadline)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }
}
