using FsCheck.Xunit;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.Model;
using PolicyAttach.PropertyTests.Support;
using PolicyAttach.Testing;

namespace PolicyAttach.PropertyTests;

/// <summary>Input order must not matter: snapshots sort objects, and every tie is broken by namespace and name.</summary>
[Properties(Arbitrary = [typeof(Arbitraries)], MaxTest = 500)]
public class OrderIndependenceProperties
{
    [Property]
    public void Snapshot_ShuffledInput_IsEqualAndEvaluatesToSameStatus(ShuffledWorld input)
    {
        var objects = input.World.Resources;
        var shuffled = Engine.Permute(objects, input.Salt);

        var (snapshot, _, json) = Engine.Run(objects, input.World.Options);
        var (other, _, otherJson) = Engine.Run(shuffled, input.World.Options);

        Assert.True(snapshot.Equals(other), "Snapshot.Equals is false for the same objects in another order.");
        Assert.Equal(snapshot.GetHashCode(), other.GetHashCode());
        Assert.True(snapshot.Objects.SequenceEqual(other.Objects), "Snapshot.Objects differ in order or content.");
        Assert.True(string.Equals(json, otherJson, StringComparison.Ordinal), "Status JSON differs: " + Engine.FirstDifference(json, otherJson));
    }

    [Property]
    public void Evaluation_ShuffledDocuments_WritesByteIdenticalStatus(ShuffledWorld input)
    {
        // Every document is read with the same default creationTimestamp, so only namespace and name break ties.
        var original = Evaluate(input.World.Objects, input.World);
        var shuffled = Evaluate(Engine.Permute(input.World.Objects, input.Salt), input.World);

        var options = new StatusWriterOptions { Indented = false, Time = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero) };
        var json = StatusWriter.ToJson(original, options);
        var otherJson = StatusWriter.ToJson(shuffled, options);
        Assert.True(string.Equals(json, otherJson, StringComparison.Ordinal), "Status JSON differs: " + Engine.FirstDifference(json, otherJson));

        // The verdicts and backend resolutions behind the status are not all written; they must not depend on order either.
        Assert.True(original.GatewayClasses.SequenceEqual(shuffled.GatewayClasses), "GatewayClass results differ.");
        Assert.True(original.Gateways.SequenceEqual(shuffled.Gateways), "Gateway results differ.");
        Assert.True(original.ListenerSets.SequenceEqual(shuffled.ListenerSets), "ListenerSet results differ.");
        Assert.True(original.Routes.SequenceEqual(shuffled.Routes), "Route results (parents, verdicts, backendRefs) differ.");
    }

    [Property(MaxTest = 200)]
    public void Load_ShuffledDocumentsWithoutTimestamps_WritesByteIdenticalStatus(ShuffledWorld input)
    {
        // Issue 15: the loader gave objects without a creationTimestamp their input position, so file order decided conflicts.
        var documents = input.World.Objects.Select(o => o with { CreationTimestamp = null }).ToList();
        AssertSameStatusWhenLoaded(documents, Engine.Permute(documents, input.Salt), input.World);
    }

    [Property(MaxTest = 200)]
    public void Load_ShuffledDocumentsWithTimestamps_WritesByteIdenticalStatus(ShuffledWorld input)
        => AssertSameStatusWhenLoaded(input.World.Objects, Engine.Permute(input.World.Objects, input.Salt), input.World);

    /// <summary>Loads both orders through the loader, each document a YAML source of its own, and compares the status bytes.</summary>
    private static void AssertSameStatusWhenLoaded(IEnumerable<ObjectBuilder> documents, IEnumerable<ObjectBuilder> shuffled, TestWorld world)
    {
        var json = Engine.Run(Load(documents).Resources, world.Options).Json;
        var otherJson = Engine.Run(Load(shuffled).Resources, world.Options).Json;
        Assert.True(string.Equals(json, otherJson, StringComparison.Ordinal), "Status JSON differs: " + Engine.FirstDifference(json, otherJson));
    }

    private static LoadResult Load(IEnumerable<ObjectBuilder> documents)
        => new ManifestLoader().Load(documents.Select((d, i) => ManifestSource.FromText(d.ToYaml(), FormattableString.Invariant($"{i}.yaml"))));

    private static EvaluationResult Evaluate(IEnumerable<ObjectBuilder> documents, TestWorld world)
        => Evaluator.Evaluate(Snapshot.Create(documents.Select(d => d.Read().Resource).OfType<KubeObject>()), world.Options);
}
