using System.Collections.Immutable;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Sessions;

/// <summary>
/// What a session's route step looks up instead of reading the whole world: the policies by the objects they name
/// (Namespaces by name), the policies on GatewayClasses, the policies that select targets by label, the shared objects
/// (those in no unit), the ListenerSets of each Gateway, the routes of each parent and the routes with a backendRef
/// into another namespace. Built once from a snapshot, then changed with each batch
/// (persistent maps: a batch costs its own objects, not the world's). The step still decides everything with the
/// same rules; the index only tells it which policies and objects to read.
/// </summary>
internal sealed class RouteIndex
{
    private static readonly ImmutableSortedSet<ResourceKey> None = ImmutableSortedSet<ResourceKey>.Empty;

    private readonly ImmutableDictionary<ResourceKey, ImmutableSortedSet<ResourceKey>> _byTarget;
    private readonly ImmutableDictionary<string, ImmutableSortedSet<ResourceKey>> _byNamespace;
    private readonly ImmutableDictionary<ResourceKey, ImmutableSortedSet<ResourceKey>> _setsByGateway;
    private readonly ImmutableDictionary<(string From, string To), ImmutableSortedSet<ResourceKey>> _crossReferences;
    private readonly ImmutableDictionary<ResourceKey, ImmutableSortedSet<ResourceKey>> _routesByParent;

    private RouteIndex(ImmutableDictionary<ResourceKey, ImmutableSortedSet<ResourceKey>> byTarget, ImmutableDictionary<string, ImmutableSortedSet<ResourceKey>> byNamespace,
        ImmutableSortedSet<ResourceKey> onClasses, ImmutableSortedSet<ResourceKey> selecting, ImmutableSortedDictionary<ResourceKey, KubeObject> shared,
        ImmutableDictionary<ResourceKey, ImmutableSortedSet<ResourceKey>> setsByGateway, ImmutableDictionary<(string, string), ImmutableSortedSet<ResourceKey>> crossReferences,
        ImmutableDictionary<ResourceKey, ImmutableSortedSet<ResourceKey>> routesByParent)
    {
        _routesByParent = routesByParent;
        _crossReferences = crossReferences;
        _byTarget = byTarget;
        _byNamespace = byNamespace;
        OnClasses = onClasses;
        Selecting = selecting;
        Shared = shared;
        _setsByGateway = setsByGateway;
    }

    /// <summary>The index of a snapshot's objects.</summary>
    public static RouteIndex Of(Snapshot snapshot)
    {
        var empty = new RouteIndex(
            ImmutableDictionary<ResourceKey, ImmutableSortedSet<ResourceKey>>.Empty,
            ImmutableDictionary<string, ImmutableSortedSet<ResourceKey>>.Empty.WithComparers(StringComparer.Ordinal),
            None,
            None,
            ImmutableSortedDictionary<ResourceKey, KubeObject>.Empty,
            ImmutableDictionary<ResourceKey, ImmutableSortedSet<ResourceKey>>.Empty,
            ImmutableDictionary<(string, string), ImmutableSortedSet<ResourceKey>>.Empty,
            ImmutableDictionary<ResourceKey, ImmutableSortedSet<ResourceKey>>.Empty);
        return empty.Change(snapshot.Objects.Select(o => ((KubeObject?)null, (KubeObject?)o)));
    }

    /// <summary>The policies that target a GatewayClass.</summary>
    public ImmutableSortedSet<ResourceKey> OnClasses { get; }

    /// <summary>The policies with target selectors.</summary>
    public ImmutableSortedSet<ResourceKey> Selecting { get; }

    /// <summary>The objects in no unit (<see cref="DependencyIndex.IsPartitioned"/>), sorted by key.</summary>
    public ImmutableSortedDictionary<ResourceKey, KubeObject> Shared { get; }

    /// <summary>The policies with a targetRef to an object (for a Namespace, see <see cref="OnNamespace"/>).</summary>
    public ImmutableSortedSet<ResourceKey> On(ResourceKey target) => _byTarget.GetValueOrDefault(target) ?? None;

