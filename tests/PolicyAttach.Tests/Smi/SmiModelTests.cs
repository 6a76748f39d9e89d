using System.Text.Json;
using PolicyAttach.Collections;
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

    private static string TcpService(string name, string ports, string version = "")
        => "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"app\"},\"spec\":{\"selector\":{\"app\":\"db\"" + (version.Length > 0 ? ",\"version\":\"" + version + "\"" : string.Empty) + "},\"ports\":" + ports + "}}";

    private static string DbSplit(string backends, string matches = "")
        => "{\"apiVersion\":\"split.smi-spec.io/v1alpha4\",\"kind\":\"TrafficSplit\",\"metadata\":{\"name\":\"db\",\"namespace\":\"app\"},\"spec\":{\"service\":\"db\",\"backends\":" + backends + (matches.Length > 0 ? ",\"matches\":" + matches : string.Empty) + "}}";

    private static void AssertReadBack(ConversionResult result)
    {
        for (var i = 0; i < result.Objects.Count; i++)
        {
            using var json = JsonDocument.Parse(result.Manifests[i]);
            var read = ManifestReader.Read(json.RootElement, new ManifestReadOptions { DefaultCreationTimestamp = result.Objects[i].Metadata.CreationTimestamp });
            Assert.Equal(result.Objects[i], read.Resource);
        }
    }

    [Fact]
    public void Convert_TcpAppProtocolPort_TcpRouteWithServiceParentSplitsConnections()
    {
        const string ports = """[{"name":"mysql","port":3306,"appProtocol":"mysql"}]""";
        var snapshot = World(TcpService("db", ports), TcpService("db-v1", ports, "v1"), TcpService("db-v2", ports, "v2"),
            DbSplit("""[{"service":"db-v1","weight":90},{"service":"db-v2","weight":10}]"""));
        var result = SmiConverter.Convert(snapshot);
        Assert.False(result.HasErrors);
        Assert.Empty(result.Objects.OfType<HttpRoute>());
        var route = Assert.Single(result.Objects.OfType<TcpRoute>());
        var parent = Assert.Single(route.ParentRefs);
        Assert.Equal((Kinds.Service.Kind, "db", 3306), (parent.Kind, parent.Name, parent.Port));
        Assert.Equal([("db-v1", 90), ("db-v2", 10)], Assert.Single(route.Rules).BackendRefs.Select(b => (b.Name, b.Weight)).ToArray());
        AssertReadBack(result);
        Assert.Contains(result.Report.Issues, n => n.Field == "spec.service" && n.Message.Contains("appProtocol is mysql", StringComparison.Ordinal));

        var verification = SmiConverter.Verify(snapshot, result);
        Assert.True(verification.Requests >= 2);
        Assert.True(verification.Clean, string.Join("\n", verification.Differences.Select(d => d.Difference.Probe + ": " + d.Difference.Source + " / " + d.Difference.Converted)));
    }

    [Fact]
    public void Verify_TcpRouteWithOtherWeights_ReportsTheDifferenceUnexplained()
    {
        // --verify checks TCP routing per port: the same backends with other weights are a difference.
        const string ports = """[{"name":"tcp-db","port":5432}]""";
        var snapshot = World(TcpService("db", ports), TcpService("db-v1", ports, "v1"), TcpService("db-v2", ports, "v2"),
            DbSplit("""[{"service":"db-v1","weight":90},{"service":"db-v2","weight":10}]"""));
        var result = SmiConverter.Convert(snapshot);
        var route = Assert.Single(result.Objects.OfType<TcpRoute>());
        var wrong = route with { Rules = route.Rules.Select(r => r with { BackendRefs = r.BackendRefs.Select(b => b with { Weight = 50 }).ToEquatableArray() }).ToEquatableArray() };
        var tampered = result with { Objects = result.Objects.Select(o => o == route ? (KubeObject)wrong : o).ToEquatableArray() };
        var differences = SmiConverter.Verify(snapshot, tampered).Differences;
        Assert.NotEmpty(differences);
        Assert.All(differences, d => Assert.Equal(["backend"], d.Difference.Aspects.ToArray()));
        Assert.All(differences, d => Assert.False(d.Explained));
    }

    [Fact]
    public void Convert_SplitMatchingATcpRoute_TcpRouteOnItsPortAndTheOthersToTheRoot()
    {
        const string ports = """[{"name":"http","port":80},{"name":"redis","port":6379}]""";
        var tcp = """{"apiVersion":"specs.smi-spec.io/v1alpha4","kind":"TCPRoute","metadata":{"name":"redis","namespace":"app"},"spec":{"matches":{"name":"redis","ports":[6379]}}}""";
        var snapshot = World(TcpService("db", ports), TcpService("db-v1", ports, "v1"), TcpService("db-v2", ports, "v2"), tcp,
            DbSplit("""[{"service":"db-v1","weight":1},{"service":"db-v2","weight":1}]""", """[{"kind":"TCPRoute","name":"redis"}]"""));
        var result = SmiConverter.Convert(snapshot);
        Assert.False(result.HasErrors);
        var route = Assert.Single(result.Objects.OfType<TcpRoute>());
        Assert.Equal(6379, Assert.Single(route.ParentRefs).Port);
        Assert.Equal(["db-v1", "db-v2"], route.Rules[0].BackendRefs.Select(b => b.Name).ToArray());
        // Port 80 is HTTP: the split's only match is the TCPRoute, which no request matches, so requests go to the root.
        var http = Assert.Single(result.Objects.OfType<HttpRoute>());
        Assert.Equal("db", Assert.Single(Assert.Single(http.Rules).BackendRefs).BackendRef.Name);
        var notes = result.Report.Issues;
        Assert.Contains(notes, n => n.Subject?.Kind == "TCPRoute" && n.Field == "spec.matches.ports" && n.Outcome == ConversionOutcome.Carried);
        Assert.Contains(notes, n => n.Subject?.Kind == "TCPRoute" && n.Field == "spec.matches.name" && n.Outcome == ConversionOutcome.Carried);
        Assert.Contains(notes, n => n.Subject?.Kind == "TrafficSplit" && n.Field == "spec.matches[0]" && n.Outcome == ConversionOutcome.Carried);
        Assert.DoesNotContain(notes, n => n.Message.StartsWith("not converted: the converter does not read", StringComparison.Ordinal));
        AssertReadBack(result);
        var verification = SmiConverter.Verify(snapshot, result);
        Assert.Contains(SmiRouterProbes(snapshot), p => p.Protocol == RequestProtocol.Tcp && p.Port == 6379);
        Assert.True(verification.Clean, string.Join("\n", verification.Differences.Select(d => d.Difference.Probe + ": " + d.Difference.Source + " / " + d.Difference.Converted)));
    }

    [Fact]
    public void Convert_TrafficTargetWithTcpRoutePort_PortReadAsTcpAndReportedAsApproximated()
    {
        const string ports = """[{"name":"db","port":9000}]""";
        var tcp = """{"apiVersion":"specs.smi-spec.io/v1alpha4","kind":"TCPRoute","metadata":{"name":"db","namespace":"app"},"spec":{"matches":{"ports":[9000]}}}""";
        var target = """{"apiVersion":"access.smi-spec.io/v1alpha3","kind":"TrafficTarget","metadata":{"name":"allow","namespace":"app"},"spec":{"destination":{"kind":"ServiceAccount","name":"db","namespace":"app"},"rules":[{"kind":"TCPRoute","name":"db"}],"sources":[{"kind":"ServiceAccount","name":"client","namespace":"app"}]}}""";
        var snapshot = World(TcpService("db", ports), TcpService("db-v1", ports, "v1"), tcp, target, DbSplit("""[{"service":"db-v1","weight":1}]"""));
        var result = SmiConverter.Convert(snapshot);
        Assert.Single(result.Objects.OfType<TcpRoute>());
        Assert.Empty(result.Objects.OfType<HttpRoute>());
        Assert.Contains(result.Report.Issues, n => n.Subject?.Kind == "TrafficSplit" && n.Field == "spec.service" && n.Outcome == ConversionOutcome.Approximated && n.AffectsRouting);
        Assert.Contains(result.Report.Issues, n => n.Subject?.Kind == "TCPRoute" && n.Field == "spec.matches.ports" && n.Outcome == ConversionOutcome.Carried);
        Assert.True(SmiConverter.Verify(snapshot, result).Clean);
    }

    [Fact]
    public void Convert_TcpSplitWhoseBackendsLackThePort_TcpRouteNamesTheRootWithWeightZero()
    {
        // Regression (found by the SMI first-match property): no backend has the root's TCP port, and the TCPRoute was
        // written without backendRefs, which the CRD refuses (a TCPRoute rule needs at least one backendRef).
        var snapshot = World(TcpService("db", """[{"name":"tcp-db","port":5432}]"""), TcpService("db-v1", """[{"name":"tcp-other","port":5433}]""", "v1"),
            DbSplit("""[{"service":"db-v1","weight":1}]"""));
        var result = SmiConverter.Convert(snapshot);
        Assert.False(result.HasErrors);
        var route = Assert.Single(result.Objects.OfType<TcpRoute>());
        Assert.Equal(5432, Assert.Single(route.ParentRefs).Port);
        var backend = Assert.Single(Assert.Single(route.Rules).BackendRefs);
        Assert.Equal(("db", (int?)5432, 0), (backend.Name, backend.Port, backend.Weight));
        AssertReadBack(result);
        Assert.Contains(result.Report.Issues, n => n.Subject?.Kind == "TrafficSplit" && n.Field == "spec.backends" && n.Outcome == ConversionOutcome.Approximated && n.Message.Contains("no backend has port 5432", StringComparison.Ordinal));

        // The split and the route both refuse the connections.
        var verification = SmiConverter.Verify(snapshot, result);
        Assert.Contains(SmiRouterProbes(snapshot), p => p.Protocol == RequestProtocol.Tcp && p.Port == 5432);
        Assert.True(verification.Clean, string.Join("\n", verification.Differences.Select(d => d.Difference.Probe + ": " + d.Difference.Source + " / " + d.Difference.Converted)));
    }

    [Fact]
    public void Convert_UnusedTcpRoute_IsDroppedWithoutAffectingRouting()
    {
        var tcp = """{"apiVersion":"specs.smi-spec.io/v1alpha4","kind":"TCPRoute","metadata":{"name":"db","namespace":"app"},"spec":{"matches":{"ports":[9000]}}}""";
        var result = SmiConverter.Convert(World(Service("web"), tcp));
        Assert.Contains(result.Report.Issues, n => n.Subject?.Kind == "TCPRoute" && n.Field == "spec" && n.Outcome == ConversionOutcome.Dropped && !n.AffectsRouting);
        Assert.Empty(result.Objects);
    }

    private static List<TargetedProbe> SmiRouterProbes(Snapshot snapshot)
        => new SmiRouter(SmiReader.Read(snapshot), snapshot, "cluster.local").Probes();
}
