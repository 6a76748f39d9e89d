using PolicyAttach.Binding;
using PolicyAttach.Matching;
using PolicyAttach.Model.Routes;
using PolicyAttach.Policies;

namespace PolicyAttach;

/// <summary>What happened to a request (the <c>outcome</c> of <c>policyattach match</c>).</summary>
public enum MatchOutcomeKind
{
    /// <summary>No listener or no rule matched: HTTP 404, gRPC <c>UNIMPLEMENTED</c>, or a refused connection.</summary>
    NotRouted = 0,

    /// <summary>A rule matched and has a valid backend.</summary>
    Routed,

    /// <summary>An HTTPS request whose Host belongs to another listener than its SNI: 421 (spec digest §4.4).</summary>
    Misdirected,

    /// <summary>A RequestRedirect filter answered (spec digest §12.3).</summary>
    Redirect,

    /// <summary>The rule matched but has no valid backend or all weights are 0: HTTP 500, gRPC <c>UNAVAILABLE</c> (§8).</summary>
    NoBackend,

    /// <summary>The gateway answered itself: a CORS preflight (§12.6).</summary>
    Answered,
}

/// <summary>
/// The result of matching one request, meant to be reused: a matcher overwrites every field, so matching
/// allocates nothing. Filter effects that rewrite something (Location, rewritten path, header edits) are computed
/// on demand by <see cref="ApplyFilters(in RequestView, int)"/>.
/// </summary>
public sealed class MatchOutcome
{
    /// <summary>The outcome kind.</summary>
    public MatchOutcomeKind Kind => _lazy ? RuleKind(_rule!) : _kind;

    /// <summary>The HTTP status: 200, 404, 421, 500, a redirect code, or 200 for an answered preflight; 0 for TLS/TCP/UDP.</summary>
    public int StatusCode => Kind switch
    {
        MatchOutcomeKind.NotRouted => _stream ? 0 : 404,
        MatchOutcomeKind.Misdirected => 421,
        MatchOutcomeKind.Redirect => _rule!.Redirect!.StatusCode,
        MatchOutcomeKind.NoBackend => _stream ? 0 : 500,
        MatchOutcomeKind.Answered => 200,
        _ => _stream ? 0 : 200,
    };

    /// <summary>For gRPC requests, the gRPC status (<see cref="GrpcStatusCodes"/>); null otherwise.</summary>
    public int? GrpcStatus => !_grpc ? null : Kind switch
    {
        MatchOutcomeKind.NotRouted => GrpcStatusCodes.Unimplemented,
        MatchOutcomeKind.Misdirected => GrpcStatusCodes.Unavailable,
        MatchOutcomeKind.NoBackend => _rule!.Backends.Length == 0 ? GrpcStatusCodes.Unimplemented : GrpcStatusCodes.Unavailable,
        MatchOutcomeKind.Routed => GrpcStatusCodes.Ok,
        _ => null,
    };

    /// <summary>The selected listener, or null (no listener, or a mesh request).</summary>
    public ListenerResult? Listener { get; private set; }

    /// <summary>The Gateway or ListenerSet defining <see cref="Listener"/>.</summary>
    public ResourceKey? ListenerOwner => Listener?.Owner;

    /// <summary>The listener name (<c>sectionName</c>).</summary>
    public string? SectionName => Listener?.Name;

    /// <summary>The matched route, or null.</summary>
    public RouteBase? Route => _rule?.Route.Route;

    /// <summary>The matched route's key, or null.</summary>
    public ResourceKey? RouteKey => _rule?.Route.Key;

    /// <summary>The matched rule's position, or −1.</summary>
    public int RuleIndex { get; private set; } = -1;

    /// <summary>The matched rule's name, or null.</summary>
    public string? RuleName => _rule?.Name;

    /// <summary>The position of the winning match within the rule, or −1 (also −1 for rules without matches).</summary>
    public int MatchIndex { get; private set; } = -1;

    /// <summary>The matched rule's backends with weights and validity (empty when no rule matched).</summary>
    public IReadOnlyList<MatchedBackend> Backends => _rule?.Backends ?? (IReadOnlyList<MatchedBackend>)[];

    /// <summary>
    /// The effective policies of the matched rule as served through the selected listener (by kind), computed when
    /// the tables were compiled (for a mesh request, those of the rule under the parent Service,
    /// <see cref="PolicyResolution.ForMeshRule"/>); <see cref="EffectivePolicies.None"/> when no rule matched.
    /// Allocates nothing.
    /// </summary>
    public EffectivePolicies Policies => _rule is null ? EffectivePolicies.None : _mesh ? _rule.MeshPoliciesFor(_meshService) : _rule.PoliciesFor(Listener);

    /// <summary>For a mesh request: the Service whose table matched it (the route's parent), whose policy context applies.</summary>
    private ResourceKey _meshService;
    private bool _mesh;

    /// <summary>Marks the outcome as a mesh match for <paramref name="service"/> (after <c>SetMatched</c>).</summary>
    internal void SetMeshService(in ResourceKey service)
    {
        _mesh = true;
        _meshService = service;
    }

