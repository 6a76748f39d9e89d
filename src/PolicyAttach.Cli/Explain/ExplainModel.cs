using PolicyAttach.Binding;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Explain;

/// <summary>An object reference as data.</summary>
/// <param name="Group">The API group ("" for core).</param>
/// <param name="Kind">The kind.</param>
/// <param name="Namespace">The namespace ("" for cluster-scoped).</param>
/// <param name="Name">The name.</param>
internal sealed record ObjectRef(string Group, string Kind, string Namespace, string Name)
{
    /// <summary>From a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The reference.</returns>
    public static ObjectRef From(ResourceKey key) => new(key.Group, key.Kind, key.Namespace, key.Name);

    /// <summary>The key.</summary>
    /// <returns>The key.</returns>
    public ResourceKey ToKey() => new(Group, Kind, Namespace, Name);

    /// <inheritdoc />
    public override string ToString() => ToKey().ToString();
}

/// <summary>A condition as data.</summary>
/// <param name="Type">The type.</param>
/// <param name="Status">True, False or Unknown.</param>
/// <param name="Reason">The reason.</param>
/// <param name="Message">The message.</param>
/// <param name="ObservedGeneration">The generation it was computed from.</param>
internal sealed record ConditionRecord(string Type, string Status, string Reason, string Message, long ObservedGeneration)
{
    /// <summary>From a computed condition.</summary>
    /// <param name="c">The condition.</param>
    /// <returns>The record.</returns>
    public static ConditionRecord From(Condition c) => new(c.Type, c.Status, c.Reason, c.Message, c.ObservedGeneration);

    /// <summary>Back to a condition, for the shared text helpers.</summary>
    /// <returns>The condition.</returns>
    public Condition ToCondition() => new() { Type = ConditionType.Parse(Type), Status = ConditionStatus.Parse(Status), Reason = ConditionReason.Parse(Reason), Message = Message, ObservedGeneration = ObservedGeneration };
}

/// <summary>A parentRef with defaults applied.</summary>
/// <param name="Group">The group.</param>
/// <param name="Kind">The kind.</param>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The name.</param>
/// <param name="SectionName">The sectionName, or null.</param>
/// <param name="Port">The port, or null.</param>
internal sealed record ParentRefRecord(string Group, string Kind, string Namespace, string Name, string? SectionName, int? Port)
{
    /// <summary>From a parentRef.</summary>
    /// <param name="p">The reference.</param>
    /// <returns>The record.</returns>
    public static ParentRefRecord From(ParentReference p) => new(p.Group, p.Kind, p.Namespace, p.Name, p.SectionName, p.Port);
}

/// <summary>One cell of the binding verdict matrix, seen from the route.</summary>
/// <param name="Owner">The Gateway or ListenerSet of the listener.</param>
/// <param name="Listener">The listener name.</param>
/// <param name="Attached">Whether the route attached.</param>
/// <param name="Cause">The verdict (<see cref="BindingCause"/>).</param>
/// <param name="Message">Why.</param>
/// <param name="Hostnames">For an attachment, the intersected hostnames served.</param>
internal sealed record ListenerVerdictRecord(ObjectRef Owner, string Listener, bool Attached, string Cause, string Message, IReadOnlyList<string> Hostnames);

/// <summary>One parentRef of a route.</summary>
/// <param name="Index">Its position in <c>spec.parentRefs</c>.</param>
/// <param name="ParentRef">The reference with defaults applied.</param>
/// <param name="Managed">Whether the parent belongs to the controller acted for (only then is there a status).</param>
/// <param name="ControllerName">The parent class's controller name, when managed.</param>
/// <param name="Listeners">Every listener considered, with its verdict.</param>
/// <param name="Conditions">The <c>status.parents[]</c> conditions.</param>
internal sealed record RouteParentRecord(int Index, ParentRefRecord ParentRef, bool Managed, string? ControllerName, IReadOnlyList<ListenerVerdictRecord> Listeners, IReadOnlyList<ConditionRecord> Conditions)
{
    /// <summary>Why the parent is not managed (it does not exist, or its class is another controller's or not in the input); null (and not written) when managed.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Unmanaged { get; init; }
}

/// <summary>The resolution of one backendRef or mirror target.</summary>
/// <param name="Rule">The rule position.</param>
/// <param name="Backend">The position in the rule's backendRefs (−1 for a rule-level mirror).</param>
/// <param name="Mirror">Whether this is a RequestMirror target.</param>
/// <param name="Group">The backend's group.</param>
/// <param name="Kind">The backend's kind.</param>
/// <param name="Namespace">The backend's namespace.</param>
/// <param name="Name">The backend's name.</param>
/// <param name="Port">The port, or null.</param>
/// <param name="Weight">The weight.</param>
/// <param name="Valid">Whether it resolves.</param>
/// <param name="Reason">The ResolvedRefs reason when invalid.</param>
/// <param name="Message">Why it is invalid.</param>
internal sealed record BackendRecord(int Rule, int Backend, bool Mirror, string Group, string Kind, string Namespace, string Name, int? Port, int Weight, bool Valid, string? Reason, string? Message);

/// <summary>Why a route attached where it did.</summary>
/// <param name="Object">The route.</param>
/// <param name="ControllerNames">The controller names acted for.</param>
/// <param name="Managed">Whether any parentRef is managed (only then is there a status).</param>
/// <param name="Hostnames">The route's hostnames as written.</param>
/// <param name="Parents">Every parentRef in spec order.</param>
/// <param name="Backends">Every backendRef and mirror target, in rule then list order.</param>
/// <param name="DroppedRules">Rules dropped because they use a value not supported.</param>
/// <param name="Policies">The policies that reach the route or one of its rules in some context.</param>
internal sealed record RouteExplanation(ObjectRef Object, IReadOnlyList<string> ControllerNames, bool Managed, IReadOnlyList<string> Hostnames,
    IReadOnlyList<RouteParentRecord> Parents, IReadOnlyList<BackendRecord> Backends, IReadOnlyList<int> DroppedRules, IReadOnlyList<ReachingPolicyRecord> Policies);

