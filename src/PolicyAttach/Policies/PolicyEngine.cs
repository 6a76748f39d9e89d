using System.Collections.Immutable;
using System.Text.Json;
using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.References;

namespace PolicyAttach.Policies;

/// <summary>
/// The policy stage: GEP-713 policy attachment over a binding result. Resolves targets, settles conflicts, folds
/// defaults and overrides down the hierarchy once for all contexts (memoized on the state reaching each node, so
/// contexts that share their policies share the work), and computes policy status
/// (<see href="https://gateway-api.sigs.k8s.io/geps/gep-713/">GEP-713</see>; spec digest §14).
/// </summary>
internal static class PolicyEngine
{
    /// <summary>
    /// The part of the stage that needs no binding, run before it: every policy of the snapshot attached to its
    /// targets, conflicts settled, and the BackendTLSPolicy verdicts the binder reads when it resolves backends.
    /// </summary>
    /// <param name="snapshot">The input objects.</param>
    /// <param name="references">The reference index of the same snapshot.</param>
    /// <param name="registry">The policy kinds; CRDs in the snapshot labelled as policies are added to it.</param>
    /// <returns>The attachments, to be resolved once over the binding result (<see cref="PolicyRun.Resolve"/>).</returns>
    public static PolicyRun Attach(Snapshot snapshot, ReferenceIndex references, PolicyKindRegistry registry)
        => new(snapshot, references, registry.WithCrds(snapshot));
}

/// <summary>
/// The node of the hierarchy a policy attaches to: an object, and a section of it. A Namespace is one node per namespace
/// level, the level standing in for the section (a Namespace has no sections of its own).
/// </summary>
internal readonly record struct NodeKey(ResourceKey Object, string? Section)
{
    /// <summary>The node of a namespace at one of the namespace levels (spec digest §14.3).</summary>
    public static NodeKey ForNamespace(string @namespace, PolicyLevel level)
        => new(new ResourceKey(Kinds.Namespace, string.Empty, @namespace), level switch
        {
            PolicyLevel.GatewayNamespace => "#GatewayNamespace",
            PolicyLevel.RouteNamespace => "#RouteNamespace",
            _ => "#BackendNamespace",
        });
}

/// <summary>One (policy, target) pair.</summary>
internal sealed class Attachment
{
    public required IPolicyObject Policy { get; init; }

    public required KubeObject Object { get; init; }

    public required PolicyKindDefinition Definition { get; init; }

    public required PolicyTargetReference Target { get; init; }

    public PolicyLevel Level { get; init; }

    public NodeKey Node { get; init; }

    /// <summary>Accepted=False reason and message; null when the attachment applies.</summary>
    public Problem? Problem { get; set; }

    public FieldTree? Default { get; set; }

    public FieldTree? Override { get; set; }

    /// <summary>Policy keys (and where) that replaced this policy's values somewhere below its target.</summary>
    public SortedSet<string> OverriddenBy { get; } = new(StringComparer.Ordinal);

    public bool Applies => Problem is null;

    /// <summary>
    /// The policy's <c>mergeType</c> (Envoy Gateway: <c>StrategicMerge</c> or <c>JSONMerge</c>): a route policy that
    /// sets it merges onto the closest parent policy instead of replacing it.
    /// </summary>
    public string? MergeType => Policy.Spec.Element.ValueKind == JsonValueKind.Object && Policy.Spec.Element.TryGetProperty("mergeType", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
}

/// <summary>The folded defaults and overrides of one kind after some node.</summary>
internal sealed class KindState
{
    public required PolicyKindDefinition Definition { get; init; }

    /// <summary>
    /// Every override that reaches this state, highest first (the levels above, then this one; established first).
    /// They are applied one by one onto the defaults, lowest first, rather than merged into one patch: RFC 7386
    /// patches do not compose (a <c>null</c> that deletes, or an object replacing a scalar, is lost in the merge).
    /// </summary>
    public ImmutableArray<FieldTree> Overrides { get; init; } = [];

    public FieldTree? Defaults { get; init; }

    /// <summary>The attachments that reached this state, established first.</summary>
    public required AttachmentChain Attachments { get; init; }

    public required EffectivePolicy Effective { get; init; }
}

/// <summary>
/// The attachments that reach a state, established first: the levels above, then one level's. Persistent, so that a
/// state shares the chain of the state above it instead of copying it: a policy on a Gateway reaches every context
/// below it, and copying it into each was most of the fold's allocation.
/// </summary>
internal sealed class AttachmentChain
{
    private readonly AttachmentChain? _above;
    private readonly List<Attachment> _level;

    private AttachmentChain(AttachmentChain? above, List<Attachment> level)
    {
        _above = above;
        _level = level;
    }

    /// <summary>No attachment.</summary>
    public static AttachmentChain Empty { get; } = new(null, []);

    /// <summary>This chain with one more level below it.</summary>
    /// <param name="level">The level's attachments, established first; the chain keeps the list, which must not change.</param>
    public AttachmentChain Below(List<Attachment> level) => new(this, level);

