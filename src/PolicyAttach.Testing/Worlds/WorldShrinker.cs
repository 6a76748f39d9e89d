using PolicyAttach.Model;

namespace PolicyAttach.Testing;

/// <summary>
/// Shrinks worlds so that every candidate is still a valid world: it removes objects, then parts of objects
/// (listeners, rules, matches, backends, hostnames, targets, ...), then shortens names. After each removal the
/// references that resolved before and no longer do are removed too (a route whose only parent went goes with it),
/// so a candidate never dangles a reference the original did not; a candidate that reads with more errors or more
/// dangling references than the original is skipped.
/// </summary>
public static class WorldShrinker
{
    // Objects are tried in this order: leaves of the reference graph first, so that one step removes the most.
    private static readonly string[] RemovalOrder =
    [
        "BackendTLSPolicy", "Ingress", "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute", "ReferenceGrant",
        "ListenerSet", "Gateway", "Secret", "ConfigMap", "Service", "IngressClass", "GatewayClass", "Namespace",
    ];

    private static readonly string[] ShortNames = [.. Enumerable.Range(0, 26).Select(i => ((char)('a' + i)).ToString())];

    /// <summary>Smaller valid worlds, the most promising first.</summary>
    /// <param name="world">The world to shrink.</param>
    /// <returns>The candidates, computed lazily.</returns>
    public static IEnumerable<TestWorld> Shrink(TestWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        var original = new WorldReferences(world);
        var resolved = original.ResolvedTargets();
        var seen = new HashSet<TestWorld> { world };
        foreach (var candidate in Candidates(world, original, resolved))
        {
            if (seen.Add(candidate) && IsValid(candidate, original))
            {
                yield return candidate;
            }
        }
    }

    private static IEnumerable<TestWorld> Candidates(TestWorld world, WorldReferences original, HashSet<(ReferenceRole, ResourceKey, string?, int?)> resolved)
    {
        // 0. Policy kinds registered in code that no object uses any more.
        var used = world.PolicyKinds.Where(k => world.Objects.Any(o => o.Group == k.Kind.Group && o.Kind == k.Kind.Kind)).ToList();
        if (used.Count < world.PolicyKinds.Count)
        {
            yield return new TestWorld(world.Objects, world.ControllerName, used);
        }

        // 1. Whole objects: policies and routes first; a Gateway takes its routes with it.
        var order = world.Objects.Select((o, i) => (Object: o, Index: i))
            .OrderBy(x => Rank(x.Object))
            .ThenByDescending(x => x.Index)
            .ToList();
        foreach (var (obj, index) in order)
        {
            yield return Repair(world.WithObjects(world.Objects.Where((_, i) => i != index)), resolved);
        }

        // 2. Parts of objects. Objects with raw edits keep their parts, so the edits keep their paths.
        for (var i = 0; i < world.Objects.Count; i++)
        {
            if (!world.Objects[i].Edits.IsEmpty)
            {
                continue;
            }

            foreach (var smaller in Simpler(world.Objects[i]).Concat(world.Objects[i].ShrinkParts()))
            {
                yield return Repair(world.WithObjects(world.Objects.Select((o, j) => j == i ? smaller : o)), resolved);
            }
        }

        // 3. Shorter names: objects, then their listeners, rules and ports; every reference follows the rename.
        var names = original.UsedNames();
        for (var i = 0; i < world.Objects.Count; i++)
        {
            var obj = world.Objects[i];
            if (obj is NamespaceBuilder or PolicyCrdBuilder or RawObjectBuilder || !obj.Edits.IsEmpty)
            {
                continue;
            }

            if (Fresh(obj.Name, names) is { } name)
            {
                var key = obj.Key;
                yield return world.WithObjects(world.Objects.Select((o, j) => j == i ? (o with { Name = name }).RetargetReferences(key, name) : o.RetargetReferences(key, name)));
            }

            foreach (var section in obj.Sections().Distinct(StringComparer.Ordinal).ToList())
            {
                if (Fresh(section, names) is { } shorter)
                {
                    var key = obj.Key;
                    yield return world.WithObjects(world.Objects.Select((o, j) => (j == i ? o.RenameSection(section, shorter) : o).RetargetSections(key, section, shorter)));
                }
            }
        }
    }

    /// <summary>What every object can lose: its labels (Namespaces lose them one at a time), annotations and creationTimestamp.</summary>
    private static IEnumerable<ObjectBuilder> Simpler(ObjectBuilder obj)
    {
        if (obj is not (NamespaceBuilder or PolicyCrdBuilder) && obj.Labels.Count > 0)
        {
            yield return obj with { Labels = Collections.StringMap.Empty };
        }

        if (obj.Annotations.Count > 0)
        {
            yield return obj with { Annotations = Collections.StringMap.Empty };
        }

        if (obj.CreationTimestamp is not null)
        {
            yield return obj with { CreationTimestamp = null };
        }
    }

    /// <summary>
    /// Removes the references that resolved in the original world and no longer do, repeatedly: removing one may
    /// remove its holder (a route without parents), whose own sections then stop resolving.
    /// </summary>
    internal static TestWorld Repair(TestWorld world, HashSet<(ReferenceRole, ResourceKey, string?, int?)> resolvedBefore)
    {
        for (var round = 0; round <= world.Objects.Count; round++)
        {
            var references = new WorldReferences(world);
            var changed = false;
            var objects = new List<ObjectBuilder>();
            foreach (var obj in world.Objects)
            {
                var doomed = obj.References()
                    .Where(r => resolvedBefore.Contains((r.Role, r.Target, r.Section, r.Port)) && !references.Resolves(r))
                    .ToHashSet();
                if (doomed.Count == 0)
                {
                    objects.Add(obj);
                    continue;
                }

                changed = true;
                if (obj.WithoutReferences(doomed) is { } kept)
                {
                    objects.Add(kept);
                }
            }

            if (!changed)
            {
                return world;
            }

            world = world.WithObjects(objects);
        }

        return world;
    }

    /// <summary>No more reader errors and no more dangling references than the original.</summary>
    private static bool IsValid(TestWorld candidate, WorldReferences original)
    {
        var references = new WorldReferences(candidate);
        return references.Errors <= original.Errors && references.Dangling.Count <= original.Dangling.Count;
    }

    private static int Rank(ObjectBuilder obj)
    {
        if (obj is PolicyBuilder)
        {
            return -1;
        }

        var rank = Array.IndexOf(RemovalOrder, obj.Kind);
        return rank < 0 ? RemovalOrder.Length : rank;
    }

    /// <summary>The first one-letter name no object or reference uses, when it is shorter than <paramref name="name"/>.</summary>
    private static string? Fresh(string name, HashSet<string> used)
        => name.Length <= 1 ? null : ShortNames.FirstOrDefault(n => !used.Contains(n));
}
