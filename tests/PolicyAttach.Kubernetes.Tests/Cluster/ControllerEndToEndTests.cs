using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PolicyAttach.Examples.Controller;
using PolicyAttach.Kubernetes.Cluster;
using PolicyAttach.Kubernetes.Engine;
using PolicyAttach.Kubernetes.Status;

namespace PolicyAttach.Kubernetes.Tests.Cluster;

/// <summary>
/// The example controller end to end against the local API server: objects in, status patches out, each equal to
/// the status the engine computes for the same objects. The server fails the CRD listing twice (500), refuses one
/// kind (403), expires the first watch of another (410 Gone) and answers watches with a bookmark; nothing here waits on a clock but the deadlines.
/// </summary>
public sealed class ControllerEndToEndTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly LocalApiServer _server = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("pa-controller-").FullName;

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task ControllerLoop_LocalApiServer_PatchesExactlyTheStatusesTheEngineComputes()
    {
        ClusterWorld.Populate(_server, services: 2);
        _server.Forbidden["configmaps"] = true;
        _server.ExpireFirstWatch["services"] = true;
        Assert.True(ClusterConnection.TryConnect(_server.WriteKubeconfig(_dir), null, TimeSpan.FromSeconds(30), _ => null, out var client, out var error), error);
        using var _ = client;
        var services = new ServiceCollection();
        services.AddPolicyAttach(o => o.ControllerNames.Add("example.com/gateway-controller"));
        await using var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<IPolicyAttachEngine>();

        // What the engine computes for the same objects, read through the cluster reader.
        var read = await new ClusterReader(client!).ReadAsync();
        var expected = StatusPatches.Build(engine.Evaluate(Snapshot.Create(read.Load!.Resources)), new StatusPatchOptions { Time = DateTimeOffset.UnixEpoch });
        Assert.NotEmpty(expected);

        // The CRD listing fails twice (500) before it answers: the loop retries it with backoff instead of ending.
        const string Crds = "customresourcedefinitions.apiextensions.k8s.io";
        _server.FailuresBeforeSuccess[Crds] = 2;
        var backoff = new Backoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500), TimeProvider.System);
        using var loop = new ControllerLoop(client!, engine, TimeProvider.System, backoff);
        using var stop = new CancellationTokenSource();
        var run = loop.RunAsync(stop.Token);

        var deadline = DateTime.UtcNow + Deadline;
        while (!expected.All(e => Patched(e) is not null) && DateTime.UtcNow < deadline && !run.IsCompleted)
        {
            await Task.Delay(50);
        }

        if (run.IsCompleted)
        {
            await run; // surfaces why the loop ended early
        }

        foreach (var status in expected)
        {
            var patched = Patched(status);
            Assert.True(patched is not null, $"{status.Key} was not patched within {Deadline.TotalSeconds} s");
            Assert.Equal(WithoutTimes(JsonNode.Parse(status.MergePatch)!["status"]!), WithoutTimes(patched!["status"]!));
        }

        Assert.Equal(0, _server.FailuresBeforeSuccess[Crds]);
        Assert.True(_server.Requests.Count(r => r.StartsWith("GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions", StringComparison.Ordinal)) >= 4); // the reader's, then 2 failures and 1 success

        // The expired watch was followed by a new list of the kind (list, watch 410, list, watch).
        var serviceRequests = _server.Requests.Where(r => r.StartsWith("GET /api/v1/services", StringComparison.Ordinal)).ToList();
        var firstWatch = serviceRequests.FindIndex(r => r.Contains("watch=true", StringComparison.Ordinal));
        Assert.True(firstWatch >= 0 && serviceRequests.Skip(firstWatch + 1).Any(r => !r.Contains("watch=true", StringComparison.Ordinal)), string.Join("\n", serviceRequests));

        await stop.CancelAsync();
        var stopped = await Task.WhenAny(run, Task.Delay(Deadline));
        Assert.Same(run, stopped);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    private JsonObject? Patched(ObjectStatus status)
        => _server.StatusPatches.LastOrDefault(p => p.Resource == status.Resource.Plural + "." + status.Resource.Group
            && p.Name == status.Key.Name && p.Namespace == status.Key.Namespace).Body;

    private static string WithoutTimes(JsonNode status)
    {
        var copy = status.DeepClone();
        Strip(copy);
        return copy.ToJsonString();

        static void Strip(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    o.Remove("lastTransitionTime");
                    foreach (var (_, v) in o.ToList())
                    {
                        Strip(v);
                    }

                    break;
                case JsonArray a:
                    foreach (var v in a)
                    {
                        Strip(v);
                    }

                    break;
            }
        }
    }
}
