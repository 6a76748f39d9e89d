namespace PolicyAttach.Matching;

/// <summary>
/// A read-only map from hostnames (compared ordinal-ignore-case, as DNS names are) to values, looked up with a
/// span so that matching allocates nothing. On .NET 9+ it is a <see cref="Dictionary{TKey, TValue}"/> read through
/// its alternate span lookup; on .NET 8 the buckets are keyed by a precomputed case-insensitive hash.
/// </summary>
/// <typeparam name="TValue">The value type.</typeparam>
internal sealed class HostMap<TValue>
{
#if NET9_0_OR_GREATER
    private readonly Dictionary<string, TValue> _map;
    private readonly Dictionary<string, TValue>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public HostMap(IEnumerable<KeyValuePair<string, TValue>> entries)
    {
        _map = new Dictionary<string, TValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in entries)
        {
            _map[key] = value;
        }

        _lookup = _map.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _map.Count;

    public bool TryGetValue(ReadOnlySpan<char> key, out TValue value) => _lookup.TryGetValue(key, out value!);
#else
    private readonly Dictionary<int, KeyValuePair<string, TValue>[]> _buckets = [];

    public HostMap(IEnumerable<KeyValuePair<string, TValue>> entries)
    {
        foreach (var entry in entries)
        {
            var hash = Hash(entry.Key);
            if (_buckets.TryGetValue(hash, out var bucket))
            {
                var i = Array.FindIndex(bucket, e => string.Equals(e.Key, entry.Key, StringComparison.OrdinalIgnoreCase));
                if (i >= 0)
                {
                    bucket[i] = entry;
                    continue;
                }

                Array.Resize(ref bucket, bucket.Length + 1);
                bucket[^1] = entry;
                _buckets[hash] = bucket;
            }
            else
            {
                _buckets[hash] = [entry];
                Count++;
                continue;
            }

            Count++;
        }
    }

    public int Count { get; }

    public bool TryGetValue(ReadOnlySpan<char> key, out TValue value)
    {
        if (_buckets.TryGetValue(Hash(key), out var bucket))
        {
            foreach (var entry in bucket)
            {
                if (key.Equals(entry.Key, StringComparison.OrdinalIgnoreCase))
                {
                    value = entry.Value;
                    return true;
                }
            }
        }

        value = default!;
        return false;
    }

    private static int Hash(ReadOnlySpan<char> key)
    {
        // FNV-1a over ASCII-lowercased characters: equal under OrdinalIgnoreCase for hostnames (ASCII by RFC 1123).
        var hash = 2166136261u;
        foreach (var c in key)
        {
            var lower = c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : char.ToUpperInvariant(c);
            hash = (hash ^ lower) * 16777619u;
        }

        return (int)hash;
    }
#endif
}

/// <summary>
/// Values indexed by hostname pattern in three tiers, found by hash: exact hostnames, <c>*.suffix</c> wildcards
/// (keyed by suffix, tried from the longest suffix of the host), and the catch-all. Used both for listener
/// selection and for the route candidates of a listener.
/// </summary>
/// <typeparam name="TValue">The value type.</typeparam>
internal sealed class HostTiers<TValue>
    where TValue : class
{
    private readonly HostMap<TValue> _exact;
    private readonly HostMap<TValue> _wildcards;

    public HostTiers(IEnumerable<KeyValuePair<string, TValue>> byPattern, TValue? any)
    {
        var list = byPattern.ToList();
        _exact = new HostMap<TValue>(list.Where(e => !e.Key.StartsWith("*.", StringComparison.Ordinal)));
        _wildcards = new HostMap<TValue>(list.Where(e => e.Key.StartsWith("*.", StringComparison.Ordinal))
            .Select(e => new KeyValuePair<string, TValue>(e.Key[2..], e.Value)));
        Any = any;
        HasWildcards = _wildcards.Count > 0;
    }

    public TValue? Any { get; }

    public bool HasWildcards { get; }

    /// <summary>The value for the exact host, or null.</summary>
    public TValue? Exact(ReadOnlySpan<char> host) => _exact.TryGetValue(host, out var v) ? v : null;

    /// <summary>
    /// The next wildcard value for <paramref name="host"/>, starting after position <paramref name="from"/>
    /// (pass −1 first): suffixes are tried after each dot, longest first; a wildcard never matches the bare suffix.
    /// </summary>
    public TValue? NextWildcard(ReadOnlySpan<char> host, ref int from)
    {
        if (!HasWildcards)
        {
            from = host.Length;
            return null;
        }

        while (true)
        {
            var dot = host[(from + 1)..].IndexOf('.');
            if (dot < 0)
            {
                from = host.Length;
                return null;
            }

            from += dot + 1;
            if (from == 0)
            {
                // A leading dot: not a label boundary after a label.
                continue;
            }

            if (_wildcards.TryGetValue(host[(from + 1)..], out var v))
            {
                return v;
            }
        }
    }

    /// <summary>The most specific value for a host: exact, then the longest wildcard, then the catch-all.</summary>
    public TValue? Best(ReadOnlySpan<char> host)
    {
        if (Exact(host) is { } exact)
        {
            return exact;
        }

        var from = -1;
        return NextWildcard(host, ref from) ?? Any;
    }
}
