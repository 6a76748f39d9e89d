using System.Collections.Frozen;
using PolicyAttach.Model;

namespace PolicyAttach.References;

/// <summary>
/// The references stage: what may refer to what. Built once per evaluation from a snapshot; the binding and policy
/// stages read it. Answers "may this object refer to that one?" from the ReferenceGrants of the snapshot (spec digest
/// §7): a grant lives in the referent's namespace; any grant with a matching from entry and a matching to entry
/// allows it.
/// </summary>
internal sealed class ReferenceIndex
{
    private readonly FrozenDictionary<string, ReferenceGrant[]> _byNamespace;

    /// <summary>Indexes the grants of a snapshot.</summary>
    /// <param name="snapshot">The input.</param>
    public ReferenceIndex(Snapshot snapshot)
    {
        Snapshot = Guard.NotNull(snapshot);
        _byNamespace = snapshot.ReferenceGrants.GroupBy(g => g.Namespace, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The snapshot indexed.</summary>
    public Snapshot Snapshot { get; }

    /// <summary>Whether a reference is permitted. Same-namespace references always are.</summary>
    /// <param name="from">The referring object's group, kind and namespace.</param>
    /// <param name="to">The referent's group, kind, namespace and name.</param>
    /// <returns>True when permitted.</returns>
    public bool Allows(ResourceKey from, ResourceKey to)
    {
        if (string.Equals(from.Namespace, to.Namespace, StringComparison.Ordinal))
        {
            return true;
        }

        if (!_byNamespace.TryGetValue(to.Namespace, out var grants))
        {
            return false;
        }

        foreach (var grant in grants)
        {
            var fromOk = false;
            foreach (var f in grant.From)
            {
                if (f.Group == from.Group && f.Kind == from.Kind && f.Namespace == from.Namespace)
                {
                    fromOk = true;
                    break;
                }
            }

            if (!fromOk)
            {
                continue;
            }

            foreach (var t in grant.To)
            {
                if (t.Group == to.Group && t.Kind == to.Kind && (t.Name is null || t.Name == to.Name))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