    /// <summary>
    /// Whether two chains list the same policies level by level (then <see cref="ToList"/> gives the same keys in the
    /// same order), walked without copying. False says only that the levels differ, not that the keys do.
    /// </summary>
    public static bool SamePolicies(AttachmentChain? a, AttachmentChain? b)
    {
        while (!ReferenceEquals(a, b))
        {
            if (a is null || b is null || a._level.Count != b._level.Count)
            {
                return false;
            }

            for (var i = 0; i < a._level.Count; i++)
            {
                if (a._level[i].Policy.Key != b._level[i].Policy.Key)
                {
                    return false;
                }
            }

            (a, b) = (a._above, b._above);
        }

        return true;
    }

    /// <summary>Every attachment, the highest level first and each level in its own order.</summary>
    public List<Attachment> ToList()
    {
        var levels = new Stack<List<Attachment>>();
        for (var chain = this; chain is not null; chain = chain._above)
        {
            levels.Push(chain._level);
        }

        var all = new List<Attachment>();
        while (levels.Count > 0)
        {
            all.AddRange(levels.Pop());
        }

        return all;
    }
}

/// <summary>The state reaching a node: per kind, what has been folded so far. Shared by reference between contexts.</summary>
internal sealed class FoldState
{
    public static FoldState Empty { get; } = new(ImmutableSortedDictionary.Create<GroupKind, KindState>(), EffectivePolicies.None);

    public FoldState(ImmutableSortedDictionary<GroupKind, KindState> kinds, EffectivePolicies effective)
    {
        Kinds = kinds;
        Effective = effective;
    }

    public ImmutableSortedDictionary<GroupKind, KindState> Kinds { get; }

    public EffectivePolicies Effective { get; }
}

/// <summary>
/// One run of the policy stage over one snapshot: attachments and conflicts when created (before binding), then
/// folding and statuses over the binding result, once (<see cref="Resolve"/>).
/// </summary>
internal sealed class PolicyRun
{
    private BindingResult? _binding;
    private readonly Snapshot _snapshot;
    private readonly PolicyKindRegistry _registry;
    private readonly ReferenceIndex _grants;
    private readonly List<Attachment> _attachments = [];
    private readonly Dictionary<NodeKey, List<Attachment>> _byNode = [];
    private readonly Dictionary<(FoldState, NodeKey), FoldState> _memo = [];
    private readonly Dictionary<NodeKey, List<List<Attachment>>> _levels = [];
    private readonly Dictionary<ResourceKey, FoldState> _gatewayStates = [];
    private readonly Dictionary<NodeKey, FoldState> _listenerStates = [];
    private readonly Dictionary<ResourceKey, FoldState> _meshStates = [];

    /// <summary>
    /// True while routes are folded on several threads (<see cref="FoldRoutes"/>): the memo and the grouped levels are
    /// then read and written under a lock, and the first state stored for a (state, node) pair is the one every thread
    /// continues from.
    /// </summary>
    private bool _shared;

    public PolicyRun(Snapshot snapshot, ReferenceIndex references, PolicyKindRegistry registry)
    {
        _snapshot = snapshot;
        _registry = registry;
        _grants = references;
        foreach (var policy in _snapshot.Policies)
        {
            if (_registry.DefinitionOf(policy) is { } definition)
            {
                Attach(policy, definition);
            }
        }

        SettleConflicts();
        BackendTls = DecideBackendTls();
    }

    /// <summary>The BackendTLSPolicy verdicts on backend Services, for the binder (decided here, once).</summary>
    public BackendTlsVerdicts BackendTls { get; }

    private BindingResult Bound => _binding ?? throw new InvalidOperationException("The policy run has not been given the binding result.");

    /// <summary>Folds the policies over the contexts of the binding result and builds every status; called once.</summary>
    /// <param name="binding">The binding result of the same snapshot (contexts: Gateways, listeners, routes on their listeners, rules, backends).</param>
    /// <param name="above">
    /// When given, the resolution whose Gateway, ListenerSet and listener fold states this run starts from instead of
    /// folding them (a session's step, whose snapshot lacks the policies above the listeners); only the levels below the
    /// listeners are folded here.
    /// </param>
    /// <param name="maxDegreeOfParallelism">How many threads may fold the routes' contexts (1: the calling thread alone).</param>
    /// <returns>Statuses and effective policies.</returns>
    public PolicyResolution Resolve(BindingResult binding, PolicyResolution? above = null, int maxDegreeOfParallelism = 1)
    {
        if (_binding is not null)
        {
            throw new InvalidOperationException("A policy run resolves once.");
        }

        _binding = binding;
        foreach (var attachment in _attachments.Where(a => a.Applies))
        {
            if (!_byNode.TryGetValue(attachment.Node, out var list))
            {
                _byNode[attachment.Node] = list = [];
            }

            list.Add(attachment);
        }

        foreach (var list in _byNode.Values)
        {
            list.Sort(Established);
        }

        FoldContexts(above, maxDegreeOfParallelism);
        var statuses = new PolicyStatusBuilder(binding, _attachments, _byNode).Build();
        var attachments = _attachments;
        return new PolicyResolution(statuses, _memo, _gatewayStates, _listenerStates, _meshStates, () => Affected(attachments));
    }

