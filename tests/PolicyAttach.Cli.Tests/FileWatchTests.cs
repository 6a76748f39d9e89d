using PolicyAttach.Cli.Input;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Tests;

/// <summary>
/// The objects a <c>--watch</c> run holds after each burst of file changes, checked against a full read of the same
/// files: the bursts are given to <see cref="FileWatch.Apply"/> directly (the paths a file system would report), so
/// nothing waits for notifications. A burst of known files is applied from the files' keys alone; a new file or
/// directory lists the files again; both must end where a full read does, with a batch of exactly the differences.
/// </summary>
public sealed class FileWatchTests
{
    [Fact]
    public void Apply_ScriptedBurstsOfKnownAndNewFiles_HoldWhatAFullReadGivesWithExactBatches()
    {
        var dir = Directory.CreateTempSubdirectory("policyattach-filewatch-");
        try
        {
            string At(string name) => Path.Combine(dir.FullName, name);
            File.WriteAllText(At("10-a.yaml"), Class + Gateway("a-first"));
            File.WriteAllText(At("20-b.yaml"), Gateway("b-first") + Route("r1"));
            Assert.True(FileWatch.TryCreate(new InputOptions([new InputItem(dir.FullName, false)], true, []), null, out var watch, out var error), error);
            using (watch)
            {
                var (snapshot, _) = watch.Start();
                Assert.Equal(FullRead(dir.FullName), watch.Objects);
                Assert.Equal("b-first", Hostname(watch));
                var before = new Dictionary<ResourceKey, KubeObject>(watch.Objects);

                void Burst(string what, Action change, params string[] touched)
                {
                    change();
                    var batch = new ChangeBatch();
                    watch.Apply(new HashSet<string>(touched.Select(At), StringComparer.Ordinal), batch, []);
                    var full = FullRead(dir.FullName);
                    Assert.True(full.Count == watch.Objects.Count && full.All(p => watch.Objects.TryGetValue(p.Key, out var o) && o.Equals(p.Value)), $"{what}: the objects differ from a full read.");
                    var expected = full.Where(p => !before.TryGetValue(p.Key, out var o) || !o.Equals(p.Value)).Select(p => (p.Key, (KubeObject?)p.Value))
                        .Concat(before.Keys.Where(k => !full.ContainsKey(k)).Select(k => (k, (KubeObject?)null)))
                        .OrderBy(c => c.Item1).ToList();
                    Assert.True(expected.SequenceEqual(batch.Changes.OrderBy(c => c.Key)), $"{what}: the batch is [{string.Join(", ", batch.Changes.Select(c => c.Key))}], the difference [{string.Join(", ", expected.Select(c => c.Item1))}].");
                    before = new Dictionary<ResourceKey, KubeObject>(full);
                }

                Burst("the earlier file's Gateway edited (the later file holds it)", () => File.WriteAllText(At("10-a.yaml"), Class + Gateway("a-second")), "10-a.yaml");
                Assert.Equal("b-first", Hostname(watch));
                Burst("the later file's Gateway edited", () => File.WriteAllText(At("20-b.yaml"), Gateway("b-second") + Route("r1")), "20-b.yaml");
                Assert.Equal("b-second", Hostname(watch));
                Burst("the later file deleted", () => File.Delete(At("20-b.yaml")), "20-b.yaml");
                Assert.Equal("a-second", Hostname(watch));
                Burst("an editor's swap file written", () => File.WriteAllText(At(".10-a.yaml.swp"), "not a manifest"), ".10-a.yaml.swp");
                Burst("the later file written again (a new file)", () => File.WriteAllText(At("20-b.yaml"), Gateway("b-third") + Route("r2")), "20-b.yaml");
                Assert.Equal("b-third", Hostname(watch));
                Burst("a key twice in one file and a route moved between files", () =>
                {
                    File.WriteAllText(At("10-a.yaml"), Class + Route("r2") + Gateway("a-third") + Route("r3"));
                    File.WriteAllText(At("20-b.yaml"), Gateway("b-fourth") + Route("r3"));
                }, "10-a.yaml", "20-b.yaml");
                Burst("a new directory with a file", () =>
                {
                    Directory.CreateDirectory(At("sub"));
                    File.WriteAllText(Path.Combine(At("sub"), "30-c.yaml"), Gateway("c-first"));
                }, "sub");
                Assert.Equal("c-first", Hostname(watch));
                Burst("the directory's file deleted with the earlier file edited", () =>
                {
                    File.Delete(Path.Combine(At("sub"), "30-c.yaml"));
                    File.WriteAllText(At("10-a.yaml"), Class + Gateway("a-fourth"));
                }, Path.Combine("sub", "30-c.yaml"), "10-a.yaml");
                Assert.Equal("b-fourth", Hostname(watch));
                GC.KeepAlive(snapshot);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private const string Class = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata:
          name: gc
        spec:
          controllerName: example.com/gateway-controller
        ---

        """;

    private static string Gateway(string hostname) => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw
          namespace: infra
        spec:
          gatewayClassName: gc
          listeners:
          - name: http
            protocol: HTTP
            port: 80
            hostname: {hostname}.example.com
        ---

        """;

    private static string Route(string name) => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: {name}
          namespace: infra
        spec:
          parentRefs:
          - name: gw
        ---

        """;

    private static string? Hostname(FileWatch watch)
        => ((Gateway)watch.Objects[ResourceKey.ForGateway("infra", "gw")]).Listeners[0].Hostname?.Replace(".example.com", string.Empty, StringComparison.Ordinal);

    /// <summary>The objects a full read of the directory gives: a later object of a key wins.</summary>
    private static Dictionary<ResourceKey, KubeObject> FullRead(string dir)
    {
        var objects = new Dictionary<ResourceKey, KubeObject>();
        foreach (var loaded in new ManifestLoader(new ManifestLoaderOptions { RecurseDirectories = true }).Load([dir]).Objects)
        {
            objects[loaded.Resource.Key] = loaded.Resource;
        }

        return objects;
    }
}
