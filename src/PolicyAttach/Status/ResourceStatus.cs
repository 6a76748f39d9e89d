using PolicyAttach.Collections;
using PolicyAttach.Model;

namespace PolicyAttach.Status;

/// <summary>
/// The status subresource this controller writes for one object, typed: what <see cref="StatusWriter"/> writes as JSON
/// and the Kubernetes edge sends as a status patch, read from one model so that both say the same. Immutable, with value
/// equality: two evaluations wrote the same status for an object exactly when its records are equal.
/// </summary>
/// <remarks>Built by <see cref="StatusModel"/>. The derived records are the five kinds of status the spec defines.</remarks>
public abstract record ResourceStatus
{
    private protected ResourceStatus(ResourceKey key, string apiVersion, long generation)
    {
        Key = key;
        ApiVersion = apiVersion;
        Generation = generation;
    }

    /// <summary>The object.</summary>
    public ResourceKey Key { get; }

    /// <summary>The object's <c>apiVersion</c>, as read.</summary>
    public string ApiVersion { get; }

    /// <summary>The object's <c>metadata.generation</c>.</summary>
    public long Generation { get; }

    /// <summary>
    /// Every condition list of the status with its scope, in the order the status holds them: the object's own, then
    /// listeners, parents or ancestors in status order.
    /// </summary>
    /// <returns>The scopes and their conditions.</returns>
    public abstract IEnumerable<(ConditionScope Scope, EquatableArray<Condition> Conditions)> ConditionLists();

    /// <summary>The conditions of one scope.</summary>
    /// <param name="scope">The scope.</param>
    /// <returns>The conditions; empty when the status has no such scope.</returns>
    public EquatableArray<Condition> ConditionsOf(ConditionScope scope)
    {
        foreach (var (s, conditions) in ConditionLists())
        {
            if (s == scope)
            {
                return conditions;
            }
        }

        return [];
    }

    /// <summary>
    /// The same status with every condition's <c>lastTransitionTime</c> set: the previous condition's time when its
    /// status and reason did not change, otherwise the condition's own time or <paramref name="time"/> (null writes none).
    /// </summary>
    /// <param name="time">The caller's clock value for conditions that changed; null for none.</param>
    /// <param name="previous">The previous condition of a scope and type, or null.</param>
    /// <returns>The stamped status (this one when there is nothing to stamp).</returns>
    public ResourceStatus WithTransitionTimes(DateTimeOffset? time, Func<ResourceKey, ConditionScope, ConditionType, Condition?>? previous)
    {
        if (time is null && previous is null)
        {
            return this;
        }

        return Restamp(scope => Stamp(scope, time, previous));
    }

    private Func<Condition, Condition> Stamp(ConditionScope scope, DateTimeOffset? time, Func<ResourceKey, ConditionScope, ConditionType, Condition?>? previous)
        => condition =>
        {
            var stamp = previous?.Invoke(Key, scope, condition.Type) is { LastTransitionTime: { } previousTime } before
                && before.Status == condition.Status && before.Reason == condition.Reason
                ? previousTime
                : condition.LastTransitionTime ?? time;
            return stamp == condition.LastTransitionTime ? condition : condition with { LastTransitionTime = stamp };
        };

    /// <summary>The same status with every condition list mapped by the function its scope gives.</summary>
    private protected abstract ResourceStatus Restamp(Func<ConditionScope, Func<Condition, Condition>> stamp);

    private protected static EquatableArray<Condition> Map(EquatableArray<Condition> conditions, Func<Condition, Condition> map)
        => conditions.Select(map).ToEquatableArray();
}

/// <summary>A GatewayClass's status: its conditions and the features it supports.</summary>
public sealed record GatewayClassStatus : ResourceStatus
{
    internal GatewayClassStatus(ResourceKey key, string apiVersion, long generation, EquatableArray<Condition> conditions, EquatableArray<string> supportedFeatures)
        : base(key, apiVersion, generation)
    {
        Conditions = conditions;
        SupportedFeatures = supportedFeatures;
    }

