using System.Globalization;
using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Conversion;

/// <summary>
/// The converted side of verification: the engine evaluates the converted objects (with the rest of the input),
/// compiles the routing tables, and answers each probe with <c>match</c> on one Gateway: the outcome's status, the
/// redirect Location, the backends and weights of the matched rule, and the request as its filters forward it.
/// </summary>
public sealed class GatewayAnswerer
{
    private readonly GatewayRoutingTable? _table;
    private readonly MatchOutcome _outcome = new();

    private GatewayAnswerer(GatewayRoutingTable? table) => _table = table;

    /// <summary>Evaluates the objects and prepares to answer for one Gateway.</summary>
    /// <param name="snapshot">The input with the converted objects.</param>
    /// <param name="options">The evaluation options (the controller the Gateway's class names).</param>
    /// <param name="gateway">The Gateway whose listeners receive the probes.</param>
    /// <returns>The answerer; when the Gateway is not programmed, every probe gets 404.</returns>
    public static GatewayAnswerer Create(Snapshot snapshot, EvaluationOptions options, ResourceKey gateway)
    {
        Guard.NotNull(snapshot);
        Guard.NotNull(options);
        var result = Evaluator.Evaluate(snapshot, options);
        return new GatewayAnswerer(RoutingTable.Compile(result).FindGateway(gateway));
    }

    /// <summary>Answers one probe.</summary>
    /// <param name="probe">The request.</param>
    /// <returns>The answer.</returns>
    public RoutingAnswer Answer(RequestProbe probe)
    {
        Guard.NotNull(probe);
        if (_table is null)
        {
            return new RoutingAnswer { Status = 404, Note = "the Gateway is not programmed" };
        }

        return probe.WithView((in RequestView view) => Answer(view, probe));
    }

    private RoutingAnswer Answer(in RequestView view, RequestProbe probe)
    {
        _table!.Match(view, _outcome);
        var o = _outcome;
        var where = o.RouteKey is { } key ? $"{key.Kind} {key.Namespace}/{key.Name} rule {o.RuleIndex.ToString(CultureInfo.InvariantCulture)}" : "no route";
        switch (o.Kind)
        {
            case MatchOutcomeKind.Redirect:
                var redirect = o.ApplyFilters(view);
                return new RoutingAnswer { Status = o.StatusCode, Location = redirect.Location, Note = where };
            case MatchOutcomeKind.Routed:
            case MatchOutcomeKind.NoBackend:
                var effect = o.ApplyFilters(view, o.ChosenBackend);
                var original = probe.Headers;
                var set = effect.RequestHeaders
                    .Where(h => !string.Equals(h.Name, "Host", StringComparison.OrdinalIgnoreCase) && !original.Any(x => string.Equals(x.Name, h.Name, StringComparison.OrdinalIgnoreCase) && x.Value == h.Value))
                    .Select(h => new HttpHeader(h.Name, h.Value))
                    .OrderBy(h => h.Name, StringComparer.OrdinalIgnoreCase)
                    .ToEquatableArray();
                return new RoutingAnswer
                {
                    Status = o.StatusCode == 0 ? 200 : o.StatusCode,
                    Backends = o.Backends.Select(b => new AnsweredBackend(Name(b.BackendRef), b.IsValid ? b.BackendRef.Weight : 0)).ToEquatableArray(),
                    PathAndQuery = effect.PathAndQuery,
                    Host = effect.Host,
                    SetHeaders = set,
                    Note = where,
                };
            case MatchOutcomeKind.Answered:
                return new RoutingAnswer { Status = o.StatusCode, Note = where + ", CORS preflight answered" };
            default:
                return new RoutingAnswer { Status = o.StatusCode == 0 ? 404 : o.StatusCode, Note = where };
        }
    }

    /// <summary><c>namespace/name:port</c>, the backend form answers use.</summary>
    /// <param name="reference">The backend.</param>
    /// <returns>The name.</returns>
    public static string Name(BackendReference reference)
    {
        Guard.NotNull(reference);
        return reference.Port is { } port ? $"{reference.Namespace}/{reference.Name}:{port.ToString(CultureInfo.InvariantCulture)}" : $"{reference.Namespace}/{reference.Name}";
    }
}
