using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.References;

namespace PolicyAttach.Findings;

/// <summary>
/// The findings stage: runs every check over an evaluation, after it (it reads the snapshot, the binding and policy
/// results and the compiled routing tables; nothing earlier depends on it). One check per file: references
/// (<see cref="ReferenceChecks"/>), attachment (<see cref="AttachmentChecks"/>), rules that can never match
/// (<see cref="NeverMatchChecks"/>), policies (<see cref="PolicyChecks"/>), ReferenceGrants
/// (<see cref="GrantChecks"/>) and Ingresses (<see cref="IngressChecks"/>). Deterministic: findings are sorted by
/// object, path, code and message.
/// </summary>
public static class FindingAnalyzer
{
    /// <summary>
    /// The annotation by which an object suppresses findings about itself: a comma-separated list of codes
    /// (<c>policyattach.io/suppress: PA3001,PA3103</c>).
    /// </summary>
    public const string SuppressAnnotation = "policyattach.io/suppress";

    /// <summary>Computes the findings of an evaluation.</summary>
    /// <param name="result">The evaluation.</param>
    /// <param name="table">The routing tables compiled from <paramref name="result"/>, or null to compile here only what the checks read.</param>
    /// <param name="options">Suppressions; null for none besides the objects' annotations.</param>
    /// <returns>The findings in force and the suppressed ones.</returns>
    public static FindingReport Analyze(EvaluationResult result, RoutingTable? table = null, FindingOptions? options = null)
    {
        Guard.NotNull(result);
        options ??= FindingOptions.Default;
        var context = new FindingContext(result);
        ReferenceChecks.Run(context);
        AttachmentChecks.Run(context);
        if (table is null)
        {
            // The never-matching check reads only the precedence of matches: without a full table, only that is
            // compiled, and only for the Gateways where a match might never win (none, most often).
            var owners = NeverMatchScope.Owners(result);
            if (owners.Count > 0)
            {
                NeverMatchChecks.Run(context, RoutingTable.CompilePrecedence(result, result.Gateways.All(g => owners.Contains(g.Gateway.Key)) ? null : owners));
            }
        }
        else
        {
            NeverMatchChecks.Run(context, table);
        }

        PolicyChecks.Run(context);
        GrantChecks.Run(context);
        IngressChecks.Run(context);

        var kept = new List<Finding>();
        var suppressed = new List<SuppressedFinding>();
        foreach (var finding in context.Findings.Distinct().OrderBy(f => f.Subject).ThenBy(f => f.Path ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(f => f.Code, StringComparer.Ordinal).ThenBy(f => f.Message, StringComparer.Ordinal))
        {
            if (AnnotationSuppresses(result.Snapshot, finding))
            {
                suppressed.Add(new SuppressedFinding(finding, "annotation"));
            }
            else if (options.Suppressions.Any(s => s.Matches(finding)))
            {
                suppressed.Add(new SuppressedFinding(finding, "option"));
            }
            else
            {
                kept.Add(finding);
            }
        }

        return new FindingReport(kept.ToEquatableArray(), suppressed.ToEquatableArray());
    }

    private static bool AnnotationSuppresses(Snapshot snapshot, Finding finding)
        => snapshot.Find(finding.Subject)?.Metadata.Annotations.GetValueOrDefault(SuppressAnnotation) is { } codes
        && codes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains(finding.Code, StringComparer.OrdinalIgnoreCase);
}

/// <summary>What the checks share: the evaluation, the findings so far, and close-match suggestions.</summary>
internal sealed class FindingContext(EvaluationResult result)
{
    public EvaluationResult Result { get; } = result;

    public Snapshot Snapshot => Result.Snapshot;

    public List<Finding> Findings { get; } = [];

    /// <summary>The parentRefs already reported as missing or selecting no listener (attachment checks skip them).</summary>
    public HashSet<(ResourceKey Route, int ParentIndex)> BrokenParentRefs { get; } = [];

    private ReferenceIndex? _grants;

    // Many references often name the same missing object: each is looked for once.
    private readonly Dictionary<(GroupKind Kind, string Namespace, string Name), string> _closeMatches = [];

    /// <summary>What the ReferenceGrants permit (the references stage's index of the same snapshot).</summary>
    public ReferenceIndex Grants => _grants ??= new ReferenceIndex(Snapshot);

    /// <summary>Adds a finding with its rule's severity.</summary>
    public void Add(string code, ResourceKey subject, string? path, string message)
        => Add(code, FindingRules.Find(code)!.Severity, subject, path, message);

    /// <summary>Adds a finding with a given severity.</summary>
    public void Add(string code, DiagnosticSeverity severity, ResourceKey subject, string? path, string message)
        => Findings.Add(new Finding { Code = code, Severity = severity, Subject = subject, Path = path, Message = message });

    /// <summary>
    /// "; close matches: Gateway infra/web, ..." for a reference to a missing object: objects of the same kind whose
    /// <c>namespace/name</c> is within a few edits of the one named, or that have its name in another namespace.
    /// </summary>
    public string CloseMatches(GroupKind kind, string ns, string name)
    {
        var key = (kind, ns, name);
        if (!_closeMatches.TryGetValue(key, out var text))
        {
            _closeMatches[key] = text = FindCloseMatches(kind, ns, name);
        }

        return text;
    }

    private string FindCloseMatches(GroupKind kind, string ns, string name)
    {
        var typed = ns + "/" + name;
        var limit = Math.Max(2, typed.Length / 4);
        // Two texts whose lengths differ by more than the limit are further apart than it: only the others (and
        // objects of the same name) are compared, so a run with many missing references stays near-linear.
        var close = Snapshot.OfKind(kind)
            .Where(o => o.Name == name || Math.Abs(o.Namespace.Length + 1 + o.Name.Length - typed.Length) <= limit)
            .Select(o => (Object: o, Distance: EditDistance.Of(o.Namespace + "/" + o.Name, typed)))
            .Where(c => c.Distance <= limit || c.Object.Name == name)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Object.Key)
            .Take(3)
            .Select(c => c.Object.Namespace.Length == 0 ? c.Object.Name : c.Object.Namespace + "/" + c.Object.Name)
            .ToList();
        return close.Count == 0 ? string.Empty : $"; close matches: {kind.Kind} " + string.Join(", ", close);
    }
}

/// <summary>Levenshtein distance (ordinal, case-insensitive for ASCII), for close-match suggestions.</summary>
internal static class EditDistance
{
    public static int Of(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
