using PolicyAttach.Collections;
using PolicyAttach.Model;

namespace PolicyAttach.Conversion;

/// <summary>What became of one thing of the source (an annotation, a field, a behaviour) in a conversion.</summary>
public enum ConversionOutcome
{
    /// <summary>Carried over: the converted objects do what the source did, and verification holds them to it.</summary>
    Carried = 0,

    /// <summary>Carried over with a difference the message names (how it was approximated, and which requests differ).</summary>
    Approximated,

    /// <summary>Not carried over; the message says why and what to do instead.</summary>
    Dropped,
}

/// <summary>
/// One entry of a conversion report: what became of one thing of the source. Every converter of the project
/// (Ingress, ingress-nginx, and the others built on <see cref="ConversionReadBack"/> and <see cref="ConversionVerifier"/>)
/// reports in these terms.
/// </summary>
public sealed record ConversionIssue
{
    /// <summary>
    /// What the entry is about, stable for tools: an issue kind such as <c>WildcardHost</c>, or the source's own name
    /// for the thing (an annotation such as <c>nginx.ingress.kubernetes.io/rewrite-target</c>).
    /// </summary>
    public required string Kind { get; init; }

    /// <summary>Carried, approximated or dropped.</summary>
    public required ConversionOutcome Outcome { get; init; }

    /// <summary>The source object concerned, when one is.</summary>
    public ResourceKey? Subject { get; init; }

    /// <summary>The source field, such as <c>spec.rules[0].http.paths[1]</c> or <c>metadata.annotations[...]</c>.</summary>
    public string? Field { get; init; }

    /// <summary>The host concerned (lowercase, <c>*.suffix</c> for a wildcard), when one is.</summary>
    public string? Host { get; init; }

    /// <summary>The source path concerned (as written), when the entry is about one path only.</summary>
    public string? Path { get; init; }

    /// <summary>What was done, what differs and what to do.</summary>
    public required string Message { get; init; }

    /// <summary>Whether some requests may be routed differently by the converted objects than by the source.</summary>
    public required bool AffectsRouting { get; init; }
}

/// <summary>
/// An output object the API server would refuse, found by reading the output back
/// (<see cref="ConversionReadBack"/>); it is not printed.
/// </summary>
public sealed record ConversionError
{
    /// <summary>The source object the refused output came from, when known.</summary>
    public ResourceKey? Subject { get; init; }

    /// <summary>The source field the refused output came from, when known.</summary>
    public string? Field { get; init; }

    /// <summary>The refused output object.</summary>
    public required ResourceKey Output { get; init; }

    /// <summary>The field of the output object the reader refused, such as <c>spec.rules[0].matches[0].path.value</c>.</summary>
    public string? OutputField { get; init; }

    /// <summary>The reader's diagnostic code.</summary>
    public required string Code { get; init; }

    /// <summary>Why the API server would refuse it.</summary>
    public required string Message { get; init; }
}

/// <summary>
/// What a conversion carried, approximated or dropped, in a stable order, and the output it withheld because the
/// API server would refuse it.
/// </summary>
/// <param name="Issues">The entries, in the converter's documented order.</param>
public sealed record ConversionReport(EquatableArray<ConversionIssue> Issues)
{
    /// <summary>Output objects withheld because reading them back failed.</summary>
    public EquatableArray<ConversionError> Errors { get; init; } = [];

    /// <summary>Whether the converted objects route every request as the source does (nothing affects routing, nothing withheld).</summary>
    public bool RoutesIdentically => Errors.Count == 0 && !Issues.Any(i => i.AffectsRouting);

    /// <summary>Whether anything was approximated or dropped (the CLI exits 1 then, unless told to allow it).</summary>
    public bool HasApproximations => Issues.Any(i => i.Outcome != ConversionOutcome.Carried);
}

/// <summary>
/// Where one part of an output object came from: the output object, the path of the part (a prefix such as
/// <c>spec.rules[2]</c>, or empty for the whole object), and the source object and field. A refused output field is
/// traced to the origin with the longest matching path.
/// </summary>
/// <param name="Output">The output object.</param>
/// <param name="OutputPath">The part of it, as a field path prefix; empty for the whole object.</param>
/// <param name="Source">The source object.</param>
/// <param name="SourceField">The source field, or null for the whole object.</param>
public sealed record ConversionOrigin(ResourceKey Output, string OutputPath, ResourceKey Source, string? SourceField);
