using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Testing;

namespace PolicyAttach.PropertyTests.Support;

/// <summary>A world and one more policy that the property adds or compares against.</summary>
public sealed record WorldWithPolicy(TestWorld World, PolicyBuilder Policy)
{
    /// <inheritdoc />
    public override string ToString() => $"{World}# Added policy:{Environment.NewLine}---{Environment.NewLine}{Policy.ToYaml()}";
}

/// <summary>
/// Policy worlds: the generated worlds of PolicyAttach.Testing with Inherited policies of two kinds (one merged with
/// Patch, declared by a CRD; one Atomic, registered on the world, which may target other namespaces with a
/// ReferenceGrant) with <c>default</c>/<c>override</c> stanzas of small random JSON objects, attached at every level
/// (GatewayClass, Gateway, listener, ListenerSet, route, rule, Service, port), some to targets that do not exist, some
/// by label selector; Direct policies that conflict; BackendTLSPolicies that often share a target. Timestamps come
/// from a pool of six seconds (and none), so ties are common.
/// </summary>
internal static class PolicyGenerators
{
    public static readonly GroupKind PatchKind = GeneratedPolicyKinds.Patch;

    public static readonly GroupKind AtomicKind = GeneratedPolicyKinds.Atomic;

    public static readonly GroupKind BackendTlsKind = new(Groups.Gateway, "BackendTLSPolicy");

    /// <summary>Everything but Ingresses, which policies do not reach; more policies than the default.</summary>
    public static readonly WorldOptions Options = WorldOptions.Default with { Ingress = false, MaxPolicies = 16 };

    public static Gen<TestWorld> World() => WorldGenerators.World(Options);

    /// <summary>A policy whose every target is missing (an unknown object, or a section no generated object has).</summary>
    public static Gen<PolicyBuilder> MissingTargetPolicy() =>
        from ns in Gen.Elements("infra", "app", "team", "shared")
        from kind in Gen.Elements(PatchKind, AtomicKind)
        from count in Gen.Choose(1, 2)
        from targets in Gen.ArrayOf(MissingTarget(), count)
        from stanza in Gen.Elements("""{"a":1}""", """{"b":{"c":"x"}}""", """{"a":null}""")
        from isOverride in Gen.Elements(false, true)
        select new PolicyBuilder(kind.Group, kind.Kind, ns, "p-ghost")
        {
            TargetRefs = [.. targets.DistinctBy(t => (t.Kind, t.Name, t.SectionName))],
            Default = isOverride ? null : JsonData.Parse(stanza),
            Override = isOverride ? JsonData.Parse(stanza) : null,
        };

    private static Gen<ObjectRefBuilder> MissingTarget() => Gen.OneOf(
        Gen.Constant(ObjectRefBuilder.GatewayClass("ghost")),
        Gen.Elements("gw", "gw2", "ghost").Select(n => ObjectRefBuilder.Gateway(null, n) with { SectionName = n == "ghost" ? null : "nope" }),
        Gen.Elements("http-1", "grpc-2", "ghost").Select(n => ObjectRefBuilder.Route("HTTPRoute", n) with { SectionName = n == "ghost" ? null : "nope" }),
        Gen.Elements("svc-a", "svc-b", "ghost").Select(n => ObjectRefBuilder.Service(null, n) with { SectionName = n == "ghost" ? null : "nope" }));
}

/// <summary>The arbitraries of the policy properties.</summary>
public static class PolicyArbitraries
{
    public static Arbitrary<TestWorld> World() => Arb.From(PolicyGenerators.World(), WorldShrinker.Shrink);

    public static Arbitrary<ShuffledWorld> ShuffledWorld() => Arb.From(
        from world in PolicyGenerators.World()
        from salt in Gen.Choose(0, int.MaxValue - 1)
        select new ShuffledWorld(world, salt),
        w => WorldShrinker.Shrink(w.World).Select(s => w with { World = s }));

    public static Arbitrary<WorldWithPolicy> WorldWithPolicy() => Arb.From(
        from world in PolicyGenerators.World()
        from policy in PolicyGenerators.MissingTargetPolicy()
        select new WorldWithPolicy(world, policy),
        w => WorldShrinker.Shrink(w.World).Select(s => w with { World = s }));
}
