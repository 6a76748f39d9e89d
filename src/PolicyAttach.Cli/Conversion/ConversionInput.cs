using PolicyAttach.Cli.Input;

namespace PolicyAttach.Cli.Conversion;

/// <summary>The input of a conversion command after <c>-n</c> and <c>-l</c>.</summary>
internal static class ConversionInput
{
    /// <summary>
    /// The snapshot without the objects of the converted API groups that <c>-n</c> or <c>-l</c> leave out; the objects
    /// of other groups (Services, Secrets the conversion reads) stay. The same snapshot when nothing is left out.
    /// </summary>
    /// <param name="snapshot">The input.</param>
    /// <param name="filter">The narrowing.</param>
    /// <param name="groups">The API groups of the objects converted.</param>
    /// <returns>The narrowed snapshot.</returns>
    public static Snapshot Narrow(Snapshot snapshot, ObjectFilter filter, IReadOnlyList<string> groups)
        => filter.IsEverything
            ? snapshot
            : Snapshot.Create(snapshot.Objects.Where(o => !groups.Contains(o.Group, StringComparer.Ordinal) || filter.Includes(o)));
}
