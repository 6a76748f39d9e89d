using System.Text.Json;
using PolicyAttach.Diagnostics;
using PolicyAttach.Manifests;
using PolicyAttach.Model;

namespace PolicyAttach.Conversion;

/// <summary>
/// The last steps the mesh-API converters share: objects built as JSON (policies) read into the model, and the
/// output read back (<see cref="ConversionReadBack"/>) and put in print order.
/// </summary>
internal static class ConversionAssembly
{
    /// <summary>Reads an object built as JSON; its refusal (the API server would refuse it too) becomes errors.</summary>
    public static KubeObject? FromJson(JsonElement manifest, ResourceKey source, List<ConversionError> errors)
    {
        var read = ManifestReader.Read(manifest);
        if (read.Resource is { } obj && !read.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            return obj;
        }

        var kind = manifest.TryGetProperty("kind", out var k) ? k.GetString() ?? string.Empty : string.Empty;
        var group = manifest.TryGetProperty("apiVersion", out var v) ? ApiVersions.GroupOf(v.GetString() ?? string.Empty) : string.Empty;
        var meta = manifest.TryGetProperty("metadata", out var m) ? m : default;
        var output = new ResourceKey(group, kind,
            meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("namespace", out var ns) ? ns.GetString() ?? string.Empty : string.Empty,
            meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("name", out var name) ? name.GetString() ?? string.Empty : string.Empty);
        foreach (var d in read.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            errors.Add(new ConversionError { Subject = source, Output = output, OutputField = d.Path, Code = d.Code, Message = d.Message });
        }

        return null;
    }

    /// <summary>
    /// Reads the objects made back, tracing refusals to the source object and rule; returns the accepted objects and
    /// their manifests in print order (Services, Gateways, routes, grants, policies; then namespace and name).
    /// </summary>
    public static (List<KubeObject> Objects, List<string> Manifests) Finish(
        List<(KubeObject Object, ResourceKey Source)> made, IReadOnlyDictionary<(ResourceKey Route, int Rule), RuleOrigin> rules, List<ConversionError> errors)
    {
        var origins = made.Select(m => new ConversionOrigin(m.Object.Key, string.Empty, m.Source, null))
            .Concat(rules.Select(r => new ConversionOrigin(r.Key.Route, $"spec.rules[{r.Key.Rule}]", r.Value.Source, r.Value.Field)));
        var checkedOutput = ConversionReadBack.Check(made.Select(m => m.Object), origins);
        errors.AddRange(checkedOutput.Errors);
        var ordered = checkedOutput.Accepted.OrderBy(o => KindOrder(o.Kind)).ThenBy(o => o.Key).ToList();
        return (ordered, ordered.Select(ManifestWriter.Write).ToList());
    }

    /// <summary>The print order of the kinds a conversion makes; other kinds (implementation policies) come last.</summary>
    private static readonly string[] PrintOrder =
    [
        Kinds.Service.Kind, Kinds.Gateway.Kind, Kinds.HttpRoute.Kind, Kinds.GrpcRoute.Kind, Kinds.TlsRoute.Kind,
        Kinds.TcpRoute.Kind, Kinds.ReferenceGrant.Kind, Kinds.BackendTlsPolicy.Kind,
    ];

    private static int KindOrder(string kind)
    {
        var index = Array.IndexOf(PrintOrder, kind);
        return index < 0 ? PrintOrder.Length : index;
    }
}
