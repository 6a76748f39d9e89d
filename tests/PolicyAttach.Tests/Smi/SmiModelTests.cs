using System.Text.Json;
using PolicyAttach.Conversion;
using PolicyAttach.Manifests;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.Smi;

namespace PolicyAttach.Tests.Smi;

/// <summary>The SMI reader and converter on small inputs (the corpus in the CLI tests covers whole workflows).</summary>
public class SmiModelTests
{
    private static string Service(string name, string version = "")
        => "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"app\"},\"spec\":{\"selector\":{\"app\":\"web\"" + (version.Length > 0 ? ",\"version\":\"" + version + "\"" : string.Empty) + "},\"ports\":[{\"name\":\"http\",\"port\":80}]}}";

    private static string Split(string version, string backends, string matches = "")
        => "{\"apiVersion\":\"split.smi-spec.io/" + version + "\",\"kind\":\"TrafficSplit\",\"metadata\":{\"name\":\"web\",\"namespace\":\"app\"},\"spec\":{\"service\":\"web\",\"backends\":" + backends + (matches.Length > 0 ? ",\"matches\":" + matches : string.Empty) + "}}";

    private static Snapshot World(params string[] docs)
        => Snapshot.Create(docs.Select(d =>
        {
            using var json = JsonDocument.Parse(d);
            return ManifestReader.Read(json.RootElement).Resource!;
        }).ToList());

    [Fact]
    public void Reader_V1alpha1NumberAndMilliWeights_KeepTheirRatio()
    {
        // v1alpha1 weights are quantities: 1 is a whole unit, a thousand times "1m".
        var snapshot = World(Service("web"), Service("web-v1", "v1"), Service("web-v2", "v2"),
            Split("v1alpha1", """[{"service":"web-v1","weight":"500m"},{"service":"web-v2","weight":1}]"""));
        var split = Assert.Single(SmiReader.Read(snapshot).Splits);
        Assert.Equal([500L, 1000L], split.Backends.Select(b => b.Weight).ToArray());

        var result = SmiConverter.Convert(snapshot);
        var route = Assert.Single(result.Objects.OfType<HttpRoute>());
        Assert.Equal([500, 1000], route.Rules.Single().BackendRefs.Select(b => b.BackendRef.Weight).ToArray());
        Assert.True(SmiConverter.Verify(snapshot, result).Clean);
    }

    [Fact]
    public void Reader_V1alpha2Numbers_AreWholeWeights()
    {
        var snapshot = World(Service("web"), Service("web-v1", "v1"), Service("web-v2", "v2"),
            Split("v1alpha2", """[{"service":"web-v1","weight":1},{"service":"web-v2","weight":3}]"""));
        Assert.Equal([1L, 3L], Assert.Single(SmiReader.Read(snapshot).Splits).Backends.Select(b => b.Weight).ToArray());
    }

    [Fact]
    public void Convert_SplitWithRouteGroupMatches_SplitsMatchedRequestsAndVerifiesClean()
    {
        var group = """{"apiVersion":"specs.smi-spec.io/v1alpha4","kind":"HTTPRouteGroup","metadata":{"name":"api","namespace":"app"},"spec":{"matches":[{"name":"writes","pathRegex":"/api/.*","methods":["POST"]}]}}""";
        var snapshot = World(Service("web"), Service("web-v1", "v1"), Service("web-v2", "v2"), group,
            Split("v1alpha4", """[{"service":"web-v1","weight":50},{"service":"web-v2","weight":50}]""", """[{"kind":"HTTPRouteGroup","name":"api"}]"""));
        var result = SmiConverter.Convert(snapshot);
        Assert.False(result.HasErrors);
        var route = Assert.Single(result.Objects.OfType<HttpRoute>());
        Assert.Equal(2, route.Rules.Count);
        Assert.Equal("web", Assert.Single(route.Rules[1].BackendRefs).BackendRef.Name);
        var verification = SmiConverter.Verify(snapshot, result);
        Assert.True(verification.Requests > 0);
        Assert.True(verification.Clean);
    }

    [Fact]
    public void Convert_TrafficTarget_IsDroppedAsChangingWhoMayCall()
    {
        var target = """{"apiVersion":"access.smi-spec.io/v1alpha3","kind":"TrafficTarget","metadata":{"name":"allow","namespace":"app"},"spec":{"destination":{"kind":"ServiceAccount","name":"web","namespace":"app"},"sources":[{"kind":"ServiceAccount","name":"client","namespace":"app"}]}}""";
        var result = SmiConverter.Convert(World(Service("web"), target));
        Assert.Contains(result.Report.Issues, i => i.Subject?.Kind == "TrafficTarget" && i.Field == "spec" && i.Outcome == ConversionOutcome.Dropped && i.AffectsRouting);
        Assert.Empty(result.Objects.OfType<HttpRoute>());
    }
}
