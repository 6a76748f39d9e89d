using System.Globalization;
using System.Text;
using System.Text.Json;
using PolicyAttach.Binding;
using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.Policies;
using Xunit.Abstractions;

namespace PolicyAttach.ConformanceTests.EnvoyGateway;

/// <summary>
/// The Envoy Gateway translator corpus (<c>envoy-gateway</c>): for every case marked <c>core</c> in
/// <c>cases.csv</c>, our statuses under the <c>envoy-gateway</c> profile against EG's <c>expected.json</c>, compared
/// strictly (<see cref="EnvoyGatewayComparer"/>: no condition dropped on either side but <c>Warning</c>). Cases with
/// policies and cases without are two figures. A case whose input an API server refuses (the loader drops the object
/// with an error diagnostic, where EG's test reads it unvalidated) cannot happen in a cluster: it is left out of the
/// share and listed in the output with the loader's reason. The tests report the share of cases that match and the
/// first differences of the others; they fail when a share drops below its floor.
/// </summary>
public sealed class EnvoyGatewayCorpusTests(ITestOutputHelper output)
{
    /// <summary>The share of core cases without policies that must match, compared strictly: 92/92 when last raised.</summary>
    internal const double FloorShare = 1.0;

    /// <summary>The share of core cases with policies that must match, compared strictly: 116/119 (97.5%) when last raised.</summary>
    internal const double PolicyFloorShare = 0.97;

    private const int DifferencesPerCase = 5;

