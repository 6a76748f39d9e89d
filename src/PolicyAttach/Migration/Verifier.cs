using System.Globalization;
using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Snapshots;

namespace PolicyAttach.Migration;

/// <summary>A request the source and the converted objects answer differently.</summary>
public sealed record VerificationDifference
{
    /// <summary>The request, as one line (method, URL, headers, where it was sent, what it exercises).</summary>
    public required string Request { get; init; }

    /// <summary>What the source does with it (outcome, backends, redirect).</summary>
    public required string Source { get; init; }

    /// <summary>What the converted objects do with it.</summary>
    public required string Converted { get; init; }

    /// <summary>Each field that differs, as <c>field: source → converted</c>.</summary>
    public required EquatableArray<string> Fields { get; init; }

    /// <summary>The source rule that decided, or null when none matched.</summary>
    public RuleOrigin? SourceRule { get; init; }

    /// <summary>The source rule the matched output rule carries, or null when none matched.</summary>
    public RuleOrigin? ConvertedRule { get; init; }

    /// <summary>The report's notes (approximated or dropped, affecting routing) on the rules or objects involved: why they differ.</summary>
    public EquatableArray<FieldNote> Explanations { get; init; } = [];

    /// <summary>Whether the report already says this request may be routed differently.</summary>
    public bool Explained => Explanations.Count > 0;
}

/// <summary>The outcome of a verification: how many requests were sent, and those answered differently.</summary>
/// <param name="Requests">The number of requests sent.</param>
/// <param name="Differences">The requests answered differently, in the order sent.</param>
public sealed record VerificationResult(int Requests, EquatableArray<VerificationDifference> Differences)
{
    /// <summary>Whether every request was answered the same way.</summary>
    public bool Clean => Differences.Count == 0;
}

/// <summary>
/// The verification loop shared by the converters: evaluates the converted objects with the engine (binding,
/// statuses and the compiled routing tables that <c>policyattach match</c> uses), answers each probe with the
/// source's model and with the tables, and lists every probe answered differently.
/// </summary>
internal static class Verifier
{
    public static VerificationResult Run(Snapshot input, MigrationResult result, IReadOnlyList<Probe> probes, Func<Probe, RoutingAnswer> source, string controllerName)
    {
        var converted = Snapshot.Create(input.Objects.Concat(result.Objects).Concat(result.EvaluationClasses));
        var evaluation = Evaluator.Evaluate(converted, new EvaluationOptions { ControllerNames = [controllerName] });
        var table = RoutingTable.Compile(evaluation);
        var differences = new List<VerificationDifference>();
        foreach (var probe in probes)
        {
            var expected = source(probe);
            var actual = Answer(table, converted, result, probe);
            var fields = RoutingAnswer.Differences(expected, actual);
            if (fields.Count == 0)
            {
                continue;
            }

            differences.Add(new VerificationDifference
            {
                Request = probe.ToString(),
                Source = expected.ToString(),
                Converted = actual.ToString(),
                Fields = fields.ToEquatableArray(),
                SourceRule = expected.Origin,
                ConvertedRule = actual.Origin,
                Explanations = Explain(result.Report, probe, expected.Origin, actual.Origin, fields),
            });
        }

        return new VerificationResult(probes.Count, differences.ToEquatableArray());
    }

    /// <summary>The routing-affecting notes that may explain a difference: on either rule, on the objects' other fields, on the gateway.</summary>
    internal static EquatableArray<FieldNote> Explain(MigrationReport report, Probe probe, RuleOrigin? a, RuleOrigin? b, IReadOnlyList<string> fields)
    {
        var backends = fields.Any(f => f.StartsWith("backends", StringComparison.Ordinal));
        return report.Notes.Where(n => n.AffectsRouting && n.Fate != FieldFate.Carried && (Involves(n, a) || Involves(n, b)
                || (probe.Gateway is { } g && n.Source == g)
                || (backends && n.Source.Kind == "DestinationRule")))
            .ToEquatableArray();

        static bool Involves(FieldNote note, RuleOrigin? origin)
        {
            if (origin is null)
            {
                return false;
            }

            if (note.Source != origin.Source)
            {
                return Involves(note, origin.Via);
            }

            // Notes on the rule or inside it, on an ancestor, or on the object's other fields than its rule lists.
            return note.Field.StartsWith(origin.Field, StringComparison.Ordinal) || origin.Field.StartsWith(note.Field, StringComparison.Ordinal)
                || !(note.Field.StartsWith("spec.http[", StringComparison.Ordinal) || note.Field.StartsWith("spec.tls[", StringComparison.Ordinal) || note.Field.StartsWith("spec.tcp[", StringComparison.Ordinal));
        }
    }

