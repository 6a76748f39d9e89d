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
    public PropertyAttribute()
    {
        var chosen = Environment.GetEnvironmentVariable(SeedVariable);
        Replay = string.Equals(chosen, "random", StringComparison.OrdinalIgnoreCase) ? null
            : string.IsNullOrWhiteSpace(chosen) ? FixedSeed
            : chosen.Trim();
    }
}
