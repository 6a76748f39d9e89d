using System.Globalization;
using PolicyAttach.Collections;

namespace PolicyAttach.Model.Routes;

/// <summary>
/// Routes HTTP requests by host, path, headers, query parameters and method, with filters
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httproute">HTTPRoute</see>). Served as
/// <c>gateway.networking.k8s.io/v1</c> and <c>v1beta1</c>.
/// </summary>
public sealed record HttpRoute : RouteBase
{
    /// <inheritdoc />
    public override string Kind => Definition.Kind.Kind;

    internal override RouteKindDefinition Definition => RouteKindTable.Http;

    /// <summary>
    /// The rules, 1 to 16. A route written without rules gets one rule matching <c>PathPrefix /</c> with no
    /// backends (every request gets 500).
    /// </summary>
    public EquatableArray<HttpRouteRule> Rules { get; init; } = [];

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

/// <summary>
/// One HTTPRoute rule (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule">HTTPRouteRule</see>).
/// </summary>
public sealed record HttpRouteRule
{
    /// <summary>The rule name (a policy <c>sectionName</c>), or null.</summary>
    public string? Name { get; init; }

    /// <summary>The matches, ORed; at most 64. Never empty: a rule without matches gets <c>PathPrefix /</c>.</summary>
    public EquatableArray<HttpRouteMatch> Matches { get; init; } = [];

    /// <summary>Filters applied to every matching request, in order; at most 16.</summary>
    public EquatableArray<RouteFilter> Filters { get; init; } = [];

    /// <summary>The weighted backends; at most 16. Empty with no response-producing filter means 500.</summary>
    public EquatableArray<RouteBackendRef> BackendRefs { get; init; } = [];

    /// <summary>Request and backend-request timeouts, or null.</summary>
    public HttpRouteTimeouts? Timeouts { get; init; }

    /// <summary>Retry configuration (experimental), or null.</summary>
    public HttpRouteRetry? Retry { get; init; }

    /// <summary>
    /// <c>sessionPersistence</c> (experimental) as written, or null
    /// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#sessionpersistence">SessionPersistence</see>).
    /// </summary>
    public JsonData? SessionPersistence { get; init; }
}

/// <summary>
/// Path match types. Unknown values read as <see cref="Unknown"/>, with the raw value kept, because a controller
/// reports them as <c>UnsupportedValue</c> (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#pathmatchtype">PathMatchType</see>).
/// </summary>
public enum PathMatchType
{
    /// <summary>A type this model does not know.</summary>
    Unknown = 0,

    /// <summary>Case-sensitive, byte-for-byte equality.</summary>
    Exact,

    /// <summary>Case-sensitive prefix on whole <c>/</c>-separated elements; a trailing <c>/</c> is ignored.</summary>
    PathPrefix,

    /// <summary>An implementation-specific regular expression.</summary>
    RegularExpression,
}

/// <summary>
/// Header and query-parameter match types. Unknown values read as <see cref="Unknown"/>, with the raw value kept
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#headermatchtype">HeaderMatchType</see>).
/// </summary>
public enum StringMatchType
{
    /// <summary>A type this model does not know.</summary>
    Unknown = 0,

    /// <summary>Exact, case-sensitive value equality.</summary>
    Exact,

    /// <summary>An implementation-specific regular expression.</summary>
    RegularExpression,
}

/// <summary>
/// A request predicate; its fields are ANDed (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httproutematch">HTTPRouteMatch</see>).
/// </summary>
public sealed record HttpRouteMatch
{
    /// <summary>The path match; defaults to <c>PathPrefix /</c>.</summary>
    public HttpPathMatch Path { get; init; } = HttpPathMatch.Default;

    /// <summary>Header matches, ANDed; at most 16, unique names.</summary>
    public EquatableArray<HttpHeaderMatch> Headers { get; init; } = [];

