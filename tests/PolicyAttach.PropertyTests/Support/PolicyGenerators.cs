using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.Binding;
using PolicyAttach.Model;
using PolicyAttach.Policies;

namespace PolicyAttach.PropertyTests.Support;

/// <summary>A world and one more document (a policy) that the property adds or compares against.</summary>
public sealed record WorldWithDocument(World World, string Document)
{
    /// <inheritdoc />
    public override string ToString() => $"{World}{Environment.NewLine}Added document:{Environment.NewLine}{Document}";
}

/// <summary>
/// Generators of policy worlds: the binding world of <see cref="WorldGenerators"/> plus Inherited policies of two
/// kinds (one merged with Patch, one Atomic) with <c>default</c>/<c>override</c> stanzas of small random JSON
/// objects, attached at every level (GatewayClass, Gateway, listener, ListenerSet, route, rule, Service, port), some
/// to targets that do not exist; plus BackendTLSPolicies that often share a target and so conflict. Timestamps
/// come from a pool of six seconds (and none), so ties are common.
/// </summary>
internal static class PolicyGenerators
{
    public const string AcmeGroup = "networking.acme.io";

    /// <summary>An unregistered policy kind: the engine takes it as Inherited with Patch defaults and overrides.</summary>
    public static readonly GroupKind PatchKind = new(AcmeGroup, "RetryPolicy");

    /// <summary>A kind registered with the Atomic strategy.</summary>
    public static readonly GroupKind AtomicKind = new(AcmeGroup, "TimeoutPolicy");

    public static readonly GroupKind BackendTlsKind = new(Groups.Gateway, "BackendTLSPolicy");

    /// <summary>The options the policy properties evaluate with: <see cref="World.Options"/> plus the Atomic kind.</summary>
    public static EvaluationOptions Options { get; } = Support.World.Options with
    {
        PolicyKinds = PolicyKindRegistry.Standard.With(
        [
            new PolicyKindDefinition { Kind = AtomicKind, Targets = PolicyKindDefinition.InheritedIngressTargets, Strategy = MergeStrategy.Atomic },
        ]),
    };

    private static readonly string[] PolicyNames = ["p1", "p2", "p3", "p4", "p5", "p6"];
    private static readonly string[] Keys = ["a", "b", "c"];

    public static Gen<World> World() =>
        from world in WorldGenerators.World()
        let targets = TargetsIn(world)
        from policies in InheritedPolicy(targets).ListOf().Resize(10)
        from tls in BackendTlsPolicies(targets.Where(t => t.Ref["kind"]!.GetValue<string>() == "Service").ToList())
        from order in Gen.Shuffle(world.Documents.Concat(policies).Concat(tls).ToArray())
        select Support.World.Create(order);

    /// <summary>A policy target: a targetRef and the namespace of its object (null for a GatewayClass).</summary>
    internal sealed record TargetChoice(JsonObject Ref, string? Namespace);

    /// <summary>Every object of the world a policy can target, whole and by section (listener, named rule, named port).</summary>
    private static List<TargetChoice> TargetsIn(World world)
    {
        var targets = new List<TargetChoice>();
        void Add(KubeObject obj, IEnumerable<string?> sections)
        {
            var ns = obj.Kind == "GatewayClass" ? null : obj.Namespace;
            targets.Add(new TargetChoice(Ref(obj.Group, obj.Kind, obj.Name, null), ns));
            targets.AddRange(sections.OfType<string>().Distinct(StringComparer.Ordinal).Select(s => new TargetChoice(Ref(obj.Group, obj.Kind, obj.Name, s), ns)));
        }

        foreach (var obj in world.Objects())
        {
            switch (obj)
            {
                case GatewayClass:
                    Add(obj, []);
                    break;
                case Gateway g:
                    Add(obj, g.Listeners.Select(l => l.Name));
                    break;
                case ListenerSet set:
                    Add(obj, set.Listeners.Select(l => l.Name));
                    break;
                case Model.Routes.RouteBase route:
                    Add(obj, Enumerable.Range(0, route.RuleCount).Select(route.RuleName));
                    break;
                case Service service:
                    Add(obj, service.Ports.Select(p => p.Name));
                    break;
            }
        }

        // Nodes that some context reaches (a route attached to a listener, a backend of its rule) are picked more, the
        // deeper the more, so that policies on rules and ports take effect often enough (rules of reached routes more still:
        // a world has few named rules, and the coverage test needs policies on them in more than one world of its sample).
        foreach (var context in Policies.PolicyRun.Of(world).Contexts)
        {
            for (var i = 0; i < context.Chain.Length; i++)
            {
                var node = context.Chain[i];
                var choice = new TargetChoice(Ref(node.Object.Group, node.Object.Kind, node.Object.Name, node.Section), node.Object.Kind == "GatewayClass" ? null : node.Object.Namespace);
                var rule = node.Section is not null && node.Object.Kind.EndsWith("Route", StringComparison.Ordinal);
                targets.AddRange(Enumerable.Repeat(choice, (i / 2) + (rule ? 2 : 0)));
            }
        }

        return targets;
    }