    /// <summary>What the converted objects do with a probe, in the terms of <see cref="RoutingAnswer"/>.</summary>
    private static RoutingAnswer Answer(RoutingTable table, Snapshot converted, MigrationResult result, Probe probe)
    {
        var headers = probe.AllHeaders();
        var view = new RequestView(probe.Protocol, probe.Port, probe.Method, probe.Authority, probe.PathAndQuery, headers)
        {
            Sni = probe.Protocol is RequestProtocol.Https or RequestProtocol.Tls ? probe.Sni ?? probe.Host : default,
            ClientNamespace = probe.ClientNamespace,
        };
        MatchOutcome outcome;
        if (probe.Gateway is { } source)
        {
            if (!result.Gateways.TryGetValue(source, out var key) || table.FindGateway(key) is not { } gateway)
            {
                return Missing(probe);
            }

            outcome = gateway.Match(view);
        }
        else if (probe.Service is { } service)
        {
            if (table.FindService(service) is not { } mesh)
            {
                var svc = converted.Find<Service>(service);
                return svc?.FindPort(probe.Port) is null
                    ? new RoutingAnswer { Outcome = RoutingAnswer.NoBackend, Backends = [new AnswerBackend($"{service.Namespace}/{service.Name}:{probe.Port.ToString(CultureInfo.InvariantCulture)}", 1, false)] }
                    : new RoutingAnswer { Outcome = RoutingAnswer.Routed, Backends = [new AnswerBackend($"{service.Namespace}/{service.Name}:{probe.Port.ToString(CultureInfo.InvariantCulture)}", 1, true)] };
            }

            outcome = mesh.Match(view);
            if (outcome.IsMeshDefault)
            {
                return new RoutingAnswer { Outcome = RoutingAnswer.Routed, Backends = [new AnswerBackend($"{service.Namespace}/{service.Name}:{probe.Port.ToString(CultureInfo.InvariantCulture)}", 1, true)] };
            }
        }
        else
        {
            return Missing(probe);
        }

        var origin = outcome.RouteKey is { } route && result.RuleOrigins.TryGetValue((route, outcome.RuleIndex), out var o) ? o : null;
        var backends = RoutingAnswer.Normalize(outcome.Backends.Select(b => new AnswerBackend(
            $"{b.BackendRef.Namespace}/{b.BackendRef.Name}:{b.BackendRef.Port?.ToString(CultureInfo.InvariantCulture) ?? "?"}", b.Weight, b.IsValid)));
        switch (outcome.Kind)
        {
            case MatchOutcomeKind.NotRouted:
                return Missing(probe) with { Origin = origin };
            case MatchOutcomeKind.Misdirected:
                return new RoutingAnswer { Outcome = "misdirected", Status = 421, Origin = origin };
            case MatchOutcomeKind.Answered:
                return new RoutingAnswer { Outcome = "answered", Status = outcome.StatusCode, Origin = origin };
            case MatchOutcomeKind.Redirect:
                return new RoutingAnswer { Outcome = RoutingAnswer.Redirect, Status = outcome.StatusCode, Location = outcome.ApplyFilters(view).Location, Origin = origin };
            case MatchOutcomeKind.NoBackend:
                return new RoutingAnswer { Outcome = RoutingAnswer.NoBackend, Backends = backends, Origin = origin };
        }

        if (probe.Protocol is RequestProtocol.Tls or RequestProtocol.Tcp)
        {
            return new RoutingAnswer { Outcome = RoutingAnswer.Routed, Backends = backends, Origin = origin };
        }

        var effect = outcome.ApplyFilters(view, outcome.ChosenBackend);
        return new RoutingAnswer
        {
            Outcome = RoutingAnswer.Routed,
            Backends = backends,
            ForwardedHost = effect.Host,
            ForwardedPath = effect.PathAndQuery,
            RequestHeaders = effect.RequestHeaders.Select(h => $"{h.Name.ToLowerInvariant()}: {h.Value}").Order(StringComparer.Ordinal).ToEquatableArray(),
            ResponseHeaderEdits = effect.ResponseSet.Select(h => $"set {h.Name.ToLowerInvariant()}: {h.Value}")
                .Concat(effect.ResponseAdd.Select(h => $"add {h.Name.ToLowerInvariant()}: {h.Value}"))
                .Concat(effect.ResponseRemove.Select(n => $"remove {n.ToLowerInvariant()}"))
                .Order(StringComparer.Ordinal).ToEquatableArray(),
            Mirrors = effect.Mirrors.Select(m => $"{m.BackendRef.Namespace}/{m.BackendRef.Name}:{m.BackendRef.Port?.ToString(CultureInfo.InvariantCulture) ?? "?"} {(m.Share * 100).ToString("0.####", CultureInfo.InvariantCulture)}%")
                .Order(StringComparer.Ordinal).ToEquatableArray(),
            Origin = origin,
        };
    }

    private static RoutingAnswer Missing(Probe probe)
        => probe.Protocol is RequestProtocol.Tls or RequestProtocol.Tcp
            ? new RoutingAnswer { Outcome = RoutingAnswer.Rejected }
            : new RoutingAnswer { Outcome = RoutingAnswer.NotFound, Status = 404 };
}
