using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Findings;

/// <summary>
/// ReferenceGrants that permit nothing the input refers to (PA3401, info): every cross-namespace reference of the
/// input (route backendRefs and mirrors, listener certificateRefs, the Gateway's backend client certificate, policy
/// targetRefs) is matched against each grant's from and to.
/// </summary>
internal static class GrantChecks
{
    public static void Run(FindingContext context)
    {
        var grants = context.Snapshot.ReferenceGrants;
        if (grants.Count == 0)
        {
            return;
        }

        // Indexed by the namespace referred to: a grant is compared only with the references into its namespace.
        var references = References(context).Where(r => r.From.Namespace != r.To.Namespace).Distinct().ToLookup(r => r.To.Namespace, StringComparer.Ordinal);
        foreach (var grant in grants)
        {
            var used = references[grant.Namespace].Any(r => grant.From.Any(f => f.Group == r.From.Group && f.Kind == r.From.Kind && f.Namespace == r.From.Namespace)
                && grant.To.Any(t => t.Group == r.To.Group && t.Kind == r.To.Kind && (t.Name is null || t.Name == r.To.Name)));
            if (!used)
            {
                var from = string.Join(", ", grant.From.Select(f => $"{f.Kind} from \"{f.Namespace}\""));
                var to = string.Join(", ", grant.To.Select(t => t.Name is null ? $"any {t.Kind}" : $"{t.Kind} {t.Name}"));
                context.Add(FindingCodes.UnusedReferenceGrant, grant.Key, "spec",
                    $"ReferenceGrant {grant.Namespace}/{grant.Name} permits {(from.Length == 0 ? "nothing" : from)} to refer to {(to.Length == 0 ? "nothing" : to)} in \"{grant.Namespace}\", and no object of the input makes such a reference. Remove it, or fix its from and to.");
            }
        }
    }

    private static IEnumerable<(ResourceKey From, ResourceKey To)> References(FindingContext context)
    {
        foreach (var obj in context.Snapshot.Objects)
        {
            switch (obj)
            {
                case RouteBase route:
                    foreach (var entry in route.EnumerateBackendRefs().Concat(route.EnumerateMirrorBackendRefs()))
                    {
                        yield return (route.Key, entry.BackendRef.TargetKey);
                    }

                    break;
                case Gateway gateway:
                    foreach (var reference in gateway.Listeners.SelectMany(l => l.Tls?.CertificateRefs ?? []))
                    {
                        yield return (gateway.Key, reference.TargetKey);
                    }

                    if (gateway.Tls?.BackendClientCertificateRef is { } client)
                    {
                        yield return (gateway.Key, client.TargetKey);
                    }

                    break;
                case ListenerSet set:
                    foreach (var reference in set.Listeners.SelectMany(l => l.Tls?.CertificateRefs ?? []))
                    {
                        yield return (set.Key, reference.TargetKey);
                    }

                    break;
            }

            if (obj is IPolicyObject policy)
            {
                foreach (var target in policy.TargetRefs)
                {
                    yield return (policy.Key, target.TargetKey);
                }
            }
        }
    }
}