    /// <summary>
    /// An Inherited policy on one or two targets of the world (in its namespace), now and then on a target that
    /// does not exist; its <c>default</c> and <c>override</c> stanzas are small random objects.
    /// </summary>
    public static Gen<string> InheritedPolicy(List<TargetChoice> targets) =>
        from first in targets.Count == 0
            ? RandomTarget()
            : Gen.Frequency((8, Gen.Elements(targets.ToArray())), (1, RandomTarget()))
        from ns in first.Namespace is null ? Gen.Elements(WorldGenerators.GatewayNamespaces) : Gen.Constant(first.Namespace)
        from more in targets.Any(t => t.Namespace is null || t.Namespace == ns)
            ? Gen.Elements(targets.Where(t => t.Namespace is null || t.Namespace == ns).ToArray()).ListOf().Resize(1).Select(l => l.ToArray())
            : Gen.Constant(Array.Empty<TargetChoice>())
        from policy in Policy(Gen.Elements(PolicyNames), ns, [first.Ref, .. more.Select(m => m.Ref)])
        select policy;

    /// <summary>A policy whose every target is missing (an unknown object, or a section no generated object has).</summary>
    public static Gen<string> MissingTargetPolicy() =>
        from ns in Gen.Elements(WorldGenerators.Namespaces)
        from targets in MissingTarget().NonEmptyListOf().Resize(2)
        from policy in Policy(Gen.Constant("p-ghost"), ns, [.. targets])
        select policy;

    private static Gen<TargetChoice> RandomTarget() =>
        from target in Target()
        from ns in Gen.Elements(WorldGenerators.Namespaces)
        select new TargetChoice(target.AsObject(), (string?)target["kind"] == "GatewayClass" ? null : ns);

    private static Gen<string> Policy(Gen<string> names, string ns, JsonNode[] targets) =>
        from kind in Gen.Frequency((3, Gen.Constant(PatchKind.Kind)), (2, Gen.Constant(AtomicKind.Kind)))
        from name in names
        from stanzas in Gen.Frequency(
            (2, Stanza().Select(d => (Default: (JsonObject?)d, Override: (JsonObject?)null))),
            (1, Stanza().Select(o => (Default: (JsonObject?)null, Override: (JsonObject?)o))),
            (2, Gen.Zip(Stanza(), Stanza()).Select(p => (Default: (JsonObject?)p.Item1, Override: (JsonObject?)p.Item2))))
        from meta in WorldGenerators.Metadata(name, ns)
        select WorldGenerators.Doc($"{AcmeGroup}/v1alpha1", kind, meta, WorldGenerators.Obj(
            ("targetRefs", new JsonArray([.. targets.DistinctBy(t => t.ToJsonString(), StringComparer.Ordinal).Select(t => t.DeepClone())])),
            ("default", stanzas.Default),
            ("override", stanzas.Override)));

    /// <summary>A target that usually exists in generated worlds (in the policy's namespace when it is namespaced).</summary>
    private static Gen<JsonNode> Target() => Gen.Frequency(
        (1, Gen.Elements(WorldGenerators.ClassNames[0], WorldGenerators.ClassNames[1], "gc-missing").Select(n => (JsonNode)Ref(Groups.Gateway, "GatewayClass", n, null))),
        (4, from n in Gen.Elements(WorldGenerators.GatewayNames)
            from s in Gen.Frequency((3, Gen.Constant<string?>(null)), (3, Gen.Elements<string?>("l0", "l1", "l2")), (1, Gen.Constant<string?>("nope")))
            select (JsonNode)Ref(Groups.Gateway, "Gateway", n, s)),
        (1, from n in Gen.Elements(WorldGenerators.ListenerSetNames)
            from s in Gen.Frequency((2, Gen.Constant<string?>(null)), (2, Gen.Elements<string?>("l0", "l1")))
            select (JsonNode)Ref(Groups.Gateway, "ListenerSet", n, s)),
        (4, from k in Gen.Frequency((4, Gen.Constant("HTTPRoute")), (1, Gen.Elements("GRPCRoute", "TLSRoute", "TCPRoute")))
            from n in Gen.Elements("route-1", "route-2", "route-3")
            from s in Gen.Frequency((3, Gen.Constant<string?>(null)), (3, Gen.Elements<string?>(WorldGenerators.RuleNames)), (1, Gen.Constant<string?>("nope")))
            select (JsonNode)Ref(Groups.Gateway, k, n, s)),
        (3, from n in Gen.Elements("svc-a", "svc-b")
            from s in Gen.Frequency((3, Gen.Constant<string?>(null)), (3, Gen.Elements<string?>("http", "alt")), (1, Gen.Constant<string?>("nope")))
            select (JsonNode)Ref(Groups.Core, "Service", n, s)));