    /// <summary>
    /// GEP-713 target status (Experimental): per target node (an object, or a listener of it), the policies of each
    /// kind that apply there. Namespaces and Services are left out: neither has status conditions.
    /// </summary>
    private static Dictionary<NodeKey, SortedDictionary<GroupKind, SortedSet<ResourceKey>>> Affected(List<Attachment> attachments)
    {
        var affected = new Dictionary<NodeKey, SortedDictionary<GroupKind, SortedSet<ResourceKey>>>();
        foreach (var attachment in attachments.Where(a => a.Applies && a.Target.GroupKind != Kinds.Namespace && a.Target.GroupKind != Kinds.Service))
        {
            // A rule has no status entry: a rule-sectioned policy affects its route.
            var node = attachment.Level == PolicyLevel.Rule ? new NodeKey(attachment.Node.Object, null) : attachment.Node;
            if (attachment.Target.GroupKind == Kinds.GatewayClass)
            {
                node = new NodeKey(new ResourceKey(Kinds.GatewayClass, string.Empty, attachment.Target.Name), null);
            }

            if (!affected.TryGetValue(node, out var kinds))
            {
                affected[node] = kinds = [];
            }

            if (!kinds.TryGetValue(attachment.Definition.Kind, out var policies))
            {
                kinds[attachment.Definition.Kind] = policies = [];
            }

            policies.Add(attachment.Policy.Key);
        }

        return affected;
    }

    /// <summary>
    /// BackendTLSPolicy, decided once here and read by the binder: for each Service (or Service port) a
    /// BackendTLSPolicy governs, the problem that makes the backend invalid there, or null when the policies in force
    /// resolve. In force are the policies this run did not refuse for a conflict or their shape (a conflict's loser
    /// never governs: the older policy does; spec digest §14.4, §14.7). Any unresolvable CA reference of a policy in
    /// force makes connections through it fail (§14.7 MUST, 5xx), so the backend is invalid (§8 item 5) wherever the
    /// policy applies: on the routes of its ancestors that reach that Service (or port).
    /// </summary>
    private BackendTlsVerdicts DecideBackendTls()
    {
        var nodes = new Dictionary<(ResourceKey, string?), Problem?>();
        var inForce = _attachments
            .Where(a => a.Policy is BackendTlsPolicy && a.Target.GroupKind == Kinds.Service
                && (a.Problem is null || a.Problem.Value.Reason == ConditionReason.NoValidCACertificate))
            .ToList();
        inForce.Sort(Established);
        foreach (var attachment in inForce)
        {
            var problems = BackendTlsCaProblems((BackendTlsPolicy)attachment.Policy);
            var key = attachment.Policy.Key;
            nodes.TryAdd((attachment.Node.Object, attachment.Node.Section), problems.Count == 0 ? null : new Problem(ConditionReason.InvalidBackendTLS,
                $"BackendTLSPolicy {key.Namespace}/{key.Name} cannot be honoured ({problems[0].Reason}: {problems[0].Message.TrimEnd('.')}), so connections to it fail."));
        }

        return nodes.Count == 0 ? BackendTlsVerdicts.None : new BackendTlsVerdicts(nodes);
    }

    /// <summary>Older first, then namespace/name: the established policy of a pair at the same level (spec digest §14.4).</summary>
    private static int Established(Attachment a, Attachment b)
    {
        var c = a.Policy.Metadata.CreationTimestamp.CompareTo(b.Policy.Metadata.CreationTimestamp);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(a.Policy.Key.Namespace, b.Policy.Key.Namespace);
        return c != 0 ? c : string.CompareOrdinal(a.Policy.Key.Name, b.Policy.Key.Name);
    }

