using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Sessions;

/// <summary>
/// What an object's change can affect, as independent <em>units</em>: the Gateways, ListenerSets, routes, Services and
/// policies that read each other's results are joined into one unit, so each unit evaluates alone, with the shared
/// objects (GatewayClasses, Namespaces, ReferenceGrants, Secrets, ConfigMaps, CRDs and every other kind), to the same
/// results a full evaluation gives its members. Joined: a route and its parents (their listeners and attachedRoutes
/// counts) and its backends (their BackendTLSPolicies and the ancestors of policies on them); a ListenerSet and its
/// Gateway (merged-listener conflicts); a policy and its targets (conflicts, ancestors, the contexts under them); the
/// Gateways of a GatewayClass a policy targets; every object of a namespace a policy targets; every object of a kind
/// a policy selects by label; the routes that use default Gateways and the Gateways that offer themselves as one.
/// A change to a shared object in a namespace affects the units that touch that namespace (by an object in it or a
/// reference into it); GatewayClass, Namespace, CRD and cluster-scoped changes are not bounded (a full evaluation).
/// </summary>
internal sealed class DependencyIndex
{
    private const string GlueGroup = "session.policyattach.internal";

    private readonly Dictionary<ResourceKey, ResourceKey> _parent = [];
    private readonly Dictionary<ResourceKey, ResourceKey> _unitOf = [];
    private readonly Dictionary<ResourceKey, List<KubeObject>> _members = [];
    private readonly Dictionary<ResourceKey, HashSet<string>> _namespaces = [];
    private readonly List<KubeObject> _shared = [];
    private readonly HashSet<ResourceKey> _classParameters = [];

    public DependencyIndex(Snapshot snapshot)
    {
        var partitioned = new List<KubeObject>();
        var gluedNamespaces = new HashSet<string>(StringComparer.Ordinal);
        var gluedClasses = new HashSet<string>(StringComparer.Ordinal);
        var selectedKinds = new HashSet<GroupKind>();
        foreach (var obj in snapshot.Objects)
        {
            if (!IsPartitioned(obj))
            {
                _shared.Add(obj);
                if (obj is GatewayClass { ParametersRef: { } p })
                {
                    _classParameters.Add(new ResourceKey(p.Group, p.Kind, p.Namespace ?? string.Empty, p.Name));
                    _classParameters.Add(new ResourceKey(p.Group, p.Kind, string.Empty, p.Name));
                }

                continue;
            }

            partitioned.Add(obj);
            Find(obj.Key);
            if (obj is IPolicyObject policy)
            {
                foreach (var target in policy.TargetRefs)
                {
                    if (target.Group == Kinds.Namespace.Group && target.Kind == Kinds.Namespace.Kind)
                    {
                        gluedNamespaces.Add(target.Name);
                        Union(obj.Key, NamespaceGlue(target.Name));
                    }
                    else if (target.Group == Kinds.GatewayClass.Group && target.Kind == Kinds.GatewayClass.Kind)
                    {
                        gluedClasses.Add(target.Name);
                        Union(obj.Key, ClassGlue(target.Name));
                    }

                    Union(obj.Key, target.TargetKey);
                }

                foreach (var selector in policy.TargetSelectors)
                {
                    var kind = new GroupKind(selector.Group, selector.Kind);
                    selectedKinds.Add(kind);
                    Union(obj.Key, Glue("Selected" + selector.Group + "." + selector.Kind, string.Empty));
                }
            }

            switch (obj)
            {
                case Gateway gateway:
                    if (gateway.DefaultScope is not null)
                    {
                        Union(obj.Key, Glue("DefaultGateways", string.Empty));
                    }

                    break;
                case ListenerSet set:
                    Union(obj.Key, set.ParentRef.TargetKey);
                    break;
                case RouteBase route:
                    foreach (var parentRef in route.ParentRefs)
                    {
                        Union(obj.Key, parentRef.TargetKey);
                    }

                    foreach (var entry in route.EnumerateBackendRefs().Concat(route.EnumerateMirrorBackendRefs()))
                    {
                        Union(obj.Key, entry.BackendRef.TargetKey);
                    }

                    if (route.UseDefaultGateways is not null)
                    {
                        Union(obj.Key, Glue("DefaultGateways", string.Empty));
                    }

                    break;
            }
        }

        foreach (var obj in partitioned)
        {
            if (gluedNamespaces.Contains(obj.Namespace))
            {
                Union(obj.Key, NamespaceGlue(obj.Namespace));
            }

            if (obj is Gateway gateway && gluedClasses.Contains(gateway.GatewayClassName))
            {
                Union(obj.Key, ClassGlue(gateway.GatewayClassName));
            }

            var kind = new GroupKind(obj.Group, obj.Kind);
            if (selectedKinds.Contains(kind))
            {
                Union(obj.Key, Glue("Selected" + obj.Group + "." + obj.Kind, string.Empty));
            }
        }

        foreach (var key in _parent.Keys.ToList())
        {
            _unitOf[key] = Find(key);
        }

        foreach (var obj in partitioned)
        {
            var unit = _unitOf[obj.Key];
            if (!_members.TryGetValue(unit, out var members))
            {
                _members[unit] = members = [];
                _namespaces[unit] = new HashSet<string>(StringComparer.Ordinal);
            }

            members.Add(obj);
            Touch(_namespaces[unit], obj);
        }
    }

