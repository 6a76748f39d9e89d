using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PolicyAttach.Matching;

/// <summary>
/// A read-only map from hostnames (compared ordinal-ignore-case, as DNS names are) to values, looked up with a
/// span so that matching allocates nothing. When every key is ASCII (hostnames are, by RFC 1123) an ASCII lookup
/// goes through an open-addressing table keyed by a case-folded hash read four characters at a time, after a
/// check of the key lengths present; any other lookup takes the general path: on .NET 9+ a
/// <see cref="Dictionary{TKey, TValue}"/> read through its alternate span lookup, on .NET 8 buckets keyed by a
/// precomputed case-insensitive hash. Both paths compare with <see cref="StringComparison.OrdinalIgnoreCase"/>.
/// </summary>
/// <typeparam name="TValue">The value type.</typeparam>
internal sealed class HostMap<TValue>
{
    // The ASCII table: null when a key is not ASCII (then every lookup takes the general path).
    private readonly Slot[]? _slots;
    private readonly int _mask;

    // Bit min(length, 63) is set when some key has that length.
    private readonly ulong _lengths;

    // The key and value live in the slot: a lookup touches the slot and the key's characters, nothing else.
    private readonly struct Slot(uint hash, string key, TValue value)
    {
        public readonly uint Hash = hash;

        /// <summary>The key in lower case (ASCII); null for an empty slot.</summary>
        public readonly string? Key = key;

        public readonly TValue Value = value;
    }

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
        Count = _map.Count;
        (_slots, _mask, _lengths) = BuildAscii(_map);
    }

    public int Count { get; }

    private bool TryGetGeneral(ReadOnlySpan<char> key, out TValue value) => _lookup.TryGetValue(key, out value!);
