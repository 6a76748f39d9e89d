using System.Globalization;
using FsCheck;
using Microsoft.FSharp.Core;

namespace PolicyAttach.PropertyTests;

/// <summary>
/// FsCheck's <c>[Property]</c> with the project's seed rule, so that the README's test command gives the same answer on
/// every run: by default every property replays one fixed seed (<see cref="FixedSeed"/>), so CI is deterministic.
/// <c>POLICYATTACH_PROPERTY_SEED=random</c> draws fresh seeds (an exploration run: a failure prints its seed), and
/// <c>POLICYATTACH_PROPERTY_SEED=(seed,gamma)</c> replays the seed a failure printed. Declared in the test projects'
/// root namespace, so <c>[Property]</c> in them means this attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PropertyAttribute : FsCheck.Xunit.PropertyAttribute
{
    /// <summary>The seed every property replays unless the environment says otherwise.</summary>
    public const string FixedSeed = "(20261206,1442695040888963407)";

    /// <summary>The environment variable that chooses the seed.</summary>
    public const string SeedVariable = "POLICYATTACH_PROPERTY_SEED";

    /// <summary>A property that replays the seed the environment chooses.</summary>
    public PropertyAttribute() => Replay = ChosenSeed();

    /// <summary>
    /// <paramref name="config"/> under the same seed rule, for properties checked by hand with <c>Check.One</c>
    /// (the fuzz harness), so that they are as deterministic as the attributed ones.
    /// </summary>
    public static Config Seeded(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (ChosenSeed() is not { } seed)
        {
            return config;
        }

        var parts = seed.Trim('(', ')').Split(',').Select(p => p.Trim()).ToArray();
        var rnd = new Rnd(ulong.Parse(parts[0], CultureInfo.InvariantCulture), ulong.Parse(parts[1], CultureInfo.InvariantCulture));
        var size = parts.Length > 2 ? FSharpOption<int>.Some(int.Parse(parts[2], CultureInfo.InvariantCulture)) : FSharpOption<int>.None;
        return config.WithReplay(FSharpOption<Replay>.Some(new Replay(rnd, size)));
    }

    /// <summary>The seed the environment chooses: the fixed one by default, null for <c>random</c>.</summary>
    private static string? ChosenSeed()
    {
        var chosen = Environment.GetEnvironmentVariable(SeedVariable);
        return string.Equals(chosen, "random", StringComparison.OrdinalIgnoreCase) ? null
            : string.IsNullOrWhiteSpace(chosen) ? FixedSeed
            : chosen.Trim();
    }
}
