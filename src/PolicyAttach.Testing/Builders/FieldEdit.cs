using System.Globalization;
using System.Text.Json.Nodes;

namespace PolicyAttach.Testing;

/// <summary>
/// One raw change to a rendered manifest: the field at <see cref="Path"/> set to a JSON value, or removed.
/// Paths are dot-separated names with array positions, such as <c>spec.listeners[0].port</c>; a name with dots or
/// slashes is quoted, as in <c>metadata.labels['example.com/team']</c>. Missing objects on the way are created.
/// </summary>
/// <param name="Path">The field path from the manifest's root.</param>
/// <param name="ValueJson">The new value as JSON text, or null to remove the field.</param>
public sealed record FieldEdit(string Path, string? ValueJson)
{
    /// <summary>An edit that sets a field to a JSON value.</summary>
    /// <param name="path">The field path.</param>
    /// <param name="value">The value (a string, number, bool, object, ...).</param>
    /// <returns>The edit.</returns>
    public static FieldEdit Set(string path, JsonNode? value) => new(path, value?.ToJsonString() ?? "null");

    /// <summary>An edit that removes a field.</summary>
    /// <param name="path">The field path.</param>
    /// <returns>The edit.</returns>
    public static FieldEdit Remove(string path) => new(path, null);

    /// <summary><c>path = value</c>, or <c>path removed</c>.</summary>
    /// <returns>The edit as text.</returns>
    public override string ToString() => ValueJson is null ? $"{Path} removed" : $"{Path} = {ValueJson}";

    /// <summary>Applies the edit; a path through a value that is not an object or array is left alone.</summary>
    internal void ApplyTo(JsonObject root)
    {
        var segments = Parse(Path);
        JsonNode current = root;
        for (var i = 0; i < segments.Count; i++)
        {
            var last = i == segments.Count - 1;
            var (name, index) = segments[i];
            if (name is not null)
            {
                if (current is not JsonObject obj)
                {
                    return;
                }

                if (last && index is null)
                {
                    Assign(obj, name);
                    return;
                }

                if (obj[name] is not { } child)
                {
                    child = index is null ? new JsonObject() : new JsonArray();
                    obj[name] = child;
                }

                current = child;
            }

            if (index is { } at)
            {
                if (current is not JsonArray array || at < 0 || at > array.Count)
                {
                    return;
                }

                if (last)
                {
                    if (ValueJson is null)
                    {
                        if (at < array.Count)
                        {
                            array.RemoveAt(at);
                        }
                    }
                    else if (at == array.Count)
                    {
                        array.Add(JsonNode.Parse(ValueJson));
                    }
                    else
                    {
                        array[at] = JsonNode.Parse(ValueJson);
                    }

                    return;
                }

                if (at == array.Count)
                {
                    array.Add(new JsonObject());
                }

                if (array[at] is not { } item)
                {
                    return;
                }

                current = item;
            }
        }
    }

    private void Assign(JsonObject obj, string name)
    {
        if (ValueJson is null)
        {
            obj.Remove(name);
        }
        else
        {
            obj[name] = JsonNode.Parse(ValueJson);
        }
    }

    /// <summary>The path's segments: a name and an optional array position each.</summary>
    internal static List<(string? Name, int? Index)> Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var result = new List<(string?, int?)>();
        var i = 0;
        while (i < path.Length)
        {
            string? name = null;
            if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new ArgumentException($"Unclosed quoted name in field path \"{path}\".", nameof(path));
                }

                name = path[(i + 2)..end];
                i = end + 2;
            }
            else if (path[i] != '[')
            {
                var start = i;
                while (i < path.Length && path[i] is not '.' and not '[')
                {
                    i++;
                }

                name = path[start..i];
            }

            int? index = null;
            if (i < path.Length && path[i] == '[' && !(i + 1 < path.Length && path[i + 1] == '\''))
            {
                var end = path.IndexOf(']', i);
                if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var at))
                {
                    throw new ArgumentException($"Bad array position in field path \"{path}\".", nameof(path));
                }

                index = at;
                i = end + 1;
            }

            if (name is null && index is null)
            {
                throw new ArgumentException($"Empty segment in field path \"{path}\".", nameof(path));
            }

            result.Add((name, index));
            if (i < path.Length && path[i] == '.')
            {
                i++;
            }
        }

        return result;
    }
}
