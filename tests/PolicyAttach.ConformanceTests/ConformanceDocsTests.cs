using PolicyAttach.ConformanceTests.EnvoyGateway;
using PolicyAttach.ConformanceTests.GatewayApi;

namespace PolicyAttach.ConformanceTests;

/// <summary>
/// Keeps <c>docs/conformance.md</c> true: renders it from the results the corpus tests computed (shared, so the
/// corpus is evaluated once per run) and compares; <c>POLICYATTACH_UPDATE_DOCS=1</c> writes it instead.
/// </summary>
public sealed class ConformanceDocsTests
{
    [CorpusFact]
    public void ConformanceDocs_RenderedFromCorpusResults_MatchesDocsConformanceMd()
    {
        var rendered = ConformanceReport.Render(
            GatewayApiConformanceStatusTests.Shared.Value,
            GatewayApiConformanceRequestTests.Shared.Value,
            EnvoyGatewayCorpusTests.AllCore.Value,
            EnvoyGatewayCorpusTests.PolicyCore.Value);
        var path = Path.Combine(RepoRoot(), "docs", "conformance.md");
        if (Environment.GetEnvironmentVariable("POLICYATTACH_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, rendered);
            return;
        }

        Assert.True(File.Exists(path), "docs/conformance.md is missing; run the tests with POLICYATTACH_UPDATE_DOCS=1 to create it");
        var committed = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.True(committed == rendered, "docs/conformance.md is out of date with the corpus results; run the tests with POLICYATTACH_UPDATE_DOCS=1 and commit the file");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PolicyAttach.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("no folder with PolicyAttach.sln above the test assembly");
    }
}
