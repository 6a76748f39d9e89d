using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using PolicyAttach.Binding;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.Policies;

namespace PolicyAttach.Matching;

/// <summary>
/// Regular expressions of matches. The spec leaves the dialect implementation-specific; PolicyAttach reads RE2
/// syntax, as Envoy (and so Envoy Gateway) does, and runs it on .NET's linear-time
/// <see cref="RegexOptions.NonBacktracking"/> engine (<see cref="Re2.Re2Syntax"/> translates and says which patterns
/// cannot run: backreferences, lookaround and the like; their rules are dropped with <c>UnsupportedValue</c>, so
/// such a pattern never matches here). Patterns are anchored so that the whole value (path, header value, query
/// value, gRPC service or method) must match, as <c>\A(?:pattern)\z</c>.
/// </summary>
internal static class MatchRegex
{
    /// <summary>The options of the linear engine.</summary>
    public const RegexOptions Linear = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    /// <summary>Compiles an RE2 pattern; one that cannot run never matches.</summary>
    /// <param name="pattern">The pattern as written in the route.</param>
    public static MatchPattern Create(string pattern)
    {
        var translation = Re2.Re2Syntax.Translate(pattern);
        return translation.Pattern is { } source
            ? MatchPattern.Create(pattern, @"\A(?:" + source + @")\z", Linear)
            : MatchPattern.Never;
    }
}

/// <summary>A header or query predicate.</summary>
internal sealed class ValueCondition(string name, string value, MatchPattern? regex)
{
    public string Name { get; } = name;

    /// <summary>The name in lower case when it is all ASCII (compared without a call), else null.</summary>
    public string? AsciiLowerName { get; } = AsciiCase.LowerOrNull(name);

    /// <summary>Whether the name (as a query parameter) is non-empty and has no <c>=</c> or <c>&amp;</c>.</summary>
    public bool IsSimpleQueryName { get; } = name.Length > 0 && name.AsSpan().IndexOfAny('=', '&') < 0;

    public string Value { get; } = value;

    public MatchPattern? Regex { get; } = regex;

    public bool Matches(ReadOnlySpan<char> actual) => Regex is { } r ? r.IsMatch(actual) : actual.SequenceEqual(Value);
}

/// <summary>One route compiled: its identity and the keys that order it against other routes.</summary>
internal sealed class CompiledRoute
{
    public required RouteBase Route { get; init; }

    public required RouteResult Result { get; init; }

    public required ResourceKey Key { get; init; }

    /// <summary><c>{namespace}/{name}</c>, compared ordinally for the alphabetical tie-break.</summary>
    public required string NamespacedName { get; init; }

    public required CompiledRule[] Rules { get; init; }

    public int CompareAge(CompiledRoute other)
    {
        var c = Route.Metadata.CreationTimestamp.CompareTo(other.Route.Metadata.CreationTimestamp);
        return c != 0 ? c : string.CompareOrdinal(NamespacedName, other.NamespacedName);
    }
}

/// <summary>One rule compiled: backends with validity, filters, and what it answers.</summary>
internal sealed class CompiledRule
{
    public required CompiledRoute Route { get; init; }

    public required int Index { get; init; }

    public string? Name { get; init; }

    /// <summary>Null for a rule that is dropped or of a kind without matches.</summary>
    public required MatchedBackend[] Backends { get; init; }

    public required long ValidWeight { get; init; }

    public IReadOnlyList<RouteFilter> Filters { get; init; } = [];

    public HttpRequestRedirectFilter? Redirect { get; init; }

    public HttpCorsFilter? Cors { get; init; }

    public bool IsServed { get; init; } = true;

    /// <summary>
    /// The effective policies of this rule on each listener it is served through (policies attached to a listener
    /// differ per listener), looked up once when the tables are compiled; searched by listener identity.
    /// </summary>
    private (ListenerResult Listener, EffectivePolicies Policies)[] _policies = [];

