using FsCheck;
using FsCheck.Fluent;

namespace PolicyAttach.Testing;

/// <summary>
/// FsCheck generators of Gateway API worlds and of what tests do with them. Generators alone do not shrink; the
/// arbitraries of <see cref="WorldArbitraries"/> pair them with shrinkers that keep every world valid.
/// </summary>
public static class WorldGenerators
{
    /// <summary>
    /// Valid worlds: every object reads without error, and references resolve except the few that dangle on
    /// purpose. The FsCheck size scales the number of Gateways, listeners, routes and policies.
    /// </summary>
    /// <param name="options">The shape of the worlds; null for <see cref="WorldOptions.Default"/>.</param>
    /// <returns>The generator.</returns>
    public static Gen<TestWorld> World(WorldOptions? options = null)
    {
        options ??= WorldOptions.Default;
        options.Validate();
        return WorldGenerator.World(options);
    }

    /// <summary>Valid worlds with one field of one object set to an invalid value, which the engine's reader reports.</summary>
    /// <param name="options">The shape of the worlds; null for <see cref="WorldOptions.Default"/>.</param>
    /// <returns>The generator.</returns>
    public static Gen<MutatedWorld> MutatedWorld(WorldOptions? options = null) => Mutations.Mutated(World(options));

    /// <summary>The invalid single-field changes the catalogue has for a world's objects, in object order.</summary>
    /// <param name="world">The world.</param>
    /// <returns>The mutations.</returns>
    public static IReadOnlyList<WorldMutation> InvalidMutations(TestWorld world) => Mutations.For(world ?? throw new ArgumentNullException(nameof(world)));

    /// <summary>Requests aimed at a world: hits, near misses and misses (5 : 4 : 1), or only one aim.</summary>
    /// <param name="world">The world.</param>
    /// <param name="aim">Only this aim, or null for the mix.</param>
    /// <returns>The generator.</returns>
    public static Gen<TestRequest> Request(TestWorld world, RequestAim? aim = null) => RequestGenerator.Request(world ?? throw new ArgumentNullException(nameof(world)), aim);

    /// <summary>
    /// The hits of a world in a fixed order: one request per (route, parent, listener, rule, match) that attached and
    /// per Ingress path, built from the match (at most 256).
    /// </summary>
    /// <param name="world">The world.</param>
    /// <returns>The requests.</returns>
    public static IReadOnlyList<TestRequest> Hits(TestWorld world) => RequestGenerator.Hits(world ?? throw new ArgumentNullException(nameof(world)));

    /// <summary>A request changed in one detail each (path, method, a header, the query, the host, the port).</summary>
    /// <param name="hit">The request.</param>
    /// <returns>The near misses.</returns>
    public static IReadOnlyList<TestRequest> NearMisses(TestRequest hit) => RequestGenerator.NearMisses(hit ?? throw new ArgumentNullException(nameof(hit)));

    /// <summary>Worlds with requests aimed at them.</summary>
    /// <param name="options">The shape of the worlds; null for <see cref="WorldOptions.Default"/>.</param>
    /// <param name="requests">The number of requests per world.</param>
    /// <returns>The generator.</returns>
    public static Gen<RoutingCase> RoutingCase(WorldOptions? options = null, int requests = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(requests, 1);
        return from world in World(options)
               from list in Request(world).ArrayOf(requests)
               select new RoutingCase(world, [.. list]);
    }

    /// <summary>Worlds and sequences of batches of changes to them (for incremental evaluation).</summary>
    /// <param name="options">The shape of the worlds; null for <see cref="WorldOptions.Default"/>.</param>
    /// <param name="maxBatches">The most batches.</param>
    /// <returns>The generator.</returns>
    public static Gen<WorldHistory> History(WorldOptions? options = null, int maxBatches = 6) => Histories.History(World(options), maxBatches);

    /// <summary>
    /// Worlds and sequences of batches that change only routes and policies on routes (a route's match, parent or
    /// deletion; a policy on a route added, changed, moved to another route, challenged by a rival, deleted; what was
    /// deleted added again): the changes an incremental evaluation recomputes below its units, which
    /// <see cref="History"/> spreads over every kind.
    /// </summary>
    /// <param name="options">The shape of the worlds; null for <see cref="WorldOptions.Default"/>.</param>
    /// <param name="maxBatches">The most batches.</param>
    /// <returns>The generator.</returns>
    public static Gen<WorldHistory> RouteHistory(WorldOptions? options = null, int maxBatches = 6) => Histories.RouteHistory(World(options), maxBatches);
}

/// <summary>FsCheck arbitraries: the generators of <see cref="WorldGenerators"/> with shrinkers that keep worlds valid.</summary>
public static class WorldArbitraries
{
    /// <summary>Valid worlds that shrink to smaller valid worlds (<see cref="WorldShrinker"/>).</summary>
    /// <param name="options">The shape of the worlds; null for <see cref="WorldOptions.Default"/>.</param>
    /// <returns>The arbitrary.</returns>
    public static Arbitrary<TestWorld> World(WorldOptions? options = null) => Arb.From(WorldGenerators.World(options), WorldShrinker.Shrink);

    /// <summary>Mutated worlds; the valid world shrinks and the same field stays invalid.</summary>
    /// <param name="options">The shape of the worlds; null for <see cref="WorldOptions.Default"/>.</param>
    /// <returns>The arbitrary.</returns>
    public static Arbitrary<MutatedWorld> MutatedWorld(WorldOptions? options = null) => Arb.From(WorldGenerators.MutatedWorld(options), Mutations.Shrink);

    /// <summary>Worlds with requests; shrinking keeps one request, then shrinks the world, then simplifies the request.</summary>
    /// <param name="options">The shape of the worlds; null for <see cref="WorldOptions.Default"/>.</param>
    /// <param name="requests">The number of requests per world.</param>
    /// <returns>The arbitrary.</returns>
    public static Arbitrary<RoutingCase> RoutingCase(WorldOptions? options = null, int requests = 16)
        => Arb.From(WorldGenerators.RoutingCase(options, requests), Testing.RoutingCase.Shrink);

    /// <summary>Histories; shrinking drops batches and changes, then shrinks the initial world.</summary>
    /// <param name="options">The shape of the worlds; null for <see cref="WorldOptions.Default"/>.</param>
    /// <param name="maxBatches">The most batches.</param>
    /// <returns>The arbitrary.</returns>
    public static Arbitrary<WorldHistory> History(WorldOptions? options = null, int maxBatches = 6)
        => Arb.From(WorldGenerators.History(options, maxBatches), Histories.Shrink);

    /// <summary>Histories of route and route-policy changes (<see cref="WorldGenerators.RouteHistory"/>); they shrink as <see cref="History"/> does.</summary>
    /// <param name="options">The shape of the worlds; null for <see cref="WorldOptions.Default"/>.</param>
    /// <param name="maxBatches">The most batches.</param>
    /// <returns>The arbitrary.</returns>
    public static Arbitrary<WorldHistory> RouteHistory(WorldOptions? options = null, int maxBatches = 6)
        => Arb.From(WorldGenerators.RouteHistory(options, maxBatches), Histories.Shrink);
}
