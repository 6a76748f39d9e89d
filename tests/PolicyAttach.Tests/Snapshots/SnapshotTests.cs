using PolicyAttach.Diagnostics;
using PolicyAttach.Model;
using static PolicyAttach.Tests.Manifests.Documents;

namespace PolicyAttach.Tests.Snapshots;

public class SnapshotTests
{
    private static Service Svc(string ns, string name, int port = 80)
        => ReadValid<Service>($$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},"spec":{"ports":[{"port":{{{port}}}}]}}""");

    [Fact]
    public void Create_DifferentOrder_IsEqual()
    {
        var a = Svc("a", "x");
        var b = Svc("b", "x");
        var c = Svc("a", "y");
        Assert.Equal(Snapshot.Create([a, b, c]), Snapshot.Create([c, b, a]));
        Assert.Equal(new[] { a, c, b }, Snapshot.Create([c, b, a]).Objects);
    }

    [Fact]
    public void Create_Duplicate_LaterWinsWithWarning()
    {
        var first = Svc("a", "x", 80);
        var second = Svc("a", "x", 81);
        var snapshot = new SnapshotBuilder().Add(first, new SourceLocation("a.yaml", 1, 1)).Add(second, new SourceLocation("b.yaml", 3, 1)).Build();
        Assert.Same(second, snapshot.Find(second.Key));
        var warning = Assert.Single(snapshot.Diagnostics);
        Assert.Equal(DiagnosticCodes.DuplicateObject, warning.Code);
        Assert.Contains("a.yaml:1:1", warning.Message, StringComparison.Ordinal);
        Assert.Equal("b.yaml", warning.Location!.File);
    }

    [Fact]
    public void Indexes_ByKindAndKey_FindObjects()
    {
        var service = Svc("a", "x");
        var snapshot = Snapshot.Create([service]);
        Assert.Same(service, snapshot.Find<Service>(service.Key));
        Assert.Null(snapshot.Find<Gateway>(service.Key));
        Assert.Single(snapshot.OfKind(new GroupKind("", "Service")));
        Assert.Single(snapshot.Services);
        Assert.True(snapshot.OfKind(new GroupKind(Groups.Gateway, "Gateway")).IsEmpty);
    }

    [Fact]
    public void NamespaceLabels_MissingNamespace_HasOnlyNameLabel()
    {
        var labels = Snapshot.Empty.NamespaceLabels("ghost");
        var label = Assert.Single(labels);
        Assert.Equal(new KeyValuePair<string, string>("kubernetes.io/metadata.name", "ghost"), label);
    }
}
