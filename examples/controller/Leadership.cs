using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;

namespace PolicyAttach.Examples.Controller;

/// <summary>How long a Lease is held before another replica may take it, how long the leader keeps trying to renew it, and how often every replica tries.</summary>
/// <param name="LeaseDuration">How long a Lease not renewed stays held (the elector's LeaseDuration).</param>
/// <param name="RenewDeadline">How long the leader keeps trying to renew before it gives the Lease up.</param>
/// <param name="RetryPeriod">How often a replica tries to acquire or renew.</param>
internal sealed record LeaseTimings(TimeSpan LeaseDuration, TimeSpan RenewDeadline, TimeSpan RetryPeriod)
{
    /// <summary>The durations client-go's controllers use: 15 s, 10 s, 2 s.</summary>
    public static LeaseTimings Default { get; } = new(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2));
}

/// <summary>
/// Leader election with a <c>coordination.k8s.io</c> Lease (KubernetesClient's <see cref="LeaderElector"/>): campaigns
/// for the Lease; while it is held runs one term of work (the caller builds a fresh ControllerLoop for each), and
/// cancels it the moment the Lease is lost, before anything else is written; then campaigns again. So two replicas
/// never both write.
/// </summary>
/// <param name="client">The API client.</param>
/// <param name="leaseNamespace">The Lease's namespace.</param>
/// <param name="leaseName">The Lease's name.</param>
/// <param name="identity">This replica's name in the Lease.</param>
/// <param name="timings">The elector's durations.</param>
/// <param name="term">The work of one term; cancelled when the Lease is lost or on shutdown.</param>
/// <param name="log">Where leadership changes are written.</param>
internal sealed class Leadership(IKubernetes client, string leaseNamespace, string leaseName, string identity, LeaseTimings timings,
    Func<CancellationToken, Task> term, TextWriter log)
{
    /// <summary>Campaigns and works until <paramref name="stop"/> is cancelled (then throws <see cref="OperationCanceledException"/>).</summary>
    /// <param name="stop">Shutdown.</param>
    /// <returns>A task that ends on shutdown.</returns>
    public async Task RunAsync(CancellationToken stop)
    {
        var config = new LeaderElectionConfig(new LeaseLock(client, leaseNamespace, leaseName, identity))
        {
            LeaseDuration = timings.LeaseDuration,
            RenewDeadline = timings.RenewDeadline,
            RetryPeriod = timings.RetryPeriod,
        };
        while (!stop.IsCancellationRequested)
        {
            using var elector = new LeaderElector(config);
            using var current = CancellationTokenSource.CreateLinkedTokenSource(stop);
            Task? work = null;
            elector.OnStartedLeading += () =>
            {
                log.WriteLine($"{identity}: leading ({leaseNamespace}/{leaseName})");
                work = RunTermAsync(current.Token);
            };
            elector.OnStoppedLeading += current.Cancel;
            elector.OnNewLeader += leader => log.WriteLine($"leader: {leader}");
            elector.OnError += ex => log.WriteLine($"leader election: {ex.Message}");
            try
            {
                await elector.RunUntilLeadershipLostAsync(stop).ConfigureAwait(false);
            }
            finally
            {
                await current.CancelAsync().ConfigureAwait(false);
                if (work is not null)
                {
                    await work.ConfigureAwait(false);
                }
            }
        }

        stop.ThrowIfCancellationRequested();
    }

    private async Task RunTermAsync(CancellationToken cancellationToken)
    {
        try
        {
            await term(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
