using PolicyAttach.Binding;

namespace PolicyAttach.Cli.Output;

/// <summary>
/// The routes attached to each listener, found in one pass over the routes: a tree or report that lists each
/// listener's routes would otherwise pass over every route for every listener (10,000 routes on 6,400 listeners are
/// 64 million steps).
/// </summary>
internal sealed class ListenerRoutes
{
    private readonly Dictionary<(ResourceKey Owner, string Listener), List<Attachment>> _byListener = [];

    /// <summary>Indexes the attachments of an evaluation.</summary>
    /// <param name="result">The evaluation.</param>
    public ListenerRoutes(EvaluationResult result)
    {
        foreach (var route in result.Routes)
        {
            foreach (var parent in route.Parents)
            {
                foreach (var verdict in parent.AttachedListeners)
                {
                    if (!_byListener.TryGetValue((verdict.Owner, verdict.ListenerName), out var attachments))
                    {
                        _byListener[(verdict.Owner, verdict.ListenerName)] = attachments = [];
                    }

                    // A route attached to the same listener through two parentRefs is listed once, by the first.
                    if (attachments.Count == 0 || !ReferenceEquals(attachments[^1].Route, route))
                    {
                        attachments.Add(new Attachment(route, parent, verdict));
                    }
                }
            }
        }
    }

    /// <summary>The routes attached to a listener, in the order of <see cref="EvaluationResult.Routes"/>, each once.</summary>
    /// <param name="owner">The Gateway or ListenerSet.</param>
    /// <param name="listener">The listener name.</param>
    /// <returns>Each route with the first parentRef (in order) that attached it there, and that verdict.</returns>
    public IReadOnlyList<Attachment> Of(ResourceKey owner, string listener)
        => _byListener.TryGetValue((owner, listener), out var attachments) ? attachments : [];

    /// <summary>A route attached to a listener.</summary>
    /// <param name="Route">The route.</param>
    /// <param name="Parent">The first of its parentRefs that attached it to the listener.</param>
    /// <param name="Verdict">That parentRef's verdict on the listener.</param>
    internal readonly record struct Attachment(RouteResult Route, RouteParentResult Parent, ListenerVerdict Verdict);
}
