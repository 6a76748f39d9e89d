using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Model;

namespace PolicyAttach.Conversion;

/// <summary>
/// Collects the fate of every field of the input objects, as <see cref="ConversionIssue"/>s whose
/// <see cref="ConversionIssue.Kind"/> is the field's path without positions (<c>spec.http.match.uri.prefix</c>).
/// Converters record what they carried, approximated or dropped; <see cref="Complete"/> then walks each object's
/// spec and records every field no note covers as dropped, so that the report names every field of the input (a
/// note on a field covers the fields under it).
/// </summary>
internal sealed class ConversionLedger
{
    private readonly List<ConversionIssue> _notes = [];
    private readonly HashSet<(ResourceKey, string)> _covering = [];

    /// <summary>Records that a field was carried as it means.</summary>
    public void Carried(ResourceKey source, string field, string how)
        => Add(source, field, ConversionOutcome.Carried, how, false);

    /// <summary>Records that a field was carried approximately, and how the output differs.</summary>
    public void Approximated(ResourceKey source, string field, string how, bool affectsRouting)
        => Add(source, field, ConversionOutcome.Approximated, how, affectsRouting);

    /// <summary>Records that nothing carries a field, and why.</summary>
    public void Dropped(ResourceKey source, string field, string why, bool affectsRouting)
        => Add(source, field, ConversionOutcome.Dropped, why, affectsRouting);

    /// <summary>Records a note that covers the field and every field under it.</summary>
    public void Add(ResourceKey source, string field, ConversionOutcome fate, string message, bool affectsRouting)
    {
        Remark(source, field, fate, message, affectsRouting);
        _covering.Add((source, field));
    }

    /// <summary>
    /// Records a note about a field as a whole (an order conflict, a rule inlined from a delegate) that does not
    /// account for the fields under it, which still need their own notes.
    /// </summary>
    public void Remark(ResourceKey source, string field, ConversionOutcome fate, string message, bool affectsRouting)
    {
        var note = new ConversionIssue { Kind = KindOf(field), Outcome = fate, Subject = source, Field = field, Message = message, AffectsRouting = affectsRouting };
        if (!_notes.Contains(note))
        {
            _notes.Add(note);
        }
    }

    /// <summary>The notes recorded on a source object.</summary>
    public IEnumerable<ConversionIssue> On(ResourceKey source) => _notes.Where(n => n.Subject == source);

    /// <summary>A field path without list positions: what the issue is about, stable for tools.</summary>
    public static string KindOf(string field)
    {
        var text = new System.Text.StringBuilder(field.Length);
        var depth = 0;
        foreach (var c in field)
        {
            if (c == '[')
            {
                depth++;
            }
            else if (c == ']')
            {
                depth--;
            }
            else if (depth == 0)
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Adds a dropped note for every leaf field of the spec that no note covers (a note covers its own path and every
    /// path under it).
    /// </summary>
    public void Complete(ResourceKey source, JsonElement spec, string root = "spec")
    {
        var covered = _covering.Where(c => c.Item1 == source).Select(c => c.Item2).ToHashSet(StringComparer.Ordinal);
        foreach (var leaf in Leaves(spec, root))
        {
            if (!IsCovered(leaf, covered))
            {
                Dropped(source, leaf, "not converted: the converter does not read this field.", affectsRouting: false);
            }
        }
    }

    /// <summary>The notes, ordered by source object, then by the order the fields appear in (recording order within a field).</summary>
    public EquatableArray<ConversionIssue> Notes(IReadOnlyDictionary<ResourceKey, JsonElement> specs, IReadOnlySet<ResourceKey>? topLevel = null)
    {
        var order = new Dictionary<(ResourceKey, string), int>();
        foreach (var (key, spec) in specs)
        {
            var i = 0;
            foreach (var path in Paths(spec, topLevel?.Contains(key) == true ? string.Empty : "spec"))
            {
                order.TryAdd((key, path), i++);
            }
        }

        // Notes about fields the object does not have (a converter notes what it looked for) are left out.
        return _notes
            .Where(n => !specs.ContainsKey(n.Subject!.Value) || order.ContainsKey((n.Subject.Value, n.Field!)))
            .Select((n, i) => (Note: n, Index: i))
            .OrderBy(x => x.Note.Subject!.Value)
            .ThenBy(x => Position(x.Note))
            .ThenBy(x => x.Index)
            .Select(x => x.Note)
            .ToEquatableArray();

        int Position(ConversionIssue note)
        {
            // The position of the field, or of its nearest ancestor that exists in the spec.
            for (var field = note.Field!; field.Length > 0; field = Parent(field))
            {
                if (order.TryGetValue((note.Subject!.Value, field), out var p))
                {
                    return p;
                }
            }

            return -1;
        }
    }

    /// <summary>Whether a path, or one of its ancestors, is in the set.</summary>
    public static bool IsCovered(string path, IReadOnlySet<string> notes)
    {
        for (var field = path; field.Length > 0; field = Parent(field))
        {
            if (notes.Contains(field))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The parent of a path: <c>a.b[2]</c> → <c>a.b</c> → <c>a</c> → empty.</summary>
    public static string Parent(string path)
    {
        var i = path.Length - 1;
        if (i >= 0 && path[i] == ']')
        {
            return path[..path.LastIndexOf('[')];
        }

        var dot = path.LastIndexOf('.');
        return dot < 0 ? string.Empty : path[..dot];
    }

    private static IEnumerable<string> Leaves(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object when element.EnumerateObject().Any():
                foreach (var p in element.EnumerateObject())
                {
                    foreach (var leaf in Leaves(p.Value, Join(path, p.Name)))
                    {
                        yield return leaf;
                    }
                }

                break;
            case JsonValueKind.Array when element.GetArrayLength() > 0:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var leaf in Leaves(item, $"{path}[{i++}]"))
                    {
                        yield return leaf;
                    }
                }

                break;
            case JsonValueKind.Undefined:
                break;
            default:
                yield return path;
                break;
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static IEnumerable<string> Paths(JsonElement element, string path)
    {
        if (path.Length > 0)
        {
            yield return path;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                {
                    foreach (var child in Paths(p.Value, Join(path, p.Name)))
                    {
                        yield return child;
                    }
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var child in Paths(item, $"{path}[{i++}]"))
                    {
                        yield return child;
                    }
                }

                break;
        }
    }
}
