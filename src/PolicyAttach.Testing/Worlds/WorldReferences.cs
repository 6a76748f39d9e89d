using PolicyAttach.Diagnostics;
using PolicyAttach.Model;

namespace PolicyAttach.Testing;

/// <summary>
/// The reference graph of a world: which references resolve (the target exists, with the section or port named)
/// and which dangle. Generators make some references dangle on purpose; the shrinker never makes a new one.
/// </summary>
internal sealed class WorldReferences
{
    private readonly Dictionary<ResourceKey, ObjectBuilder> _objects = [];

    public WorldReferences(TestWorld world)
    {
        foreach (var obj in world.Objects)
        {
            _objects.TryAdd(obj.Key, obj);
        }

        foreach (var obj in world.Objects)
        {
            foreach (var reference in obj.References())
            {
                (Resolves(reference) ? Resolved : Dangling).Add((obj.Key, reference));
            }
        }

        Errors = world.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
    }

    /// <summary>Every reference that resolves, with its holder.</summary>
    public List<(ResourceKey Holder, Reference Reference)> Resolved { get; } = [];

    /// <summary>Every reference that dangles, with its holder.</summary>
    public List<(ResourceKey Holder, Reference Reference)> Dangling { get; } = [];

    /// <summary>The number of error diagnostics the reader reports.</summary>
    public int Errors { get; }

    /// <summary>The references that resolve, by what they point at (the site does not matter).</summary>
    public HashSet<(ReferenceRole, ResourceKey, string?, int?)> ResolvedTargets()
        => [.. Resolved.Select(r => (r.Reference.Role, r.Reference.Target, r.Reference.Section, r.Reference.Port))];

    /// <summary>Whether a reference's target exists with the section and port it names.</summary>
    public bool Resolves(Reference reference)
    {
        if (!_objects.TryGetValue(reference.Target, out var target))
        {
            return false;
        }

        return (reference.Section is null || target.Sections().Contains(reference.Section, StringComparer.Ordinal))
            && (reference.Port is null || target.PortNumbers().Contains(reference.Port.Value));
    }

    /// <summary>Every name used by an object or named by a reference, so a fresh name collides with none.</summary>
    public HashSet<string> UsedNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var obj in _objects.Values)
        {
            names.Add(obj.Name);
            names.UnionWith(obj.Sections());
            foreach (var reference in obj.References())
            {
                names.Add(reference.Target.Name);
                if (reference.Section is { } section)
                {
                    names.Add(section);
                }
            }
        }

        return names;
    }
}
