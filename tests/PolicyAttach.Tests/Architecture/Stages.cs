namespace PolicyAttach.Tests.Architecture;

/// <summary>One stage of the pipeline: the namespaces it owns and the front-door types of the root namespace it defines.</summary>
/// <param name="Name">The stage.</param>
/// <param name="Rank">Its place in the pipeline; a stage may refer only to stages of a lower rank. Stages of one rank are
/// parallel and may not refer to each other.</param>
/// <param name="Namespaces">The namespaces of the stage (a namespace also owns the namespaces below it).</param>
/// <param name="RootTypes">The types of the root namespace <c>PolicyAttach</c> that belong to the stage.</param>
internal sealed record Stage(string Name, int Rank, string[] Namespaces, string[] RootTypes);

/// <summary>A reference from a type to a type of a later (or parallel) stage.</summary>
internal sealed record Violation(string From, string FromStage, string To, string ToStage)
{
    public override string ToString() => $"{From} ({FromStage}) refers to {To} ({ToStage})";
}

/// <summary>Assigns types to stages and finds the references that go against the pipeline's direction.</summary>
internal sealed class StageMap(string root, IReadOnlyList<Stage> stages)
{
    /// <summary>
    /// The core's pipeline (docs/concepts.md): Model → Manifests → Snapshots → References → Binding → Policies →
    /// Evaluation → Status and Matching (parallel) → Conversion (the plumbing every migration shares: read-back, request
    /// probes, answering with the matcher) → Ingresses, Istio and SMI, the migration models (parallel: none refers to
    /// another) → IngressNginx (ingress-nginx's model, converting onto the Ingress conversion's vocabulary); Findings
    /// beside them. Collections are the foundation every stage may use; Diagnostics belong with the readers. Re2 (the RE2
    /// dialect of route regexes, read by the manifests' schema, binding's support checks and the matcher) depends on the
    /// foundation alone.
    /// </summary>
    public static StageMap Core { get; } = new("PolicyAttach",
    [
        new("Foundation", 0, ["PolicyAttach.Collections"], ["Guard"]),
        new("Model", 1, ["PolicyAttach.Model"], ["ResourceKey", "GroupKind"]),
        new("Re2", 1, ["PolicyAttach.Re2"], []),
        new("Diagnostics", 2, ["PolicyAttach.Diagnostics"], []),
        new("Manifests", 3, ["PolicyAttach.Manifests"], []),
        new("Snapshots", 4, ["PolicyAttach.Snapshots"], ["Snapshot", "SnapshotBuilder"]),
        new("References", 5, ["PolicyAttach.References"], []),
        new("Binding", 6, ["PolicyAttach.Binding"], []),
        new("Policies", 7, ["PolicyAttach.Policies"], []),
        new("Evaluation", 8, ["PolicyAttach.Evaluation"], ["Evaluator", "EvaluationOptions", "EvaluationResult", "ImplementationProfile"]),
        new("Status", 9, ["PolicyAttach.Status"], ["StatusWriter", "StatusWriterOptions"]),
        new("Matching", 9, ["PolicyAttach.Matching"], ["RoutingTable", "GatewayRoutingTable", "MeshRoutingTable", "RequestView", "RequestProtocol", "RequestHeader", "MatchOutcome", "MatchOutcomeKind"]),
        new("Sessions", 10, ["PolicyAttach.Sessions"], ["EvaluationSession", "ChangeBatch", "SessionUpdate", "EvaluationPath"]),
        new("Conversion", 10, ["PolicyAttach.Conversion"], []),
        new("Ingresses", 11, ["PolicyAttach.Ingresses"], []),
        new("Istio", 11, ["PolicyAttach.Istio"], []),
        new("Smi", 11, ["PolicyAttach.Smi"], []),
        new("IngressNginx", 12, ["PolicyAttach.IngressNginx"], []),
        new("Findings", 12, ["PolicyAttach.Findings"], []),
    ]);

    public IReadOnlyList<Stage> Stages { get; } = stages;

    /// <summary>The stage of a type, or null when the map does not place it.</summary>
    public Stage? StageOf(string fullName)
    {
        var dot = fullName.LastIndexOf('.');
        var ns = dot < 0 ? string.Empty : fullName[..dot];
        if (ns == root)
        {
            var name = fullName[(dot + 1)..];
            var tick = name.IndexOf('`', StringComparison.Ordinal);
            name = tick < 0 ? name : name[..tick];
            return Stages.FirstOrDefault(s => s.RootTypes.Contains(name, StringComparer.Ordinal));
        }

        return Stages
            .Where(s => s.Namespaces.Any(n => ns == n || ns.StartsWith(n + ".", StringComparison.Ordinal)))
            .OrderByDescending(s => s.Namespaces.Where(n => ns == n || ns.StartsWith(n + ".", StringComparison.Ordinal)).Max(n => n.Length))
            .FirstOrDefault();
    }

    /// <summary>Whether a type belongs to the assembly under check (its root namespace), so that it must have a stage.</summary>
    public bool Owns(string fullName) => fullName.StartsWith(root + ".", StringComparison.Ordinal);

    /// <summary>Every type of the root namespace that no stage places: each must be given a stage.</summary>
    public IEnumerable<string> Unplaced(IEnumerable<string> types) => types.Where(t => Owns(t) && StageOf(t) is null);

    /// <summary>Every reference to a later stage, or to a parallel stage, in order.</summary>
    public IEnumerable<Violation> Check(IReadOnlyDictionary<string, SortedSet<string>> dependencies)
    {
        foreach (var (from, targets) in dependencies)
        {
            if (StageOf(from) is not { } fromStage)
            {
                continue;
            }

            foreach (var to in targets)
            {
                if (StageOf(to) is { } toStage && toStage != fromStage && toStage.Rank >= fromStage.Rank)
                {
                    yield return new Violation(from, fromStage.Name, to, toStage.Name);
                }
            }
        }
    }
}
