using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Manifests;
using PolicyAttach.Model;

namespace PolicyAttach.Conversion;

/// <summary>The output a converter may print, and what it must withhold.</summary>
/// <param name="Accepted">The objects that read back without an error, in the order given.</param>
/// <param name="Errors">One error per problem in a withheld object, traced to its source.</param>
public sealed record ReadBackResult(EquatableArray<KubeObject> Accepted, EquatableArray<ConversionError> Errors);

/// <summary>
/// Never print what an API server would refuse: each converted object is written as a manifest
/// (<see cref="ManifestWriter"/>) and read back through <see cref="ManifestReader"/>, which applies the CRD schema
/// and validation rules. An object the reader refuses (an error diagnostic, or no object) is withheld, and each
/// problem becomes a <see cref="ConversionError"/> naming the source object and field it came from (the
/// <see cref="ConversionOrigin"/> with the longest output path that contains the refused field).
/// </summary>
public static class ConversionReadBack
{
    /// <summary>Reads the objects back.</summary>
    /// <param name="objects">The converted objects.</param>
    /// <param name="origins">Where their parts came from.</param>
    /// <returns>The objects to print and the errors.</returns>
    public static ReadBackResult Check(IEnumerable<KubeObject> objects, IEnumerable<ConversionOrigin> origins)
    {
        Guard.NotNull(objects);
        var byOutput = Guard.NotNull(origins).GroupBy(o => o.Output).ToDictionary(g => g.Key, g => g.ToList());
        var accepted = new List<KubeObject>();
        var errors = new List<ConversionError>();
        foreach (var obj in objects)
        {
            using var document = JsonDocument.Parse(ManifestWriter.Write(obj));
            var read = ManifestReader.Read(document.RootElement, new ManifestReadOptions { DefaultNamespace = obj.Namespace.Length > 0 ? obj.Namespace : "default" });
            var problems = read.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (read.Resource is not null && problems.Count == 0)
            {
                accepted.Add(obj);
                continue;
            }

            var known = byOutput.GetValueOrDefault(obj.Key) ?? [];
            if (problems.Count == 0)
            {
                problems.Add(new Diagnostic { Severity = DiagnosticSeverity.Error, Code = DiagnosticCodes.SchemaViolation, Message = "the object does not read back." });
            }

            foreach (var problem in problems)
            {
                var origin = Trace(known, problem.Path ?? string.Empty);
                errors.Add(new ConversionError
                {
                    Subject = origin?.Source,
                    Field = origin?.SourceField,
                    Output = obj.Key,
                    OutputField = problem.Path,
                    Code = problem.Code,
                    Message = problem.Message,
                });
            }
        }

        return new ReadBackResult(accepted.ToEquatableArray(), errors.ToEquatableArray());
    }

    /// <summary>The origin whose output path is the longest prefix of <paramref name="path"/> on a field boundary.</summary>
    private static ConversionOrigin? Trace(List<ConversionOrigin> origins, string path)
    {
        ConversionOrigin? best = null;
        foreach (var origin in origins)
        {
            var prefix = origin.OutputPath;
            var contains = prefix.Length == 0
                || (path.StartsWith(prefix, StringComparison.Ordinal) && (path.Length == prefix.Length || path[prefix.Length] is '.' or '['));
            if (contains && (best is null || prefix.Length > best.OutputPath.Length))
            {
                best = origin;
            }
        }

        return best;
    }
}
