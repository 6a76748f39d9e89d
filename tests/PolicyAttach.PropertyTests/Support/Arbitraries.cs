using FsCheck;
using FsCheck.Fluent;

namespace PolicyAttach.PropertyTests.Support;

/// <summary>A world and one more ReferenceGrant whose name no generated grant uses.</summary>
public sealed record WorldWithGrant(World World, string Grant)
{
    /// <inheritdoc />
    public override string ToString() => $"{World}{Environment.NewLine}Added grant:{Environment.NewLine}{Grant}";
}

/// <summary>A world and a seed for shuffling its documents.</summary>
public sealed record ShuffledWorld(World World, int Seed)
{
    /// <inheritdoc />
    public override string ToString() => $"{World}{Environment.NewLine}Shuffle seed: {Seed}";
}

/// <summary>The arbitraries the properties use; registered with <c>[Properties(Arbitrary = ...)]</c>.</summary>
public static class Arbitraries
{
    public static Arbitrary<World> World() => Arb.From(WorldGenerators.World(), w => w.Shrink());

    public static Arbitrary<WorldWithGrant> WorldWithGrant() => Arb.From(
        from world in WorldGenerators.World()
        from grant in WorldGenerators.ReferenceGrant("added-grant")
        select new WorldWithGrant(world, grant),
        w => w.World.Shrink().Select(s => w with { World = s }));

    public static Arbitrary<ShuffledWorld> ShuffledWorld() => Arb.From(
        from world in WorldGenerators.World()
        from seed in Gen.Choose(0, int.MaxValue - 1)
        select new ShuffledWorld(world, seed),
        w => w.World.Shrink().Select(s => w with { World = s }));

    public static Arbitrary<GarbageDocuments> GarbageDocuments() => Arb.From(GarbageGenerators.Documents(), g => g.Shrink());
}
