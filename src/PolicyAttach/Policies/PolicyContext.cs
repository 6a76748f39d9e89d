using System.Runtime.CompilerServices;
using PolicyAttach.Model;

namespace PolicyAttach.Policies;

/// <summary>How deep in the policy hierarchy a <see cref="PolicyContext"/> goes.</summary>
public enum PolicyContextLevel
{
    /// <summary>A Gateway or ListenerSet as a whole, or a mesh Service (GEP-1294).</summary>
    Parent,

    /// <summary>One listener of a Gateway or ListenerSet.</summary>
    Listener,

    /// <summary>A route as served through a listener, or through a mesh Service.</summary>
    Route,

    /// <summary>One rule of that route.</summary>
    Rule,

    /// <summary>A backend Service port reached through that rule.</summary>
    Backend,
}

/// <summary>
/// A place in the hierarchy of GEP-713 policy attachment whose effective policies can be asked for
/// (<see cref="PolicyResolution.For"/>): a Gateway or ListenerSet, one of its listeners, a route served through it, a
/// rule of the route, a backend Service port of the rule; or, for mesh (GAMMA) routes, the parent Service in the
/// Gateway's place and no listener. Built from the top down:
/// <c>PolicyContext.ForGateway(gw).WithListener("http").WithRoute(route).WithRule("r1").WithBackend(svc, "http")</c>.
/// </summary>
/// <remarks>See <see href="https://gateway-api.sigs.k8s.io/geps/gep-713/">GEP-713</see> for the hierarchy.</remarks>
public readonly record struct PolicyContext
{
    private PolicyContext(PolicyContextLevel level, ResourceKey parent, string? listener, ResourceKey? route, string? ruleName, ResourceKey? backend, string? backendPort)
    {
        Level = level;
        Parent = parent;
        Listener = listener;
        Route = route;
        RuleName = ruleName;
        Backend = backend;
        BackendPort = backendPort;
    }

    /// <summary>How deep the context goes.</summary>
    public PolicyContextLevel Level { get; }

    /// <summary>The Gateway or ListenerSet, or the mesh route's parent Service.</summary>
    public ResourceKey Parent { get; }

    /// <summary>The listener's name; null for a mesh context or above the listener level.</summary>
    public string? Listener { get; }

    /// <summary>The route; null above the route level.</summary>
    public ResourceKey? Route { get; }

    /// <summary>The rule's name; null for an unnamed rule (which only inherits) or above the rule level.</summary>
    public string? RuleName { get; }

    /// <summary>The backend Service; null above the backend level.</summary>
    public ResourceKey? Backend { get; }

    /// <summary>The backend Service port's name; null when unnamed or above the backend level.</summary>
    public string? BackendPort { get; }

    /// <summary>Whether the context is a mesh route's: its parent is a Service.</summary>
    public bool IsMesh => Parent.GroupKind == Kinds.Service;

    /// <summary>A Gateway or ListenerSet as a whole.</summary>
    /// <param name="owner">The Gateway or ListenerSet.</param>
    /// <returns>The context.</returns>
    public static PolicyContext ForGateway(ResourceKey owner)
    {
        if (owner.GroupKind == Kinds.Service)
        {
            throw new ArgumentException($"{owner} is a Service: use ForMeshService.", nameof(owner));
        }

        return new(PolicyContextLevel.Parent, owner, null, null, null, null, null);
    }

    /// <summary>A mesh Service as the parent of GAMMA routes (GEP-1294).</summary>
    /// <param name="service">The Service.</param>
    /// <returns>The context.</returns>
    public static PolicyContext ForMeshService(ResourceKey service)
    {
        if (service.GroupKind != Kinds.Service)
        {
            throw new ArgumentException($"{service} is not a Service.", nameof(service));
        }

        return new(PolicyContextLevel.Parent, service, null, null, null, null, null);
    }

    /// <summary>One listener of this Gateway or ListenerSet.</summary>
    /// <param name="name">The listener's name.</param>
    /// <returns>The context.</returns>
    /// <exception cref="InvalidOperationException">This context is not a Gateway's or ListenerSet's as a whole.</exception>
    public PolicyContext WithListener(string name)
    {
        Guard.NotNull(name);
        Require(Level == PolicyContextLevel.Parent && !IsMesh, "a listener follows a Gateway or ListenerSet");
        return new(PolicyContextLevel.Listener, Parent, name, null, null, null, null);
    }

    /// <summary>A route served through this listener, or through this mesh Service.</summary>
    /// <param name="route">The route.</param>
    /// <returns>The context.</returns>
    /// <exception cref="InvalidOperationException">This context is neither a listener nor a mesh Service.</exception>
    public PolicyContext WithRoute(ResourceKey route)
    {
        Require(Level == PolicyContextLevel.Listener || (Level == PolicyContextLevel.Parent && IsMesh), "a route follows a listener or a mesh Service");
        return new(PolicyContextLevel.Route, Parent, Listener, route, null, null, null);
    }

    /// <summary>One rule of this route.</summary>
    /// <param name="ruleName">The rule's name, or null for an unnamed rule.</param>
    /// <returns>The context.</returns>
    /// <exception cref="InvalidOperationException">This context is not a route's.</exception>
    public PolicyContext WithRule(string? ruleName)
    {
        Require(Level == PolicyContextLevel.Route, "a rule follows a route");
        return new(PolicyContextLevel.Rule, Parent, Listener, Route, ruleName, null, null);
    }

    /// <summary>A backend Service port reached through this rule.</summary>
    /// <param name="service">The backend Service.</param>
    /// <param name="portName">The port's name, or null.</param>
    /// <returns>The context.</returns>
    /// <exception cref="InvalidOperationException">This context is not a rule's.</exception>
    public PolicyContext WithBackend(ResourceKey service, string? portName)
    {
        Require(Level == PolicyContextLevel.Rule, "a backend follows a rule");
        return new(PolicyContextLevel.Backend, Parent, Listener, Route, RuleName, service, portName);
    }

    /// <summary>The context as a path, for example <c>Gateway/infra/gw › listener http › HTTPRoute/app/r › rule r1</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        // One string: the session's deltas sort their changed contexts by this text.
        var text = new DefaultInterpolatedStringHandler(0, 0, null, stackalloc char[256]);
        Parent.AppendTo(ref text);
        if (Listener is not null)
        {
            text.AppendLiteral(" › listener ");
            text.AppendFormatted(Listener);
        }

        if (Route is { } route)
        {
            text.AppendLiteral(" › ");
            route.AppendTo(ref text);
        }

        if (Level >= PolicyContextLevel.Rule)
        {
            text.AppendLiteral(" › rule ");
            text.AppendFormatted(RuleName ?? "(unnamed)");
        }

        if (Backend is { } backend)
        {
            text.AppendLiteral(" › ");
            backend.AppendTo(ref text);
            if (BackendPort is not null)
            {
                text.AppendLiteral(":");
                text.AppendFormatted(BackendPort);
            }
        }

        return text.ToStringAndClear();
    }

    private static void Require(bool holds, string rule)
    {
        if (!holds)
        {
            // Building a context out of order is a programmer error, as a wrong argument is.
            throw new InvalidOperationException("A policy context is built from the top down: " + rule + ".");
        }
    }
}
