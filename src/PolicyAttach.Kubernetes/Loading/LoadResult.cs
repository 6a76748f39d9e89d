using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.Model;

namespace PolicyAttach;

/// <summary>An object read from the input and where it was written.</summary>
/// <param name="Resource">The object, with every default applied by the core reader.</param>
/// <param name="Location">The start of its document (or of its item in a <c>List</c>); null for objects that did not come from text.</param>
public sealed record LoadedObject(KubeObject Resource, SourceLocation? Location)
{
    /// <summary>Where the object's fields are in its file; null when it was not read from text.</summary>
    public FieldLocator? Fields { get; init; }

    /// <summary>
    /// The <c>status</c> the object was read with (what a controller wrote, in <c>kubectl get -o yaml</c> output or a
    /// cluster), or null when it has none. The engine never reads it; <c>policyattach audit</c> compares it.
    /// </summary>
    public System.Text.Json.JsonElement? Status { get; init; }

    /// <summary>Equal when the object, location, field locator and status (as minified JSON) are.</summary>
    /// <param name="other">The other object.</param>
    /// <returns>Whether both are equal.</returns>
    public bool Equals(LoadedObject? other)
        => other is not null && Resource.Equals(other.Resource) && Equals(Location, other.Location)
            && EqualityComparer<FieldLocator?>.Default.Equals(Fields, other.Fields)
            && string.Equals(StatusText, other.StatusText, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Resource, Location);

    private string? StatusText => Status is { } status ? System.Text.Json.JsonSerializer.Serialize(status) : null;
}

/// <summary>
/// Everything a load produced: the objects in input order and every diagnostic, in input order, each located in
/// its file. Loading never throws on user data; problems are here.
/// </summary>
public sealed record LoadResult
{
    /// <summary>The objects kept, in input order (sources in the order given, directory files in ordinal path order, documents and list items in order).</summary>
    public required EquatableArray<LoadedObject> Objects { get; init; }

    /// <summary>Every diagnostic, in input order; those from the core reader have their location filled.</summary>
    public required EquatableArray<Diagnostic> Diagnostics { get; init; }

    /// <summary>The files (and streams or strings) read.</summary>
    public int FileCount { get; init; }

    /// <summary>The objects given to the core reader (documents, and list items), kept or not.</summary>
    public int DocumentCount { get; init; }

    /// <summary>The diagnostics of severity <see cref="DiagnosticSeverity.Error"/>.</summary>
    public int ErrorCount => Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>The diagnostics of severity <see cref="DiagnosticSeverity.Warning"/>.</summary>
    public int WarningCount => Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning);

    /// <summary>Whether any error was found (the command line then exits 1).</summary>
    public bool HasErrors => ErrorCount > 0;

    /// <summary>The objects without their locations, in input order.</summary>
    public IEnumerable<KubeObject> Resources => Objects.Select(o => o.Resource);
}
