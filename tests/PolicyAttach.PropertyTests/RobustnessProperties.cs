using System.Text.Json;
using FsCheck.Xunit;
using PolicyAttach.Manifests;
using PolicyAttach.Model;
using PolicyAttach.PropertyTests.Support;
using PolicyAttach.Testing;

namespace PolicyAttach.PropertyTests;

/// <summary>Nothing in the reader or the engine throws on user data.</summary>
[Properties(Arbitrary = [typeof(Arbitraries)], MaxTest = 500)]
public class RobustnessProperties
{
    [Property]
    public void Evaluator_GeneratedWorld_NeverThrows(TestWorld world)
    {
        var (_, result, json) = Engine.Run(world);
        Assert.NotNull(result);
        Assert.StartsWith("[", json, StringComparison.Ordinal);
    }

    [Property]
    public void ManifestReader_GarbageDocuments_NeverThrowsAndEvaluates(GarbageDocuments input)
    {
        var objects = new List<KubeObject>();
        var position = 0;
        foreach (var text in input.Documents)
        {
            using var document = JsonDocument.Parse(text);
            var options = new ManifestReadOptions { DefaultCreationTimestamp = ObjectMeta.DefaultEpoch.AddSeconds(position++) };
            var read = ManifestReader.Read(document.RootElement, options);
            Assert.True(read.Resource is not null || read.Diagnostics.Count > 0, "A dropped document must say why.");
            if (read.Resource is { } resource)
            {
                objects.Add(resource);
            }
        }

        var (_, result, json) = Engine.Run(objects, new EvaluationOptions { ControllerNames = [TestWorld.DefaultControllerName] });
        Assert.NotNull(result);
        Assert.StartsWith("[", json, StringComparison.Ordinal);
    }
}
