using System.Collections.Immutable;
using System.Text.Json;
using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Manifests;
using PolicyAttach.Model;
using PolicyAttach.Status;

namespace PolicyAttach.PropertyTests.Support;

/// <summary>
/// A small generated input: JSON documents, each one object. Keys are unique (the generator drops a later document
/// whose object has the key of an earlier one), so input order cannot decide which duplicate wins. Printed one
/// document a line, so a failing property shows its counterexample.
/// </summary>
public sealed record World(ImmutableArray<string> Documents)
{
    /// <summary>The controller name the engine acts for in every property.</summary>
    public const string OurController = "example.com/gateway-controller";

    /// <summary>The options every property evaluates with.</summary>
    public static EvaluationOptions Options { get; } = new() { ControllerNames = EquatableArray.Create(OurController) };

    /// <summary>Reading options that do not depend on input position.</summary>
    public static ManifestReadOptions ReadOptions { get; } = new();

    /// <summary>Builds a world, dropping documents whose object repeats the key of an earlier one.</summary>
    public static World Create(IEnumerable<string> documents)
    {
        var seen = new HashSet<ResourceKey>();
        var kept = ImmutableArray.CreateBuilder<string>();
        foreach (var document in documents)
        {
            var obj = Read(document);
            if (obj is null || seen.Add(obj.Key))
            {
                kept.Add(document);
            }
        }

        return new World(kept.ToImmutable());
    }

    /// <summary>Reads one document; null when the reader drops it.</summary>
    public static KubeObject? Read(string document)
    {
        using var parsed = JsonDocument.Parse(document);
        return ManifestReader.Read(parsed.RootElement, ReadOptions).Resource;
    }

    /// <summary>Every object the reader keeps, in document order.</summary>
    public List<KubeObject> Objects() => Documents.Select(Read).OfType<KubeObject>().ToList();

    /// <summary>Candidates for shrinking: the world without one document.</summary>
    public IEnumerable<World> Shrink()
    {
        for (var i = Documents.Length - 1; i >= 0; i--)
        {
            yield return new World(Documents.RemoveAt(i));
        }
    }

    /// <inheritdoc />
    public override string ToString()
        => $"World ({Documents.Length} documents):{Environment.NewLine}" + string.Join(Environment.NewLine, Documents);

    /// <inheritdoc />
    public bool Equals(World? other) => other is not null && Documents.SequenceEqual(other.Documents, StringComparer.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => Documents.Length;
}

/// <summary>Runs the engine the way the CLI does: snapshot, evaluation, status JSON.</summary>
internal static class Engine
{
    public static (Snapshot Snapshot, EvaluationResult Result, string Json) Run(IEnumerable<KubeObject> objects)
    {
        var snapshot = Snapshot.Create(objects);
        var result = Evaluator.Evaluate(snapshot, World.Options);
        return (snapshot, result, StatusWriter.ToJson(result));
    }

    /// <summary>Shuffles deterministically from a seed, so the seed in a counterexample reproduces the order.</summary>
    public static List<T> Shuffle<T>(IEnumerable<T> items, int seed)
    {
        var list = items.ToList();
#pragma warning disable CA5394 // A seeded, reproducible shuffle is the point here.
        var random = new Random(seed);
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
#pragma warning restore CA5394

        return list;
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