    /// <summary>The policies with a targetRef to a Namespace.</summary>
    public ImmutableSortedSet<ResourceKey> OnNamespace(string name) => _byNamespace.GetValueOrDefault(name) ?? None;

    /// <summary>The ListenerSets whose parentRef names a Gateway.</summary>
    public ImmutableSortedSet<ResourceKey> SetsOf(ResourceKey gateway) => _setsByGateway.GetValueOrDefault(gateway) ?? None;

    /// <summary>The routes of a namespace with a backendRef (or mirror backendRef) into another namespace.</summary>
    public ImmutableSortedSet<ResourceKey> ReferringInto(string from, string to) => _crossReferences.GetValueOrDefault((from, to)) ?? None;

    /// <summary>The routes with a parentRef to an object (a Gateway, a ListenerSet, a Service).</summary>
    public ImmutableSortedSet<ResourceKey> RoutesOn(ResourceKey parent) => _routesByParent.GetValueOrDefault(parent) ?? None;

    /// <summary>This index after a batch: each object as it was before (or null) and as it is now (or null).</summary>
    public RouteIndex With(Snapshot before, IEnumerable<KeyValuePair<ResourceKey, KubeObject?>> changes)
        => Change(changes.Select(c => (before.Find(c.Key), c.Value)));

    private RouteIndex Change(IEnumerable<(KubeObject? Before, KubeObject? After)> changes)
    {
        var (byTarget, byNamespace, onClasses, selecting, shared, sets, cross) = (_byTarget, _byNamespace, OnClasses, Selecting, Shared, _setsByGateway, _crossReferences);
        var byParent = _routesByParent;
        foreach (var (before, after) in changes)
        {
            foreach (var (obj, add) in new[] { (before, false), (after, true) })
            {
                if (obj is null)
                {
                    continue;
                }

                if (!DependencyIndex.IsPartitioned(obj))
                {
                    shared = add ? shared.SetItem(obj.Key, obj) : shared.Remove(obj.Key);
                }

                if (obj is ListenerSet set && set.ParentRef.GroupKind == Kinds.Gateway)
                {
                    sets = Edit(sets, set.ParentRef.TargetKey, obj.Key, add);
                }

                if (obj is RouteBase route)
                {
                    foreach (var parentRef in route.ParentRefs)
                    {
                        byParent = Edit(byParent, parentRef.TargetKey, obj.Key, add);
                    }

                    foreach (var entry in route.EnumerateBackendRefs().Concat(route.EnumerateMirrorBackendRefs()))
                    {
                        if (!string.Equals(entry.BackendRef.Namespace, route.Namespace, StringComparison.Ordinal))
                        {
                            cross = Edit(cross, (route.Namespace, entry.BackendRef.Namespace), obj.Key, add);
                        }
                    }
                }

                if (obj is not IPolicyObject policy)
                {
                    continue;
                }

                if (!policy.TargetSelectors.IsEmpty)
                {
                    selecting = add ? selecting.Add(obj.Key) : selecting.Remove(obj.Key);
                }

                foreach (var target in policy.TargetRefs)
                {
                    if (target.GroupKind == Kinds.Namespace)
                    {
                        byNamespace = Edit(byNamespace, target.Name, obj.Key, add);
                    }
                    else
                    {
                        byTarget = Edit(byTarget, target.TargetKey, obj.Key, add);
                    }
                }

                if (policy.TargetRefs.Any(t => t.GroupKind == Kinds.GatewayClass))
                {
                    onClasses = add ? onClasses.Add(obj.Key) : onClasses.Remove(obj.Key);
                }
            }
        }

        return new RouteIndex(byTarget, byNamespace, onClasses, selecting, shared, sets, cross, byParent);
    }

    private static ImmutableDictionary<TKey, ImmutableSortedSet<ResourceKey>> Edit<TKey>(ImmutableDictionary<TKey, ImmutableSortedSet<ResourceKey>> map, TKey at, ResourceKey key, bool add)
        where TKey : notnull
    {
        var set = map.GetValueOrDefault(at) ?? None;
        set = add ? set.Add(key) : set.Remove(key);
        return set.IsEmpty ? map.Remove(at) : map.SetItem(at, set);
    }
}