    /// <summary>Every unit, by its representative key.</summary>
    public IReadOnlyDictionary<ResourceKey, List<KubeObject>> Units => _members;

    /// <summary>The objects every unit is evaluated with, sorted by key.</summary>
    public IReadOnlyList<KubeObject> Shared => _shared;

    /// <summary>Whether an object belongs to a unit (otherwise it is shared by all).</summary>
    public static bool IsPartitioned(KubeObject obj) => obj is Gateway or ListenerSet or RouteBase or Service or IPolicyObject;

    /// <summary>Why a change to this object cannot be bounded, or null when it can.</summary>
    public string? Unbounded(KubeObject obj)
    {
        if (_classParameters.Contains(obj.Key))
        {
            return $"{obj.Key} is a GatewayClass's parametersRef";
        }

        return obj switch
        {
            GatewayClass => $"{obj.Key} changed: a GatewayClass is read by all of its Gateways",
            Namespace => $"{obj.Key} changed: a Namespace's labels are read by selectors anywhere",
            _ when obj.Group == Kinds.CustomResourceDefinition.Group && obj.Kind == Kinds.CustomResourceDefinition.Kind => $"{obj.Key} changed: a CRD can declare a policy kind",
            _ when !IsPartitioned(obj) && obj.Namespace.Length == 0 => $"{obj.Key} changed: a cluster-scoped object can be read from anywhere",
            _ => null,
        };
    }

    /// <summary>The unit of a key (an object, or a key that objects name), or null when nothing names it.</summary>
    public ResourceKey? UnitOf(ResourceKey key) => _unitOf.TryGetValue(key, out var unit) ? unit : null;

    /// <summary>Every key the index knows with its unit: the objects and the keys they name.</summary>
    public IReadOnlyDictionary<ResourceKey, ResourceKey> Keys => _unitOf;

    /// <summary>The units that touch a namespace: by an object in it, or by a reference into it.</summary>
    public IEnumerable<ResourceKey> UnitsTouching(string @namespace)
        => _namespaces.Where(u => u.Value.Contains(@namespace)).Select(u => u.Key);

    private static void Touch(HashSet<string> namespaces, KubeObject obj)
    {
        namespaces.Add(obj.Namespace);
        switch (obj)
        {
            case Gateway gateway:
                foreach (var listener in gateway.Listeners)
                {
                    TouchListener(namespaces, listener);
                }

                if (gateway.Tls is { } tls)
                {
                    if (tls.BackendClientCertificateRef is { } client)
                    {
                        namespaces.Add(client.Namespace);
                    }

                    foreach (var validation in tls.PerPort.Select(p => p.Validation).Append(tls.DefaultValidation))
                    {
                        foreach (var reference in validation?.CaCertificateRefs ?? [])
                        {
                            namespaces.Add(reference.Namespace);
                        }
                    }
                }

                break;
            case ListenerSet set:
                namespaces.Add(set.ParentRef.Namespace);
                foreach (var listener in set.Listeners)
                {
                    TouchListener(namespaces, listener);
                }

                break;
            case RouteBase route:
                foreach (var parentRef in route.ParentRefs)
                {
                    namespaces.Add(parentRef.Namespace);
                }

                foreach (var entry in route.EnumerateBackendRefs().Concat(route.EnumerateMirrorBackendRefs()))
                {
                    namespaces.Add(entry.BackendRef.Namespace);
                }

                break;
        }

        if (obj is IPolicyObject policy)
        {
            foreach (var target in policy.TargetRefs)
            {
                namespaces.Add(target.Namespace);
                if (target.Group == Kinds.Namespace.Group && target.Kind == Kinds.Namespace.Kind)
                {
                    namespaces.Add(target.Name);
                }
            }
        }
    }

    private static void TouchListener(HashSet<string> namespaces, Listener listener)
    {
        foreach (var reference in listener.Tls?.CertificateRefs ?? [])
        {
            namespaces.Add(reference.Namespace);
        }
    }

    private static ResourceKey Glue(string kind, string name) => new(GlueGroup, kind, string.Empty, name);

    private static ResourceKey NamespaceGlue(string name) => Glue(Kinds.Namespace.Kind, name);

    private static ResourceKey ClassGlue(string name) => Glue(Kinds.GatewayClass.Kind, name);

    private ResourceKey Find(ResourceKey key)
    {
        if (!_parent.TryGetValue(key, out var parent))
        {
            _parent[key] = key;
            return key;
        }

        var root = key;
        while (parent != root)
        {
            root = parent;
            parent = _parent[root];
        }

        // Path compression, without recursion (chains can be as long as the world is large).
        while (key != root)
        {
            var next = _parent[key];
            _parent[key] = root;
            key = next;
        }

        return root;
    }

    private void Union(ResourceKey a, ResourceKey b)
    {
        var (ra, rb) = (Find(a), Find(b));
        if (ra == rb)
        {
            return;
        }

        // The smaller key is the representative, so a unit's name does not depend on the order of unions.
        if (ra.CompareTo(rb) < 0)
        {
            _parent[rb] = ra;
        }
        else
        {
            _parent[ra] = rb;
        }
    }
}