/// <summary>A route's verdict for one listener, seen from the listener.</summary>
/// <param name="Route">The route.</param>
/// <param name="ParentIndex">The route's parentRef position.</param>
/// <param name="Attached">Whether it attached.</param>
/// <param name="Cause">The verdict.</param>
/// <param name="Message">Why.</param>
/// <param name="Hostnames">For an attachment, the intersected hostnames.</param>
internal sealed record RouteVerdictRecord(ObjectRef Route, int ParentIndex, bool Attached, string Cause, string Message, IReadOnlyList<string> Hostnames);

/// <summary>A route group and kind.</summary>
/// <param name="Group">The group.</param>
/// <param name="Kind">The kind.</param>
internal sealed record GroupKindRecord(string Group, string Kind);

/// <summary>One listener of a Gateway or ListenerSet.</summary>
/// <param name="Name">The name.</param>
/// <param name="Protocol">The protocol.</param>
/// <param name="Port">The port.</param>
/// <param name="Hostname">The hostname, or null for any.</param>
/// <param name="State">Ready, NotAccepted or Conflicted.</param>
/// <param name="SupportedKinds">The route kinds it accepts.</param>
/// <param name="AttachedRoutes">How many routes attach.</param>
/// <param name="Conditions">Its conditions.</param>
/// <param name="Routes">Every route that considered it, with the verdict.</param>
internal sealed record ListenerRecord(string Name, string Protocol, int Port, string? Hostname, string State, IReadOnlyList<GroupKindRecord> SupportedKinds,
    int AttachedRoutes, IReadOnlyList<ConditionRecord> Conditions, IReadOnlyList<RouteVerdictRecord> Routes);

/// <summary>A route that names a Gateway or ListenerSet as parent, and where it attached.</summary>
/// <param name="Route">The route.</param>
/// <param name="Accepted">Whether every parentRef to this parent is Accepted.</param>
/// <param name="Listeners">The listeners it attached to.</param>
internal sealed record AttachedRouteRecord(ObjectRef Route, bool Accepted, IReadOnlyList<string> Listeners);

/// <summary>A ListenerSet of a Gateway.</summary>
/// <param name="Object">The ListenerSet.</param>
/// <param name="Accepted">Whether it is Accepted.</param>
/// <param name="Listeners">Its listener names.</param>
internal sealed record ListenerSetSummary(ObjectRef Object, bool Accepted, IReadOnlyList<string> Listeners);

/// <summary>What a Gateway accepts.</summary>
/// <param name="Object">The Gateway.</param>
/// <param name="GatewayClassName">Its class.</param>
/// <param name="ControllerNames">The controller names acted for.</param>
/// <param name="Managed">Whether its class belongs to the controller acted for.</param>
/// <param name="Conditions">Its conditions.</param>
/// <param name="Listeners">Its own listeners, in spec order.</param>
/// <param name="AttachedListenerSets">The number of attached ListenerSets.</param>
/// <param name="ListenerSets">The ListenerSets that name it as parent.</param>
/// <param name="Routes">The routes that name it as parent.</param>
/// <param name="Policies">The policies that reach the Gateway or one of its listeners.</param>
internal sealed record GatewayExplanation(ObjectRef Object, string GatewayClassName, IReadOnlyList<string> ControllerNames, bool Managed,
    IReadOnlyList<ConditionRecord> Conditions, IReadOnlyList<ListenerRecord> Listeners, int AttachedListenerSets,
    IReadOnlyList<ListenerSetSummary> ListenerSets, IReadOnlyList<AttachedRouteRecord> Routes, IReadOnlyList<ReachingPolicyRecord> Policies);

/// <summary>What a ListenerSet accepts.</summary>
/// <param name="Object">The ListenerSet.</param>
/// <param name="Parent">Its parent Gateway.</param>
/// <param name="ControllerNames">The controller names acted for.</param>
/// <param name="Managed">Whether its parent belongs to the controller acted for.</param>
/// <param name="Conditions">Its conditions.</param>
/// <param name="Listeners">Its listeners, in spec order.</param>
/// <param name="Routes">The routes that name it as parent.</param>
/// <param name="Policies">The policies that reach the ListenerSet or one of its listeners.</param>
internal sealed record ListenerSetExplanation(ObjectRef Object, ParentRefRecord Parent, IReadOnlyList<string> ControllerNames, bool Managed,
    IReadOnlyList<ConditionRecord> Conditions, IReadOnlyList<ListenerRecord> Listeners, IReadOnlyList<AttachedRouteRecord> Routes, IReadOnlyList<ReachingPolicyRecord> Policies);

/// <summary>A GatewayClass and its Gateways.</summary>
/// <param name="Object">The class.</param>
/// <param name="ControllerName">Its controllerName.</param>
/// <param name="ControllerNames">The controller names acted for.</param>
/// <param name="Managed">Whether it belongs to the controller acted for.</param>
/// <param name="Conditions">Its conditions.</param>
/// <param name="Gateways">The Gateways of the class.</param>
internal sealed record GatewayClassExplanation(ObjectRef Object, string ControllerName, IReadOnlyList<string> ControllerNames, bool Managed,
    IReadOnlyList<ConditionRecord> Conditions, IReadOnlyList<ObjectRef> Gateways);
