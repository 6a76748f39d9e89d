using PolicyAttach.Collections;

namespace PolicyAttach.Model.Routes;

/// <summary>
/// What every route kind shares (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#commonroutespec">CommonRouteSpec</see>):
/// parent references, hostnames and rules that forward to backends. Binding, status and ReferenceGrant code works
/// on this type so that every route kind is treated alike.
/// </summary>
public abstract record RouteBase : KubeObject
{
    /// <summary>Only the engine's own kinds derive from this type: the binder and the readers rely on knowing every kind.</summary>
    private protected RouteBase()
    {
    }

    /// <summary>
    /// The parents the route asks to attach to, in the order written, with defaults applied (at most 32).
    /// Status entries echo these references.
    /// </summary>
    public EquatableArray<ParentReference> ParentRefs { get; init; } = [];

    /// <summary>
    /// The hostnames the route serves, as written (lowercase, an optional leading <c>*.</c> label). Empty means
    /// every hostname of the listener. Always empty for TCPRoute and UDPRoute, which have no hostnames.
    /// </summary>
    public EquatableArray<string> Hostnames { get; init; } = [];

    /// <summary>
    /// <c>spec.useDefaultGateways</c> (experimental): <c>All</c> or <c>None</c>, or null when unset.
    /// </summary>
    public string? UseDefaultGateways { get; init; }

    /// <summary>The definition of the route's kind: everything the stages know of it (<see cref="RouteKindTable"/>).</summary>
    internal abstract RouteKindDefinition Definition { get; }

    /// <summary>The number of rules.</summary>
    public abstract int RuleCount { get; }

    /// <summary>The <c>name</c> of a rule, which policies use as <c>sectionName</c>.</summary>
    /// <param name="ruleIndex">A rule position from 0 to <see cref="RuleCount"/> − 1.</param>
    /// <returns>The name, or null when the rule has none.</returns>
    public abstract string? RuleName(int ruleIndex);

    /// <summary>
    /// Every forwarding <c>backendRefs[]</c> entry of every rule, in rule then list order. Mirror targets are not
    /// included; see <see cref="EnumerateMirrorBackendRefs"/>.
    /// </summary>
    /// <returns>The references with their rule and list positions.</returns>
    public abstract IEnumerable<RouteBackendRefEntry> EnumerateBackendRefs();

    /// <summary>
    /// Every <c>RequestMirror</c> target of the route (rule-level and backend-level filters), in rule order. A mirror
    /// target needs a ReferenceGrant like any backend, but an invalid one never affects primary traffic.
    /// </summary>
    /// <returns>The references with their rule position; <see cref="RouteBackendRefEntry.BackendIndex"/> is the
    /// backend whose filter holds the mirror, or −1 for a rule-level filter.</returns>
    public virtual IEnumerable<RouteBackendRefEntry> EnumerateMirrorBackendRefs() => [];
}

/// <summary>One backend reference of a route with its position.</summary>
/// <param name="RuleIndex">The rule position in <c>spec.rules</c>.</param>
/// <param name="BackendIndex">The position in the rule's <c>backendRefs</c> (−1 for a rule-level mirror filter).</param>
/// <param name="BackendRef">The reference, with defaults applied.</param>
public readonly record struct RouteBackendRefEntry(int RuleIndex, int BackendIndex, BackendReference BackendRef);

/// <summary>
/// A <c>backendRefs[]</c> entry of an HTTPRoute or GRPCRoute rule: a weighted backend plus filters that run only
/// when this backend is chosen (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httpbackendref">HTTPBackendRef</see>,
/// <see href="https://gateway-api.sigs.k8s.io/reference/spec/#grpcbackendref">GRPCBackendRef</see>).
/// </summary>
public sealed record RouteBackendRef
{
    /// <summary>The backend, with defaults applied (group "", kind Service, weight 1, the route's namespace).</summary>
    public required BackendReference BackendRef { get; init; }

    /// <summary>Filters applied only to requests forwarded to this backend (at most 16).</summary>
    public EquatableArray<RouteFilter> Filters { get; init; } = [];
}

/// <summary>
/// A rule of a TLSRoute, TCPRoute or UDPRoute: no matching, every connection goes to the backends by weight
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#tlsrouterule">TLSRouteRule</see>,
/// <see href="https://gateway-api.sigs.k8s.io/reference/spec/#tcprouterule">TCPRouteRule</see>,
/// <see href="https://gateway-api.sigs.k8s.io/reference/spec/#udprouterule">UDPRouteRule</see>).
/// </summary>
public sealed record BackendRouteRule
{
    /// <summary>The rule name (a policy <c>sectionName</c>), or null.</summary>
    public string? Name { get; init; }

    /// <summary>The backends, 1 to 16, with defaults applied. Invalid ones reject their share of connections.</summary>
    public EquatableArray<BackendReference> BackendRefs { get; init; } = [];
}

/// <summary>
/// A route kind whose one rule only forwards: TLSRoute, TCPRoute, UDPRoute.
/// </summary>
public abstract record BackendOnlyRoute : RouteBase
{
    /// <summary>Only the engine's own kinds derive from this type: the binder and the readers rely on knowing every kind.</summary>
    private protected BackendOnlyRoute()
    {
    }

    /// <summary>The rules; the CRD requires exactly one.</summary>
    public EquatableArray<BackendRouteRule> Rules { get; init; } = [];

    /// <inheritdoc />
    public override int RuleCount => Rules.Count;

    /// <inheritdoc />
    public override string? RuleName(int ruleIndex) => Rules[ruleIndex].Name;

    /// <inheritdoc />
    public override IEnumerable<RouteBackendRefEntry> EnumerateBackendRefs()
    {
        for (var r = 0; r < Rules.Count; r++)
        {
            var refs = Rules[r].BackendRefs;
            for (var b = 0; b < refs.Count; b++)
            {
                yield return new RouteBackendRefEntry(r, b, refs[b]);
            }
        }
    }
}

/// <summary>
/// Routes TLS connections by the SNI of the ClientHello to backends; attaches only to <c>TLS</c> listeners
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#tlsroute">TLSRoute</see>). Hostnames are required.
/// </summary>
public sealed record TlsRoute : BackendOnlyRoute
{
    /// <inheritdoc />
    public override string Kind => Definition.Kind.Kind;

    internal override RouteKindDefinition Definition => RouteKindTable.Tls;
}

/// <summary>
/// Forwards every TCP connection of a <c>TCP</c> listener to backends by weight
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#tcproute">TCPRoute</see>).
/// </summary>
public sealed record TcpRoute : BackendOnlyRoute
{
    /// <inheritdoc />
    public override string Kind => Definition.Kind.Kind;

    internal override RouteKindDefinition Definition => RouteKindTable.Tcp;
}

/// <summary>
/// Forwards every UDP datagram stream of a <c>UDP</c> listener to backends by weight
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#udproute">UDPRoute</see>).
/// </summary>
public sealed record UdpRoute : BackendOnlyRoute
{
    /// <inheritdoc />
    public override string Kind => Definition.Kind.Kind;

    internal override RouteKindDefinition Definition => RouteKindTable.Udp;
}
