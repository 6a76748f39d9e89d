using PolicyAttach.Collections;

namespace PolicyAttach.Model.Routes;

/// <summary>
/// Routes gRPC requests by host, service, method and headers
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#grpcroute">GRPCRoute</see>). Served as
/// <c>gateway.networking.k8s.io/v1</c>. Never merged with HTTPRoutes on a listener.
/// </summary>
public sealed record GrpcRoute : RouteBase
{
    /// <inheritdoc />
    public override string Kind => Definition.Kind.Kind;

    internal override RouteKindDefinition Definition => RouteKindTable.Grpc;

    /// <summary>The rules, at most 16; there is no default rule.</summary>
    public EquatableArray<GrpcRouteRule> Rules { get; init; } = [];

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
                yield return new RouteBackendRefEntry(r, b, refs[b].BackendRef);
            }
        }
    }

    /// <inheritdoc />
    public override IEnumerable<RouteBackendRefEntry> EnumerateMirrorBackendRefs()
    {
        for (var r = 0; r < Rules.Count; r++)
        {
            foreach (var entry in RouteFilters.Mirrors(r, Rules[r].Filters, Rules[r].BackendRefs))
            {
                yield return entry;
            }
        }
    }
}

/// <summary>One GRPCRoute rule (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#grpcrouterule">GRPCRouteRule</see>).</summary>
public sealed record GrpcRouteRule
{
    /// <summary>The rule name (a policy <c>sectionName</c>), or null.</summary>
    public string? Name { get; init; }

    /// <summary>The matches, ORed; at most 64. Empty matches every gRPC request.</summary>
    public EquatableArray<GrpcRouteMatch> Matches { get; init; } = [];

    /// <summary>
    /// Filters: RequestHeaderModifier, ResponseHeaderModifier, RequestMirror, ExtensionRef; any other type reads
    /// as <see cref="RouteFilterType.Unknown"/>. At most 16.
    /// </summary>
    public EquatableArray<RouteFilter> Filters { get; init; } = [];

    /// <summary>The weighted backends; at most 16. Empty means <c>UNIMPLEMENTED</c>.</summary>
    public EquatableArray<RouteBackendRef> BackendRefs { get; init; } = [];

    /// <summary><c>sessionPersistence</c> (experimental) as written, or null.</summary>
    public JsonData? SessionPersistence { get; init; }
}

/// <summary>
/// A gRPC request predicate; its fields are ANDed (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#grpcroutematch">GRPCRouteMatch</see>).
/// </summary>
public sealed record GrpcRouteMatch
{
    /// <summary>The service/method match, or null for every service and method.</summary>
    public GrpcMethodMatch? Method { get; init; }

    /// <summary>Header matches, ANDed; at most 16, unique names.</summary>
    public EquatableArray<HttpHeaderMatch> Headers { get; init; } = [];
}

/// <summary>
/// gRPC method match types. Unknown values read as <see cref="Unknown"/>, with the raw value kept
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#grpcmethodmatchtype">GRPCMethodMatchType</see>).
/// </summary>
public enum GrpcMethodMatchType
{
    /// <summary>A type this model does not know.</summary>
    Unknown = 0,

    /// <summary>Case-sensitive equality on service and method.</summary>
    Exact,

    /// <summary>An implementation-specific regular expression.</summary>
    RegularExpression,
}

/// <summary>
/// Matches the gRPC path <c>/{service}/{method}</c>; an unset part matches anything, and at least one is set
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#grpcmethodmatch">GRPCMethodMatch</see>).
/// </summary>
public sealed record GrpcMethodMatch
{
    /// <summary>The parsed type (default Exact).</summary>
    public GrpcMethodMatchType Type { get; init; } = GrpcMethodMatchType.Exact;

    /// <summary>The type as written, or the default <c>Exact</c>.</summary>
    public string TypeName { get; init; } = nameof(GrpcMethodMatchType.Exact);

    /// <summary>The fully qualified service, such as <c>foo.bar.Service</c>, or null for any.</summary>
    public string? Service { get; init; }

    /// <summary>The method, or null for any.</summary>
    public string? Method { get; init; }
}