    /// <summary>The effective policies of this rule served through <paramref name="listener"/>; allocates nothing.</summary>
    public EffectivePolicies PoliciesFor(ListenerResult? listener)
    {
        if (listener is null)
        {
            return EffectivePolicies.None;
        }

        foreach (var (l, policies) in _policies)
        {
            if (ReferenceEquals(l, listener))
            {
                return policies;
            }
        }

        return EffectivePolicies.None;
    }

    /// <summary>The effective policies of this rule as a mesh route of one parent Service (GEP-1294).</summary>
    private (ResourceKey Service, EffectivePolicies Policies)[] _meshPolicies = [];

    /// <summary>The effective policies of this rule served for the mesh Service <paramref name="service"/>; allocates nothing.</summary>
    public EffectivePolicies MeshPoliciesFor(in ResourceKey service)
    {
        foreach (var (s, policies) in _meshPolicies)
        {
            if (s == service)
            {
                return policies;
            }
        }

        return EffectivePolicies.None;
    }

    /// <summary>Records the effective policies for one parent Service (compile time only).</summary>
    public void AddMeshPolicies(ResourceKey service, EffectivePolicies policies)
    {
        if (policies.Kinds.IsEmpty || Array.Exists(_meshPolicies, p => p.Service == service))
        {
            return;
        }

        _meshPolicies = [.. _meshPolicies, (service, policies)];
    }

    /// <summary>Records the effective policies on one listener (compile time only).</summary>
    public void AddPolicies(ListenerResult listener, EffectivePolicies policies)
    {
        if (policies.Kinds.IsEmpty || Array.Exists(_policies, p => ReferenceEquals(p.Listener, listener)))
        {
            return;
        }

        _policies = [.. _policies, (listener, policies)];
    }

    /// <summary>
    /// The backend that carries the traffic when one must be named (the filters of a backend run only when it is
    /// chosen): the valid backend with the greatest weight, the first on a tie; −1 when no backend can be chosen.
    /// </summary>
    public int ChosenBackend { get; init; } = -1;

    public static CompiledRule Create(CompiledRoute route, int index, string? name, IReadOnlyList<RouteFilter> filters, IReadOnlyList<(BackendReference Ref, IReadOnlyList<RouteFilter> Filters)> backends, bool served)
    {
        var result = route.Result;
        var matched = new MatchedBackend[backends.Count];
        long valid = 0;
        var chosen = -1;
        for (var b = 0; b < backends.Count; b++)
        {
            var refResult = result.BackendRefs.FirstOrDefault(r => !r.IsMirror && r.RuleIndex == index && r.BackendIndex == b);
            // The binder decides validity, the mesh exemption from ReferenceGrants included; it is read, not re-derived.
            // A BackendTLSPolicy that cannot be honoured is such a verdict too (the policy stage decides it).
            var isValid = refResult?.IsValid ?? true;
            var reason = refResult?.Reason?.Value;

            matched[b] = new MatchedBackend(backends[b].Ref, backends[b].Ref.Weight, isValid, isValid ? null : reason, backends[b].Filters);
            if (isValid)
            {
                valid += backends[b].Ref.Weight;
                if (backends[b].Ref.Weight > 0 && (chosen < 0 || backends[b].Ref.Weight > matched[chosen].Weight))
                {
                    chosen = b;
                }
            }
        }

        // A RequestRedirect answers whether it is a rule filter or a filter of the backend chosen (spec digest §12.3).
        var redirect = filters.FirstOrDefault(f => f.Type == RouteFilterType.RequestRedirect)?.RequestRedirect
            ?? (chosen >= 0 ? matched[chosen].Filters.FirstOrDefault(f => f.Type == RouteFilterType.RequestRedirect)?.RequestRedirect : null);
        return new CompiledRule
        {
            Route = route,
            Index = index,
            Name = name,
            Backends = matched,
            ValidWeight = valid,
            ChosenBackend = chosen,
            Filters = filters,
            Redirect = redirect,
            Cors = filters.FirstOrDefault(f => f.Type == RouteFilterType.CORS)?.Cors,
            IsServed = served,
        };
    }
}

