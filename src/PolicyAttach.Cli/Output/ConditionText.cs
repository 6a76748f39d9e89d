using System.Globalization;
using System.Text;
using PolicyAttach.Binding;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Output;

/// <summary>Conditions in readable text.</summary>
internal static class ConditionText
{
    private static readonly HashSet<string> NegativeTypes = new(StringComparer.Ordinal)
    {
        ConditionType.Conflicted, "Overridden", ConditionType.OverlappingTlsConfig, ConditionType.PartiallyInvalid, ConditionType.InsecureFrontendValidationMode,
    };

    /// <summary><c>Accepted=True, ResolvedRefs=False (BackendNotFound)</c>: the reason shown when it differs from the type.</summary>
    /// <param name="conditions">The conditions.</param>
    /// <returns>One line; <c>no conditions</c> when empty.</returns>
    public static string Summary(IEnumerable<Condition> conditions)
    {
        var parts = conditions.Select(c => c.Type + "=" + c.Status + (c.Reason == c.Type ? string.Empty : " (" + c.Reason + ")")).ToList();
        return parts.Count == 0 ? "no conditions" : string.Join(", ", parts);
    }

    /// <summary>Whether a condition reports a problem (False for positive types, True for Conflicted and the like).</summary>
    /// <param name="condition">The condition.</param>
    /// <returns>True for a problem.</returns>
    public static bool IsProblem(Condition condition)
        => NegativeTypes.Contains(condition.Type) ? condition.Status != ConditionStatus.False : condition.Status != ConditionStatus.True;

    /// <summary>Appends one line per condition: type, status, reason and message.</summary>
    /// <param name="text">The destination.</param>
    /// <param name="conditions">The conditions.</param>
    /// <param name="indent">The indentation.</param>
    public static void AppendDetailed(StringBuilder text, IEnumerable<Condition> conditions, int indent)
    {
        foreach (var c in conditions)
        {
            text.Append(' ', indent).Append(CultureInfo.InvariantCulture, $"{c.Type}={c.Status} ({c.Reason}): {c.Message}\n");
        }
    }

    /// <summary>Appends the messages of the conditions that report a problem.</summary>
    /// <param name="text">The destination.</param>
    /// <param name="conditions">The conditions.</param>
    /// <param name="indent">The indentation.</param>
    public static void AppendProblems(StringBuilder text, IEnumerable<Condition> conditions, int indent)
    {
        foreach (var c in conditions.Where(IsProblem))
        {
            text.Append(' ', indent).Append(CultureInfo.InvariantCulture, $"{c.Type}: {c.Message}\n");
        }
    }
}