    /// <summary>The core cases without policies, computed once per test process and shared with the conformance report.</summary>
    internal static Lazy<EnvoyRun> AllCore { get; } = new(() => Compute(policyCasesOnly: false), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The core cases with policies (profile and policy ancestors compared), computed once per test process.</summary>
    internal static Lazy<EnvoyRun> PolicyCore { get; } = new(() => Compute(policyCasesOnly: true), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Core cases without policies, evaluated with the <c>envoy-gateway</c> profile: GatewayClass, Gateway,
    /// ListenerSet and route statuses must match in at least <see cref="FloorShare"/> of them.
    /// </summary>
    [CorpusFact]
    public void Status_CoreCases_MatchEnvoyGatewayAtLeastTheFloor()
        => Run("envoy-gateway status", FloorShare, policyCasesOnly: false);

    /// <summary>
    /// Core cases with policies, evaluated with the <c>envoy-gateway</c> profile: routes, listeners and policy
    /// ancestors (Warning conditions ignored) must match in at least <see cref="PolicyFloorShare"/> of them.
    /// </summary>
    [CorpusFact]
    public void PolicyStatus_CorePolicyCases_MatchEnvoyGatewayAtLeastTheFloor()
        => Run("envoy-gateway policy status", PolicyFloorShare, policyCasesOnly: true);

    private void Run(string label, double floor, bool policyCasesOnly)
    {
        var run = (policyCasesOnly ? PolicyCore : AllCore).Value;
        var (cases, mismatches, loadErrors) = run;
        Assert.NotEmpty(cases);
        var compared = run.Compared;
        var matched = compared - run.ComparedMismatches;
        var share = (double)matched / compared;
        var summary = string.Create(CultureInfo.InvariantCulture, $"{label}: {matched}/{compared} cases match ({share:P1}; floor {floor:P1}; {loadErrors.Count} of {cases.Count} left out: an API server refuses their input)");
        output.WriteLine(summary);
        Console.WriteLine(summary);

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"== non-matching cases ({mismatches.Count}) ==");
        foreach (var (name, differences) in mismatches)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"{name} ({differences.Count} differences)");
            foreach (var difference in differences.Take(DifferencesPerCase))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"    {difference}");
            }

            // Inputs an API server would refuse (EG's test reads them without validation): the case is left out.
            foreach (var error in loadErrors.GetValueOrDefault(name) ?? [])
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"    left out, input refused by the loader: {error}");
            }
        }

        var matchingWithErrors = loadErrors.Keys.Where(k => !mismatches.Any(m => m.Case == k)).ToList();
        report.AppendLine(CultureInfo.InvariantCulture, $"== left out, matching anyway, with refused inputs: {matchingWithErrors.Count} ==");
        foreach (var name in matchingWithErrors)
        {
            loadErrors[name].ForEach(e => report.AppendLine(CultureInfo.InvariantCulture, $"{name}: {e}"));
        }

        output.WriteLine(report.ToString());
        Assert.True(share >= floor, $"{summary}: below the floor, see the test output");
    }

    private static EnvoyRun Compute(bool policyCasesOnly)
    {
        var root = Path.Combine(CorpusFactAttribute.CorpusRoot!, "envoy-gateway");
        var cases = CoreCases(Path.Combine(root, "cases.csv"), policyCasesOnly);

        // Envoy Gateway decodes by kind and ignores apiVersion; its profile says so, and the loader follows it.
        var loader = new ManifestLoader(new ManifestLoaderOptions { AcceptUnservedVersions = ImplementationProfile.EnvoyGateway.AcceptsUnservedVersions });
        var mismatches = new List<(string Case, List<string> Differences)>();
        var loadErrors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var name in cases)
        {
            var folder = Path.Combine(root, name);
            using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "meta.json")));
            var harness = meta.RootElement.GetProperty("harness");
            var controllerName = harness.GetProperty("controllerName").GetString()!;
            var synthesizedClass = meta.RootElement.TryGetProperty("synthesizedGatewayClass", out var s) && s.ValueKind == JsonValueKind.Object;

            var path = Path.Combine(folder, "manifests.yaml");
            var loaded = loader.Load([ManifestSource.FromText(File.ReadAllText(path), $"{name}/manifests.yaml")]);
            var errors = loaded.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
            if (errors.Count > 0)
            {
                loadErrors[name] = errors;
            }

            var options = new EvaluationOptions
            {
                ControllerNames = [controllerName],
                SupportedFeatures = Features.All,
                Profile = ImplementationProfile.EnvoyGateway,
            };
            var evaluation = Evaluator.Evaluate(Snapshot.Create(loaded.Resources), options);
            using var ours = JsonDocument.Parse(StatusWriter.ToJson(evaluation));
            using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
            var differences = EnvoyGatewayComparer.Compare(expected.RootElement, new StatusIndex(ours), controllerName, synthesizedClass, comparePolicies: true);
            if (differences.Count > 0)
            {
                mismatches.Add((name, differences));
            }
        }

        return new EnvoyRun(cases, mismatches, loadErrors);
    }

    private static List<string> CoreCases(string csv, bool policyCasesOnly)
    {
        var lines = File.ReadAllLines(csv);
        var header = lines[0].Split(',');
        var caseColumn = Array.IndexOf(header, "case");
        var coreColumn = Array.IndexOf(header, "core");
        var policiesColumn = Array.IndexOf(header, "has_policies");
        Assert.True(caseColumn >= 0 && coreColumn >= 0, "cases.csv has no case or core column");
        return lines.Skip(1)
            .Select(l => l.Split(','))
            .Where(f => f.Length > coreColumn && f[coreColumn] == "yes" && (f[policiesColumn] == "yes") == policyCasesOnly)
            .Select(f => f[caseColumn])
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}

/// <summary>The Envoy Gateway comparison: the cases compared, those that differ with their differences, the inputs refused.</summary>
internal sealed record EnvoyRun(List<string> Cases, List<(string Case, List<string> Differences)> Mismatches, Dictionary<string, List<string>> LoadErrors)
{
    /// <summary>The cases compared: those whose input an API server accepts.</summary>
    public int Compared => Cases.Count - LoadErrors.Count;

    /// <summary>The compared cases that differ.</summary>
    public int ComparedMismatches => Mismatches.Count(m => !LoadErrors.ContainsKey(m.Case));
}
