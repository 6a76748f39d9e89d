using System.Collections.Immutable;
using System.Text;
using System.Text.Json.Nodes;
using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Policies;
using PolicyAttach.PropertyTests.Support;
using PolicyAttach.Testing;

namespace PolicyAttach.PropertyTests.Policies;

/// <summary>A node of the hierarchy as the test sees it: an object and, for a listener, rule or port, a section.</summary>
internal readonly record struct Node(ResourceKey Object, string? Section)
{
    public override string ToString() => Section is null ? Object.ToString() : $"{Object}/{Section}";
}

/// <summary>
/// One context whose effective policies the engine exposes: its chain of nodes from the top (GatewayClass) down, and
/// the lookup that returns its effective policies.
/// </summary>
internal sealed record PolicyContext(string Name, ImmutableArray<Node> Chain, Func<EffectivePolicies> Lookup);

/// <summary>An Inherited policy as read by the test from its document, independently of the engine.</summary>
internal sealed record TestPolicy(ResourceKey Key, GroupKind Kind, DateTimeOffset Created, ImmutableArray<Node> Targets, JsonNode? Default, JsonNode? Override)
{
    /// <summary>Older first, then namespace, then name (spec digest §14.4).</summary>
    public static int Established(TestPolicy a, TestPolicy b)
    {
        var c = a.Created.CompareTo(b.Created);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(a.Key.Namespace, b.Key.Namespace);
        return c != 0 ? c : string.CompareOrdinal(a.Key.Name, b.Key.Name);
    }
}

/// <summary>A stanza applied at one step of a context's fold, in the order the reference applies them.</summary>
internal sealed record Step(TestPolicy Policy, int Level, JsonNode Stanza);

/// <summary>The evaluation of a policy world, and what the properties read from it.</summary>
internal sealed class PolicyRun
{
    private PolicyRun(Snapshot snapshot, EvaluationResult result)
    {
        Snapshot = snapshot;
        Result = result;
        Contexts = EnumerateContexts(snapshot, result);
        Policies = [.. snapshot.Objects.Where(o => o is IPolicyObject && o.Group == GeneratedPolicyKinds.Group).Select(o => Read(o, snapshot))];
    }

    public Snapshot Snapshot { get; }

    public EvaluationResult Result { get; }

    public ImmutableArray<PolicyContext> Contexts { get; }

    public ImmutableArray<TestPolicy> Policies { get; }

    public static PolicyRun Of(IEnumerable<KubeObject> objects, EvaluationOptions options)
    {
        var snapshot = Snapshot.Create(objects);
        return new PolicyRun(snapshot, Evaluator.Evaluate(snapshot, options));
    }

    public static PolicyRun Of(TestWorld world) => new(world.Snapshot, world.Result);

