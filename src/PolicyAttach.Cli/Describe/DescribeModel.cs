using System.Text.Json;
using PolicyAttach.Cli.Explain;

namespace PolicyAttach.Cli.Describe;

/// <summary>A policy that reaches a context, with the levels at which it acts there.</summary>
/// <param name="Policy">The policy.</param>
/// <param name="Levels">GatewayClass, Gateway, ListenerSet, Listener, Route, Rule, Service or ServicePort.</param>
internal sealed record DescribePolicySource(ObjectRef Policy, IReadOnlyList<string> Levels);

/// <summary>The effective policy of one kind at one node.</summary>
/// <param name="Kind">The policy kind.</param>
/// <param name="Document">The merged document.</param>
/// <param name="Policies">The policies that reach the node, established first.</param>
internal sealed record DescribePolicy(GroupKindRecord Kind, JsonElement Document, IReadOnlyList<DescribePolicySource> Policies);

/// <summary>A backendRef (or mirror target) of a rule.</summary>
/// <param name="Target">The referent.</param>
/// <param name="Port">The port, or null.</param>
/// <param name="Weight">The weight.</param>
/// <param name="Mirror">Whether this is a RequestMirror target.</param>
/// <param name="Valid">Whether the reference resolves.</param>
/// <param name="Reason">The ResolvedRefs reason when invalid.</param>
/// <param name="Message">Why it is invalid.</param>
/// <param name="Grants">The ReferenceGrants that permit a cross-namespace reference.</param>
/// <param name="Policies">The effective policies of the Service port through this rule (only in a listener's tree).</param>
internal sealed record DescribeBackend(ObjectRef Target, int? Port, int Weight, bool Mirror, bool Valid, string? Reason, string? Message,
    IReadOnlyList<ObjectRef> Grants, IReadOnlyList<DescribePolicy> Policies);

/// <summary>A route rule.</summary>
/// <param name="Index">The position in <c>spec.rules</c>.</param>
/// <param name="Name">The name, or null.</param>
/// <param name="Matches">What it matches, in one line.</param>
/// <param name="Dropped">Whether the implementation dropped the rule (an unsupported value).</param>
/// <param name="Policies">The effective policies of the rule.</param>
/// <param name="Backends">Its backendRefs then mirror targets.</param>
internal sealed record DescribeRule(int Index, string? Name, string Matches, bool Dropped, IReadOnlyList<DescribePolicy> Policies, IReadOnlyList<DescribeBackend> Backends);

/// <summary>A route attached to a listener.</summary>
/// <param name="Object">The route.</param>
/// <param name="ParentIndex">The parentRef through which it attached.</param>
/// <param name="Hostnames">The hostnames it serves on this listener (<c>*</c> for any).</param>
/// <param name="Conditions">The conditions of that parentRef.</param>
/// <param name="Policies">The effective policies of the route through this listener.</param>
/// <param name="Rules">Its rules.</param>
internal sealed record DescribeRoute(ObjectRef Object, int ParentIndex, IReadOnlyList<string> Hostnames, IReadOnlyList<ConditionRecord> Conditions,
    IReadOnlyList<DescribePolicy> Policies, IReadOnlyList<DescribeRule> Rules);

/// <summary>A listener of a Gateway or ListenerSet.</summary>
/// <param name="Name">The name.</param>
/// <param name="Protocol">The protocol.</param>
/// <param name="Port">The port.</param>
/// <param name="Hostname">The hostname, or null for any.</param>
/// <param name="AttachedRoutes">The attachedRoutes count of its status.</param>
/// <param name="Conditions">Its conditions.</param>
/// <param name="Policies">Its effective policies.</param>
/// <param name="Routes">The routes attached to it, sorted by (group, kind, namespace, name).</param>
internal sealed record DescribeListener(string Name, string Protocol, int Port, string? Hostname, int AttachedRoutes, IReadOnlyList<ConditionRecord> Conditions,
    IReadOnlyList<DescribePolicy> Policies, IReadOnlyList<DescribeRoute> Routes);

/// <summary>A ListenerSet attached (or not) to a Gateway.</summary>
/// <param name="Object">The ListenerSet.</param>
/// <param name="Conditions">Its conditions.</param>
/// <param name="Policies">Its effective policies as a whole.</param>
/// <param name="Listeners">Its listeners in spec order.</param>
internal sealed record DescribeListenerSet(ObjectRef Object, IReadOnlyList<ConditionRecord> Conditions, IReadOnlyList<DescribePolicy> Policies, IReadOnlyList<DescribeListener> Listeners);

/// <summary>A Gateway.</summary>
/// <param name="Object">The Gateway.</param>
/// <param name="Conditions">Its conditions.</param>
/// <param name="Policies">Its effective policies as a whole.</param>
/// <param name="Listeners">Its own listeners in spec order.</param>
/// <param name="ListenerSets">The ListenerSets whose parent it is, sorted by namespace and name.</param>
internal sealed record DescribeGateway(ObjectRef Object, IReadOnlyList<ConditionRecord> Conditions, IReadOnlyList<DescribePolicy> Policies,
    IReadOnlyList<DescribeListener> Listeners, IReadOnlyList<DescribeListenerSet> ListenerSets);

