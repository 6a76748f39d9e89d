using FsCheck;
using FsCheck.Fluent;

namespace PolicyAttach.Testing.Tests;

/// <summary>
/// Fixed samples of generated worlds: drawn from a fixed seed, so every run sees the same worlds and the coverage
/// counts are the same on every run.
/// </summary>
internal static class Samples
{
    public const ulong Seed = 20261206;

    private static readonly Lazy<TestWorld[]> LazyWorlds = new(() => WorldGenerators.World().Sample(120, new Rnd(Seed), 60));

    /// <summary>120 worlds of the default options at size 60.</summary>
    public static TestWorld[] Worlds => LazyWorlds.Value;
}
