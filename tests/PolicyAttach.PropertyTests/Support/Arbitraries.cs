using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.Model;
using PolicyAttach.Testing;

namespace PolicyAttach.PropertyTests.Support;

/// <summary>A world and one more ReferenceGrant whose name no generated grant uses.</summary>
public sealed record WorldWithGrant(TestWorld World, ReferenceGrantBuilder Grant)
{
    /// <inheritdoc />
    public override string ToString() => $"{World}# Added grant:{Environment.NewLine}---{Environment.NewLine}{Grant.ToYaml()}";
}

/// <summary>A world and the salt of a permutation of its objects (<see cref="Engine.Permute"/>).</summary>
public sealed record ShuffledWorld(TestWorld World, int Salt)
{
    /// <inheritdoc />
    public override string ToString() => $"{World}# Permutation salt: {Salt}{Environment.NewLine}";
}

/// <summary>
/// The worlds the binding properties run on: valid generated worlds, and now and then one whose object has an
/// invalid field (the reader drops the object or reports it), so robustness and order independence cover bad input
/// too. They shrink with <see cref="WorldShrinker"/>.
/// </summary>
internal static class PropertyWorlds
{
    public static Gen<TestWorld> Worlds() => Gen.Frequency(
        (4, WorldGenerators.World()),
        (1, WorldGenerators.MutatedWorld().Select(m => m.World)));

    /// <summary>A ReferenceGrant of the generators' vocabulary: routes, Gateways or policies of some namespace to Services, Secrets or ConfigMaps.</summary>
    public static Gen<ReferenceGrantBuilder> Grant(string name) =>
        from ns in Gen.Elements("shared", "shared", "app", "team", "infra")
        from fromKind in Gen.Frequency((4, Gen.Constant("HTTPRoute")), (1, Gen.Elements("GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute")), (2, Gen.Constant("Gateway")))
        from fromNs in Gen.Elements("infra", "app", "team", "shared")
        from toKind in Gen.Frequency((6, Gen.Constant("Service")), (2, Gen.Constant("Secret")), (1, Gen.Constant("ConfigMap")))
        from toName in Gen.Frequency((3, Gen.Constant<string?>(null)), (1, Gen.Elements<string?>("svc-a", "svc-b", "cert", "ca")))
        select new ReferenceGrantBuilder(ns, name)
        {
            From = [new GrantFromBuilder(Groups.Gateway, fromKind, fromNs)],
            To = [new GrantToBuilder(Groups.Core, toKind, toName)],
        };
}

/// <summary>The arbitraries the properties use; registered with <c>[Properties(Arbitrary = ...)]</c>.</summary>
public static class Arbitraries
{
    public static Arbitrary<TestWorld> World() => Arb.From(PropertyWorlds.Worlds(), WorldShrinker.Shrink);

    public static Arbitrary<WorldWithGrant> WorldWithGrant() => Arb.From(
        from world in PropertyWorlds.Worlds()
        from grant in PropertyWorlds.Grant("added-grant")
        select new WorldWithGrant(world, grant),
        w => WorldShrinker.Shrink(w.World).Select(s => w with { World = s }));

    public static Arbitrary<ShuffledWorld> ShuffledWorld() => Arb.From(
        from world in PropertyWorlds.Worlds()
        from salt in Gen.Choose(0, int.MaxValue - 1)
        select new ShuffledWorld(world, salt),
        w => WorldShrinker.Shrink(w.World).Select(s => w with { World = s }));

    public static Arbitrary<GarbageDocuments> GarbageDocuments() => Arb.From(GarbageGenerators.Documents(), g => g.Shrink());
}