    private void Attach(IPolicyObject policy, PolicyKindDefinition definition)
    {
        var obj = (KubeObject)policy;
        var targets = new List<PolicyTargetReference>(policy.TargetRefs);
        foreach (var selector in policy.TargetSelectors)
        {
            foreach (var candidate in _snapshot.OfKind(new GroupKind(selector.Group, selector.Kind)))
            {
                var sameNamespace = candidate.Namespace == obj.Namespace;
                var namespaceOk = selector.NamespacesFrom switch
                {
                    FromNamespaces.All => true,
                    FromNamespaces.Selector => selector.NamespaceSelector?.Matches(_snapshot.NamespaceLabels(candidate.Namespace)) ?? false,
                    _ => sameNamespace,
                };

                // A selected object in another namespace counts only where the kind may cross namespaces (with its
                // handshake); otherwise it is simply not selected, as no targetRef named it.
                var crossOk = sameNamespace || CrossNamespaceAllowed(definition, obj, new PolicyTargetReference { Group = candidate.Group, Kind = candidate.Kind, Namespace = candidate.Namespace, Name = candidate.Name });
                if (namespaceOk && crossOk && selector.Selector.Matches(candidate.Metadata.Labels)
                    && !targets.Any(t => t.TargetKey == candidate.Key && t.SectionName is null))
                {
                    targets.Add(new PolicyTargetReference { Group = candidate.Group, Kind = candidate.Kind, Namespace = candidate.Namespace, Name = candidate.Name });
                }
            }
        }

        foreach (var target in targets)
        {
            if (target.GroupKind == Kinds.Namespace && target.SectionName is null)
            {
                AttachNamespace(policy, obj, definition, target);
                continue;
            }

            var level = definition.LevelOf(new GroupKind(target.Group, target.Kind), target.SectionName is not null);
            var attachment = new Attachment
            {
                Policy = policy,
                Object = obj,
                Definition = definition,
                Target = target,
                Level = level ?? PolicyLevel.Gateway,
                Node = new NodeKey(target.TargetKey, target.SectionName),
            };
            _attachments.Add(attachment);
            if (level is null)
            {
                attachment.Problem = new Problem(ConditionReason.Invalid, $"{definition.Kind.Kind} cannot target {target.Kind}{(target.SectionName is null ? string.Empty : " with a sectionName")}; target one of {string.Join(", ", definition.Targets.Select(t => t.Target.Kind).Distinct())}.");
                continue;
            }

            if (target.Namespace.Length > 0 && target.Namespace != obj.Namespace && !CrossNamespaceAllowed(definition, obj, target))
            {
                attachment.Problem = new Problem(ConditionReason.Invalid, $"{target.Kind} {target.Namespace}/{target.Name} is in another namespace, which {definition.Kind.Kind} may not target{(definition.CrossNamespace == CrossNamespaceTargets.WithReferenceGrant ? " without a ReferenceGrant in \"" + target.Namespace + "\"" : string.Empty)}.");
                continue;
            }

            var targetObject = _snapshot.Find(target.TargetKey);
            if (targetObject is null)
            {
                attachment.Problem = new Problem(ConditionReason.TargetNotFound, $"{target.Kind} {target.Namespace}/{target.Name} does not exist.");
                continue;
            }

            if (target.SectionName is { } section && !HasSection(targetObject, section))
            {
                attachment.Problem = new Problem(ConditionReason.TargetNotFound, $"{target.Kind} {target.Namespace}/{target.Name} has no section \"{section}\" ({SectionWhat(targetObject)}); fix sectionName.");
                continue;
            }

            var problem = Validate(policy, definition);
            if (problem is not null)
            {
                attachment.Problem = problem;
                continue;
            }

            var (defaults, overrides) = Stanzas(policy, definition);
            attachment.Default = defaults is null ? null : FieldTree.FromJson(defaults.Value, new FieldSource(policy.Key, attachment.Level, StanzaKind.Default));
            attachment.Override = overrides is null ? null : FieldTree.FromJson(overrides.Value, new FieldSource(policy.Key, attachment.Level, StanzaKind.Override));
        }
    }

