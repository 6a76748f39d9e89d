using PolicyAttach.IngressNginx;

namespace PolicyAttach.Tests.IngressNginx;

/// <summary>docs/migrating-from-ingress-nginx.md lists every annotation as the catalog says (one owner: the catalog).</summary>
public class MigrationDocTests
{
    [Fact]
    public void MigrationDoc_AnnotationTable_MatchesTheCatalog()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PolicyAttach.sln")))
        {
            dir = dir.Parent;
        }

        var doc = File.ReadAllLines(Path.Combine(dir!.FullName, "docs", "migrating-from-ingress-nginx.md"));
        var rows = doc.Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();
        var expected = NginxAnnotationCatalog.All.Select(a => $"| `{a.Name}` | {a.Plain.Replace("|", "\\|", StringComparison.Ordinal)} | {a.EnvoyGateway.Replace("|", "\\|", StringComparison.Ordinal)} |").ToList();
        Assert.Equal(expected, rows);
    }

    [Fact]
    public void Catalog_Names_SortedAndUnique()
    {
        var names = NginxAnnotationCatalog.All.Select(a => a.Name).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }
}
