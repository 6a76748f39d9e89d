using System.Text.Json.Nodes;
using FsCheck.Xunit;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.PropertyTests.Support;
using PolicyAttach.Status;

namespace PolicyAttach.PropertyTests;

/// <summary>Input order must not matter: snapshots sort objects, and every tie is broken by namespace and name.</summary>
[Properties(Arbitrary = [typeof(Arbitraries)], MaxTest = 500)]
public class OrderIndependenceProperties
{
    [Property]
    public void Snapshot_ShuffledInput_IsEqualAndEvaluatesToSameStatus(ShuffledWorld input)
    {
        var objects = input.World.Objects();
        var shuffled = Engine.Shuffle(objects, input.Seed);

        var (snapshot, _, json) = Engine.Run(objects);
        var (other, _, otherJson) = Engine.Run(shuffled);

        Assert.True(snapshot.Equals(other), "Snapshot.Equals is false for the same objects in another order.");
        Assert.Equal(snapshot.GetHashCode(), other.GetHashCode());
        Assert.True(snapshot.Objects.SequenceEqual(other.Objects), "Snapshot.Objects differ in order or content.");
        Assert.True(string.Equals(json, otherJson, StringComparison.Ordinal), "Status JSON differs: " + Engine.FirstDifference(json, otherJson));
    }

    [Property]
    public void Evaluation_ShuffledDocuments_WritesByteIdenticalStatus(ShuffledWorld input)
    {
        var original = Evaluate(input.World.Documents);
        var shuffled = Evaluate(Engine.Shuffle(input.World.Documents, input.Seed));

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
        var documents = input.World.Documents.Select(WithoutTimestamp).ToList();
        AssertSameStatusWhenLoaded(documents, Engine.Shuffle(documents, input.Seed));
    }

    [Property(MaxTest = 200)]
    public void Load_ShuffledDocumentsWithTimestamps_WritesByteIdenticalStatus(ShuffledWorld input)
        => AssertSameStatusWhenLoaded(input.World.Documents, Engine.Shuffle(input.World.Documents, input.Seed));

    /// <summary>Loads both orders through the loader, each document a YAML source of its own, and compares the status bytes.</summary>
    private static void AssertSameStatusWhenLoaded(IEnumerable<string> documents, IEnumerable<string> shuffled)
    {
        var json = Engine.Run(Load(documents).Resources).Json;
        var otherJson = Engine.Run(Load(shuffled).Resources).Json;
        Assert.True(string.Equals(json, otherJson, StringComparison.Ordinal), "Status JSON differs: " + Engine.FirstDifference(json, otherJson));
    }

    private static LoadResult Load(IEnumerable<string> documents)
        => new ManifestLoader().Load(documents.Select((d, i) => ManifestSource.FromText(d, FormattableString.Invariant($"{i}.yaml"))));

    private static string WithoutTimestamp(string document)
    {
        var root = JsonNode.Parse(document);
        if (root?["metadata"] is JsonObject metadata)
        {
            metadata.Remove("creationTimestamp");
        }

        return root?.ToJsonString() ?? document;
    }

    private static EvaluationResult Evaluate(IEnumerable<string> documents)
    {
        var objects = documents.Select(World.Read).OfType<Model.KubeObject>();
        return Evaluator.Evaluate(Snapshot.Create(objects), World.Options);
    }
}
