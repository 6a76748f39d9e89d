using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Model;

namespace PolicyAttach.Policies;

/// <summary>Whether a value came from a policy's defaults or its overrides.</summary>
public enum StanzaKind
{
    /// <summary>A default: a more specific policy may replace it.</summary>
    Default = 0,

    /// <summary>An override: nothing below may change it.</summary>
    Override = 1,
}

/// <summary>Which policy supplied a value: the policy, the level it is attached at, and the stanza.</summary>
/// <param name="Policy">The policy's key.</param>
/// <param name="Level">The level of the policy's target.</param>
/// <param name="Stanza">Default or override.</param>
public sealed record FieldSource(ResourceKey Policy, PolicyLevel Level, StanzaKind Stanza)
{
    /// <summary><c>Kind/namespace/name (level, stanza)</c>.</summary>
    /// <returns>A readable source.</returns>
    public override string ToString() => $"{Policy} ({Level}, {Stanza.ToString().ToLowerInvariant()})";
}

/// <summary>
/// An immutable JSON document whose leaves remember which policy supplied them and which they won over. Merges
/// share unchanged subtrees, so folding down the hierarchy costs only what changes.
/// </summary>
internal abstract class FieldTree
{
    public abstract void CollectSources(List<FieldSource> into);

    /// <summary>Whether two values are written alike (then their canonical texts are equal too).</summary>
    private static bool SameText(JsonElement a, JsonElement b)
#if NET9_0_OR_GREATER
        => JsonMarshal.GetRawUtf8Value(a).SequenceEqual(JsonMarshal.GetRawUtf8Value(b));
#else
        => string.Equals(a.GetRawText(), b.GetRawText(), StringComparison.Ordinal);
#endif

