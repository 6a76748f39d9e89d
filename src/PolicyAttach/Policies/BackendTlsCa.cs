using PolicyAttach.Binding;
using PolicyAttach.Model;

namespace PolicyAttach.Policies;

/// <summary>BackendTLSPolicy CA references: local ConfigMaps (or Secrets) with a PEM <c>ca.crt</c> (spec digest §14.7).</summary>
internal static class BackendTlsCa
{
    public static List<Problem> Problems(Snapshot snapshot, BackendTlsPolicy policy)
    {
        var problems = new List<Problem>();
        foreach (var reference in policy.CaCertificateRefs)
        {
            if (reference.Group.Length != 0 || (reference.Kind != Kinds.ConfigMap.Kind && reference.Kind != Kinds.Secret.Kind))
            {
                problems.Add(new Problem(ConditionReason.InvalidKind, $"caCertificateRef {reference.Kind}.{reference.Group}/{reference.Name} is not a ConfigMap or Secret; refer to a ConfigMap with ca.crt."));
                continue;
            }

            var key = new ResourceKey(Groups.Core, reference.Kind, policy.Namespace, reference.Name);
            bool? valid = reference.Kind == Kinds.ConfigMap.Kind ? snapshot.Find<ConfigMap>(key)?.CaCertificateValid : snapshot.Find<Secret>(key)?.CaCertificateValid;
            if (valid != true)
            {
                problems.Add(new Problem(ConditionReason.InvalidCACertificateRef, $"caCertificateRef {reference.Kind} {policy.Namespace}/{reference.Name} does not exist or has no valid PEM certificate in ca.crt."));
            }
        }

        return problems;
    }
}
