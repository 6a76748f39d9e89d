using PolicyAttach.Collections;

namespace PolicyAttach.Model;

/// <summary>How the routes of a kind select traffic, and so which matcher compiles them.</summary>
internal enum RouteTraffic
{
    /// <summary>HTTP requests by hostname, path, method, headers and query (HTTPRoute).</summary>
    Http,

    /// <summary>gRPC calls by hostname, service, method and headers (GRPCRoute).</summary>
    Grpc,

    /// <summary>TLS connections by SNI hostname (TLSRoute).</summary>
    Sni,

    /// <summary>Every connection of the listener (TCPRoute, UDPRoute).</summary>
    Stream,
}

/// <summary>
/// One route kind, defined once: what each stage needs to know of it. The binder reads the listener protocols it
/// attaches to, its mesh rank and whether it has hostnames; <c>Features.All</c> its feature name; the policy kinds its
/// levels (every route kind is a policy target at the route and rule levels); the manifest reader and the table
/// compiler find its reader and matcher by <see cref="Traffic"/> and kind. Adding a route kind is one entry in
/// <see cref="RouteKindTable.All"/>, its model record, and its reader.
/// </summary>
/// <param name="Kind">The group and kind.</param>
/// <param name="Feature">The conformance feature that claims the kind (spec digest §2: the kind's own name).</param>
/// <param name="ListenerProtocols">The listener protocols whose supported kinds include it (spec digest §4.2 step 3).</param>
/// <param name="OnTerminatingTlsInProfile">Whether a profile that accepts it on a TLS listener that terminates
/// (Envoy Gateway's TCPRoute) may list it there too, before the protocol's own kinds.</param>
/// <param name="MeshRank">GAMMA precedence on one Service port (spec digest §13): the highest rank carries the traffic;
/// 0 for a kind that is orthogonal (UDPRoute).</param>
/// <param name="HasHostnames">Whether routes of the kind have hostnames that intersect a listener's (TCPRoute and UDPRoute
/// serve the listener's hostname whatever it is).</param>
/// <param name="SharesHttpListener">Whether the kind is one of the HTTPRoute/GRPCRoute pair that must not share a
/// hostname on one listener (spec digest §10).</param>
/// <param name="Transport">The Service port protocol its backends are looked up with (Envoy Gateway's port check).</param>
/// <param name="Traffic">How its routes select traffic.</param>
internal sealed record RouteKindDefinition(
    GroupKind Kind,
    string Feature,
    EquatableArray<string> ListenerProtocols,
    bool OnTerminatingTlsInProfile,
    int MeshRank,
    bool HasHostnames,
    bool SharesHttpListener,
    string Transport,
    RouteTraffic Traffic);

/// <summary>The route kinds, one definition each, in the spec's order.</summary>
internal static class RouteKindTable
{
    public static RouteKindDefinition Http { get; } = new(Kinds.HttpRoute, Kinds.HttpRoute.Kind, [Protocols.Http, Protocols.Https], false, 3, true, true, Protocols.Tcp, RouteTraffic.Http);

    public static RouteKindDefinition Grpc { get; } = new(Kinds.GrpcRoute, Kinds.GrpcRoute.Kind, [Protocols.Http, Protocols.Https], false, 4, true, true, Protocols.Tcp, RouteTraffic.Grpc);

    public static RouteKindDefinition Tls { get; } = new(Kinds.TlsRoute, Kinds.TlsRoute.Kind, [Protocols.Tls], false, 2, true, false, Protocols.Tcp, RouteTraffic.Sni);

    public static RouteKindDefinition Tcp { get; } = new(Kinds.TcpRoute, Kinds.TcpRoute.Kind, [Protocols.Tcp], true, 1, false, false, Protocols.Tcp, RouteTraffic.Stream);

    public static RouteKindDefinition Udp { get; } = new(Kinds.UdpRoute, Kinds.UdpRoute.Kind, [Protocols.Udp], false, 0, false, false, Protocols.Udp, RouteTraffic.Stream);

    /// <summary>Every route kind: HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute.</summary>
    public static EquatableArray<RouteKindDefinition> All { get; } = [Http, Grpc, Tls, Tcp, Udp];

    /// <summary>The definition of a kind, or null when it is not a route kind.</summary>
    public static RouteKindDefinition? Find(GroupKind kind)
    {
        foreach (var definition in All)
        {
            if (definition.Kind == kind)
            {
                return definition;
            }
        }

        return null;
    }
}