/// <summary>A GatewayClass this controller owns.</summary>
/// <param name="Object">The class.</param>
/// <param name="ControllerName">Its controllerName.</param>
/// <param name="Conditions">Its conditions.</param>
/// <param name="Gateways">Its Gateways, sorted by namespace and name.</param>
internal sealed record DescribeClass(ObjectRef Object, string ControllerName, IReadOnlyList<ConditionRecord> Conditions, IReadOnlyList<DescribeGateway> Gateways);

/// <summary>One parentRef of a route attached to no listener.</summary>
/// <param name="ParentRef">The parentRef with defaults applied.</param>
/// <param name="Conditions">Its conditions.</param>
internal sealed record DescribeRefusedParent(ParentRefRecord ParentRef, IReadOnlyList<ConditionRecord> Conditions);

/// <summary>A managed route with parentRefs that attached to no listener.</summary>
/// <param name="Object">The route.</param>
/// <param name="Hostnames">Its spec hostnames.</param>
/// <param name="Parents">Its managed parentRefs that attached to no listener, with their conditions.</param>
internal sealed record DescribeRefusedRoute(ObjectRef Object, IReadOnlyList<string> Hostnames, IReadOnlyList<DescribeRefusedParent> Parents);

/// <summary>A problem found about Ingresses or IngressClasses (a diagnostic).</summary>
/// <param name="Severity">error, warning or info.</param>
/// <param name="Code">The diagnostic code.</param>
/// <param name="Subject">The object, or null.</param>
/// <param name="Path">The field path, or null.</param>
/// <param name="Message">The message.</param>
internal sealed record DescribeProblem(string Severity, string Code, ObjectRef? Subject, string? Path, string Message);

/// <summary>An Ingress with the class and controller that own it.</summary>
/// <param name="Object">The Ingress.</param>
/// <param name="ClassName">Its class name, or null when it has none.</param>
/// <param name="ClassSource">How the class was chosen: spec, annotation, default or none.</param>
/// <param name="Controller">The controller of the IngressClass, or null when unknown.</param>
/// <param name="Problems">The problems found about it.</param>
internal sealed record DescribeIngress(ObjectRef Object, string? ClassName, string ClassSource, string? Controller, IReadOnlyList<DescribeProblem> Problems);

/// <summary>The report of <c>policyattach describe</c>.</summary>
/// <param name="ControllerNames">The controller names acted for.</param>
/// <param name="Profile">The <c>--profile</c> given, or null.</param>
/// <param name="Object">The object asked about, or null for everything.</param>
/// <param name="GatewayClasses">The tree, from each owned GatewayClass down (only the object's branch when one is given).</param>
/// <param name="RefusedRoutes">Managed routes with a parentRef that attached to no listener, sorted by (group, kind, namespace, name).</param>
/// <param name="Ingresses">The Ingresses of the controller (every Ingress when no controller is in play), by namespace and name.</param>
/// <param name="IngressProblems">Problems about no listed Ingress (several default IngressClasses).</param>
internal sealed record DescribeReport(IReadOnlyList<string> ControllerNames, string? Profile, ObjectRef? Object,
    IReadOnlyList<DescribeClass> GatewayClasses, IReadOnlyList<DescribeRefusedRoute> RefusedRoutes,
    IReadOnlyList<DescribeIngress> Ingresses, IReadOnlyList<DescribeProblem> IngressProblems)
{
    /// <summary>The Ingresses of other controllers (or of none known) that the tree leaves out, and the flags that show them.</summary>
    public DescribeLeftOut? LeftOut { get; init; }

    /// <summary>Gateways whose GatewayClass is not in the input, with the class they name (said when no GatewayClass is shown).</summary>
    public IReadOnlyList<DescribeMissingClass> MissingClasses { get; init; } = [];

    /// <summary>
    /// Managed mesh (GAMMA) routes with a Service parent that accepts them, sorted by (group, kind, namespace, name);
    /// null when there are none.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<DescribeMeshRoute>? MeshRoutes { get; init; }
}

/// <summary>A mesh (GAMMA) route and the Service parents that accept it.</summary>
/// <param name="Object">The route.</param>
/// <param name="Parents">Its Service parentRefs that accept it, with their conditions.</param>
internal sealed record DescribeMeshRoute(ObjectRef Object, IReadOnlyList<DescribeRefusedParent> Parents);

/// <summary>What <c>describe</c> leaves out of the whole picture.</summary>
/// <param name="Ingresses">The Ingresses left out, by namespace and name, with the controller of their class (null when unknown).</param>
/// <param name="Flags">The options that show the ones of a known controller, or null when none has one.</param>
internal sealed record DescribeLeftOut(IReadOnlyList<DescribeLeftOutIngress> Ingresses, string? Flags);

/// <summary>An Ingress left out.</summary>
/// <param name="Object">The Ingress.</param>
/// <param name="Controller">Its class's controller, or null when it has no class or an unknown one.</param>
internal sealed record DescribeLeftOutIngress(ObjectRef Object, string? Controller);

/// <summary>A Gateway whose GatewayClass is not in the input.</summary>
/// <param name="Gateway">The Gateway.</param>
/// <param name="ClassName">The class it names.</param>
internal sealed record DescribeMissingClass(ObjectRef Gateway, string ClassName);