    /// <summary>Query parameter matches, ANDed; at most 16, unique names.</summary>
    public EquatableArray<HttpQueryParamMatch> QueryParams { get; init; } = [];

    /// <summary>
    /// The method (GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH), or null for any. Other values are
    /// kept as written and make the route <c>Accepted=False/UnsupportedValue</c>.
    /// </summary>
    public string? Method { get; init; }

    /// <summary>The match CRD defaults give a rule without matches: <c>PathPrefix /</c>.</summary>
    public static HttpRouteMatch Default { get; } = new();
}

/// <summary>A path match (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httppathmatch">HTTPPathMatch</see>).</summary>
public sealed record HttpPathMatch
{
    /// <summary>The parsed type (default PathPrefix).</summary>
    public PathMatchType Type { get; init; } = PathMatchType.PathPrefix;

    /// <summary>The type as written, or the default <c>PathPrefix</c>.</summary>
    public string TypeName { get; init; } = nameof(PathMatchType.PathPrefix);

    /// <summary>The value (default <c>/</c>, at most 1024 characters).</summary>
    public string Value { get; init; } = "/";

    /// <summary><c>PathPrefix /</c>, which matches every path.</summary>
    public static HttpPathMatch Default { get; } = new();
}

/// <summary>
/// A header match: names compare case-insensitively, and of equivalent names only the first entry counts
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httpheadermatch">HTTPHeaderMatch</see>,
/// <see href="https://gateway-api.sigs.k8s.io/reference/spec/#grpcheadermatch">GRPCHeaderMatch</see>).
/// </summary>
public sealed record HttpHeaderMatch
{
    /// <summary>The parsed type (default Exact).</summary>
    public StringMatchType Type { get; init; } = StringMatchType.Exact;

    /// <summary>The type as written, or the default <c>Exact</c>.</summary>
    public string TypeName { get; init; } = nameof(StringMatchType.Exact);

    /// <summary>The header name.</summary>
    public required string Name { get; init; }

    /// <summary>The value to match, 1 to 4096 characters.</summary>
    public required string Value { get; init; }
}

/// <summary>
/// A query parameter match: names compare exactly, and of equal names only the first entry counts
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httpqueryparammatch">HTTPQueryParamMatch</see>).
/// </summary>
public sealed record HttpQueryParamMatch
{
    /// <summary>The parsed type (default Exact).</summary>
    public StringMatchType Type { get; init; } = StringMatchType.Exact;

    /// <summary>The type as written, or the default <c>Exact</c>.</summary>
    public string TypeName { get; init; } = nameof(StringMatchType.Exact);

    /// <summary>The parameter name, case-sensitive.</summary>
    public required string Name { get; init; }

    /// <summary>The value to match, 1 to 1024 characters.</summary>
    public required string Value { get; init; }
}

/// <summary>
/// Timeouts as Gateway API durations (GEP-2257), such as <c>10s</c> or <c>1m30s</c>; <c>0s</c> disables a timeout
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httproutetimeouts">HTTPRouteTimeouts</see>).
/// </summary>
public sealed record HttpRouteTimeouts
{
    /// <summary>The whole-transaction timeout as written, or null; on expiry the gateway answers 504.</summary>
    public string? Request { get; init; }

    /// <summary>The per-backend-attempt timeout as written, or null; never longer than <see cref="Request"/>.</summary>
    public string? BackendRequest { get; init; }

    /// <summary><see cref="Request"/> as a time span, or null.</summary>
    public TimeSpan? RequestDuration => GatewayDuration.Parse(Request);

    /// <summary><see cref="BackendRequest"/> as a time span, or null.</summary>
    public TimeSpan? BackendRequestDuration => GatewayDuration.Parse(BackendRequest);
}

/// <summary>
/// Retry configuration (experimental) (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httprouteretry">HTTPRouteRetry</see>).
/// </summary>
public sealed record HttpRouteRetry
{
    /// <summary>Response codes (400 to 599) that trigger a retry.</summary>
    public EquatableArray<int> Codes { get; init; } = [];

