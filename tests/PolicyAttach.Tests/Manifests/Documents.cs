using System.Text.Json;
using PolicyAttach.Diagnostics;
using PolicyAttach.Manifests;
using PolicyAttach.Model;

namespace PolicyAttach.Tests.Manifests;

/// <summary>Reads JSON test documents through the public reader.</summary>
internal static class Documents
{
    public static ManifestReadResult Read(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return ManifestReader.Read(doc.RootElement);
    }

    public static T ReadValid<T>(string json)
        where T : KubeObject
    {
        var result = Read(json);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => $"{d.Path}: {d.Message}").ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return Assert.IsAssignableFrom<T>(result.Resource);
    }

    public static Diagnostic ReadInvalid(string json, string code)
    {
        var result = Read(json);
        Assert.Null(result.Resource);
        return Assert.Single(result.Diagnostics, d => d.Code == code && d.Severity == DiagnosticSeverity.Error);
    }
}
