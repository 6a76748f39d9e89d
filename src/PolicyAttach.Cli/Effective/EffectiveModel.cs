using System.Text.Json;
using PolicyAttach.Cli.Explain;
using PolicyAttach.Policies;

namespace PolicyAttach.Cli.Effective;

/// <summary>Where a policy value came from: the policy, the level of its target, and its stanza.</summary>
/// <param name="Policy">The policy.</param>
/// <param name="Level">The level of the policy's target (<see cref="PolicyLevel"/>: Gateway, Listener, Route, Rule, Service, ...).</param>
/// <param name="Stanza"><c>default</c> or <c>override</c>.</param>
internal sealed record FieldSourceRecord(ObjectRef Policy, string Level, string Stanza)
{
    /// <summary>From the engine's source.</summary>
    /// <param name="source">The source.</param>
    /// <returns>The record.</returns>
    public static FieldSourceRecord From(FieldSource source)
        => new(ObjectRef.From(source.Policy), source.Level.ToString(), source.Stanza == StanzaKind.Override ? "override" : "default");

    /// <inheritdoc />
    public override string ToString() => $"{Policy} ({Level}, {Stanza})";
}

/// <summary>One leaf of an effective policy.</summary>
/// <param name="Path">The dotted JSON path, such as <c>retry.maxRetries</c>.</param>
/// <param name="Value">The value.</param>
/// <param name="Source">The policy that supplied it.</param>
/// <param name="Overrode">The policies whose values it replaced.</param>
internal sealed record EffectiveFieldRecord(string Path, JsonElement Value, FieldSourceRecord Source, IReadOnlyList<FieldSourceRecord> Overrode);

/// <summary>The effective policy of one kind in one context.</summary>
/// <param name="Kind">The policy kind.</param>
/// <param name="Document">The merged document.</param>
/// <param name="Fields">Every leaf of the document with its source, sorted by path.</param>
/// <param name="Policies">The policies that reach the context, established first.</param>
internal sealed record EffectivePolicyRecord(GroupKindRecord Kind, JsonElement Document, IReadOnlyList<EffectiveFieldRecord> Fields, IReadOnlyList<ObjectRef> Policies)
{
    /// <summary>From the engine's effective policy.</summary>
    /// <param name="policy">The effective policy.</param>
    /// <returns>The record.</returns>
    public static EffectivePolicyRecord From(EffectivePolicy policy) => new(
        new GroupKindRecord(policy.Kind.Group, policy.Kind.Kind),
        policy.Document.Element,
        [.. policy.Fields.Select(f => new EffectiveFieldRecord(f.Path, f.Value.Element, FieldSourceRecord.From(f.Source), [.. f.Overrode.Select(FieldSourceRecord.From)]))],
        [.. policy.Policies.Select(ObjectRef.From)]);
}

/// <summary>A route rule: its position and name.</summary>
/// <param name="Index">The position in <c>spec.rules</c>.</param>
/// <param name="Name">The name, or null for an unnamed rule (which only inherits from its route).</param>
internal sealed record RuleRecord(int Index, string? Name);

/// <summary>A backend Service port reached through a rule.</summary>
/// <param name="Service">The Service.</param>
/// <param name="Port">The port number the backendRef names, or null.</param>
/// <param name="PortName">The Service port's name, or null.</param>
internal sealed record BackendPortRecord(ObjectRef Service, int? Port, string? PortName);

/// <summary>
/// One context of the hierarchy and the effective policies there. A context is a path from a Gateway: the Gateway
/// alone, or through a ListenerSet, a listener, a route, a rule and a backend, as far as the context goes.
/// </summary>
/// <param name="Gateway">The Gateway at the root.</param>
/// <param name="ListenerSet">The ListenerSet on the path, or null.</param>
/// <param name="Listener">The listener name (of the ListenerSet when there is one, else of the Gateway), or null.</param>
/// <param name="Route">The route, or null.</param>
/// <param name="Rule">The rule, or null.</param>
/// <param name="Backend">The backend Service port, or null.</param>
/// <param name="Policies">The effective policy of each kind that reaches the context, sorted by kind; empty when none does.</param>
internal sealed record EffectiveContextRecord(ObjectRef Gateway, ObjectRef? ListenerSet, string? Listener, ObjectRef? Route, RuleRecord? Rule,
    BackendPortRecord? Backend, IReadOnlyList<EffectivePolicyRecord> Policies);

/// <summary>The report of <c>policyattach effective</c>.</summary>
/// <param name="Target">The object asked about.</param>
/// <param name="Section">The <c>--section</c> given, or null.</param>
/// <param name="ControllerNames">The controller names acted for.</param>
/// <param name="Profile">The <c>--profile</c> given, or null.</param>
/// <param name="Contexts">Every context of the target, grouped by Gateway.</param>
internal sealed record EffectiveReport(ObjectRef Target, string? Section, IReadOnlyList<string> ControllerNames, string? Profile, IReadOnlyList<EffectiveContextRecord> Contexts);
