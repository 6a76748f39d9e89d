using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace PolicyAttach.Collections;

/// <summary>
/// An immutable string-to-string map (labels, annotations, options) that keeps its keys in ordinal order and
/// compares by content, so that output built from it is deterministic.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "Named after the Kubernetes map[string]string it models.")]
public sealed class StringMap : IReadOnlyDictionary<string, string>, IEquatable<StringMap>
{
    private readonly ImmutableSortedDictionary<string, string> _map;

    private StringMap(ImmutableSortedDictionary<string, string> map) => _map = map;

    /// <summary>The empty map.</summary>
    public static StringMap Empty { get; } = new(ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal));

    /// <summary>Creates a map; a later duplicate key replaces an earlier one.</summary>
    /// <param name="pairs">The entries.</param>
    /// <returns>The map.</returns>
    public static StringMap Create(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        Guard.NotNull(pairs);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            builder[pair.Key] = pair.Value;
        }

        return builder.Count == 0 ? Empty : new StringMap(builder.ToImmutable());
    }

    /// <summary>Creates a map from key and value pairs.</summary>
    /// <param name="pairs">The entries as tuples.</param>
    /// <returns>The map.</returns>
    public static StringMap Of(params (string Key, string Value)[] pairs)
        => Create(Guard.NotNull(pairs).Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    /// <inheritdoc />
    public string this[string key] => _map[key];

    /// <inheritdoc />
    public IEnumerable<string> Keys => _map.Keys;

    /// <inheritdoc />
    public IEnumerable<string> Values => _map.Values;

    /// <inheritdoc />
    public int Count => _map.Count;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _map.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value) => _map.TryGetValue(key, out value);

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The value, or null when absent.</returns>
    public string? GetValueOrDefault(string key) => _map.TryGetValue(key, out var v) ? v : null;

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _map.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(StringMap? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.Count != Count)
        {
            return false;
        }

        using var a = _map.GetEnumerator();
        using var b = other._map.GetEnumerator();
        while (a.MoveNext() && b.MoveNext())
        {
            if (!string.Equals(a.Current.Key, b.Current.Key, StringComparison.Ordinal)
                || !string.Equals(a.Current.Value, b.Current.Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as StringMap);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var pair in _map)
        {
            hash.Add(pair.Key, StringComparer.Ordinal);
            hash.Add(pair.Value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => "{" + string.Join(", ", _map.Select(p => p.Key + "=" + p.Value)) + "}";
}
