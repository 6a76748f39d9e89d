using System.Collections.Immutable;
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
    public abstract void CollectSources(HashSet<FieldSource> into);

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
                if (x.Members.Count != y.Members.Count)
                {
                    return false;
                }

                using (var ex = x.Members.GetEnumerator())
                using (var ey = y.Members.GetEnumerator())
                {
                    while (ex.MoveNext() && ey.MoveNext())
                    {
                        if (!string.Equals(ex.Current.Key, ey.Current.Key, StringComparison.Ordinal) || !SameAs(ex.Current.Value, ey.Current.Value))
                        {
                            return false;
                        }
                    }
                }

                return true;
            case (FieldLeaf x, FieldLeaf y):
                return x.Source == y.Source
                    && System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(x.Value).SequenceEqual(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(y.Value))
                    && (x.Beaten.SequenceEqual(y.Beaten) || x.Overrode().SequenceEqual(y.Overrode()));
            default:
                return false;
        }
    }

    public static FieldTree FromJson(JsonElement element, FieldSource source)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var builder = ImmutableSortedDictionary.CreateBuilder<string, FieldTree>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                builder[property.Name] = FromJson(property.Value, source);
            }

            return new FieldObject(builder.ToImmutable());
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
            var members = target is FieldObject targetObject ? targetObject.Members : ImmutableSortedDictionary.Create<string, FieldTree>(StringComparer.Ordinal);
            var beatenWhole = target is FieldLeaf ? target : null;
            foreach (var (name, value) in patchObject.Members)
            {
                members.TryGetValue(name, out var existing);
                var merged = existing is not null && mergeKeys.TryGetValue(name, out var key) && existing is FieldLeaf el && value is FieldLeaf pl
                    ? MergeKeyedList(el, pl, key)
                    : MergePatch(existing, value, mergeKeys);
                members = merged is null ? members.Remove(name) : members.SetItem(name, merged);
            }

            FieldTree result = new FieldObject(members);
            return beatenWhole is null ? result : result.Beating(beatenWhole);
        }

        return target is null ? patch : patch.Beating(target);
    }

    /// <summary>The whole of <paramref name="winner"/> replaces <paramref name="loser"/> (atomic strategies).</summary>
    public static FieldTree Replace(FieldTree? loser, FieldTree winner) => loser is null ? winner : winner.Beating(loser);

    /// <summary>This tree with every leaf recording the sources of <paramref name="beaten"/> as beaten.</summary>
    public FieldTree Beating(FieldTree beaten)
    {
        var sources = new HashSet<FieldSource>();
        beaten.CollectSources(sources);
        return sources.Count == 0 ? this : AddBeaten(sources.OrderBy(s => s.Policy).ThenBy(s => s.Level).ThenBy(s => s.Stanza).ToImmutableArray());
    }

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

internal sealed class FieldObject(ImmutableSortedDictionary<string, FieldTree> members) : FieldTree
{
    public ImmutableSortedDictionary<string, FieldTree> Members { get; } = members;

    public override void CollectSources(HashSet<FieldSource> into)
    {
        foreach (var member in Members.Values)
        {
            member.CollectSources(into);
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
        => new FieldObject(Members.ToImmutableSortedDictionary(p => p.Key, p => p.Value.AddBeaten(beaten), StringComparer.Ordinal));
}

internal sealed class FieldLeaf(JsonElement value, FieldSource source, ImmutableArray<FieldSource> beaten) : FieldTree
{
    public JsonElement Value { get; } = value;

    public FieldSource Source { get; } = source;

    public ImmutableArray<FieldSource> Beaten { get; } = beaten.IsDefault ? [] : beaten;

    public override void CollectSources(HashSet<FieldSource> into) => into.Add(Source);

    public override void Write(Utf8JsonWriter writer) => Value.WriteTo(writer);

    public override void Leaves(string path, List<EffectiveField> into)
        => into.Add(new EffectiveField(path, JsonData.From(Value), Source, Overrode().ToEquatableArray()));

    /// <summary>The sources this leaf won over, as its field lists them.</summary>
    public IEnumerable<FieldSource> Overrode() => Beaten.Where(b => b != Source).Distinct();

    protected override FieldTree WithBeaten(ImmutableArray<FieldSource> beaten)
        => new FieldLeaf(Value, Source, Beaten.IsEmpty ? beaten : Beaten.AddRange(beaten).Distinct().ToImmutableArray());
}

/// <summary>One leaf of an effective policy: its JSON path, its value, the policy that supplied it, and the ones it won over.</summary>
/// <param name="Path">The JSON path, such as <c>retry.maxRetries</c>.</param>
/// <param name="Value">The value.</param>
/// <param name="Source">The policy that supplied it.</param>
/// <param name="Overrode">The policies whose values it replaced (overridden, or defaulted over).</param>
public sealed record EffectiveField(string Path, JsonData Value, FieldSource Source, EquatableArray<FieldSource> Overrode);