    public string StatusJson()
        => StatusWriter.ToJson(Result, new StatusWriterOptions { Indented = true, Time = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero) });

    /// <summary>Every effective document of every context, with every field's source, one line each.</summary>
    public string EffectiveDump(bool withSources = true)
    {
        var text = new StringBuilder();
        foreach (var context in Contexts)
        {
            foreach (var policy in context.Lookup().Kinds)
            {
                text.Append(context.Name).Append(" | ").Append(policy.Kind.Kind).Append(" = ").Append(policy.Document.ToCanonicalString()).Append('\n');
                if (withSources)
                {
                    text.Append("    policies: ").AppendJoin(", ", policy.Policies).Append('\n');
                    foreach (var field in policy.Fields)
                    {
                        text.Append("    ").Append(field.Path).Append(" = ").Append(field.Value.ToCanonicalString()).Append(" from ").Append(field.Source)
                            .Append(" over [").AppendJoin(", ", field.Overrode).Append("]\n");
                    }
                }
            }
        }

        return text.ToString();
    }

    /// <summary>The policies of a kind at each node of a chain, established first (levels top to bottom).</summary>
    public List<List<TestPolicy>> Levels(ImmutableArray<Node> chain, GroupKind kind)
        => [.. chain.Select(node => Policies.Where(p => p.Kind == kind && p.Targets.Contains(node)).Order(Comparer<TestPolicy>.Create(TestPolicy.Established)).ToList())];

    /// <summary>Defaults in the order they apply: top level first, established first (each challenger wins).</summary>
    public static List<Step> DefaultSteps(List<List<TestPolicy>> levels)
        => [.. levels.SelectMany((level, i) => level.Where(p => p.Default is not null).Select(p => new Step(p, i, p.Default!)))];

    /// <summary>Overrides in the order they apply: bottom level first, newest first, so the highest established one ends on top.</summary>
    public static List<Step> OverrideSteps(List<List<TestPolicy>> levels)
        => [.. levels.SelectMany((level, i) => level.Where(p => p.Override is not null).Select(p => new Step(p, i, p.Override!))).Reverse()];

    /// <summary>
    /// The policy's targets as the spec text says (§14.2): references in the policy's namespace, or in another one
    /// when the kind may cross namespaces (the Atomic kind, with a ReferenceGrant there that names the policy kind and
    /// namespace); and the objects its label selectors pick in its namespace.
    /// </summary>
    private static TestPolicy Read(KubeObject obj, Snapshot snapshot)
    {
        var spec = JsonNode.Parse(((IPolicyObject)obj).Spec.ToCanonicalString())!.AsObject();
        var targets = new List<Node>();
        foreach (var t in spec["targetRefs"]?.AsArray() ?? [])
        {
            var (group, kind, name) = ((string?)t!["group"] ?? string.Empty, (string)t["kind"]!, (string)t["name"]!);
            var ns = kind == "GatewayClass" ? string.Empty : (string?)t["namespace"] ?? obj.Namespace;
            if (ns.Length > 0 && ns != obj.Namespace && !(obj.Kind == PolicyGenerators.AtomicKind.Kind && Granted(snapshot, obj, new ResourceKey(group, kind, ns, name))))
            {
                continue;
            }

            targets.Add(new Node(new ResourceKey(group, kind, ns, name), (string?)t["sectionName"]));
        }

        foreach (var selector in spec["targetSelectors"]?.AsArray() ?? [])
        {
            var labels = selector!["matchLabels"]?.AsObject().Select(l => (l.Key, Value: (string)l.Value!)).ToList() ?? [];
            targets.AddRange(snapshot.Objects
                .Where(o => o.Group == ((string?)selector["group"] ?? Groups.Gateway) && o.Kind == (string)selector["kind"]! && o.Namespace == obj.Namespace)
                .Where(o => labels.All(l => o.Metadata.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
                .Select(o => new Node(o.Key, null)));
        }

        return new TestPolicy(obj.Key, new GroupKind(obj.Group, obj.Kind), obj.Metadata.CreationTimestamp, [.. targets.Distinct()], spec["default"]?.DeepClone(), spec["override"]?.DeepClone());
    }

    /// <summary>Whether a ReferenceGrant in the target's namespace lets the policy's kind and namespace refer to it.</summary>
    private static bool Granted(Snapshot snapshot, KubeObject policy, ResourceKey target)
        => snapshot.ReferenceGrants.Any(g => g.Namespace == target.Namespace
            && g.From.Any(f => f.Group == policy.Group && f.Kind == policy.Kind && f.Namespace == policy.Namespace)
            && g.To.Any(t => t.Group == target.Group && t.Kind == target.Kind && (t.Name is null || t.Name == target.Name)));

    private static ImmutableArray<PolicyContext> EnumerateContexts(Snapshot snapshot, EvaluationResult result)
    {
        var contexts = new SortedDictionary<string, PolicyContext>(StringComparer.Ordinal);
        var policies = result.Policies;
        var classes = result.GatewayClasses.ToDictionary(c => c.GatewayClass.Name, c => c.GatewayClass.Key, StringComparer.Ordinal);
        var owners = new Dictionary<ResourceKey, ImmutableArray<Node>>();
        var listeners = new Dictionary<(ResourceKey, string), ImmutableArray<Node>>();
        void Add(string name, ImmutableArray<Node> chain, Func<EffectivePolicies> lookup) => contexts.TryAdd(name, new PolicyContext(name, chain, lookup));

        void AddOwner(ResourceKey key, ImmutableArray<Node> chain, IEnumerable<ListenerResult> ownListeners)
        {
            owners[key] = chain;
            Add($"{key}", chain, () => policies.ForGateway(key));
            foreach (var listener in ownListeners)
            {
                var name = listener.Name;
                var listenerChain = chain.Add(new Node(key, name));
                listeners[(key, name)] = listenerChain;
                Add($"{key}/{name}", listenerChain, () => policies.ForListener(key, name));
            }
        }

        foreach (var gateway in result.Gateways)
        {
            var key = gateway.Gateway.Key;
            var top = classes.TryGetValue(gateway.Gateway.GatewayClassName, out var classKey) ? ImmutableArray.Create(new Node(classKey, null)) : [];
            AddOwner(key, top.Add(new Node(key, null)), gateway.Listeners);
        }

        foreach (var set in result.ListenerSets)
        {
            if (owners.TryGetValue(set.Parent, out var parent))
            {
                AddOwner(set.ListenerSet.Key, parent.Add(new Node(set.ListenerSet.Key, null)), set.Listeners);
            }
        }

        foreach (var route in result.Routes)
        {
            var routeKey = route.Route.Key;
            foreach (var verdict in route.Parents.Where(p => p.IsAccepted).SelectMany(p => p.AttachedListeners))
            {
                var (owner, listener) = (verdict.Owner, verdict.ListenerName);
                if (!listeners.TryGetValue((owner, listener), out var listenerChain))
                {
                    continue;
                }

                var routeChain = listenerChain.Add(new Node(routeKey, null));
                var prefix = $"{owner}/{listener} > {routeKey}";
                Add(prefix, routeChain, () => policies.ForRoute(owner, listener, routeKey));
                for (var rule = 0; rule < route.Route.RuleCount; rule++)
                {
                    var ruleName = route.Route.RuleName(rule);
                    var ruleChain = ruleName is null ? routeChain : routeChain.Add(new Node(routeKey, ruleName));
                    var rulePrefix = $"{prefix} rule {rule}:{ruleName}";
                    Add(rulePrefix, ruleChain, () => policies.ForRule(owner, listener, routeKey, ruleName));
                    foreach (var backend in route.BackendRefs.Where(b => b.IsValid && !b.IsMirror && b.RuleIndex == rule))
                    {
                        var service = backend.BackendRef.TargetKey;
                        var port = backend.BackendRef.Port is { } p ? snapshot.Find<Service>(service)?.FindPort(p)?.Name : null;
                        var backendChain = ruleChain.Add(new Node(service, null));
                        if (port is not null)
                        {
                            backendChain = backendChain.Add(new Node(service, port));
                        }

                        Add($"{rulePrefix} > {service}:{port}", backendChain, () => policies.ForBackend(owner, listener, routeKey, ruleName, service, port));
                    }
                }
            }
        }

        return [.. contexts.Values];
    }
}

/// <summary>
/// The effective policy written from the spec text alone (spec digest §14.4, §14.5), as the test's oracle. Walk the
/// context's chain from the top; at each level take the policies established first (older, then namespace/name).
/// Patch: start from nothing; apply every default as an RFC 7386 merge patch, top level first and established first
/// (the challenger, more specific or newer, wins); then apply every override the other way round, bottom level first
/// and newest first, so the highest, oldest override is applied last and wins (any override beats any default).
/// Atomic: the whole stanza of the highest established override, or else of the lowest, newest default.
/// </summary>
internal static class ReferenceFold
{
    public static JsonNode? Patch(List<List<TestPolicy>> levels)
    {
        if (levels.All(l => l.Count == 0))
        {
            return null;
        }

        JsonNode? document = new JsonObject();
        foreach (var step in PolicyRun.DefaultSteps(levels).Concat(PolicyRun.OverrideSteps(levels)))
        {
            document = MergePatch(document, step.Stanza);
        }

        return document ?? new JsonObject();
    }

    public static JsonNode? Atomic(List<List<TestPolicy>> levels)
    {
        if (levels.All(l => l.Count == 0))
        {
            return null;
        }

        var winner = PolicyRun.OverrideSteps(levels).LastOrDefault() ?? PolicyRun.DefaultSteps(levels).LastOrDefault();
        return winner?.Stanza.DeepClone() ?? new JsonObject();
    }

    /// <summary>RFC 7386: objects merge recursively, null deletes, anything else replaces.</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? targetObject.DeepClone().AsObject() : [];
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
                continue;
            }

            var existing = result[name]?.DeepClone();
            result[name] = MergePatch(existing, value);
        }

        return result;
    }

    /// <summary>
    /// Every leaf of a stanza (scalars, lists, nulls, and empty objects, which create an object where there is none;
    /// other objects are walked) with its path.
    /// </summary>
    public static IEnumerable<(ImmutableArray<string> Path, JsonNode? Value)> Leaves(JsonNode? node, ImmutableArray<string> path)
    {
        if (node is JsonObject { Count: > 0 } obj)
        {
            foreach (var (name, value) in obj)
            {
                foreach (var leaf in Leaves(value, path.Add(name)))
                {
                    yield return leaf;
                }
            }
        }
        else
        {
            yield return (path, node);
        }
    }

    /// <summary>Whether one path is a prefix of the other (setting one changes the other).</summary>
    public static bool Comparable(ImmutableArray<string> a, ImmutableArray<string> b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            if (!string.Equals(a[i], b[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The value at a path, and whether it exists.</summary>
    public static (bool Found, JsonNode? Value) At(JsonNode? document, ImmutableArray<string> path)
    {
        var current = document;
        foreach (var name in path)
        {
            if (current is not JsonObject obj || !obj.TryGetPropertyValue(name, out var next))
            {
                return (false, null);
            }

            current = next;
        }

        return (true, current);
    }

    public static string Canonical(JsonNode? node) => node is null ? "<none>" : JsonData.Parse(node.ToJsonString()).ToCanonicalString();
}