    /// <summary>A target that cannot exist: an unknown object, or a section no generated object has.</summary>
    private static Gen<JsonNode> MissingTarget() =>
        from target in Target()
        from how in Gen.Elements(0, 1)
        select (JsonNode)Missing(target, how);

    private static JsonObject Missing(JsonNode target, int how)
    {
        var copy = target.DeepClone().AsObject();
        if (how == 0 || (string?)copy["kind"] == "GatewayClass")
        {
            copy["name"] = "ghost";
        }
        else
        {
            copy["sectionName"] = "nope";
        }

        return copy;
    }

    private static JsonObject Ref(string group, string kind, string name, string? section)
        => WorldGenerators.Obj(("group", group), ("kind", kind), ("name", name), ("sectionName", section));

    /// <summary>A stanza: an object of a few keys, values scalars, lists, nulls or nested objects.</summary>
    public static Gen<JsonObject> Stanza() => JsonObjectOf(2);

    private static Gen<JsonObject> JsonObjectOf(int depth) =>
        from keys in Gen.SubListOf(Keys)
        from values in Gen.CollectToList(keys, _ => Value(depth))
        select Fill(keys, values);

    private static JsonObject Fill(IEnumerable<string> keys, IEnumerable<JsonNode?> values)
    {
        var result = new JsonObject();
        foreach (var (key, value) in keys.Zip(values))
        {
            result[key] = value;
        }

        return result;
    }

    private static Gen<JsonNode?> Value(int depth)
    {
        var scalar = Gen.Frequency(
            (3, Gen.Choose(0, 3).Select(n => (JsonNode?)n)),
            (2, Gen.Elements("x", "y").Select(s => (JsonNode?)s)),
            (1, Gen.Elements(true, false).Select(b => (JsonNode?)b)),
            (2, Gen.Constant<JsonNode?>(null)),
            (1, Gen.Choose(0, 3).ListOf().Resize(2).Select(l => (JsonNode?)new JsonArray([.. l.Select(n => (JsonNode?)n)]))));
        return depth <= 0 ? scalar : Gen.Frequency((3, scalar), (2, JsonObjectOf(depth - 1).Select(o => (JsonNode?)o)));
    }

    /// <summary>
    /// BackendTLSPolicies: a few on one Service of the world (whole or a port), so they often conflict, and now and
    /// then one on a Service that does not exist.
    /// </summary>
    private static Gen<IEnumerable<string>> BackendTlsPolicies(List<TargetChoice> services) =>
        services.Count == 0
            ? Gen.Constant(Enumerable.Empty<string>())
            : from target in Gen.Elements(services.ToArray())
              from names in Gen.SubListOf("tls-1", "tls-2", "tls-3")
              from policies in Gen.CollectToList(names, n => BackendTlsPolicy(n, target))
              from missing in Gen.Frequency((4, Gen.Constant(Array.Empty<string>())), (1, BackendTlsPolicy("tls-4", new TargetChoice(Ref(Groups.Core, "Service", "svc-missing", null), target.Namespace)).Select(p => new[] { p })))
              select policies.Concat(missing);

    private static Gen<string> BackendTlsPolicy(string name, TargetChoice target) =>
        from hostname in Gen.Elements("one.example.com", "two.example.com")
        from meta in WorldGenerators.Metadata(name, target.Namespace)
        select WorldGenerators.Doc($"{Groups.Gateway}/v1", "BackendTLSPolicy", meta, WorldGenerators.Obj(
            ("targetRefs", new JsonArray(target.Ref.DeepClone())),
            ("validation", WorldGenerators.Obj(("hostname", hostname), ("wellKnownCACertificates", "System")))));
}

/// <summary>The arbitraries of the policy properties.</summary>
public static class PolicyArbitraries
{
    public static Arbitrary<World> World() => Arb.From(PolicyGenerators.World(), w => w.Shrink());

    public static Arbitrary<ShuffledWorld> ShuffledWorld() => Arb.From(
        from world in PolicyGenerators.World()
        from seed in Gen.Choose(0, int.MaxValue - 1)
        select new ShuffledWorld(world, seed),
        w => w.World.Shrink().Select(s => w with { World = s }));

    public static Arbitrary<WorldWithDocument> WorldWithDocument() => Arb.From(
        from world in PolicyGenerators.World()
        from policy in PolicyGenerators.MissingTargetPolicy()
        select new WorldWithDocument(world, policy),
        w => w.World.Shrink().Select(s => w with { World = s }));
}
