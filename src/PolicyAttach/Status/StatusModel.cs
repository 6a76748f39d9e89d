using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Policies;

namespace PolicyAttach.Status;

/// <summary>
/// Builds the typed statuses of an evaluation (<see cref="ResourceStatus"/>): one per object whose status this
/// controller writes, sorted by (group, kind, namespace, name). The one owner of what a status holds:
/// <see cref="StatusWriter"/> writes these records and the Kubernetes edge patches them.
/// </summary>
public static class StatusModel
{
    /// <summary>Every status of an evaluation, sorted by key.</summary>
    /// <param name="result">The evaluation.</param>
    /// <returns>The statuses.</returns>
    public static EquatableArray<ResourceStatus> Build(EvaluationResult result)
        => Entries(Guard.NotNull(result)).Select(e => e.Build()).ToEquatableArray();

    /// <summary>The statuses of the objects a filter keeps, sorted by key; only those are built.</summary>
    /// <param name="result">The evaluation.</param>
    /// <param name="include">Which objects to keep.</param>
    /// <returns>The statuses.</returns>
    public static EquatableArray<ResourceStatus> Build(EvaluationResult result, Func<ResourceKey, bool> include)
    {
        Guard.NotNull(include);
        return Entries(Guard.NotNull(result)).Where(e => include(e.Key)).Select(e => e.Build()).ToEquatableArray();
    }

    /// <summary>The status of one object, or null when this controller writes none for it.</summary>
    /// <param name="result">The evaluation.</param>
    /// <param name="key">The object.</param>
    /// <returns>The status, or null.</returns>
    public static ResourceStatus? Find(EvaluationResult result, ResourceKey key)
    {
        Guard.NotNull(result);
        var policies = AffectedSource(result);
        if (result.FindGateway(key) is { } gateway)
        {
            return Of(gateway, policies);
        }

        if (result.FindListenerSet(key) is { } set)
        {
            return Of(set, policies);
        }

        if (result.FindRoute(key) is { } route)
        {
            return Of(route, policies);
        }

        foreach (var cls in result.GatewayClasses)
        {
            if (cls.GatewayClass.Key == key)
            {
                return Of(cls, policies);
            }
        }

        return result.Policies.FindStatus(key) is { } policy ? Of(policy) : null;
    }

    /// <summary>
    /// Whether two statuses write the same status: equal records, except for what a record carries beside the written
    /// status (a route parent's <see cref="RouteParentStatus.ParentIndex"/>, which only names the scope of its conditions,
    /// and whether a parent or ancestor reference spelled its namespace, <see cref="ParentReference.NamespaceSet"/>: the
    /// status always writes it). The one definition of "a status changed": session deltas, the delta lines of
    /// <c>status --watch</c> and the status patches of a controller read it.
    /// </summary>
    /// <param name="a">A status, or null for none.</param>
    /// <param name="b">Another status, or null for none.</param>
    /// <returns>Whether both are absent, or both write the same status.</returns>
    internal static bool SameWritten(ResourceStatus? a, ResourceStatus? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.GetType() != b.GetType() || a.Key != b.Key || a.ApiVersion != b.ApiVersion || a.Generation != b.Generation)
        {
            return false;
        }

