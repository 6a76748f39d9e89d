using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;

namespace PolicyAttach.Conversion;

/// <summary>Where an output route rule came from: the input object and the field of the rule it carries.</summary>
/// <param name="Source">The input object.</param>
/// <param name="Field">The field path of the rule, such as <c>spec.http[2]</c>.</param>
public sealed record RuleOrigin(ResourceKey Source, string Field)
{
    /// <summary>The rule this one was reached through (the root rule of an Istio delegation), or null.</summary>
    public RuleOrigin? Via { get; init; }
}

/// <summary>
/// The output of a mesh-API conversion (Istio, SMI): the Gateway API objects to apply (each written as a manifest
/// and read back through the manifest reader before it was kept), the report with the fate of every field of every
/// input object read, and what verification needs to map the source's names onto the output's.
/// </summary>
public sealed record ConversionResult
{
    /// <summary>The objects to apply, in a stable order (Services, Gateways, routes, grants, policies; then namespace and name).</summary>
    public required EquatableArray<KubeObject> Objects { get; init; }

    /// <summary>The manifest of each object, in the same order: compact JSON that <c>kubectl apply</c> reads.</summary>
    public required EquatableArray<string> Manifests { get; init; }

    /// <summary>
    /// For evaluating the output only: the GatewayClass of each Gateway made, with a controller name. Not meant to be
    /// applied: a cluster uses its implementation's class.
    /// </summary>
    public required EquatableArray<GatewayClass> EvaluationClasses { get; init; }

    /// <summary>
    /// The report: one issue per field (or subtree of fields) of every input object read, carried, approximated or
    /// dropped, ordered by object then field; and the output withheld because the API server would refuse it.
    /// </summary>
    public required ConversionReport Report { get; init; }

    /// <summary>Problems of the input objects themselves (a field of the wrong type): such an object is not converted.</summary>
    public EquatableArray<Diagnostic> InputProblems { get; init; } = [];

    /// <summary>For each output route rule (route key, rule position), the input rule it carries.</summary>
    public required IReadOnlyDictionary<(ResourceKey Route, int Rule), RuleOrigin> RuleOrigins { get; init; }

    /// <summary>The output Gateway made for each source gateway (an Istio Gateway's key to the Gateway API Gateway's).</summary>
    public IReadOnlyDictionary<ResourceKey, ResourceKey> Gateways { get; init; } = new Dictionary<ResourceKey, ResourceKey>();

    /// <summary>The output Service that carries each (Service, subset) pair of the source.</summary>
    public IReadOnlyDictionary<(ResourceKey Service, string Subset), ResourceKey> SubsetServices { get; init; } = new Dictionary<(ResourceKey, string), ResourceKey>();

    /// <summary>Whether something of the input could not be read, or some output was withheld.</summary>
    public bool HasErrors => Report.Errors.Count > 0 || InputProblems.Any(p => p.Severity == DiagnosticSeverity.Error);
}
