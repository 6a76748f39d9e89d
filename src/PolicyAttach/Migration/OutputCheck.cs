using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Manifests;
using PolicyAttach.Model;

namespace PolicyAttach.Migration;

/// <summary>
/// "Never print what an API server would refuse": every output object is written as a manifest and read back
/// through the core's manifest reader, which applies the CRD schemas and CEL rules. An object the reader refuses
/// (or reads as a different object than the converter made, which would be a converter bug) is left out and its
/// problems are reported against the source object it came from.
/// </summary>
internal static class OutputCheck
{
    /// <summary>The code of a converted object left out because reading its manifest back failed.</summary>
    public const string RefusedCode = "PA8002";

    /// <summary>Writes and reads back each object; returns the objects kept (as read) with their manifests, in a stable order.</summary>
    public static (List<KubeObject> Objects, List<string> Manifests) Check(IEnumerable<(KubeObject Object, ResourceKey Source)> made, List<Diagnostic> problems)
    {
        var kept = new List<(KubeObject, string)>();
        foreach (var (obj, source) in made)
        {
            var manifest = ManifestWriter.Write(obj);
            using var document = JsonDocument.Parse(manifest);
            var read = ManifestReader.Read(document.RootElement, new ManifestReadOptions { DefaultCreationTimestamp = obj.Metadata.CreationTimestamp, DefaultNamespace = obj.Namespace.Length > 0 ? obj.Namespace : "default" });
            var errors = read.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0 || read.Resource is null)
            {
                foreach (var error in errors.DefaultIfEmpty())
                {
                    problems.Add(new Diagnostic
                    {
                        Severity = DiagnosticSeverity.Error,
                        Code = RefusedCode,
                        Subject = source,
                        Message = $"the converted {obj.Key} would be refused by the API server and is left out: {error?.Path} {error?.Message}".Replace("  ", " ", StringComparison.Ordinal),
                    });
                }

                continue;
            }

            if (obj is not (PolicyObject or BackendTlsPolicy or GenericObject) && !Equals(read.Resource, obj))
            {
                problems.Add(new Diagnostic
                {
                    Severity = DiagnosticSeverity.Error,
                    Code = RefusedCode,
                    Subject = source,
                    Message = $"the manifest of the converted {obj.Key} reads back as a different object; it is left out. This is a PolicyAttach bug: please report it with the input.",
                });
                continue;
            }

            kept.Add((read.Resource, manifest));
        }

        var ordered = kept.OrderBy(k => KindOrder(k.Item1.Kind)).ThenBy(k => k.Item1.Key).ToList();
        return (ordered.Select(k => k.Item1).ToList(), ordered.Select(k => k.Item2).ToList());
    }

    /// <summary>The order objects are printed in: what others refer to first (Services, Gateways), then routes, then grants and policies.</summary>
    private static int KindOrder(string kind) => kind switch
    {
        "Service" => 0,
        "Gateway" => 1,
        "HTTPRoute" => 2,
        "GRPCRoute" => 3,
        "TLSRoute" => 4,
        "TCPRoute" => 5,
        "ReferenceGrant" => 6,
        "BackendTLSPolicy" => 7,
        _ => 8,
    };
}
