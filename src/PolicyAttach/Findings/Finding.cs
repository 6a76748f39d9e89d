using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;

namespace PolicyAttach.Findings;

/// <summary>
/// A semantic problem in an evaluated input that a CI build should see: a reference to something that does not
/// exist, a route no listener accepts, a rule that can never match, a policy not in effect. Findings are data, for
/// the CLI's <c>check</c> and for controllers alike: a stable <see cref="Code"/> (listed in <see cref="FindingRules"/>
/// and <c>docs/diagnostics.md</c>), a <see cref="Severity"/>, the object and the field path concerned (an edge that
/// read the object from a file maps the path to <c>file:line:column</c>), and a message that says what is wrong and
/// how to fix it.
/// </summary>
public sealed record Finding
{
    /// <summary>The stable code, such as <c>PA3001</c>.</summary>
    public required string Code { get; init; }

    /// <summary>The severity (the rule's, see <see cref="FindingRules"/>).</summary>
    public required DiagnosticSeverity Severity { get; init; }

    /// <summary>The object the finding is about.</summary>
    public required ResourceKey Subject { get; init; }

    /// <summary>The field path inside the object, such as <c>spec.parentRefs[0].name</c>; null for the whole object.</summary>
    public string? Path { get; init; }

    /// <summary>What is wrong and how to fix it.</summary>
    public required string Message { get; init; }

    /// <summary>The section of <c>docs/diagnostics.md</c> that explains the code, such as <c>diagnostics.md#pa3001</c>.</summary>
    public string DocumentationAnchor => FindingRules.AnchorOf(Code);

    /// <summary>The finding as a <see cref="Diagnostic"/> (no location: the edge that read the object adds it).</summary>
    /// <returns>The diagnostic.</returns>
    public Diagnostic ToDiagnostic() => new() { Severity = Severity, Code = Code, Message = Message, Subject = Subject, Path = Path };

    /// <summary><c>severity: Kind/namespace/name path: message [CODE]</c>.</summary>
    /// <returns>One line.</returns>
    public override string ToString() => ToDiagnostic().ToString();
}

/// <summary>A check: its code, default severity, a one-line title and the help that says how to fix what it finds.</summary>
/// <param name="Code">The stable code.</param>
/// <param name="Severity">The severity of what it finds.</param>
/// <param name="Title">One line: what the check finds.</param>
/// <param name="Help">How to fix it.</param>
public sealed record FindingRule(string Code, DiagnosticSeverity Severity, string Title, string Help)
{
    /// <summary>The section of <c>docs/diagnostics.md</c> that explains the code.</summary>
    public string DocumentationAnchor => FindingRules.AnchorOf(Code);
}

/// <summary>
/// A suppression: findings of a code, on every object or on one. Objects suppress findings themselves with the
/// annotation <see cref="FindingAnalyzer.SuppressAnnotation"/> (<c>policyattach.io/suppress: PA3001,PA3103</c>).
/// </summary>
/// <param name="Code">The code suppressed.</param>
/// <param name="Subject">The one object it applies to, or null for every object.</param>
public sealed record FindingSuppression(string Code, ResourceKey? Subject = null)
{
    /// <summary>Whether it silences a finding.</summary>
    /// <param name="finding">The finding.</param>
    /// <returns>True when the code matches and the object does (or any object is meant).</returns>
    public bool Matches(Finding finding)
    {
        Guard.NotNull(finding);
        return string.Equals(Code, finding.Code, StringComparison.OrdinalIgnoreCase)
            && (Subject is not { } subject || SameObject(subject, finding.Subject));
    }

    /// <summary>The same object; a subject given without a group matches the kind in any group, and its kind may be plural.</summary>
    private static bool SameObject(ResourceKey wanted, ResourceKey actual)
        => actual.GroupKind.IsNamedBy(wanted.Kind)
        && (wanted.Group.Length == 0 || string.Equals(wanted.Group, actual.Group, StringComparison.OrdinalIgnoreCase))
        && string.Equals(wanted.Namespace, actual.Namespace, StringComparison.Ordinal)
        && string.Equals(wanted.Name, actual.Name, StringComparison.Ordinal);
}

/// <summary>Options of <see cref="FindingAnalyzer.Analyze"/>.</summary>
public sealed record FindingOptions
{
    /// <summary>The defaults: no suppression besides the objects' own annotations.</summary>
    public static FindingOptions Default { get; } = new();

    /// <summary>Suppressions given by the caller (the CLI's <c>--suppress</c>).</summary>
    public EquatableArray<FindingSuppression> Suppressions { get; init; } = [];
}

/// <summary>A finding that was suppressed, and by what.</summary>
/// <param name="Finding">The finding.</param>
/// <param name="By"><c>annotation</c> (the object's <c>policyattach.io/suppress</c>) or <c>option</c> (a caller's suppression).</param>
public sealed record SuppressedFinding(Finding Finding, string By);

/// <summary>
/// What <see cref="FindingAnalyzer"/> found: the findings in force and the suppressed ones, each sorted by object,
/// path, code and message.
/// </summary>
/// <param name="Findings">The findings not suppressed.</param>
/// <param name="Suppressed">The findings an annotation or an option suppressed.</param>
public sealed record FindingReport(EquatableArray<Finding> Findings, EquatableArray<SuppressedFinding> Suppressed);
