using PolicyAttach.Cli.Explain;

namespace PolicyAttach.Cli.Graph;

/// <summary>A node of the resource graph.</summary>
/// <param name="Id">A stable identifier derived from the object's identity (letters, digits and <c>_</c>).</param>
/// <param name="Type">GatewayClass, Gateway, ListenerSet, Listener, Route, Service, ReferenceGrant, Policy or Missing.</param>
/// <param name="Label">Two lines: what it is, and its name.</param>
/// <param name="Object">The object (for a listener, its Gateway or ListenerSet).</param>
/// <param name="Listener">The listener name for a Listener node, else null.</param>
internal sealed record GraphNode(string Id, string Type, IReadOnlyList<string> Label, ObjectRef Object, string? Listener);

/// <summary>An edge of the resource graph.</summary>
/// <param name="From">The source node id.</param>
/// <param name="To">The target node id.</param>
/// <param name="Type">contains, parent, attachment, backend, grant or policy.</param>
/// <param name="Refused">Drawn dashed: an attachment or reference that does not hold (the label says why).</param>
/// <param name="Label">The label, or null.</param>
internal sealed record GraphEdge(string From, string To, string Type, bool Refused, string? Label);

/// <summary>The resource graph: nodes sorted by type then id, edges sorted by source, target, type and label.</summary>
/// <param name="Nodes">The nodes.</param>
/// <param name="Edges">The edges.</param>
internal sealed record GraphModel(IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges);
