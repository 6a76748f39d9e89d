using PolicyAttach.Cli.Explain;

namespace PolicyAttach.Cli.Graph;

/// <summary>
/// Narrows the resource graph to the objects <c>-n</c>/<c>-l</c> keep, with their neighbours: the nodes of kept
/// objects, the nodes one edge away from them (a route's listener and Gateway, its Services, the policies that
/// target it), and the edges that touch a kept object's node.
/// </summary>
internal static class GraphNarrowing
{
    /// <summary>Narrows the graph.</summary>
    /// <param name="graph">The whole graph.</param>
    /// <param name="keep">Whether an object is kept.</param>
    /// <returns>The narrowed graph, in the same order.</returns>
    public static GraphModel Apply(GraphModel graph, Func<ObjectRef, bool> keep)
    {
        var primary = graph.Nodes.Where(n => keep(n.Object)).Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var edges = graph.Edges.Where(e => primary.Contains(e.From) || primary.Contains(e.To)).ToList();
        var shown = new HashSet<string>(primary, StringComparer.Ordinal);
        foreach (var edge in edges)
        {
            shown.Add(edge.From);
            shown.Add(edge.To);
        }

        return new GraphModel([.. graph.Nodes.Where(n => shown.Contains(n.Id))], edges);
    }
}