    /// <summary>
    /// A core Namespace target: the policy applies, as default or override, to the Gateways, routes or backends of the
    /// namespace at each namespace level its kind declares (the article's hierarchy, spec digest §14.3), one attachment
    /// per level. A kind that declares none refuses it and says which kinds take it. The namespace must be the policy's
    /// own unless the kind may cross namespaces (a policy applies only to its namespace's traffic, spec digest §2.12).
    /// </summary>
    private void AttachNamespace(IPolicyObject policy, KubeObject obj, PolicyKindDefinition definition, PolicyTargetReference target)
    {
        var levels = definition.NamespaceLevels.ToList();
        var first = new Attachment
        {
            Policy = policy,
            Object = obj,
            Definition = definition,
            Target = target,
            Level = levels.Count > 0 ? levels[0] : PolicyLevel.GatewayNamespace,
            Node = NodeKey.ForNamespace(target.Name, levels.Count > 0 ? levels[0] : PolicyLevel.GatewayNamespace),
        };
        _attachments.Add(first);
        if (levels.Count == 0)
        {
            var takers = _registry.Kinds.Where(k => k.NamespaceLevels.Any()).Select(k => k.Kind.Kind).ToList();
            first.Problem = new Problem(ConditionReason.Invalid,
                $"{definition.Kind.Kind} declares no namespace level in its hierarchy ({(definition.Class == PolicyClass.Direct ? "a Direct policy affects only the object it targets" : "its kind lists no Namespace target")}), so it cannot target Namespace {target.Name}; "
                + $"Inherited kinds that declare namespace levels can ({(takers.Count == 0 ? "none is known here" : string.Join(", ", takers))}, and any policy CRD labelled {PolicyKindRegistry.PolicyLabel}: Inherited). "
                + $"Target one of {string.Join(", ", definition.Targets.Select(t => t.Target.Kind).Distinct())}.");
            return;
        }

        var namespaceKey = new ResourceKey(Kinds.Namespace, string.Empty, target.Name);
        Problem? problem = null;
        if (target.Name != obj.Namespace && definition.CrossNamespace != CrossNamespaceTargets.Allowed
            && !(definition.CrossNamespace == CrossNamespaceTargets.WithReferenceGrant && _grants.Allows(policy.Key, namespaceKey with { Namespace = target.Name })))
        {
            problem = new Problem(ConditionReason.Invalid, $"Namespace {target.Name} is not the policy's namespace \"{obj.Namespace}\"; a {definition.Kind.Kind} applies only to its own namespace's objects{(definition.CrossNamespace == CrossNamespaceTargets.WithReferenceGrant ? " unless a ReferenceGrant in \"" + target.Name + "\" allows it" : string.Empty)}. Move the policy into \"{target.Name}\".");
        }
        else if (_snapshot.Find(namespaceKey) is null && !_snapshot.Objects.Any(o => o.Namespace == target.Name))
        {
            problem = new Problem(ConditionReason.TargetNotFound, $"Namespace {target.Name} does not exist (no Namespace object and no object in it).");
        }

        problem ??= Validate(policy, definition);
        if (problem is not null)
        {
            first.Problem = problem;
            return;
        }

        var (defaults, overrides) = Stanzas(policy, definition);
        for (var i = 0; i < levels.Count; i++)
        {
            var attachment = i == 0 ? first : new Attachment
            {
                Policy = policy,
                Object = obj,
                Definition = definition,
                Target = target,
                Level = levels[i],
                Node = NodeKey.ForNamespace(target.Name, levels[i]),
            };
            if (i > 0)
            {
                _attachments.Add(attachment);
            }

            attachment.Default = defaults is null ? null : FieldTree.FromJson(defaults.Value, new FieldSource(policy.Key, levels[i], StanzaKind.Default));
            attachment.Override = overrides is null ? null : FieldTree.FromJson(overrides.Value, new FieldSource(policy.Key, levels[i], StanzaKind.Override));
        }
    }

    private bool CrossNamespaceAllowed(PolicyKindDefinition definition, KubeObject policy, PolicyTargetReference target) => definition.CrossNamespace switch
    {
        CrossNamespaceTargets.Allowed => true,
        CrossNamespaceTargets.WithReferenceGrant => _grants.Allows(policy.Key, target.TargetKey),
        _ => false,
    };

    private static bool HasSection(KubeObject target, string section) => target switch
    {
        Gateway g => g.Listeners.Any(l => l.Name == section),
        ListenerSet s => s.Listeners.Any(l => l.Name == section),
        RouteBase r => Enumerable.Range(0, r.RuleCount).Any(i => r.RuleName(i) == section),
        Service s => s.Ports.Any(p => p.Name == section),
        _ => false,
    };

    private static string SectionWhat(KubeObject target) => target switch
    {
        Gateway or ListenerSet => "a listener name",
        RouteBase => "a rule name",
        Service => "a port name",
        _ => "sections are not supported on this kind",
    };

    /// <summary>Checks what the standard kinds define as invalid (spec digest §14.7).</summary>
    private Problem? Validate(IPolicyObject policy, PolicyKindDefinition definition)
    {
        if (policy is BackendTlsPolicy tls && tls.WellKnownCaCertificates is { } wellKnown && wellKnown != "System")
        {
            return new Problem(ConditionReason.Invalid, $"wellKnownCACertificates \"{wellKnown}\" is not supported; use System or caCertificateRefs.");
        }

        if (policy is BackendTlsPolicy btp && !btp.CaCertificateRefs.IsEmpty && BackendTlsCaProblems(btp).Count == btp.CaCertificateRefs.Count)
        {
            return new Problem(ConditionReason.NoValidCACertificate, "No caCertificateRef of the policy is valid; fix the references.");
        }

        return null;
    }

    internal List<Problem> BackendTlsCaProblems(BackendTlsPolicy policy) => BackendTlsCa.Problems(_snapshot, policy);

    private static (JsonElement? Default, JsonElement? Override) Stanzas(IPolicyObject policy, PolicyKindDefinition definition)
    {
        var spec = policy.Spec.Element;
        if (definition.Stanzas == StanzaSource.DefaultAndOverride && spec.ValueKind == JsonValueKind.Object)
        {
            JsonElement? d = spec.TryGetProperty("default", out var dv) ? dv : spec.TryGetProperty("defaults", out var dsv) ? dsv : null;
            JsonElement? o = spec.TryGetProperty("override", out var ov) ? ov : spec.TryGetProperty("overrides", out var osv) ? osv : null;
            if (d is not null || o is not null)
            {
                return (d, o);
            }
        }

        return (WithoutTargets(spec), null);
    }

    /// <summary>The spec without its target fields: what a policy without stanzas says.</summary>
    private static JsonElement WithoutTargets(JsonElement spec)
    {
        if (spec.ValueKind != JsonValueKind.Object)
        {
            return spec;
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var property in spec.EnumerateObject())
            {
                if (property.Name is not ("targetRef" or "targetRefs" or "targetSelectors" or "mergeType"))
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        using var doc = JsonDocument.Parse(stream.ToArray());
        return doc.RootElement.Clone();
    }

    /// <summary>Two policies of a conflicting kind on the same target and section: the oldest wins (spec digest §14.4, §14.7).</summary>
    private void SettleConflicts()
    {
        // A BackendTLSPolicy without a valid CA still takes part: the older policy wins the target whatever its CA
        // (spec digest §14.7), so a newer policy never hides that connections through the older one fail.
        foreach (var group in _attachments.Where(a => (a.Applies || a.Problem?.Reason == ConditionReason.NoValidCACertificate) && (a.Definition.ConflictOnSameTarget || a.Definition.Strategy == MergeStrategy.None))
                     .GroupBy(a => (a.Definition.Kind, a.Node)))
        {
            var ordered = group.ToList();
            ordered.Sort(Established);
            var winner = ordered[0];
            foreach (var loser in ordered.Skip(1).Where(l => l.Policy.Key != winner.Policy.Key))
            {
                loser.Problem = new Problem(ConditionReason.Conflicted, $"{winner.Policy.Key} already targets {loser.Target.Kind} {loser.Target.Namespace}/{loser.Target.Name}{(loser.Target.SectionName is null ? string.Empty : " section " + loser.Target.SectionName)} and is older; only one {loser.Definition.Kind.Kind} can apply there.");
            }
        }
    }

    private void FoldContexts(PolicyResolution? above, int maxDegreeOfParallelism)
    {
        if (above is not null)
        {
            TakeOwnerStates(above);
        }
        else
        {
            FoldOwners();
        }

        // Below the listeners only policies could change the state; without any, every route context is its listener's.
        if (_byNode.Count == 0)
        {
            return;
        }

        FoldMeshContexts();
        FoldRoutes(maxDegreeOfParallelism);
    }

    /// <summary>The Gateway, ListenerSet and listener states of another resolution (which folded the levels above).</summary>
    private void TakeOwnerStates(PolicyResolution above)
    {
        void Take(ResourceKey owner, IEnumerable<ListenerResult> listeners)
        {
            if (above.OwnerState(owner) is { } state)
            {
                _gatewayStates[owner] = state;
            }

            foreach (var listener in listeners)
            {
                if (above.ListenerState(owner, listener.Name) is { } onListener)
                {
                    _listenerStates[new NodeKey(owner, listener.Name)] = onListener;
                }
            }
        }

        foreach (var gateway in Bound.Gateways)
        {
            Take(gateway.Gateway.Key, gateway.Listeners);
        }

        foreach (var set in Bound.ListenerSets)
        {
            Take(set.ListenerSet.Key, set.Listeners);
        }
    }

    private void FoldOwners()
    {
        var classes = Bound.GatewayClasses.ToDictionary(c => c.GatewayClass.Name, c => c.GatewayClass.Key, StringComparer.Ordinal);
        foreach (var gateway in Bound.Gateways)
        {
            var state = FoldState.Empty;
            if (classes.TryGetValue(gateway.Gateway.GatewayClassName, out var classKey))
            {
                state = Fold(state, new NodeKey(classKey, null));
            }

            state = Fold(state, NodeKey.ForNamespace(gateway.Gateway.Namespace, PolicyLevel.GatewayNamespace));
            state = Fold(state, new NodeKey(gateway.Gateway.Key, null));
            _gatewayStates[gateway.Gateway.Key] = state;
            foreach (var listener in gateway.Listeners)
            {
                _listenerStates[new NodeKey(gateway.Gateway.Key, listener.Name)] = Fold(state, new NodeKey(gateway.Gateway.Key, listener.Name));
            }
        }

        foreach (var set in Bound.ListenerSets)
        {
            if (!_gatewayStates.TryGetValue(set.Parent, out var parent))
            {
                continue;
            }

            var state = Fold(parent, new NodeKey(set.ListenerSet.Key, null));
            _gatewayStates[set.ListenerSet.Key] = state;
            foreach (var listener in set.Listeners)
            {
                _listenerStates[new NodeKey(set.ListenerSet.Key, listener.Name)] = Fold(state, new NodeKey(set.ListenerSet.Key, listener.Name));
            }
        }
    }

    /// <summary>
    /// Every route's contexts on the listeners it is attached to: route namespace, route, rules, backends. A route's
    /// contexts depend on its listeners' states and on nothing another route folds, so with many routes they are folded
    /// on several threads. Only the memo is shared; its states are pure functions of (state, node), and every thread
    /// continues from the state stored first, so the memo's chains hold together and the result is the serial one.
    /// A custom merger is caller code that may not expect several threads, so a run with one stays on one thread.
    /// </summary>
    private void FoldRoutes(int maxDegreeOfParallelism)
    {
        var routes = Bound.Routes;
        if (maxDegreeOfParallelism > 1 && routes.Count >= Binder.ParallelRoutes && !_attachments.Exists(a => a.Definition.CustomMerger is not null))
        {
            _shared = true;
            try
            {
                Parallel.For(0, routes.Count, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, i => FoldRoute(routes[i]));
            }
            finally
            {
                _shared = false;
            }

            return;
        }

        foreach (var route in routes)
        {
            FoldRoute(route);
        }
    }

    private void FoldRoute(RouteResult route)
    {
        // A route's contexts under one listener state are folded once, however many parentRefs reach that listener.
        HashSet<FoldState>? seen = null;
        foreach (var parent in route.Parents)
        {
            if (!parent.IsAccepted)
            {
                continue;
            }

            foreach (var verdict in parent.AttachedListeners)
            {
                if (!_listenerStates.TryGetValue(new NodeKey(verdict.Owner, verdict.ListenerName), out var listenerState)
                    || !(seen ??= []).Add(listenerState))
                {
                    continue;
                }

                var routeState = Fold(Fold(listenerState, NodeKey.ForNamespace(route.Route.Namespace, PolicyLevel.RouteNamespace)), new NodeKey(route.Route.Key, null));
                FoldRules(route, routeState);
            }
        }
    }

    /// <summary>
    /// Mesh (GAMMA) contexts: a route bound to a Service parent serves traffic addressed to that Service, which is its
    /// parent as a Gateway is an ingress route's (GEP-1294). Its path is Backend namespace (of the parent Service) →
    /// parent Service → Route namespace → route → rule → Backend namespace → backend Service → port.
    /// </summary>
    private void FoldMeshContexts()
    {
        foreach (var route in Bound.Routes)
        {
            foreach (var parent in route.Parents)
            {
                if (!parent.IsAccepted || parent.ParentRef.GroupKind != Kinds.Service)
                {
                    continue;
                }

                var service = parent.ParentRef.TargetKey;
                if (!_meshStates.TryGetValue(service, out var top))
                {
                    top = Fold(Fold(FoldState.Empty, NodeKey.ForNamespace(service.Namespace, PolicyLevel.BackendNamespace)), new NodeKey(service, null));
                    _meshStates[service] = top;
                }

                var routeState = Fold(Fold(top, NodeKey.ForNamespace(route.Route.Namespace, PolicyLevel.RouteNamespace)), new NodeKey(route.Route.Key, null));
                FoldRules(route, routeState);
            }
        }
    }

    /// <summary>A route's rules under its state, and each rule's resolved backends (not mirrors) in their order.</summary>
    private void FoldRules(RouteResult route, FoldState routeState)
    {
        for (var rule = 0; rule < route.Route.RuleCount; rule++)
        {
            var ruleState = route.Route.RuleName(rule) is { } name ? Fold(routeState, new NodeKey(route.Route.Key, name)) : routeState;
            foreach (var backend in route.BackendRefs)
            {
                // A route has a few rules and backends: a scan per rule costs less than grouping them.
                if (backend.RuleIndex == rule && backend.IsResolved && !backend.IsMirror)
                {
                    FoldBackend(ruleState, backend);
                }
            }
        }
    }

    private void FoldBackend(FoldState ruleState, BackendRefResult backend)
    {
        var backendNamespace = Fold(ruleState, NodeKey.ForNamespace(backend.BackendRef.TargetKey.Namespace, PolicyLevel.BackendNamespace));
        var serviceState = Fold(backendNamespace, new NodeKey(backend.BackendRef.TargetKey, null));
        var port = backend.BackendRef.Port is { } p ? _snapshot.Find<Service>(backend.BackendRef.TargetKey)?.FindPort(p)?.Name : null;
        if (port is not null)
        {
            Fold(serviceState, new NodeKey(backend.BackendRef.TargetKey, port));
        }
    }

    /// <summary>The state after a node: the parent's state with the node's policies folded in; memoized.</summary>
    internal FoldState Fold(FoldState parent, NodeKey node)
    {
        if (!_byNode.TryGetValue(node, out var attachments))
        {
            return parent;
        }

        if (!_shared)
        {
            if (!_memo.TryGetValue((parent, node), out var cached))
            {
                _memo[(parent, node)] = cached = FoldLevels(parent, Levels(node, attachments));
            }

            return cached;
        }

        List<List<Attachment>> levels;
        lock (_memo)
        {
            if (_memo.TryGetValue((parent, node), out var cached))
            {
                return cached;
            }

            levels = Levels(node, attachments);
        }

        // Folded outside the lock; another thread may have stored the same pair meanwhile: its state is equal, and
        // it is the one kept, so that states folded below it find theirs in the memo.
        var state = FoldLevels(parent, levels);
        lock (_memo)
        {
            if (!_memo.TryAdd((parent, node), state))
            {
                state = _memo[(parent, node)];
            }
        }

        return state;
    }

    /// <summary>A node's policies grouped by kind, once (a node is folded under many parents: every listener above a route).</summary>
    private List<List<Attachment>> Levels(NodeKey node, List<Attachment> attachments)
    {
        if (!_levels.TryGetValue(node, out var levels))
        {
            levels = attachments.GroupBy(a => a.Definition.Kind).Select(g => g.ToList()).ToList();
            _levels[node] = levels;
        }

        return levels;
    }

    private static FoldState FoldLevels(FoldState parent, List<List<Attachment>> levels)
    {
        var kinds = parent.Kinds;
        foreach (var level in levels)
        {
            var kind = level[0].Definition.Kind;
            kinds.TryGetValue(kind, out var above);
            kinds = kinds.SetItem(kind, FoldKind(above, level));
        }

        return new FoldState(kinds, new EffectivePolicies(kinds.Values.Select(k => k.Effective).ToEquatableArray()));
    }

    private static KindState FoldKind(KindState? above, List<Attachment> level)
    {
        var definition = level[0].Definition;
        FieldTree? defaults = above?.Defaults;
        var patch = definition.Strategy is MergeStrategy.Patch or MergeStrategy.KeyedPatch;
        var keys = definition.Strategy == MergeStrategy.KeyedPatch ? definition.MergeKeys : StringMap.Empty;

        // Overrides: the established one wins, so it is applied last: the levels above after this one, and at this
        // level the oldest after the newer ones. Kept highest first.
        var overrides = above?.Overrides ?? [];
        foreach (var attachment in level)
        {
            if (attachment.Override is { } o)
            {
                overrides = overrides.Add(o);
            }
        }

        // Defaults: the challenger wins, so apply the oldest first and the newest on top, all on top of the levels above.
        foreach (var attachment in level)
        {
            if (attachment.Default is { } d)
            {
                // A policy with mergeType merges onto what is above it (JSONMerge: RFC 7386; StrategicMerge: lists
                // of named entries merge by key) instead of replacing it.
                var merge = attachment.MergeType;
                if (merge is not null && defaults is not null)
                {
                    defaults = FieldTree.MergePatch(defaults, d, merge == "StrategicMerge" ? definition.MergeKeys : StringMap.Empty);
                    continue;
                }

                if (!patch && defaults is not null && definition.ReportOverridden)
                {
                    MarkOverridden(above, attachment);
                }

                defaults = Combine(defaults, d, patch, keys, definition);
            }
        }

        var effectiveTree = defaults;
        for (var i = overrides.Length - 1; i >= 0; i--)
        {
            effectiveTree = Combine(effectiveTree, overrides[i], patch, keys, definition);
        }

        var attachments = (above?.Attachments ?? AttachmentChain.Empty).Below(level);
        return new KindState
        {
            Definition = definition,
            Overrides = overrides,
            Defaults = defaults,
            Attachments = attachments,
            Effective = Materialize(definition.Kind, effectiveTree, attachments),
        };
    }

    private static void MarkOverridden(KindState? above, Attachment winner)
    {
        if (above is null)
        {
            return;
        }

        foreach (var loser in above.Attachments.ToList())
        {
            if (loser.Default is not null && !ReferenceEquals(loser, winner))
            {
                // Routes may be folded on several threads (FoldRoutes); a set's content does not depend on the order.
                var by = $"{winner.Target.Kind} {winner.Target.Namespace}/{winner.Target.Name}{(winner.Target.SectionName is null ? string.Empty : "/" + winner.Target.SectionName)}";
                lock (loser.OverriddenBy)
                {
                    loser.OverriddenBy.Add(by);
                }
            }
        }
    }

    /// <summary>Lays <paramref name="top"/> over <paramref name="bottom"/>: the top wins on conflicts.</summary>
    private static FieldTree? Combine(FieldTree? bottom, FieldTree top, bool patch, StringMap keys, PolicyKindDefinition definition)
    {
        if (definition.Strategy == MergeStrategy.Custom && definition.CustomMerger is { } merger && bottom is not null)
        {
            var merged = merger.Merge(FieldTree.ToJson(bottom), FieldTree.ToJson(top), isOverride: false);
            var source = top is FieldLeaf leaf ? leaf.Source : FirstSource(top);
            return FieldTree.FromJson(merged.Element, source).Beating(bottom);
        }

        return patch ? FieldTree.MergePatch(bottom, top, keys) : FieldTree.Replace(bottom, top);
    }

    private static FieldSource FirstSource(FieldTree tree)
    {
        // The least source in the documented order (policy, level, stanza): a set's order would vary by process.
        var sources = new List<FieldSource>();
        tree.CollectSources(sources);
        sources.Sort(FieldTree.SourceOrder);
        return sources[0];
    }


    private static EffectivePolicy Materialize(GroupKind kind, FieldTree? tree, AttachmentChain attachments)
        => new(kind, tree, attachments);
}
