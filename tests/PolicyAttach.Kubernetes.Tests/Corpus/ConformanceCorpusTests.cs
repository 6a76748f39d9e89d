using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Loading;
using Xunit.Abstractions;

namespace PolicyAttach.Kubernetes.Tests.Corpus;

public sealed class ConformanceCorpusTests(ITestOutputHelper output)
{
    /// <summary>Corpus files that are invalid on purpose, relative to the manifests folder, with the reason.</summary>
    private static readonly Dictionary<string, string> InvalidOnPurpose = new(StringComparer.Ordinal)
    {
        ["tests/gatewayclass-observed-generation-bump.yaml"] =
            "controllerName is the {GATEWAY_CONTROLLER_NAME} placeholder, which the conformance suite replaces before applying; as written it is not a domain-prefixed path",
    };

    [CorpusFact]
    public void Load_EveryConformanceManifest_HasNoErrorDiagnostic()
    {
        var manifests = Path.Combine(CorpusFactAttribute.CorpusRoot!, "gateway-api-conformance", "manifests");
        var files = Directory.EnumerateFiles(manifests, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);

        var loader = new ManifestLoader();
        var failures = new List<string>();
        var objects = 0;
        var warnings = new List<string>();
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(manifests, file).Replace('\\', '/');
            var result = loader.Load([file]);
            objects += result.Objects.Count;
            warnings.AddRange(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => $"{relative}: {d}"));
            var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (InvalidOnPurpose.ContainsKey(relative))
            {
                if (errors.Count == 0)
                {
                    failures.Add($"{relative}: listed as invalid on purpose but loads cleanly");
                }

                continue;
            }

            failures.AddRange(errors.Select(e => $"{relative}: {e}"));
        }

        output.WriteLine($"{files.Count} files, {objects} objects, {warnings.Count} warnings");
        warnings.ForEach(output.WriteLine);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(objects > files.Count, $"{objects} objects from {files.Count} files");
    }
}