    /// <summary>
    /// The backend that carries the request when one must be named (its own filters then run): the valid backend
    /// with the greatest weight, the first on a tie; −1 when no rule matched or no backend is valid.
    /// </summary>
    public int ChosenBackend => _rule?.ChosenBackend ?? -1;

    /// <summary>Whether the matched rule or one of its backends has filters, so <see cref="ApplyFilters(in RequestView, int)"/> may change something.</summary>
    public bool HasFilters => _rule is { } r && (r.Filters.Count > 0 || Array.Exists(r.Backends, b => b.Filters.Count > 0));

    /// <summary>
    /// For a mesh request to a Service port no route binds to: the mesh's default behaviour applies and the request
    /// goes to the Service itself (spec digest §13). <see cref="Route"/> is then null.
    /// </summary>
    public bool IsMeshDefault { get; private set; }

    internal CompiledRule? Rule => _rule;

    internal string? MatchedPrefix { get; private set; }

    internal int ListenerPort { get; private set; }

    private CompiledRule? _rule;

    // Kind, StatusCode and GrpcStatus are derived on read: from _kind, or (when _lazy) from the matched rule.
    private MatchOutcomeKind _kind;
    private bool _lazy;
    private bool _grpc;
    private bool _stream = true; // a fresh outcome reports StatusCode 0, as before any match

    /// <summary>What a matched rule answers when the request is not a CORS preflight it answers itself.</summary>
    private static MatchOutcomeKind RuleKind(CompiledRule rule)
        => rule.Redirect is not null ? MatchOutcomeKind.Redirect : rule.ValidWeight == 0 ? MatchOutcomeKind.NoBackend : MatchOutcomeKind.Routed;

    internal void SetNotRouted(ListenerResult? listener, bool grpc, bool stream)
    {
        Reset(listener, grpc, stream);
        _kind = MatchOutcomeKind.NotRouted;
    }

    internal void SetMisdirected(ListenerResult? listener, bool grpc)
    {
        Reset(listener, grpc, stream: false);
        _kind = MatchOutcomeKind.Misdirected;
    }

    internal void SetMatched(ListenerResult? listener, int listenerPort, CompiledRule rule, int matchIndex, string? matchedPrefix, in RequestView request, bool grpc, bool stream)
    {
        Reset(listener, grpc, stream);
        _rule = rule;
        RuleIndex = rule.Index;
        MatchIndex = matchIndex;
        MatchedPrefix = matchedPrefix;
        ListenerPort = listenerPort;
        SetRuleKind(rule.Redirect is null && rule.Cors is not null, request);
    }

    /// <summary>
    /// The HTTP hot path, gateway and mesh alike (a mesh match has no listener): everything comes from the candidate;
    /// the rule is stored, not read.
    /// </summary>
    internal void SetMatched(ListenerResult? listener, int listenerPort, in HttpCandidate candidate, CompiledRule rule, in RequestView request)
    {
        // A reused outcome often holds the same listener and prefix already: reading them is cheaper than the GC
        // write barrier of storing a reference.
        IsMeshDefault = false;
        _mesh = false;
        if (!ReferenceEquals(Listener, listener))
        {
            Listener = listener;
        }

        _grpc = false;
        _stream = false;
        _rule = rule;
        RuleIndex = candidate.RuleIndex;
        MatchIndex = candidate.MatchIndex;
        var prefix = candidate.Prefix;
        if (!ReferenceEquals(MatchedPrefix, prefix))
        {
            MatchedPrefix = prefix;
        }

        ListenerPort = listenerPort;
        SetRuleKind(candidate.MayAnswerPreflight, request);
    }

    private void SetRuleKind(bool mayAnswer, in RequestView request)
    {
        // A redirect answers first; then a CORS preflight (which depends on the request, so it is decided now).
        if (mayAnswer && Cors.IsPreflight(request))
        {
            _lazy = false;
            _kind = MatchOutcomeKind.Answered;
        }
        else
        {
            _lazy = true;
        }
    }

    internal void SetMeshDefault(bool grpc)
    {
        Reset(null, grpc, stream: false);
        IsMeshDefault = true;
        _kind = MatchOutcomeKind.Routed;
    }

    private void Reset(ListenerResult? listener, bool grpc, bool stream)
    {
        IsMeshDefault = false;
        _mesh = false;
        if (!ReferenceEquals(Listener, listener))
        {
            Listener = listener;
        }

        _rule = null;
        _lazy = false;
        _grpc = grpc;
        _stream = stream;
        RuleIndex = -1;
        MatchIndex = -1;
        MatchedPrefix = null;
        ListenerPort = 0;
    }

    /// <summary>
    /// Computes what the matched rule's filters do to this request, in filter order (rule-level filters, then
    /// those of the chosen backend): the redirect Location, the rewritten Host and path, request and response header
    /// edits, mirrors and CORS headers (spec digest §12). Allocates; plain matching does not call it.
    /// </summary>
    /// <param name="request">The request that was matched.</param>
    /// <param name="backendIndex">The chosen backend, whose own filters then run too; −1 for none.</param>
    /// <returns>The effect; an empty effect when no rule matched.</returns>
    public FilterEffect ApplyFilters(in RequestView request, int backendIndex = -1) => FilterEffect.Compute(this, request, backendIndex);
}
