using System.Text.Json;
using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.Model;

namespace PolicyAttach.Kubernetes.Tests.Loading;

internal static class LoaderTestSupport
{
    public static LoadResult Load(string text, string name = "test.yaml") => new ManifestLoader().LoadText(text, name);

    public static JsonElement Spec(LoadedObject loaded) => ((GenericObject)loaded.Resource).Raw.Element.GetProperty("spec");

    public static Diagnostic[] Errors(LoadResult result) => result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();

    public static string Widget(string name, string spec = "{}") =>
        $"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: {name}\n  namespace: default\nspec: {spec}\n";
}
