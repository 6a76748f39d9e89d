using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Policies;

namespace PolicyAttach.Tests.Policies;

/// <summary>The field tree that folds policies: objects as sorted member arrays, RFC 7386 merges, beaten sources.</summary>
public class FieldTreeTests
{
    private static readonly FieldSource Low = new(new ResourceKey("acme.io", "RetryPolicy", "a", "low"), PolicyLevel.Gateway, StanzaKind.Default);
    private static readonly FieldSource High = new(new ResourceKey("acme.io", "RetryPolicy", "a", "high"), PolicyLevel.Route, StanzaKind.Default);
    private static readonly FieldSource Other = new(new ResourceKey("acme.io", "RetryPolicy", "b", "other"), PolicyLevel.Rule, StanzaKind.Override);

    private static FieldTree Tree(string json, FieldSource source)
    {
        using var document = JsonDocument.Parse(json);
        return FieldTree.FromJson(document.RootElement.Clone(), source);
    }

    // The tree's own member order, as written (not a canonical form that would sort it anyway).
    private static string Json(FieldTree? tree)
    {
        if (tree is null)
        {
            return "null";
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            tree.Write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static List<EffectiveField> Leaves(FieldTree tree)
    {
        var leaves = new List<EffectiveField>();
        tree.Leaves(string.Empty, leaves);
        return leaves;
    }

    [Fact]
    public void FromJson_RepeatedNamesInAnyOrder_SortsByNameAndKeepsTheLast()
    {
        var tree = Tree("""{"b":1,"a":2,"b":3,"c":{"y":1,"x":2}}""", Low);

        Assert.Equal("""{"a":2,"b":3,"c":{"x":2,"y":1}}""", Json(tree));
    }

    [Fact]
    public void FromJson_ManyMembersWithRepeats_SortsStablyAndKeepsTheLast()
    {
        // More members than the small-object path handles, with a repeated name in the middle.
        var names = Enumerable.Range(0, 40).Select(i => $"k{39 - i:D2}").ToList();
        var json = "{" + string.Join(",", names.Select((n, i) => $"\"{n}\":{i}")) + ",\"k20\":\"last\"}";

        var written = Json(Tree(json, Low));

        var expected = "{" + string.Join(",", names.Order(StringComparer.Ordinal).Select(n => n == "k20" ? "\"k20\":\"last\"" : $"\"{n}\":{names.IndexOf(n)}")) + "}";
        Assert.Equal(expected, written);
    }

    [Fact]
    public void MergePatch_InterleavedMembers_MergesRecursivelyAndDeletesNulls()
    {
        var target = Tree("""{"a":1,"c":{"x":1,"y":2},"e":5}""", Low);
        var patch = Tree("""{"b":2,"c":{"y":null,"z":3},"e":null,"f":{"g":null}}""", High);

        var merged = FieldTree.MergePatch(target, patch, StringMap.Empty);

        Assert.Equal("""{"a":1,"b":2,"c":{"x":1,"z":3},"f":{}}""", Json(merged));
    }

    [Fact]
    public void MergePatch_ObjectOverLeaf_RecordsTheLeafAsBeatenOnEveryNewLeaf()
    {
        var target = Tree("""{"retry":5}""", Low);
        var patch = Tree("""{"retry":{"attempts":3,"backoff":"1s"}}""", High);

        var leaves = Leaves(FieldTree.MergePatch(target, patch, StringMap.Empty)!);

        Assert.Equal(new[] { "retry.attempts", "retry.backoff" }, leaves.Select(l => l.Path));
        Assert.All(leaves, l => Assert.Equal(new[] { Low }, l.Overrode));
    }

    [Fact]
    public void Beating_TreeOfSeveralSources_RecordsEachOnceInSourceOrder()
    {
        var beaten = FieldTree.MergePatch(Tree("""{"a":1,"b":2}""", Other), Tree("""{"b":3,"c":{"d":4}}""", High), StringMap.Empty)!;
        beaten = FieldTree.MergePatch(beaten, Tree("""{"e":5}""", High), StringMap.Empty)!;

        var leaves = Leaves(Tree("""{"x":1}""", Low).Beating(beaten));

        // High (namespace a) sorts before Other (namespace b); High appears twice in the beaten tree but once here.
        Assert.Equal(new[] { High, Other }, leaves.Single().Overrode);
    }
}
