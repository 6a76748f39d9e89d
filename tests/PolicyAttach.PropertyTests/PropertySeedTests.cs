using System.Reflection;

namespace PolicyAttach.PropertyTests;

/// <summary>The seed rule holds for every property of the project: none draws its own seed in CI.</summary>
public class PropertySeedTests
{
    [Fact]
    public void Properties_EveryPropertyMethod_UsesTheProjectsSeedRule()
    {
        var properties = typeof(PropertySeedTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<FsCheck.Xunit.PropertyAttribute>()))
            .Where(p => p.Attribute is not null)
            .ToList();

        Assert.True(properties.Count >= 20, $"found {properties.Count} properties");
        var others = properties.Where(p => p.Attribute is not PropertyAttribute).Select(p => $"{p.Method.DeclaringType!.Name}.{p.Method.Name}").ToList();
        Assert.True(others.Count == 0, "Properties that draw their own seed: " + string.Join(", ", others));
    }

    [Fact]
    public void Property_NoEnvironmentSeed_ReplaysTheFixedSeed()
    {
        if (Environment.GetEnvironmentVariable(PropertyAttribute.SeedVariable) is { Length: > 0 } chosen)
        {
            Assert.Equal(chosen.Trim().Equals("random", StringComparison.OrdinalIgnoreCase) ? null : chosen.Trim(), new PropertyAttribute().Replay);
            return;
        }

        Assert.Equal(PropertyAttribute.FixedSeed, new PropertyAttribute().Replay);
    }
}
