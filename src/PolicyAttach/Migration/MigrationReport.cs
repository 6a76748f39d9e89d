using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;

namespace PolicyAttach.Migration;

/// <summary>What became of one field of the input in a migration to Gateway API.</summary>
public enum FieldFate
{
    /// <summary>The output means exactly what the field meant.</summary>
    Carried = 0,

    /// <summary>The output means something close; the note says how it differs.</summary>
    Approximated,

    /// <summary>Nothing in the output carries the field; the note says why.</summary>
    Dropped,
}

/// <summary>
/// The fate of one field of an input object: the report of a migration has one for every field of every object it
/// read (a note on a field covers the fields under it).
/// </summary>
public sealed record FieldNote
{
    /// <summary>The input object, such as <c>VirtualService/shop/reviews</c>.</summary>
    public required ResourceKey Source { get; init; }

    /// <summary>The field path in the object, such as <c>spec.http[0].match[1].uri.prefix</c>.</summary>
    public required string Field { get; init; }

    /// <summary>Carried, approximated or dropped.</summary>
    public required FieldFate Fate { get; init; }

    /// <summary>How the field was carried, how the output differs, or why nothing carries it.</summary>
    public required string Message { get; init; }

    /// <summary>
    /// Whether some request may be routed differently because of this field (another backend, status, redirect or
    /// rewrite); false for what only tunes the data plane (timeouts, retries, pools) or only names things.
    /// </summary>
    public bool AffectsRouting { get; init; }
}

/// <summary>
/// The report of a migration: the fate of every field read, in input order, and the problems that kept an object
/// out of the output (an input object that could not be read, an output object the API server would refuse).
/// </summary>
/// <param name="Notes">One note per field (or subtree of fields), ordered by source object then field order.</param>
/// <param name="Problems">Errors and warnings of the migration itself.</param>
public sealed record MigrationReport(EquatableArray<FieldNote> Notes, EquatableArray<Diagnostic> Problems)
{
    /// <summary>The notes of one fate.</summary>
    /// <param name="fate">The fate.</param>
    /// <returns>The notes, in report order.</returns>
    public IEnumerable<FieldNote> Of(FieldFate fate) => Notes.Where(n => n.Fate == fate);

    /// <summary>Whether the output routes every request as the input does, as far as the notes know.</summary>
    public bool RoutesIdentically => !Notes.Any(n => n.AffectsRouting && n.Fate != FieldFate.Carried)
        && !Problems.Any(p => p.Severity == DiagnosticSeverity.Error);
}

/// <summary>Where an output route rule came from: the input object and the field of the rule it carries.</summary>
/// <param name="Source">The input object.</param>
/// <param name="Field">The field path of the rule, such as <c>spec.http[2]</c>.</param>
public sealed record RuleOrigin(ResourceKey Source, string Field)
{
    /// <summary>The rule this one was reached through (the root rule of an Istio delegation), or null.</summary>
    public RuleOrigin? Via { get; init; }
}

/// <summary>
/// The output of a migration: the Gateway API objects to apply (each with its manifest, read back through the
/// manifest reader before it was kept), the report, and what verification needs.
/// </summary>
public sealed record MigrationResult
{
    /// <summary>The objects to apply, in a stable order (kind, namespace, name).</summary>
    public required EquatableArray<KubeObject> Objects { get; init; }

    /// <summary>The manifest of each object, in the same order: compact JSON that <c>kubectl apply</c> reads.</summary>
    public required EquatableArray<string> Manifests { get; init; }

    /// <summary>
    /// For evaluating the output only: the GatewayClass of each Gateway made, with a controller name. Not meant to be
    /// applied: a cluster uses its implementation's class.
    /// </summary>
    public required EquatableArray<GatewayClass> EvaluationClasses { get; init; }

    /// <summary>The report.</summary>
    public required MigrationReport Report { get; init; }

    /// <summary>For each output route rule (route key, rule position), the input rule it carries.</summary>
    public required IReadOnlyDictionary<(ResourceKey Route, int Rule), RuleOrigin> RuleOrigins { get; init; }

    /// <summary>The output Gateway made for each source gateway (an Istio Gateway's key to the Gateway API Gateway's).</summary>
    public IReadOnlyDictionary<ResourceKey, ResourceKey> Gateways { get; init; } = new Dictionary<ResourceKey, ResourceKey>();

    /// <summary>The output Service that carries each (Service, subset) pair of the source.</summary>
    public IReadOnlyDictionary<(ResourceKey Service, string Subset), ResourceKey> SubsetServices { get; init; } = new Dictionary<(ResourceKey, string), ResourceKey>();
}