/// <summary>
/// One HTTPRoute match of one rule: the unit of precedence (spec digest §9.2), used when the tables are compiled. The
/// matcher reads its flattened form, <see cref="HttpCandidate"/> with <see cref="RestCondition"/>, for gateways and
/// the mesh alike.
/// </summary>
internal sealed class HttpEntry
{
    public required CompiledRule Rule { get; init; }

    public required int MatchIndex { get; init; }

    public required PathMatchType PathType { get; init; }

    /// <summary>The path value as written (its length orders prefixes).</summary>
    public required string PathValue { get; init; }

    /// <summary>For PathPrefix: the value without a trailing <c>/</c> (<c>/</c> becomes empty).</summary>
    public required string Prefix { get; init; }

    public MatchPattern? PathRegex { get; init; }

    public string? Method { get; init; }

    public required ValueCondition[] Headers { get; init; }

    public required ValueCondition[] Queries { get; init; }

    /// <summary>The position of this entry in the table-wide precedence order.</summary>
    public int Rank { get; set; }

    /// <summary>PathPrefix on whole elements: the prefix (trailing <c>/</c> removed) then the end or a <c>/</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool PathPrefixMatches(ReadOnlySpan<char> path, string prefix)
        => AsciiCase.StartsWithOrdinal(path, prefix) && (path.Length == prefix.Length || path[prefix.Length] == '/');

    public static string NormalizePrefix(string value) => value.Length > 0 && value[^1] == '/' ? value.TrimEnd('/') : value;

    /// <summary>
    /// The precedence of §9.2 after the hostname: Exact path, longest PathPrefix (characters as written), then
    /// RegularExpression (implementation-specific: after every prefix); method; most headers; most query
    /// parameters; oldest route; <c>{namespace}/{name}</c>; rule order; match order.
    /// </summary>
    public static int Compare(HttpEntry x, HttpEntry y)
    {
        var c = PathRank(x.PathType).CompareTo(PathRank(y.PathType));
        if (c != 0)
        {
            return c;
        }

        if (x.PathType == PathMatchType.PathPrefix && (c = y.PathValue.Length.CompareTo(x.PathValue.Length)) != 0)
        {
            return c;
        }

        if ((c = (y.Method is not null).CompareTo(x.Method is not null)) != 0
            || (c = y.Headers.Length.CompareTo(x.Headers.Length)) != 0
            || (c = y.Queries.Length.CompareTo(x.Queries.Length)) != 0
            || (c = x.Rule.Route.CompareAge(y.Rule.Route)) != 0
            || (c = x.Rule.Index.CompareTo(y.Rule.Index)) != 0)
        {
            return c;
        }

        return x.MatchIndex.CompareTo(y.MatchIndex);
    }

    private static int PathRank(PathMatchType type) => type switch
    {
        PathMatchType.Exact => 0,
        PathMatchType.PathPrefix => 1,
        _ => 2,
    };
}

/// <summary>One GRPCRoute match of one rule (spec digest §10).</summary>
internal sealed class GrpcEntry
{
    public required CompiledRule Rule { get; init; }

    public required int MatchIndex { get; init; }

    public string? Service { get; init; }

    public string? Method { get; init; }

    public MatchPattern? ServiceRegex { get; init; }

    public MatchPattern? MethodRegex { get; init; }

    /// <summary>Characters of an Exact service (0 for a regex or an unset service).</summary>
    public int ServiceWeight { get; init; }

    /// <summary>Characters of an Exact method (0 for a regex or an unset method).</summary>
    public int MethodWeight { get; init; }

    public required ValueCondition[] Headers { get; init; }

    public int Rank { get; set; }

