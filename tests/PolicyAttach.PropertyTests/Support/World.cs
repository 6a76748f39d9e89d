using PolicyAttach.Binding;
using PolicyAttach.Model;
using PolicyAttach.Testing;

namespace PolicyAttach.PropertyTests.Support;

/// <summary>Runs the engine the way the CLI does: snapshot, evaluation, status JSON.</summary>
internal static class Engine
{
    public static (Snapshot Snapshot, EvaluationResult Result, string Json) Run(IEnumerable<KubeObject> objects, EvaluationOptions options)
    {
        var snapshot = Snapshot.Create(objects);
        var result = Evaluator.Evaluate(snapshot, options);
        return (snapshot, result, StatusWriter.ToJson(result));
    }

    public static (Snapshot Snapshot, EvaluationResult Result, string Json) Run(TestWorld world) => Run(world.Resources, world.Options);

    /// <summary>
    /// The items in the order of a permutation picked by <paramref name="salt"/>: each position gets a mixed key
    /// (SplitMix64 of position and salt) and the items are sorted by it. The same salt gives the same order, so a
    /// counterexample's salt reproduces it; FsCheck picks and keeps the salt while the world shrinks.
    /// </summary>
    public static List<T> Permute<T>(IEnumerable<T> items, int salt)
        => [.. items.Select((item, i) => (Item: item, Key: Mix(((ulong)(uint)salt << 32) | (uint)i))).OrderBy(x => x.Key).Select(x => x.Item)];

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The first line where two texts differ, for failure messages.</summary>
    public static string FirstDifference(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length ? a[i] : "<end>";
            var y = i < b.Length ? b[i] : "<end>";
            if (!string.Equals(x, y, StringComparison.Ordinal))
            {
                return $"line {i + 1}:{Environment.NewLine}  expected: {x.Trim()}{Environment.NewLine}  actual:   {y.Trim()}";
            }
        }

        return "no difference";
    }
}
