using PolicyAttach.Binding;
using PolicyAttach.Ingresses;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.Policies;

namespace PolicyAttach.Cli.Matching;

/// <summary>A backend in an answer.</summary>
internal sealed record AnswerBackend(BackendReference Ref, int Weight, bool Valid, string? Reason);

/// <summary>A mirror in an answer.</summary>
internal sealed record AnswerMirror(BackendReference Ref, double Percent, bool Valid);

/// <summary>The request as forwarded to the backend.</summary>
internal sealed record ForwardedRequest(string Method, string Host, string Path, IReadOnlyList<RequestHeader> Headers);

/// <summary>
/// The answer to one request, the data behind both the JSON line of the contract and the text form. Either
/// <see cref="Error"/> is set (the request could not be answered) or the outcome fields are.
/// </summary>
internal sealed record MatchAnswer
{
    public string? IdJson { get; init; }

    public string? Error { get; init; }

    public MatchRequest? Request { get; init; }

    public string Outcome { get; init; } = "notRouted";

    public int? StatusCode { get; init; }

    public int? GrpcStatus { get; init; }

    public ListenerResult? Listener { get; init; }

    public RouteBase? Route { get; init; }

    /// <summary>The key of what matched when it is not <see cref="Route"/>'s (an Ingress), or null.</summary>
    public ResourceKey? RouteKey { get; init; }

    /// <summary>For an Ingress request, the Ingress rule and path that matched, or null.</summary>
    public IngressMatch? IngressMatch { get; init; }

    public int RuleIndex { get; init; } = -1;

    public string? RuleName { get; init; }

    public IReadOnlyList<AnswerBackend> Backends { get; init; } = [];

    /// <summary>The backend whose filters ran and that the forwarded request goes to, or −1.</summary>
    public int ChosenBackend { get; init; } = -1;

    public ForwardedRequest? Forwarded { get; init; }

    public IReadOnlyList<HttpHeader> ResponseSet { get; init; } = [];

    public IReadOnlyList<HttpHeader> ResponseAdd { get; init; } = [];

    public IReadOnlyList<string> ResponseRemove { get; init; } = [];

    public (int StatusCode, string Location)? Redirect { get; init; }

    public IReadOnlyList<AnswerMirror> Mirrors { get; init; } = [];

    public EffectivePolicies Policies { get; init; } = EffectivePolicies.None;

    /// <summary>True when a mesh request went to the Service itself because no route binds to its port.</summary>
    public bool MeshDefault { get; init; }
}

/// <summary>
/// Answers <c>policyattach match</c> requests over one evaluation: the routing tables are compiled once, then each
/// request is matched and its filter effects computed. Shared by the command and the conformance harness, so both
/// produce the same JSON.
/// </summary>
internal sealed class MatchSession
{
    private readonly MatchOutcome _outcome = new();
    private readonly Dictionary<string, IngressRoutingTable> _ingressTables = new(StringComparer.Ordinal);

    public MatchSession(EvaluationResult result)
    {
        Result = result;
        Table = RoutingTable.Compile(result);
    }

    public EvaluationResult Result { get; }

    public RoutingTable Table { get; }

    /// <summary>The Ingress routing of one class, compiled on first use and kept for the session.</summary>
    /// <param name="className">The class name.</param>
    /// <returns>The table.</returns>
    public IngressRoutingTable IngressTable(string className)
    {
        if (!_ingressTables.TryGetValue(className, out var table))
        {
            table = IngressRoutingTable.Compile(Result.Snapshot, IngressOwner.Class(className));
            _ingressTables[className] = table;
        }

        return table;
    }

    /// <summary>Answers one JSON line: the outcome line, or an error line (and the error) when it cannot be answered.</summary>
    /// <param name="line">The request line.</param>
    /// <param name="error">Why the line was not answered, or null.</param>
    /// <returns>The JSON line (without a newline).</returns>
    public string AnswerLine(string line, out string? error)
    {
        if (!MatchRequest.TryParse(line, out var request, out error))
        {
            return MatchJson.Write(new MatchAnswer { IdJson = request.IdJson, Error = error, Outcome = "error" });
        }

        var answer = Answer(request);
        error = answer.Error;
        return MatchJson.Write(answer);
    }

    /// <summary>Answers one request.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The answer.</returns>
    public MatchAnswer Answer(MatchRequest request)
    {
        switch (request.Target)
        {
            case MatchTarget.Ingress:
                return AnswerIngress(request);
            case MatchTarget.Gateway:
            {
                if (Table.FindGateway(request.TargetKey) is not { } gateway)
                {
                    return Fail(request, Result.Snapshot.Find<Gateway>(request.TargetKey) is null
                        ? $"no Gateway {request.Namespace}/{request.Name} in the input"
                        : $"Gateway {request.Namespace}/{request.Name} is not of a GatewayClass of this controller");
                }

                var view = View(request);
                gateway.Match(view, _outcome);
                return Build(request, view);
            }

            default:
            {
                if (request.IsStream)
                {
                    return Fail(request, $"mesh requests are http, https or grpc, not {MatchRequest.ProtocolName(request.Protocol)}");
                }

                var service = Result.Snapshot.Find<Service>(request.TargetKey);
                if (Table.FindService(request.TargetKey) is not { } mesh)
                {
                    return service is null
                        ? Fail(request, $"no Service {request.Namespace}/{request.Name} in the input")
                        : MeshDefault(request);
                }

                var view = View(request);
                mesh.Match(view, _outcome);
                return _outcome.IsMeshDefault ? MeshDefault(request) : Build(request, view);
            }
        }
    }