    /// <summary>The conditions, sorted by type.</summary>
    public EquatableArray<Condition> Conditions { get; init; }

    /// <summary>The supported features, sorted (<c>status.supportedFeatures[].name</c>).</summary>
    public EquatableArray<string> SupportedFeatures { get; init; }

    /// <inheritdoc />
    public override IEnumerable<(ConditionScope Scope, EquatableArray<Condition> Conditions)> ConditionLists()
    {
        yield return (ConditionScope.Own, Conditions);
    }

    private protected override ResourceStatus Restamp(Func<ConditionScope, Func<Condition, Condition>> stamp)
        => this with { Conditions = Map(Conditions, stamp(ConditionScope.Own)) };
}

/// <summary>One listener's status in a Gateway's or ListenerSet's <c>status.listeners</c>.</summary>
/// <param name="Name">The listener's name.</param>
/// <param name="SupportedKinds">The route kinds it supports.</param>
/// <param name="AttachedRoutes">How many routes attach to it.</param>
/// <param name="Conditions">Its conditions, sorted by type.</param>
public sealed record ListenerStatus(string Name, EquatableArray<RouteGroupKind> SupportedKinds, int AttachedRoutes, EquatableArray<Condition> Conditions);

/// <summary>A Gateway's status: its conditions, listeners (in spec order) and attached ListenerSets.</summary>
public sealed record GatewayStatus : ResourceStatus
{
    internal GatewayStatus(ResourceKey key, string apiVersion, long generation, EquatableArray<Condition> conditions, EquatableArray<ListenerStatus> listeners, int attachedListenerSets)
        : base(key, apiVersion, generation)
    {
        Conditions = conditions;
        Listeners = listeners;
        AttachedListenerSets = attachedListenerSets;
    }

    /// <summary>The conditions, sorted by type.</summary>
    public EquatableArray<Condition> Conditions { get; init; }

    /// <summary>The listeners, in spec order.</summary>
    public EquatableArray<ListenerStatus> Listeners { get; init; }

    /// <summary>How many ListenerSets attach to the Gateway (<c>status.attachedListenerSets</c>).</summary>
    public int AttachedListenerSets { get; init; }

    /// <inheritdoc />
    public override IEnumerable<(ConditionScope Scope, EquatableArray<Condition> Conditions)> ConditionLists()
        => ListenerLists(Conditions, Listeners);

    private protected override ResourceStatus Restamp(Func<ConditionScope, Func<Condition, Condition>> stamp)
        => this with { Conditions = Map(Conditions, stamp(ConditionScope.Own)), Listeners = RestampListeners(Listeners, stamp) };

    internal static IEnumerable<(ConditionScope Scope, EquatableArray<Condition> Conditions)> ListenerLists(EquatableArray<Condition> own, EquatableArray<ListenerStatus> listeners)
    {
        yield return (ConditionScope.Own, own);
        foreach (var listener in listeners)
        {
            yield return (ConditionScope.Listener(listener.Name), listener.Conditions);
        }
    }

    internal static EquatableArray<ListenerStatus> RestampListeners(EquatableArray<ListenerStatus> listeners, Func<ConditionScope, Func<Condition, Condition>> stamp)
        => listeners.Select(l => l with { Conditions = Map(l.Conditions, stamp(ConditionScope.Listener(l.Name))) }).ToEquatableArray();
}

/// <summary>A ListenerSet's status: its conditions and listeners (in spec order).</summary>
public sealed record ListenerSetStatus : ResourceStatus
{
    internal ListenerSetStatus(ResourceKey key, string apiVersion, long generation, EquatableArray<Condition> conditions, EquatableArray<ListenerStatus> listeners)
        : base(key, apiVersion, generation)
    {
        Conditions = conditions;
        Listeners = listeners;
    }

