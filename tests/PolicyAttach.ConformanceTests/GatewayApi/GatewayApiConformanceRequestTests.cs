using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using PolicyAttach.Binding;
using PolicyAttach.Cli.Matching;
using Xunit.Abstractions;

namespace PolicyAttach.ConformanceTests.GatewayApi;

/// <summary>
/// Every <c>requests[]</c> expectation of level <c>routing</c> or <c>filter</c> and phase <c>initial</c> of the
/// Gateway and Mesh profile tests of the Gateway API conformance corpus, sent as a request JSON line through the
/// code of <c>policyattach match</c> (<see cref="MatchSession.AnswerLine"/>) and checked on the JSON outcome line.
/// </summary>
public sealed class GatewayApiConformanceRequestTests(ITestOutputHelper output)
{
    private static readonly string[] Levels = ["routing", "filter"];

    /// <summary>
    /// Expectations this harness does not check, with the reason. Keep it small (at most 5% of the checked
    /// expectations) and principled: never list an expectation only because the matcher fails it today.
    /// </summary>
    private static readonly Dictionary<string, string> Skipped = new(StringComparer.Ordinal)
    {
        ["HTTPRouteServiceTypes/r1"] = "the expected backend is the pod behind a selector-less Service whose EndpointSlices the suite fills with infra-backend-v1 pod addresses at run time; the manifests hold no link from the Service to that Deployment, and match answers with the Service.",
        ["HTTPRouteServiceTypes/r2"] = "as r1, for a headless selector-less Service with EndpointSlices filled at run time.",
        ["HTTPRouteServiceTypes/r3"] = "the expected backend is a pod selected by the headless Service 'headless' (selector app: infra-backend-v1); match answers with the Service and the harness names backends by Service, not by pod selector.",
        ["MeshFrontend/r2"] = "the request goes to a pod IP address (\"<pod IP of an echo-v2 pod>\"), not to a Service: no route applies by design, and match takes a Gateway or Service target only.",
    };

    /// <summary>The run over the corpus, computed once per test process and shared with the conformance report.</summary>
    internal static Lazy<RequestRun> Shared { get; } = new(Compute, LazyThreadSafetyMode.ExecutionAndPublication);

    [CorpusFact]
    public void Requests_EveryInitialRoutingAndFilterExpectation_IsMet()
    {
        var (results, loadErrors, knownIds) = Shared.Value;
        var total = results.Count;
        var met = results.Count(r => r.Problems is { Count: 0 });
        var skipped = results.Count(r => r.SkipReason is not null);
        var unmet = results.Where(r => r.Problems is { Count: > 0 }).ToList();
        var summary = string.Create(CultureInfo.InvariantCulture, $"conformance requests: {met}/{total} met, {skipped} skipped");
        output.WriteLine(summary);
        Console.WriteLine(summary);

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"== unmet expectations ({unmet.Count}) ==");
        foreach (var u in unmet)
        {
            report.AppendLine(u.Id);
            u.Problems!.ForEach(p => report.AppendLine("    " + p));
            report.AppendLine("    request: " + u.Line);
            report.AppendLine("    outcome: " + u.Outcome);
        }

        SkipList.AppendSkippedAndLoadErrors(report, skipped, results.Select(r => (r.Id, r.SkipReason)), loadErrors);

        output.WriteLine(report.ToString());
        if (Environment.GetEnvironmentVariable("POLICYATTACH_REQUEST_REPORT") is { Length: > 0 } reportPath)
        {
            File.WriteAllText(reportPath, summary + "\n" + report);
        }

        SkipList.AssertSound(Skipped, knownIds, total, "initial routing or filter request expectations");
        Assert.True(unmet.Count == 0, $"{summary}; {unmet.Count} unmet expectations, see the test output");
    }

    private static RequestRun Compute()
    {
        var corpus = new ConformanceCorpus(CorpusFactAttribute.CorpusRoot!);
        var options = new EvaluationOptions { ControllerNames = [ConformanceCorpus.ControllerName], SupportedFeatures = Features.All };
        var results = new List<RequestOutcome>();
        var loadErrors = new List<string>();
        var knownIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var test in corpus.Tests("gateway").Concat(corpus.Tests("mesh")))
        {
            var name = test["name"]!.GetValue<string>();
            var requests = test["requests"]?.AsArray().OfType<JsonObject>()
                .Where(r => r["phase"]?.GetValue<string>() == "initial" && Levels.Contains(r["level"]?.GetValue<string>()))
                .ToList() ?? [];
            knownIds.UnionWith(requests.Select(r => r["id"]!.GetValue<string>()));
            if (requests.Count == 0)
            {
                continue;
            }

            var notApplicable = ConformanceCorpus.NotApplicable(test["onlyIf"]?.GetValue<string>());
            MatchSession? session = null;
            foreach (var expectation in requests)
            {
                var id = expectation["id"]!.GetValue<string>();
                var line = RequestLines.Build(expectation);
                var lineText = line.ToJsonString();
                var skip = notApplicable ?? Skipped.GetValueOrDefault(id);
                if (skip is not null)
                {
                    results.Add(new RequestOutcome(name, id, null, skip, lineText, null));
                    continue;
                }

                if (session is null)
                {
                    var (objects, errors) = corpus.Load(test);
                    loadErrors.AddRange(errors.Select(e => $"{name}: {e}"));
                    session = new MatchSession(Evaluator.Evaluate(Snapshot.Create(objects), options));
                }

                var answer = session.AnswerLine(lineText, out _);
                var outcome = JsonNode.Parse(answer)!.AsObject();
                results.Add(new RequestOutcome(name, id, RequestChecker.Check(expectation, line, outcome), null, lineText, answer));
            }
        }

        return new RequestRun(results, loadErrors, knownIds);
    }
}

/// <summary>One request expectation: checked (<see cref="Problems"/>, empty when met) or skipped (<see cref="SkipReason"/>).</summary>
internal sealed record RequestOutcome(string Test, string Id, List<string>? Problems, string? SkipReason, string Line, string? Outcome);

/// <summary>The request harness's results over the corpus.</summary>
internal sealed record RequestRun(List<RequestOutcome> Results, List<string> LoadErrors, HashSet<string> KnownIds);
