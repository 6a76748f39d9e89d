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

        // Every cross-namespace reference once, by what a grant's from and to entries compare: a grant is then
        // decided by a lookup per (from, to) pair of its own instead of a pass over every reference.
        var named = new HashSet<(string FromGroup, string FromKind, string FromNamespace, string ToGroup, string ToKind, string ToNamespace, string ToName)>();
        var any = new HashSet<(string FromGroup, string FromKind, string FromNamespace, string ToGroup, string ToKind, string ToNamespace)>();
        foreach (var (from, to) in References(context))
        {
            if (from.Namespace != to.Namespace)
            {
                named.Add((from.Group, from.Kind, from.Namespace, to.Group, to.Kind, to.Namespace, to.Name));
                any.Add((from.Group, from.Kind, from.Namespace, to.Group, to.Kind, to.Namespace));
            }
        }

        foreach (var grant in grants)
        {
            var used = grant.From.Any(f => grant.To.Any(t => t.Name is null
                ? any.Contains((f.Group, f.Kind, f.Namespace, t.Group, t.Kind, grant.Namespace))
                : named.Contains((f.Group, f.Kind, f.Namespace, t.Group, t.Kind, grant.Namespace, t.Name))));
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