    /// <summary>The conditions, sorted by type.</summary>
    public EquatableArray<Condition> Conditions { get; init; }

    /// <summary>The listeners, in spec order.</summary>
    public EquatableArray<ListenerStatus> Listeners { get; init; }

    /// <inheritdoc />
    public override IEnumerable<(ConditionScope Scope, EquatableArray<Condition> Conditions)> ConditionLists()
        => GatewayStatus.ListenerLists(Conditions, Listeners);

    private protected override ResourceStatus Restamp(Func<ConditionScope, Func<Condition, Condition>> stamp)
        => this with { Conditions = Map(Conditions, stamp(ConditionScope.Own)), Listeners = GatewayStatus.RestampListeners(Listeners, stamp) };
}

/// <summary>One entry of a route's <c>status.parents</c>: a parent this controller owns.</summary>
/// <param name="ParentRef">The parent, with defaults filled in as conformance compares it.</param>
/// <param name="ParentIndex">The index of the parentRef in the route's spec.</param>
/// <param name="ControllerName">The controller that wrote the entry.</param>
/// <param name="Conditions">The conditions, sorted by type.</param>
public sealed record RouteParentStatus(ParentReference ParentRef, int ParentIndex, string ControllerName, EquatableArray<Condition> Conditions);

/// <summary>A route's status: one entry per parent this controller owns, in spec order.</summary>
public sealed record RouteStatus : ResourceStatus
{
    internal RouteStatus(ResourceKey key, string apiVersion, long generation, EquatableArray<RouteParentStatus> parents)
        : base(key, apiVersion, generation)
        => Parents = parents;

    /// <summary>The parents, in spec order.</summary>
    public EquatableArray<RouteParentStatus> Parents { get; init; }

    /// <inheritdoc />
    public override IEnumerable<(ConditionScope Scope, EquatableArray<Condition> Conditions)> ConditionLists()
        => Parents.Select(p => (ConditionScope.Parent(p.ParentIndex), p.Conditions));

    private protected override ResourceStatus Restamp(Func<ConditionScope, Func<Condition, Condition>> stamp)
        => this with { Parents = Parents.Select(p => p with { Conditions = Map(p.Conditions, stamp(ConditionScope.Parent(p.ParentIndex))) }).ToEquatableArray() };
}

/// <summary>One entry of a policy's <c>status.ancestors</c> (GEP-713).</summary>
/// <param name="AncestorRef">The ancestor.</param>
/// <param name="ControllerName">The controller that wrote the entry.</param>
/// <param name="Conditions">The conditions, sorted by type.</param>
public sealed record PolicyAncestorStatus(ParentReference AncestorRef, string ControllerName, EquatableArray<Condition> Conditions);

/// <summary>A policy's status: one entry per ancestor (GEP-713 <c>PolicyAncestorStatus</c>).</summary>
public sealed record PolicyStatus : ResourceStatus
{
    internal PolicyStatus(ResourceKey key, string apiVersion, long generation, EquatableArray<PolicyAncestorStatus> ancestors)
        : base(key, apiVersion, generation)
        => Ancestors = ancestors;

    /// <summary>The ancestors, in the order the policy stage gives them.</summary>
    public EquatableArray<PolicyAncestorStatus> Ancestors { get; init; }

    /// <inheritdoc />
    public override IEnumerable<(ConditionScope Scope, EquatableArray<Condition> Conditions)> ConditionLists()
        => Ancestors.Select(a => (ConditionScope.Ancestor(a.AncestorRef), a.Conditions));

    private protected override ResourceStatus Restamp(Func<ConditionScope, Func<Condition, Condition>> stamp)
        => this with { Ancestors = Ancestors.Select(a => a with { Conditions = Map(a.Conditions, stamp(ConditionScope.Ancestor(a.AncestorRef))) }).ToEquatableArray() };
}
