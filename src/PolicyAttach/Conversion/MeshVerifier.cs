using System.Globalization;
using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Matching;
using PolicyAttach.Model;

namespace PolicyAttach.Conversion;

/// <summary>A request the source and the converted objects answer differently, with where it was sent and why it may differ.</summary>
public sealed record VerifiedDifference
{
    /// <summary>The request and both answers, in the shared terms of verification.</summary>
    public required RoutingDifference Difference { get; init; }

    /// <summary>Where the request was sent: <c>gateway ns/name</c>, or <c>service ns/name from ns</c>.</summary>
    public required string Target { get; init; }

    /// <summary>The source rule that decided, or null when none matched.</summary>
    public RuleOrigin? SourceRule { get; init; }

    /// <summary>The source rule the matched output rule carries, or null when none matched.</summary>
    public RuleOrigin? ConvertedRule { get; init; }

    /// <summary>The report's issues (approximated or dropped, affecting routing) on the rules or objects involved: why they differ.</summary>
    public EquatableArray<ConversionIssue> Explanations { get; init; } = [];

    /// <summary>Whether the report already says this request may be routed differently.</summary>
    public bool Explained => Explanations.Count > 0;
}

/// <summary>
/// Whether an issue of a conversion report on an object other than the deciding rules' concerns a request: the
/// request sent, the source's answer and the converted objects' answer.
/// </summary>
internal delegate bool ExplanationScope(ConversionIssue issue, TargetedProbe probe, RoutingAnswer expected, RoutingAnswer actual);

/// <summary>The outcome of a verification: how many requests were sent, and those answered differently.</summary>
/// <param name="Requests">The number of requests sent.</param>
/// <param name="Differences">The requests answered differently, in the order sent.</param>
public sealed record MeshVerificationResult(int Requests, EquatableArray<VerifiedDifference> Differences)
{
    /// <summary>Whether every request was answered the same way.</summary>
    public bool Clean => Differences.Count == 0;
}

/// <summary>
/// The verification loop of the mesh-API converters, on the shared one (<see cref="ConversionVerifier"/>): the engine
/// evaluates the converted objects once (binding, statuses and the compiled tables <c>policyattach match</c> uses);
/// each probe goes to a Gateway (HTTP, HTTPS, TLS or TCP) or to a Service from a client namespace (GAMMA), is
/// answered by the source's model and by the tables, and every probe answered differently is kept with the report's
/// issues that explain it.
/// </summary>
internal static class MeshVerifier
{
    private static readonly string[] RuleLists = ["spec.http[", "spec.tls[", "spec.tcp[", "spec.servers["];

    /// <param name="input">The input that was converted.</param>
    /// <param name="result">The conversion.</param>
    /// <param name="probes">The requests to send.</param>
    /// <param name="source">The source's model: its answer and the rule that decided.</param>
    /// <param name="controllerName">The controller the output is evaluated for.</param>
    /// <param name="concerns">
    /// Whether an issue on an object other than the deciding rules' (an Istio Gateway's server, a DestinationRule)
    /// concerns the request sent and the answers given; null when no such issue can explain a difference.
    /// </param>
    public static MeshVerificationResult Run(Snapshot input, ConversionResult result, IReadOnlyList<TargetedProbe> probes, Func<TargetedProbe, (RoutingAnswer Answer, RuleOrigin? Origin)> source, string controllerName, ExplanationScope? concerns = null)
    {
        var answerer = new TableAnswerer(input, result, controllerName);
        var differences = new List<VerifiedDifference>();
        foreach (var probe in probes)
        {
            var (expected, expectedOrigin) = source(probe);
            var (actual, actualOrigin) = answerer.Answer(probe);
            var aspects = ConversionVerifier.Differences(expected, actual);
            if (aspects.Count == 0)
            {
                continue;
            }

            differences.Add(new VerifiedDifference
            {
                Difference = new RoutingDifference(probe.Request, expected, actual, aspects),
                Target = probe.Target,
                SourceRule = expectedOrigin,
                ConvertedRule = actualOrigin,
                Explanations = Explain(result.Report, probe, expectedOrigin, actualOrigin, (expected, actual), concerns),
            });
        }

        return new MeshVerificationResult(probes.Count, differences.ToEquatableArray());
    }

    /// <summary>
    /// The routing-affecting issues that may explain a difference: those on either deciding rule (on the rule, inside
    /// it, on an ancestor of it, or on its object's fields outside the rule lists, such as its hosts), and those on
    /// other objects that <paramref name="concerns"/> says the request exercises. An issue elsewhere on the same
    /// Gateway (another server, another host) explains nothing about this request.
    /// </summary>
    internal static EquatableArray<ConversionIssue> Explain(ConversionReport report, TargetedProbe probe, RuleOrigin? a, RuleOrigin? b, (RoutingAnswer Expected, RoutingAnswer Actual)? answers = null, ExplanationScope? concerns = null)
        => report.Issues.Where(n => n.AffectsRouting && n.Outcome != ConversionOutcome.Carried && (Involves(n, a) || Involves(n, b)
                || (concerns is not null && answers is { } x && concerns(n, probe, x.Expected, x.Actual))))
            .ToEquatableArray();

