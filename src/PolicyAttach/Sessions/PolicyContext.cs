namespace PolicyAttach;

/// <summary>
/// A place where policies take effect: a Gateway or ListenerSet (<see cref="Owner"/>), one of its listeners, a route
/// served through that listener, a rule of it, and a backend Service port reached through the rule; or, for a mesh
/// (GAMMA) route, its parent Service as <see cref="Owner"/> with no listener. The same coordinates the lookups of
/// <see cref="Policies.PolicyResolution"/> take.
/// </summary>
/// <param name="Owner">The Gateway or ListenerSet, or the parent Service of a mesh route.</param>
/// <param name="Listener">The listener name, or null for the owner as a whole or a mesh route.</param>
/// <param name="Route">The route, or null.</param>
/// <param name="Rule">The rule name, or null for the route as a whole (or an unnamed rule).</param>
/// <param name="Backend">The backend Service, or null.</param>
/// <param name="Port">The backend port name, or null.</param>
public sealed record PolicyContext(ResourceKey Owner, string? Listener, ResourceKey? Route, string? Rule, ResourceKey? Backend, string? Port)
{
    /// <summary>The coordinates separated by spaces, such as <c>gateway.networking.k8s.io/Gateway/infra/gw l0</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
        => string.Join(' ', new[] { Owner.ToString(), Listener, Route?.ToString(), Rule, Backend?.ToString(), Port }.Where(p => p is not null));
}
