using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyAttach.Binding;
using Xunit.Abstractions;

namespace PolicyAttach.ConformanceTests.GatewayApi;

/// <summary>
/// Every <c>status[]</c> expectation of phase <c>initial</c> of every Gateway-profile test in the Gateway API
/// conformance corpus, checked against what <see cref="StatusWriter"/> writes after one evaluation per test.
/// </summary>
public sealed class GatewayApiConformanceStatusTests(ITestOutputHelper output)
{
    /// <summary>
    /// Expectations this harness does not check, with the reason. Keep it small (at most 5% of the initial
    /// expectations) and principled: never list an expectation only because the engine fails it today.
    /// </summary>
    private static readonly Dictionary<string, string> Skipped = new(StringComparer.Ordinal)
    {
        ["GatewayOptionalAddressValue/s2"] = "statusAddressesNonEmpty: status.addresses is assigned by the infrastructure (a load balancer); the engine computes no addresses and writes none.",
    };

    /// <summary>The run over the corpus, computed once per test process and shared with the conformance report.</summary>
    internal static Lazy<StatusRun> Shared { get; } = new(Compute, LazyThreadSafetyMode.ExecutionAndPublication);

    [CorpusFact]
    public void Status_EveryInitialExpectation_IsMet()
    {
        var (results, loadErrors, knownIds) = Shared.Value;
        var total = results.Count;
        var met = results.Count(r => r.Result?.Met == true);
        var skipped = results.Count(r => r.SkipReason is not null);
        var unmet = results.Where(r => r.Result is { Met: false }).ToList();
        var summary = string.Create(CultureInfo.InvariantCulture, $"conformance status: {met}/{total} met, {skipped} skipped");
        output.WriteLine(summary);
        Console.WriteLine(summary);

        var report = new StringBuilder();
        var policyUnmet = unmet.Where(u => u.Policy).ToList();
        var coreUnmet = unmet.Where(u => !u.Policy).ToList();
        report.AppendLine(CultureInfo.InvariantCulture, $"unmet: {coreUnmet.Count} route/gateway expectations, {policyUnmet.Count} policy expectations");
        foreach (var (bucket, items) in new[] { ("unmet expectations", coreUnmet), ("unmet policy expectations", policyUnmet) })
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"== {bucket} ({items.Count}) ==");
            foreach (var u in items)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"{u.Id}");
                report.AppendLine(CultureInfo.InvariantCulture, $"    expected: {u.Result!.Expected}");
                report.AppendLine(CultureInfo.InvariantCulture, $"    written:  {u.Result.Written}");
            }
        }

        SkipList.AppendSkippedAndLoadErrors(report, skipped, results.Select(r => (r.Id, r.SkipReason)), loadErrors);

        output.WriteLine(report.ToString());

        SkipList.AssertSound(Skipped, knownIds, total, "initial status expectations");
        Assert.True(unmet.Count == 0, $"{summary}; {unmet.Count} unmet expectations ({policyUnmet.Count} policy), see the test output");
    }

    private static StatusRun Compute()
    {
        var corpus = new ConformanceCorpus(CorpusFactAttribute.CorpusRoot!);
        var options = new EvaluationOptions { ControllerNames = [ConformanceCorpus.ControllerName], SupportedFeatures = Features.All };
        var results = new List<StatusOutcome>();
        var loadErrors = new List<string>();
        var knownIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var test in corpus.Tests("gateway"))
        {
            var name = test["name"]!.GetValue<string>();
            var initial = test["status"]!.AsArray().OfType<JsonObject>().Where(s => s["phase"]?.GetValue<string>() == "initial").ToList();
            knownIds.UnionWith(initial.Select(s => s["id"]!.GetValue<string>()));
            if (initial.Count == 0)
            {
                continue;
            }

            var notApplicable = ConformanceCorpus.NotApplicable(test["onlyIf"]?.GetValue<string>());
            ExpectationChecker? checker = null;
            JsonDocument? document = null;
            try
            {
                foreach (var expectation in initial)
                {
                    var id = expectation["id"]!.GetValue<string>();
                    var policy = IsPolicy(expectation);
                    var skip = notApplicable ?? Skipped.GetValueOrDefault(id);
                    if (skip is not null)
                    {
                        results.Add(new StatusOutcome(name, id, null, skip, policy));
                        continue;
                    }

                    if (checker is null)
                    {
                        var (objects, errors) = corpus.Load(test);
                        loadErrors.AddRange(errors.Select(e => $"{name}: {e}"));
                        var evaluation = Evaluator.Evaluate(Snapshot.Create(objects), options);
                        document = JsonDocument.Parse(StatusWriter.ToJson(evaluation));
                        checker = new ExpectationChecker(new StatusIndex(document), ConformanceCorpus.ControllerName);
                    }

                    results.Add(new StatusOutcome(name, id, checker.Check(expectation), null, policy));
                }
            }
            finally
            {
                document?.Dispose();
            }
        }

        return new StatusRun(results, loadErrors, knownIds);
    }

    private static bool IsPolicy(JsonObject expectation) =>
        expectation["scope"]?.GetValue<string>() == "policyAncestor"
        || (expectation["target"]?["kind"]?.GetValue<string>() ?? string.Empty).EndsWith("Policy", StringComparison.Ordinal);
}

/// <summary>One status expectation: checked (<see cref="Result"/>) or skipped (<see cref="SkipReason"/>).</summary>
internal sealed record StatusOutcome(string Test, string Id, CheckResult? Result, string? SkipReason, bool Policy);

/// <summary>The status harness's results over the corpus.</summary>
internal sealed record StatusRun(List<StatusOutcome> Results, List<string> LoadErrors, HashSet<string> KnownIds);