        return (a, b) switch
        {
            (RouteStatus x, RouteStatus y) => SameItems(x.Parents, y.Parents, (p, q) => SameRef(p.ParentRef, q.ParentRef) && p.ControllerName == q.ControllerName && p.Conditions == q.Conditions),
            (PolicyStatus x, PolicyStatus y) => SameItems(x.Ancestors, y.Ancestors, (p, q) => SameRef(p.AncestorRef, q.AncestorRef) && p.ControllerName == q.ControllerName && p.Conditions == q.Conditions),
            _ => a.Equals(b),
        };
    }

    private static bool SameItems<T>(EquatableArray<T> a, EquatableArray<T> b, Func<T, T, bool> same)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!same(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameRef(ParentReference a, ParentReference b)
        => a.Group == b.Group && a.Kind == b.Kind && a.Namespace == b.Namespace && a.Name == b.Name && a.SectionName == b.SectionName && a.Port == b.Port;

    /// <summary>
    /// The objects with a status, sorted by key, each with a function that builds its status: a writer that keeps only
    /// some objects, or streams many, builds only what it writes.
    /// </summary>
    internal static IEnumerable<(ResourceKey Key, Func<ResourceStatus> Build)> Entries(EvaluationResult result)
    {
        var policies = AffectedSource(result);
        var entries = new List<(ResourceKey Key, Func<ResourceStatus> Build)>();
        foreach (var cls in result.GatewayClasses)
        {
            entries.Add((cls.GatewayClass.Key, () => Of(cls, policies)));
        }

        foreach (var gateway in result.Gateways)
        {
            entries.Add((gateway.Gateway.Key, () => Of(gateway, policies)));
        }

        foreach (var set in result.ListenerSets)
        {
            entries.Add((set.ListenerSet.Key, () => Of(set, policies)));
        }

        foreach (var route in result.Routes)
        {
            entries.Add((route.Route.Key, () => Of(route, policies)));
        }

        foreach (var policy in result.Policies.Statuses)
        {
            entries.Add((policy.Resource.Key, () => Of(policy)));
        }

        return entries.OrderBy(e => e.Key);
    }

    /// <summary>The policy resolution to read <c>&lt;Kind&gt;Affected</c> conditions from, or null when they are not asked for.</summary>
    private static PolicyResolution? AffectedSource(EvaluationResult result) => result.Options.AffectedConditions ? result.Policies : null;

    internal static GatewayClassStatus Of(GatewayClassResult result, PolicyResolution? policies)
    {
        var obj = result.GatewayClass;
        return new(obj.Key, obj.ApiVersion, obj.Metadata.Generation, WithAffected(result.Conditions, policies, obj.Key, null, obj.Metadata.Generation), result.SupportedFeatures);
    }

    internal static GatewayStatus Of(GatewayResult result, PolicyResolution? policies)
    {
        var obj = result.Gateway;
        return new(obj.Key, obj.ApiVersion, obj.Metadata.Generation,
            WithAffected(result.Conditions, policies, obj.Key, null, obj.Metadata.Generation),
            Listeners(result.Listeners, obj.Key, policies, obj.Metadata.Generation),
            result.AttachedListenerSets);
    }

    internal static ListenerSetStatus Of(ListenerSetResult result, PolicyResolution? policies)
    {
        var obj = result.ListenerSet;
        return new(obj.Key, obj.ApiVersion, obj.Metadata.Generation,
            WithAffected(result.Conditions, policies, obj.Key, null, obj.Metadata.Generation),
            Listeners(result.Listeners, obj.Key, policies, obj.Metadata.Generation));
    }

    internal static RouteStatus Of(RouteResult result, PolicyResolution? policies)
    {
        var obj = result.Route;
        var parents = result.Parents
            .Select(p => new RouteParentStatus(p.ParentRef, p.ParentIndex, p.ControllerName, WithAffected(p.Conditions, policies, obj.Key, null, obj.Metadata.Generation)))
            .ToEquatableArray();
        return new(obj.Key, obj.ApiVersion, obj.Metadata.Generation, parents);
    }

    internal static PolicyStatus Of(PolicyStatusResult result)
    {
        var obj = result.Resource;
        var ancestors = result.Ancestors.Select(a => new PolicyAncestorStatus(a.AncestorRef, a.ControllerName, a.Conditions)).ToEquatableArray();
        return new(obj.Key, obj.ApiVersion, obj.Metadata.Generation, ancestors);
    }

    private static EquatableArray<ListenerStatus> Listeners(EquatableArray<ListenerResult> listeners, ResourceKey owner, PolicyResolution? policies, long generation)
        => listeners
            .Select(l => new ListenerStatus(l.Name, l.SupportedKinds, l.AttachedRoutes, WithAffected(l.Conditions, policies, owner, l.Name, generation)))
            .ToEquatableArray();

    /// <summary>
    /// The conditions with the optional <c>&lt;group&gt;/&lt;Kind&gt;Affected</c> ones of GEP-713 target status, sorted by
    /// type; the conditions themselves when they are not asked for (<paramref name="policies"/> is null).
    /// </summary>
    private static EquatableArray<Condition> WithAffected(EquatableArray<Condition> conditions, PolicyResolution? policies, ResourceKey target, string? section, long generation)
        => policies is null
            ? conditions
            : Condition.ByType(conditions.Concat(policies.AffectedConditions(target, section, generation)));
}