    public bool Matches(in RequestView request)
    {
        if (ServiceRegex is { } sr ? !sr.IsMatch(request.GrpcService) : Service is not null && !request.GrpcService.SequenceEqual(Service))
        {
            return false;
        }

        if (MethodRegex is { } mr ? !mr.IsMatch(request.GrpcMethod) : Method is not null && !request.GrpcMethod.SequenceEqual(Method))
        {
            return false;
        }

        foreach (var header in Headers)
        {
            if (!request.TryGetHeader(header.Name, out var value) || !header.Matches(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Most service characters, most method characters, most headers, oldest route, name, rule, match.</summary>
    public static int Compare(GrpcEntry x, GrpcEntry y)
    {
        int c;
        if ((c = y.ServiceWeight.CompareTo(x.ServiceWeight)) != 0
            || (c = y.MethodWeight.CompareTo(x.MethodWeight)) != 0
            || (c = y.Headers.Length.CompareTo(x.Headers.Length)) != 0
            || (c = x.Rule.Route.CompareAge(y.Rule.Route)) != 0
            || (c = x.Rule.Index.CompareTo(y.Rule.Index)) != 0)
        {
            return c;
        }

        return x.MatchIndex.CompareTo(y.MatchIndex);
    }
}

/// <summary>A TLSRoute, TCPRoute or UDPRoute: its one rule; ordered oldest first, then by name.</summary>
internal sealed class StreamEntry
{
    public required CompiledRule Rule { get; init; }

    public int Rank { get; set; }

    public static int Compare(StreamEntry x, StreamEntry y)
    {
        var c = x.Rule.Route.CompareAge(y.Rule.Route);
        return c != 0 ? c : x.Rule.Index.CompareTo(y.Rule.Index);
    }
}

/// <summary>
/// The method, header and query predicates of an HTTPRoute match, after the path. Interned when the tables are
/// compiled: matches with the same predicates share one instance, so that the matcher's working set stays small
/// when many routes repeat the same conditions. Empty header and query lists are null.
/// </summary>
internal sealed class RestCondition(string? method, ValueCondition[]? headers, ValueCondition[]? queries)
{
    public string? Method { get; } = method;

    public ValueCondition[]? Headers { get; } = headers;

    public ValueCondition[]? Queries { get; } = queries;

    // The first header condition and its lower-case name, held here when the name is ASCII: most matches have one
    // header, and it is then found without going through the list.
    private readonly ValueCondition? _firstHeader = headers is [{ AsciiLowerName: not null } h, ..] ? h : null;
    private readonly string? _firstHeaderLower = headers is [{ AsciiLowerName: { } lower }, ..] ? lower : null;

    /// <summary>
    /// The predicates of an HTTPRoute match after the path (method, headers, query); all must hold, so the
    /// cheapest are tried first (a request without a query fails every query condition at once).
    /// </summary>
    public bool Matches(in RequestView request)
    {
        if ((Method is not null && !request.Method.SequenceEqual(Method)) || (Queries is not null && !QueriesMatch(Queries, request)))
        {
            return false;
        }

        if (Headers is null)
        {
            return true;
        }

        if (_firstHeaderLower is null)
        {
            return HeadersMatch(Headers, request);
        }

        return request.TryGetHeaderAsciiLower(_firstHeaderLower, out var value) && _firstHeader!.Matches(value)
            && (Headers.Length == 1 || HeadersMatch(Headers, request));
    }

    private static bool HeadersMatch(ValueCondition[] headers, in RequestView request)
    {
        foreach (var header in headers)
        {
            if (!(header.AsciiLowerName is { } lower ? request.TryGetHeaderAsciiLower(lower, out var value) : request.TryGetHeader(header.Name, out value))
                || !header.Matches(value))
            {
                return false;
            }
        }

        return true;
    }

    private static bool QueriesMatch(ValueCondition[] queries, in RequestView request)
    {
        if (request.Query.IsEmpty)
        {
            return false;
        }

        foreach (var query in queries)
        {
            if (!(query.IsSimpleQueryName ? request.TryGetSimpleQueryParameter(query.Name, out var value) : request.TryGetQueryParameter(query.Name, out value))
                || !query.Matches(value))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// The HTTPRoute candidates of one hostname on a listener, in precedence order: their predicates, and the rule each
/// belongs to. The predicates (the "shape") are interned: hostnames whose routes have the same matches share one
/// array, which stays in cache; only the winner's rule is read from the hostname's own array.
/// </summary>
internal readonly struct HostRoutes(HttpCandidate[] candidates, CompiledRule[] rules)
{
    public readonly HttpCandidate[] Candidates = candidates;

    /// <summary>The rule of each candidate, at the same position.</summary>
    public readonly CompiledRule[] Rules = rules;
}

/// <summary>
/// An <see cref="HttpEntry"/>'s predicates flattened for the hot path into 24 bytes: candidate lists are arrays of
/// these structs, so a scan reads one contiguous block instead of one object per entry; the path value and the other
/// predicates are shared instances, and the rule is kept beside the array (<see cref="HostRoutes"/>).
/// </summary>
internal readonly struct HttpCandidate
{
    // The Exact value or the normalized PathPrefix (a string), or the MatchPattern of a RegularExpression; interned,
    // so equal path predicates are the same object.
    private readonly object? _path;

    /// <summary>The method, header and query predicates; null when there are none.</summary>
    public readonly RestCondition? Rest;

    public readonly int MatchIndex;

    // The rule's index above three bits: the path match type (two bits) and whether a CORS preflight is answered.
    private readonly int _bits;

    public HttpCandidate(HttpEntry entry, RestCondition? rest)
    {
        MatchIndex = entry.MatchIndex;
        var mayAnswer = entry.Rule.Cors is not null && entry.Rule.Redirect is null;
        _bits = (entry.Rule.Index << 3) | ((int)entry.PathType << 1) | (mayAnswer ? 1 : 0);
        _path = entry.PathType switch
        {
            PathMatchType.Exact => entry.PathValue,
            PathMatchType.PathPrefix => entry.Prefix,
            PathMatchType.RegularExpression => entry.PathRegex,
            _ => null,
        };
        Rest = rest;
    }

    /// <summary>The rule's <see cref="CompiledRule.Index"/>.</summary>
    public int RuleIndex => _bits >> 3;

    public PathMatchType PathType => (PathMatchType)((_bits >> 1) & 3);

    /// <summary>Whether the rule has a CORS filter and no redirect: a CORS preflight is then answered.</summary>
    public bool MayAnswerPreflight => (_bits & 1) != 0;

    /// <summary>The Exact value (a string) or the <see cref="MatchPattern"/> of a RegularExpression; the normalized prefix for PathPrefix.</summary>
    public object? PathPredicate => _path;

    /// <summary>The normalized PathPrefix, or null for another path match type.</summary>
    public string? Prefix => PathType == PathMatchType.PathPrefix ? Unsafe.As<string>(_path) : null;

    /// <summary>Whether two candidates are the same predicates of the same rule and match positions (a shared shape).</summary>
    public bool SameShape(in HttpCandidate other)
        => ReferenceEquals(_path, other._path) && ReferenceEquals(Rest, other.Rest) && MatchIndex == other.MatchIndex && _bits == other._bits;

    /// <summary>A hash consistent with <see cref="SameShape"/> (compile time only).</summary>
    public int ShapeHash() => HashCode.Combine(RuntimeHelpers.GetHashCode(_path), Rest is null ? 0 : RuntimeHelpers.GetHashCode(Rest), MatchIndex, _bits);

    /// <summary>Whether two candidates have the same path predicate (so one comparison answers both).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool SamePath(in HttpCandidate other) => ReferenceEquals(_path, other._path) && ((_bits ^ other._bits) & 6) == 0;

    /// <summary>The path predicate of the match: Exact, PathPrefix on whole elements, or RegularExpression.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool PathMatches(ReadOnlySpan<char> path)
    {
        switch (PathType)
        {
            case PathMatchType.Exact:
            {
                var value = Unsafe.As<string>(_path)!;
                return path.Length == value.Length && AsciiCase.StartsWithOrdinal(path, value);
            }

            case PathMatchType.PathPrefix:
                return HttpEntry.PathPrefixMatches(path, Unsafe.As<string>(_path)!);
            case PathMatchType.RegularExpression:
                return Unsafe.As<MatchPattern>(_path)!.IsMatch(path);
            default:
                return false;
        }
    }
}
