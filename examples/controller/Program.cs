// A minimal Gateway API controller around PolicyAttach: it lists and watches the Gateway API objects and their
// dependencies, re-evaluates on change (debounced) and patches the statuses the engine computes. It needs a
// cluster (the current kubeconfig, or in-cluster configuration) and RBAC to list/watch those kinds and to patch
// their status subresources.
using k8s;
using Microsoft.Extensions.DependencyInjection;
using PolicyAttach.Examples.Controller;
using PolicyAttach.Kubernetes.Engine;

var controllerName = args.Length > 0 ? args[0] : "example.com/gateway-controller";

var services = new ServiceCollection();
services.AddPolicyAttach(options =>
{
    options.ControllerNames.Add(controllerName);
    options.ProfileName = Environment.GetEnvironmentVariable("POLICYATTACH_PROFILE");
});
services.AddSingleton<IKubernetes>(_ => new Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig()));
services.AddSingleton(TimeProvider.System);
services.AddSingleton<ControllerLoop>();
await using var provider = services.BuildServiceProvider();

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

Console.WriteLine($"PolicyAttach example controller for {string.Join(", ", provider.GetRequiredService<IPolicyAttachEngine>().Options.ControllerNames)}");
try
{
    await provider.GetRequiredService<ControllerLoop>().RunAsync(stop.Token).ConfigureAwait(false);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.WriteLine("stopped");
}