    /// <summary>The tree as a JSON document.</summary>
    public static JsonData ToJson(FieldTree tree)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            tree.Write(writer);
        }

        using var doc = JsonDocument.Parse(stream.ToArray());
        return JsonData.From(doc.RootElement);
    }

    public abstract void Write(Utf8JsonWriter writer);

    public abstract void Leaves(string path, List<EffectiveField> into);

    /// <summary>
    /// Whether two trees have the same shape, the same leaf values (the same JSON text), the same sources and the same
    /// beaten sources (as <see cref="Leaves"/> lists them): then their documents and fields are equal, read without
    /// building either. False says only that the trees differ in some way, not that their documents or fields do.
    /// </summary>
    public static bool SameAs(FieldTree? a, FieldTree? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        switch (a, b)
        {
            case (FieldObject x, FieldObject y):
                if (x.Members.Length != y.Members.Length)
                {
                    return false;
                }

                for (var i = 0; i < x.Members.Length; i++)
                {
                    if (!string.Equals(x.Members[i].Key, y.Members[i].Key, StringComparison.Ordinal) || !SameAs(x.Members[i].Value, y.Members[i].Value))
                    {
                        return false;
                    }
                }

                return true;
            case (FieldLeaf x, FieldLeaf y):
                return x.Source == y.Source
                    && SameText(x.Value, y.Value)
                    && (x.Beaten.SequenceEqual(y.Beaten) || x.Overrode().SequenceEqual(y.Overrode()));
            default:
                return false;
        }
    }

    public static FieldTree FromJson(JsonElement element, FieldSource source)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var members = new List<KeyValuePair<string, FieldTree>>();
            foreach (var property in element.EnumerateObject())
            {
                members.Add(new(property.Name, FromJson(property.Value, source)));
            }

            return new FieldObject(FieldObject.Sorted(members));
        }

        return new FieldLeaf(element, source, []);
    }

    /// <summary>
    /// RFC 7386: <paramref name="patch"/> applied onto <paramref name="target"/>. Objects merge recursively; anything
    /// else replaces; null deletes. Replaced leaves are recorded as beaten by the new ones.
    /// </summary>
    public static FieldTree? MergePatch(FieldTree? target, FieldTree patch, StringMap mergeKeys)
    {
        if (patch is FieldLeaf { Value.ValueKind: JsonValueKind.Null })
        {
            return null;
        }

        if (patch is FieldObject patchObject)
        {
            // Both member lists are sorted by name, so one merge walk applies the patch.
            var members = target is FieldObject targetObject ? targetObject.Members : [];
            var patched = patchObject.Members;
            var merged = new KeyValuePair<string, FieldTree>[members.Length + patched.Length - Shared(members, patched)];
            int m = 0, p = 0, count = 0;
            while (m < members.Length || p < patched.Length)
            {
                var order = m == members.Length ? 1 : p == patched.Length ? -1 : string.CompareOrdinal(members[m].Key, patched[p].Key);
                if (order < 0)
                {
                    merged[count++] = members[m++];
                    continue;
                }

                var existing = order == 0 ? members[m++].Value : null;
                var (name, value) = patched[p++];
                var member = existing is not null && mergeKeys.TryGetValue(name, out var key) && existing is FieldLeaf el && value is FieldLeaf pl
                    ? MergeKeyedList(el, pl, key)
                    : MergePatch(existing, value, mergeKeys);
                if (member is not null)
                {
                    merged[count++] = new(name, member);
                }
            }

            FieldTree result = new FieldObject(FieldObject.Take(merged, count));
            return target is FieldLeaf ? result.Beating(target) : result;
        }

        return target is null ? patch : patch.Beating(target);
    }

    /// <summary>How many names two sorted member lists share (a merge then needs that many fewer slots).</summary>
    private static int Shared(ImmutableArray<KeyValuePair<string, FieldTree>> a, ImmutableArray<KeyValuePair<string, FieldTree>> b)
    {
        int i = 0, j = 0, shared = 0;
        while (i < a.Length && j < b.Length)
        {
            var order = string.CompareOrdinal(a[i].Key, b[j].Key);
            if (order == 0)
            {
                shared++;
            }

            i += order <= 0 ? 1 : 0;
            j += order >= 0 ? 1 : 0;
        }

        return shared;
    }

    /// <summary>The whole of <paramref name="winner"/> replaces <paramref name="loser"/> (atomic strategies).</summary>
    public static FieldTree Replace(FieldTree? loser, FieldTree winner) => loser is null ? winner : winner.Beating(loser);

    /// <summary>This tree with every leaf recording the sources of <paramref name="beaten"/> as beaten.</summary>
    public FieldTree Beating(FieldTree beaten)
    {
        if (beaten is FieldLeaf leaf)
        {
            return AddBeaten([leaf.Source]);
        }

        var sources = new List<FieldSource>();
        beaten.CollectSources(sources);
        if (sources.Count == 0)
        {
            return this;
        }

        // A tree holds few distinct sources, so a sorted list beats a set. FieldSource is exactly the sort key, so
        // the order is total and the same as a stable sort's.
        sources.Sort(SourceOrder);
        var distinct = ImmutableArray.CreateBuilder<FieldSource>(sources.Count);
        foreach (var source in sources)
        {
            if (distinct.Count == 0 || distinct[^1] != source)
            {
                distinct.Add(source);
            }
        }

        return AddBeaten(distinct.DrainToImmutable());
    }

    /// <summary>Sources by policy, then level, then stanza: the order of beaten sources and of ties.</summary>
    public static readonly Comparison<FieldSource> SourceOrder = static (a, b) =>
    {
        var order = a.Policy.CompareTo(b.Policy);
        if (order == 0)
        {
            order = a.Level.CompareTo(b.Level);
        }

        return order != 0 ? order : a.Stanza.CompareTo(b.Stanza);
    };

    /// <summary>This tree with <paramref name="beaten"/> added to every leaf's beaten sources.</summary>
    public FieldTree AddBeaten(ImmutableArray<FieldSource> beaten) => WithBeaten(beaten);

    protected abstract FieldTree WithBeaten(ImmutableArray<FieldSource> beaten);

    private static FieldTree MergeKeyedList(FieldLeaf established, FieldLeaf patch, string key)
    {
        if (established.Value.ValueKind != JsonValueKind.Array || patch.Value.ValueKind != JsonValueKind.Array)
        {
            return patch.Beating(established);
        }

        // Entries of the patch replace entries of the same key; the others are kept in their order.
        var byKey = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var order = new List<string>();
        var unkeyed = new List<JsonElement>();
        foreach (var list in new[] { established.Value, patch.Value })
        {
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty(key, out var k))
                {
                    var text = k.GetRawText();
                    if (!byKey.ContainsKey(text))
                    {
                        order.Add(text);
                    }

                    byKey[text] = item;
                }
                else
                {
                    unkeyed.Add(item);
                }
            }
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var k in order)
            {
                byKey[k].WriteTo(writer);
            }

            foreach (var item in unkeyed)
            {
                item.WriteTo(writer);
            }

            writer.WriteEndArray();
        }

        using var doc = JsonDocument.Parse(stream.ToArray());
        return new FieldLeaf(doc.RootElement.Clone(), patch.Source, [.. patch.Beaten, established.Source]);
    }
}

internal sealed class FieldObject(ImmutableArray<KeyValuePair<string, FieldTree>> members) : FieldTree
{
    /// <summary>The members, sorted by name (ordinal), each name once.</summary>
    public ImmutableArray<KeyValuePair<string, FieldTree>> Members { get; } = members;