    private static bool Involves(ConversionIssue note, RuleOrigin? origin)
    {
        if (origin is null)
        {
            return false;
        }

        if (note.Subject != origin.Source || note.Field is not { } field)
        {
            return Involves(note, origin.Via);
        }

        // Notes on the rule or inside it, on an ancestor, or on the object's other fields than its rule lists (an
        // Istio Gateway's servers are such a list: a rule of the Gateway itself, httpsRedirect, is one server's).
        return field.StartsWith(origin.Field, StringComparison.Ordinal) || origin.Field.StartsWith(field, StringComparison.Ordinal)
            || !RuleLists.Any(list => field.StartsWith(list, StringComparison.Ordinal))
            || Involves(note, origin.Via);
    }

    /// <summary>The converted side: answers probes for any Gateway or Service from one evaluation.</summary>
    private sealed class TableAnswerer
    {
        private readonly RoutingTable _table;
        private readonly Snapshot _converted;
        private readonly ConversionResult _result;
        private readonly MatchOutcome _outcome = new();

        public TableAnswerer(Snapshot input, ConversionResult result, string controllerName)
        {
            _converted = Snapshot.Create(input.Objects.Concat(result.Objects).Concat(result.EvaluationClasses));
            _table = RoutingTable.Compile(Evaluator.Evaluate(_converted, new EvaluationOptions { ControllerNames = [controllerName] }));
            _result = result;
        }

        public (RoutingAnswer Answer, RuleOrigin? Origin) Answer(TargetedProbe probe)
        {
            var request = probe.Request;
            if (probe.Service is { } service && _table.FindService(service) is null)
            {
                // No route binds to the Service: the mesh's default, the Service itself.
                return (ToService(_converted.Find<Service>(service), service, probe.Port), null);
            }

            if (probe.Gateway is { } source && (!_result.Gateways.TryGetValue(source, out var key) || _table.FindGateway(key) is null))
            {
                return (Refused(probe), null);
            }

            return request.WithView((in RequestView view) => Match(view, probe, request));
        }

        private (RoutingAnswer, RuleOrigin?) Match(in RequestView view, TargetedProbe probe, RequestProbe request)
        {
            if (probe.Service is { } service)
            {
                var mesh = _table.FindService(service)!;
                var withClient = new RequestView(view.Protocol, view.Port, view.Method, view.Authority, view.PathAndQuery, view.Headers) { ClientNamespace = probe.ClientNamespace };
                mesh.Match(withClient, _outcome);
                if (_outcome.IsMeshDefault)
                {
                    return (ToService(_converted.Find<Service>(service), service, probe.Port), null);
                }
            }
            else
            {
                _table.FindGateway(_result.Gateways[probe.Gateway!.Value])!.Match(view, _outcome);
            }

            var origin = _outcome.RouteKey is { } route && _result.RuleOrigins.TryGetValue((route, _outcome.RuleIndex), out var o) ? o : null;
            if (probe.Protocol is RequestProtocol.Tls or RequestProtocol.Tcp)
            {
                return _outcome.Kind == MatchOutcomeKind.Routed
                    ? (new RoutingAnswer { Status = 200, Backends = _outcome.Backends.Select(b => new AnsweredBackend(GatewayAnswerer.Name(b.BackendRef), b.IsValid ? b.BackendRef.Weight : 0)).ToEquatableArray(), Note = "connection forwarded" }, origin)
                    : (Refused(probe), origin);
            }

            return (GatewayAnswerer.FromOutcome(_outcome, view, request, effects: true), origin);
        }
    }

    /// <summary>A request the mesh leaves to the Service itself (no route binds to it).</summary>
    internal static RoutingAnswer ToService(Service? svc, ResourceKey service, int port)
        => svc?.FindPort(port) is null
            ? new RoutingAnswer { Status = 503, Note = "the Service has no such port" }
            : new RoutingAnswer { Status = 200, Backends = [new AnsweredBackend($"{service.Namespace}/{service.Name}:{port.ToString(CultureInfo.InvariantCulture)}", 1)], Note = "the Service itself (no route)" };

    /// <summary>No listener, no rule: 404 for HTTP; for a TLS or TCP connection, a refused connection (status 0).</summary>
    internal static RoutingAnswer Refused(TargetedProbe probe)
        => probe.Protocol is RequestProtocol.Tls or RequestProtocol.Tcp ? new RoutingAnswer { Status = 0, Note = "connection refused" } : new RoutingAnswer { Status = 404, Note = "no route" };
}