#else
    private readonly Dictionary<int, KeyValuePair<string, TValue>[]> _buckets = [];

    public HostMap(IEnumerable<KeyValuePair<string, TValue>> entries)
    {
        var all = new Dictionary<string, TValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            all[entry.Key] = entry.Value;
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

        (_slots, _mask, _lengths) = BuildAscii(all);
    }

    public int Count { get; }

    private bool TryGetGeneral(ReadOnlySpan<char> key, out TValue value)
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

    /// <summary>The length of the shortest key (<see cref="int.MaxValue"/> when empty).</summary>
    public int MinKeyLength => _lengths == 0 ? (Count == 0 ? int.MaxValue : 0) : BitOperations.TrailingZeroCount(_lengths);

    /// <summary>The value of a key; allocates nothing.</summary>
    public bool TryGetValue(ReadOnlySpan<char> key, out TValue value)
    {
        if (Count == 0)
        {
            value = default!;
            return false;
        }

        if (_slots is { } slots)
        {
            if ((_lengths & LengthBit(key.Length)) == 0)
            {
                value = default!;
                return false;
            }

            if (AsciiHash(key, out var hash))
            {
                var mask = _mask;
                var i = (int)(hash & (uint)mask);
                while (true)
                {
                    ref readonly var slot = ref slots[i];
                    if (slot.Key is null)
                    {
                        value = default!;
                        return false;
                    }

                    if (slot.Hash == hash && AsciiCase.EqualsLower(key, slot.Key))
                    {
                        value = slot.Value;
                        return true;
                    }

                    i = (i + 1) & mask;
                }
            }
        }

        return TryGetGeneral(key, out value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LengthBit(int length) => 1UL << Math.Min(length, 63);

    private static (Slot[]? Slots, int Mask, ulong Lengths) BuildAscii(Dictionary<string, TValue> map)
    {
        var keys = new string[map.Count];
        var values = new TValue[map.Count];
        ulong lengths = 0;
        var n = 0;
        foreach (var (key, value) in map)
        {
            if (!AsciiHash(key, out _))
            {
                return (null, 0, 0);
            }

            keys[n] = key;
            values[n] = value;
            lengths |= LengthBit(key.Length);
            n++;
        }

        var capacity = 4;
        while (capacity < n * 2)
        {
            capacity *= 2;
        }

        var slots = new Slot[capacity];
        for (var k = 0; k < n; k++)
        {
            AsciiHash(keys[k], out var hash);
            var i = (int)(hash & (uint)(capacity - 1));
            while (slots[i].Key is not null)
            {
                i = (i + 1) & (capacity - 1);
            }

            slots[i] = new Slot(hash, keys[k].ToLowerInvariant(), values[k]);
        }

        return (slots, capacity - 1, lengths);
    }

    /// <summary>
    /// A hash equal for strings equal under ASCII case-insensitivity: every character is or-ed with 0x20 (which
    /// maps both cases of a letter to the lower case and changes no other character's equality class, as a hash
    /// may), read four characters per step; the last step reads the last four characters, overlapping the one
    /// before when the length is not a multiple of four. Each step's multiply is independent of the others and only
    /// a rotate and an exclusive-or chain them, so the steps overlap in the processor. False when
    /// <paramref name="key"/> is not all ASCII.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AsciiHash(ReadOnlySpan<char> key, out uint hash)
    {
        const ulong Fold = 0x0020_0020_0020_0020UL;
        const ulong NonAscii = 0xFF80_FF80_FF80_FF80UL;
        const ulong Multiplier = 0x9E37_79B9_7F4A_7C15UL;
        var length = key.Length;
        var h = (ulong)length * 0xC2B2_AE3D_27D4_EB4FUL;
        ulong seen;
        ref var start = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(key));
        if (length >= 4)
        {
            seen = 0;
            var last = length - 4;
            for (var i = 0; i < last; i += 4)
            {
                var chunk = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i * 2));
                seen |= chunk;
                h = BitOperations.RotateLeft(h, 23) ^ ((chunk | Fold) * Multiplier);
            }

            var tail = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, last * 2));
            seen |= tail;
            h = BitOperations.RotateLeft(h, 23) ^ ((tail | Fold) * Multiplier);
        }
        else
        {
            ulong tail = 0;
            for (var i = 0; i < length; i++)
            {
                tail |= (ulong)key[i] << (i * 16);
            }

            seen = tail;
            h ^= (tail | Fold) * Multiplier;
        }

        h ^= h >> 29;
        h *= Multiplier;
        hash = (uint)(h >> 32);
        return (seen & NonAscii) == 0;
    }
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
        _patterns = list;
        _exact = new HostMap<TValue>(list.Where(e => !e.Key.StartsWith("*.", StringComparison.Ordinal)));
        _wildcards = new HostMap<TValue>(list.Where(e => e.Key.StartsWith("*.", StringComparison.Ordinal))
            .Select(e => new KeyValuePair<string, TValue>(e.Key[2..], e.Value)));
        Any = any;
        HasWildcards = _wildcards.Count > 0;
        OnlyAny = _exact.Count == 0 && !HasWildcards;
        _minWildcard = _wildcards.MinKeyLength;
    }

    private readonly List<KeyValuePair<string, TValue>> _patterns;

    /// <summary>The same tiers with every value converted (compile time only).</summary>
    public HostTiers<TOther> Map<TOther>(Func<TValue, TOther> convert)
        where TOther : class
        => new(_patterns.Select(p => new KeyValuePair<string, TOther>(p.Key, convert(p.Value))), Any is null ? null : convert(Any));

    // The shortest wildcard suffix: shorter suffixes of a host are not looked up.
    private readonly int _minWildcard;

    public TValue? Any { get; }

    public bool HasWildcards { get; }

    /// <summary>Whether there are no hostname patterns: every host gets <see cref="Any"/>.</summary>
    public bool OnlyAny { get; }

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
            if (host.Length - from - 2 < _minWildcard)
            {
                // Every suffix left (after the next dot) is shorter than any wildcard suffix.
                from = host.Length;
                return null;
            }

            // The next dot; hostnames are short, so a plain loop beats a vectorized search's setup.
            var next = from + 1;
            while (next < host.Length && host[next] != '.')
            {
                next++;
            }

            if (next == host.Length)
            {
                from = host.Length;
                return null;
            }

            from = next;
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