    /// <summary>Members sorted by name; of repeated names the last wins, as JSON readers do.</summary>
    public static ImmutableArray<KeyValuePair<string, FieldTree>> Sorted(List<KeyValuePair<string, FieldTree>> members)
    {
        var sorted = members.ToArray();
        if (sorted.Length <= 16)
        {
            // Insertion sort: stable and allocation-free for the few members a policy's objects have.
            for (var i = 1; i < sorted.Length; i++)
            {
                var member = sorted[i];
                var j = i - 1;
                for (; j >= 0 && string.CompareOrdinal(sorted[j].Key, member.Key) > 0; j--)
                {
                    sorted[j + 1] = sorted[j];
                }

                sorted[j + 1] = member;
            }
        }
        else
        {
            // Stable for many members too: positions break ties.
            var positions = new int[sorted.Length];
            for (var i = 0; i < positions.Length; i++)
            {
                positions[i] = i;
            }

            var byPosition = sorted;
            Array.Sort(positions, (a, b) =>
            {
                var byName = string.CompareOrdinal(byPosition[a].Key, byPosition[b].Key);
                return byName != 0 ? byName : a.CompareTo(b);
            });
            sorted = new KeyValuePair<string, FieldTree>[byPosition.Length];
            for (var i = 0; i < positions.Length; i++)
            {
                sorted[i] = byPosition[positions[i]];
            }
        }

        // Of a run of equal names keep the last, which is the one read last.
        var count = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (i + 1 < sorted.Length && sorted[i + 1].Key == sorted[i].Key)
            {
                continue;
            }

            sorted[count++] = sorted[i];
        }

        return Take(sorted, count);
    }

    /// <summary>The first <paramref name="count"/> entries of <paramref name="members"/>, without a copy when all are used.</summary>
    public static ImmutableArray<KeyValuePair<string, FieldTree>> Take(KeyValuePair<string, FieldTree>[] members, int count)
    {
        if (count < members.Length)
        {
            Array.Resize(ref members, count);
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(members);
    }

    public override void CollectSources(List<FieldSource> into)
    {
        foreach (var member in Members)
        {
            member.Value.CollectSources(into);
        }
    }

    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in Members)
        {
            writer.WritePropertyName(name);
            value.Write(writer);
        }

        writer.WriteEndObject();
    }

    public override void Leaves(string path, List<EffectiveField> into)
    {
        foreach (var (name, value) in Members)
        {
            value.Leaves(path.Length == 0 ? name : path + "." + name, into);
        }
    }

    protected override FieldTree WithBeaten(ImmutableArray<FieldSource> beaten)
    {
        var members = new KeyValuePair<string, FieldTree>[Members.Length];
        for (var i = 0; i < members.Length; i++)
        {
            members[i] = new(Members[i].Key, Members[i].Value.AddBeaten(beaten));
        }

        return new FieldObject(ImmutableCollectionsMarshal.AsImmutableArray(members));
    }
}

internal sealed class FieldLeaf(JsonElement value, FieldSource source, ImmutableArray<FieldSource> beaten) : FieldTree
{
    public JsonElement Value { get; } = value;

    public FieldSource Source { get; } = source;

    public ImmutableArray<FieldSource> Beaten { get; } = beaten.IsDefault ? [] : beaten;

    public override void CollectSources(List<FieldSource> into) => into.Add(Source);

    public override void Write(Utf8JsonWriter writer) => Value.WriteTo(writer);

    public override void Leaves(string path, List<EffectiveField> into)
        => into.Add(new EffectiveField(path, JsonData.From(Value), Source, Overrode().ToEquatableArray()));

    /// <summary>The sources this leaf won over, as its field lists them.</summary>
    public IEnumerable<FieldSource> Overrode() => Beaten.Where(b => b != Source).Distinct();

    protected override FieldTree WithBeaten(ImmutableArray<FieldSource> beaten)
    {
        if (Beaten.IsEmpty)
        {
            return new FieldLeaf(Value, Source, beaten);
        }

        // Overrides reach the same leaves level after level, beating sources they beat already: then this leaf says
        // all of it, and no copy is made. Otherwise the new sources follow the old ones, each once.
        List<FieldSource>? added = null;
        foreach (var source in beaten)
        {
            if (!Beaten.Contains(source) && added?.Contains(source) != true)
            {
                (added ??= []).Add(source);
            }
        }

        return added is null ? this : new FieldLeaf(Value, Source, Beaten.AddRange(added));
    }
}

/// <summary>One leaf of an effective policy: its JSON path, its value, the policy that supplied it, and the ones it won over.</summary>
/// <param name="Path">The JSON path, such as <c>retry.maxRetries</c>.</param>
/// <param name="Value">The value.</param>
/// <param name="Source">The policy that supplied it.</param>
/// <param name="Overrode">The policies whose values it replaced (overridden, or defaulted over).</param>
public sealed record EffectiveField(string Path, JsonData Value, FieldSource Source, EquatableArray<FieldSource> Overrode);