    private MatchAnswer AnswerIngress(MatchRequest request)
    {
        var className = request.IngressClass ?? string.Empty;
        if (className.Length == 0)
        {
            return Fail(request, "\"ingressClass\" must not be empty");
        }

        var table = IngressTable(className);
        if (table.Ingresses.Count == 0 && !Result.Snapshot.OfType<IngressClass>().Any(c => string.Equals(c.Name, className, StringComparison.Ordinal)))
        {
            return Fail(request, $"no IngressClass {className} and no Ingress of that class in the input");
        }

        var view = View(request);
        var o = _outcome;
        table.Match(view, o);
        var outcome = o.Kind switch
        {
            MatchOutcomeKind.Routed => "routed",
            MatchOutcomeKind.NoBackend => "noBackend",
            _ => "notRouted",
        };
        var routed = o.Kind == MatchOutcomeKind.Routed;
        return new MatchAnswer
        {
            IdJson = request.IdJson,
            Request = request,
            Outcome = outcome,
            StatusCode = request.IsStream ? null : o.StatusCode,
            GrpcStatus = o.GrpcStatus,
            Route = o.Route,
            RouteKey = o.RouteKey,
            IngressMatch = table.Describe(o),
            RuleIndex = o.RuleIndex,
            Backends = o.Backends.Select(b => new AnswerBackend(b.BackendRef, b.Weight, b.IsValid, b.Reason)).ToList(),
            ChosenBackend = routed ? 0 : -1,
            Forwarded = routed ? new ForwardedRequest(request.Method, request.Host, request.Path, request.Headers) : null,
        };
    }

    private static MatchAnswer Fail(MatchRequest request, string error)
        => new() { IdJson = request.IdJson, Request = request, Error = error, Outcome = "error" };

    private static MatchAnswer MeshDefault(MatchRequest request)
    {
        var grpc = request.Protocol == RequestProtocol.Grpc;
        var backend = new BackendReference { Name = request.Name, Namespace = request.Namespace, Port = request.Port };
        return new MatchAnswer
        {
            IdJson = request.IdJson,
            Request = request,
            Outcome = "routed",
            StatusCode = 200,
            GrpcStatus = grpc ? GrpcStatusCodes.Ok : null,
            Backends = [new AnswerBackend(backend, 1, true, null)],
            ChosenBackend = 0,
            Forwarded = new ForwardedRequest(request.Method, request.Host, request.Path, request.Headers),
            MeshDefault = true,
        };
    }

    private static RequestView View(MatchRequest request)
    {
        var view = new RequestView(request.Protocol, request.Port, request.Method, request.Host, request.Path, request.Headers)
        {
            Sni = request.Sni,
            ClientNamespace = request.ClientNamespace,
        };
        if (request.Protocol == RequestProtocol.Grpc && !string.IsNullOrEmpty(request.Sni))
        {
            view = view with { Scheme = "https" };
        }

        if (request.GrpcService is not null)
        {
            view = view with { GrpcService = request.GrpcService, GrpcMethod = request.GrpcMethod };
        }

        return view;
    }

    private MatchAnswer Build(MatchRequest request, in RequestView view)
    {
        var o = _outcome;
        var backends = o.Backends.Select(b => new AnswerBackend(b.BackendRef, b.Weight, b.IsValid, b.Reason)).ToList();
        var outcome = o.Kind switch
        {
            MatchOutcomeKind.Routed => "routed",
            MatchOutcomeKind.Misdirected => "misdirected",
            MatchOutcomeKind.Redirect => "redirect",
            MatchOutcomeKind.NoBackend => "noBackend",
            MatchOutcomeKind.Answered => "answered",
            _ => "notRouted",
        };
        var answer = new MatchAnswer
        {
            IdJson = request.IdJson,
            Request = request,
            Outcome = outcome,
            StatusCode = request.IsStream ? null : o.StatusCode,
            GrpcStatus = o.GrpcStatus,
            Listener = o.Listener,
            Route = o.Route,
            RuleIndex = o.RuleIndex,
            RuleName = o.RuleName,
            Backends = backends,
            ChosenBackend = o.Kind == MatchOutcomeKind.Routed ? o.ChosenBackend : -1,
            Policies = o.Policies,
        };
        if (o.Route is null || request.IsStream)
        {
            return answer;
        }

        var effect = o.ApplyFilters(view, o.ChosenBackend);
        var forwarded = o.Kind == MatchOutcomeKind.Routed
            ? new ForwardedRequest(request.Method, effect.Host, effect.PathAndQuery, effect.RequestHeaders)
            : null;
        return answer with
        {
            Forwarded = forwarded,
            ResponseSet = o.Kind == MatchOutcomeKind.Answered ? effect.PreflightHeaders : o.Kind == MatchOutcomeKind.Routed ? effect.ResponseSet : [],
            ResponseAdd = o.Kind == MatchOutcomeKind.Routed ? effect.ResponseAdd : [],
            ResponseRemove = o.Kind == MatchOutcomeKind.Routed ? effect.ResponseRemove : [],
            Redirect = effect.RedirectStatusCode is { } code && effect.Location is { } location ? (code, location) : null,
            Mirrors = o.Kind == MatchOutcomeKind.Routed ? effect.Mirrors.Select(m => new AnswerMirror(m.BackendRef, m.Share * 100, m.IsValid)).ToList() : [],
        };
    }
}