    /// <summary>The maximum number of retries after the first attempt, or null; 0 disables retries.</summary>
    public int? Attempts { get; init; }

    /// <summary>The base backoff interval as a Gateway API duration, or null.</summary>
    public string? Backoff { get; init; }
}

/// <summary>
/// Gateway API durations (GEP-2257): one to four <c>number unit</c> pairs, numbers of up to 5 digits, units
/// <c>h</c>, <c>m</c>, <c>s</c>, <c>ms</c> (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#duration">Duration</see>).
/// </summary>
internal static class GatewayDuration
{
    /// <summary>Parses a duration.</summary>
    /// <param name="text">The text, such as <c>1h30m</c>.</param>
    /// <param name="value">The duration when the text is valid.</param>
    /// <returns>Whether the text is a valid duration.</returns>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var pairs = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && text[i] is >= '0' and <= '9')
            {
                i++;
            }

            var digits = i - start;
            if (digits is 0 or > 5 || i == text.Length)
            {
                return false;
            }

            var number = long.Parse(text.AsSpan(start, digits), NumberStyles.None, CultureInfo.InvariantCulture);
            TimeSpan part;
            if (text[i] == 'h')
            {
                part = TimeSpan.FromHours(number);
                i++;
            }
            else if (text[i] == 'm' && i + 1 < text.Length && text[i + 1] == 's')
            {
                part = TimeSpan.FromMilliseconds(number);
                i += 2;
            }
            else if (text[i] == 'm')
            {
                part = TimeSpan.FromMinutes(number);
                i++;
            }
            else if (text[i] == 's')
            {
                part = TimeSpan.FromSeconds(number);
                i++;
            }
            else
            {
                return false;
            }

            value += part;
            pairs++;
        }

        if (pairs > 4)
        {
            value = TimeSpan.Zero;
            return false;
        }

        return true;
    }

    /// <summary>Parses a duration, or returns null when it is absent or invalid.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The duration, or null.</returns>
    public static TimeSpan? Parse(string? text) => TryParse(text, out var value) ? value : null;
}

/// <summary>Helpers shared by the HTTP and gRPC route models.</summary>
internal static class RouteFilters
{
    /// <summary>Whether any filter of the rule or of its backends mirrors requests: most rules have none, and then
    /// no enumerator need be made.</summary>
    private static bool AnyMirror(EquatableArray<RouteFilter> filters, EquatableArray<RouteBackendRef> backends)
    {
        foreach (var filter in filters)
        {
            if (filter.RequestMirror is not null)
            {
                return true;
            }
        }

        for (var b = 0; b < backends.Count; b++)
        {
            foreach (var filter in backends[b].Filters)
            {
                if (filter.RequestMirror is not null)
                {
                    return true;
                }
            }
        }

        return false;
    }

    public static IEnumerable<RouteBackendRefEntry> Mirrors(int ruleIndex, EquatableArray<RouteFilter> filters, EquatableArray<RouteBackendRef> backends)
        => AnyMirror(filters, backends) ? EnumerateMirrors(ruleIndex, filters, backends) : [];

    private static IEnumerable<RouteBackendRefEntry> EnumerateMirrors(int ruleIndex, EquatableArray<RouteFilter> filters, EquatableArray<RouteBackendRef> backends)
    {
        foreach (var filter in filters)
        {
            if (filter.RequestMirror is { } mirror)
            {
                yield return new RouteBackendRefEntry(ruleIndex, -1, mirror.BackendRef);
            }
        }

        for (var b = 0; b < backends.Count; b++)
        {
            foreach (var filter in backends[b].Filters)
            {
                if (filter.RequestMirror is { } mirror)
                {
                    yield return new RouteBackendRefEntry(ruleIndex, b, mirror.BackendRef);
                }
            }
        }
    }
}
