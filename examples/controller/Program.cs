// A minimal Gateway API controller around PolicyAttach: it lists and watches the Gateway API objects and their
// dependencies, re-evaluates on change (debounced) and patches the statuses the engine computes. Only the replica
// holding the Lease works, so two replicas never both write. README.md says how to run it; docs/embedding.md explains
// the loop.
using Microsoft.Extensions.DependencyInjection;
using PolicyAttach.Examples.Controller;
using PolicyAttach.Kubernetes.Cluster;
using PolicyAttach.Kubernetes.Engine;

if (!ControllerOptions.TryParse(args, Environment.GetEnvironmentVariable, out var options, out var problem))
{
    Console.Error.WriteLine("policyattach-example-controller: " + problem);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(ControllerOptions.Usage);
    return 0;
}

if (!ClusterConnection.TryConnect(options.Kubeconfig, options.Context, TimeSpan.FromSeconds(30), null, out var client, out problem))
{
    Console.Error.WriteLine("policyattach-example-controller: " + problem);
    return 2;
}

var services = new ServiceCollection();
services.AddPolicyAttach(o =>
{
    o.ControllerNames.Add(options.ControllerName);
    o.ProfileName = options.Profile;
});
services.AddSingleton(client!);
services.AddSingleton(TimeProvider.System);
services.AddSingleton(sp => new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), sp.GetRequiredService<TimeProvider>()));
services.AddTransient<ControllerLoop>();
await using var provider = services.BuildServiceProvider();

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel(); // SIGTERM from the kubelet

Console.WriteLine($"PolicyAttach example controller for {options.ControllerName} as {options.Identity}");
try
{
    if (!options.LeaderElection)
    {
        using var loop = provider.GetRequiredService<ControllerLoop>();
        await loop.RunAsync(stop.Token).ConfigureAwait(false);
    }
    else
    {
        var leadership = new Leadership(client!, options.LeaseNamespace, options.LeaseName, options.Identity, LeaseTimings.Default, async term =>
        {
            using var loop = provider.GetRequiredService<ControllerLoop>();
            await loop.RunAsync(term).ConfigureAwait(false);
        }, Console.Out);
        await leadership.RunAsync(stop.Token).ConfigureAwait(false);
    }
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
}

Console.WriteLine("stopped");
return 0;
