using PolicyAttach.Ingresses;

namespace PolicyAttach.Findings;

/// <summary>
/// The Ingress checks (PA7xxx) as findings, for every Ingress of the input: no class, a class not in the input (so
/// nobody known controls it), several default classes, disagreeing class fields, and each class's routing table
/// problems (conflicting default backends and paths, missing backends). The Ingress stage owns these rules; this
/// stage only carries their diagnostics.
/// </summary>
internal static class IngressChecks
{
    public static void Run(FindingContext context)
    {
        var selection = IngressClassSelector.Select(context.Snapshot);
        var diagnostics = selection.Diagnostics.ToList();
        foreach (var className in selection.Ingresses.Select(o => o.ClassName).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            diagnostics.AddRange(IngressRoutingTable.Compile(context.Snapshot, IngressOwner.Class(className)).Diagnostics);
        }

        foreach (var diagnostic in diagnostics.Distinct())
        {
            if (diagnostic.Subject is { } subject)
            {
                context.Add(diagnostic.Code, diagnostic.Severity, subject, diagnostic.Path, diagnostic.Message);
            }
        }
    }
}
