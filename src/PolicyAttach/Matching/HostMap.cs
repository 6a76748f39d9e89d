using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PolicyAttach.Matching;

/// <summary>
/// A read-only map from hostnames (compared ordinal-ignore-case, as DNS names are) to values, looked up with a
/// span so that matching allocates nothing. When every key is ASCII (hostnames are, by RFC 1123) and the processor
/// has 128-bit vectors, an ASCII lookup goes through an open-addressing table after a check of the key lengths
/// present: the key is packed into four words (the lower-case bytes of its first and last sixteen characters, which
/// are all of it up to 32 characters), hashed from them, and compared with the words held in the slot, so that a
/// lookup reads one slot and no key string (longer keys are compared in full too). Any other lookup takes the general
/// path: on .NET 9+ a
/// <see cref="Dictionary{TKey, TValue}"/> read through its alternate span lookup, on .NET 8 buckets keyed by a
/// precomputed case-insensitive hash. Both paths compare with <see cref="StringComparison.OrdinalIgnoreCase"/>.
/// </summary>
/// <remarks>
/// A struct, held in a readonly field by its owner: a lookup then reaches the slots with one load less.
/// </remarks>
/// <typeparam name="TValue">The value type.</typeparam>
internal readonly struct HostMap<TValue>
{
    // The ASCII table: null when a key is not ASCII (then every lookup takes the general path).
    private readonly Slot[]? _slots;
    private readonly int _mask;

    // Bit min(length, 63) is set when some key has that length.
    private readonly ulong _lengths;

    // The packed key, its length and the value live in the slot: a lookup reads the slot and nothing else (keys over
    // 32 characters are also compared with Key).
    private readonly struct Slot(in PackedKey packed, uint hash, int length, string key, TValue value)
    {
        public readonly PackedKey Packed = packed;

        public readonly uint Hash = hash;

        /// <summary>The key's length plus one; 0 for an empty slot.</summary>
        public readonly int LengthPlusOne = length + 1;

        /// <summary>The key in lower case (ASCII).</summary>
        public readonly string Key = key;

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
            var length = key.Length;
            if ((_lengths & LengthBit(length)) == 0)
            {
                value = default!;
                return false;
            }

            if (PackedKey.TryPack(key, out var packed))
            {
                var hash = packed.Hash(key);
                var mask = _mask;
                var i = (int)(hash & (uint)mask);
                while (true)
                {
                    ref readonly var slot = ref slots[i];
                    if (slot.LengthPlusOne == 0)
                    {
                        value = default!;
                        return false;
                    }

                    if (slot.Hash == hash && slot.LengthPlusOne == length + 1 && slot.Packed.Equals(packed)
                        && (length <= PackedKey.MaxLength || AsciiCase.EqualsLower(key, slot.Key)))
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
        if (!PackedKey.IsSupported)
        {
            return (null, 0, 0);
        }

        var keys = new string[map.Count];
        var values = new TValue[map.Count];
        ulong lengths = 0;
        var n = 0;
        foreach (var (key, value) in map)
        {
            if (!PackedKey.TryPack(key, out _))
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
            var lower = keys[k].ToLowerInvariant();
            PackedKey.TryPack(lower, out var packed);
            var hash = packed.Hash(lower);
            var i = (int)(hash & (uint)(capacity - 1));
            while (slots[i].LengthPlusOne != 0)
            {
                i = (i + 1) & (capacity - 1);
            }

            slots[i] = new Slot(packed, hash, lower.Length, lower, values[k]);
        }

        return (slots, capacity - 1, lengths);
    }
}

/// <summary>
/// An ASCII hostname packed for comparison without its string: the lower-case bytes of its first and last sixteen
/// characters (of its first and last eight when it has sixteen or fewer; all of it when it has fewer than eight), read
/// eight characters per vector step. Up to <see cref="MaxLength"/> characters, equal packed keys of equal length are
/// equal under ASCII case-insensitivity; longer keys must be compared in full as well.
/// </summary>
internal readonly struct PackedKey
{
    /// <summary>The longest key the packed words hold entirely.</summary>
    public const int MaxLength = 32;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    private PackedKey(ulong a, ulong b, ulong c, ulong d)
    {
        _a = a;
        _b = b;
        _c = c;
        _d = d;
    }

    /// <summary>Whether keys of eight characters or more can be packed here (the processor has 128-bit vectors).</summary>
    public static bool IsSupported => Vector128.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(in PackedKey other) => ((_a ^ other._a) | (_b ^ other._b) | (_c ^ other._c) | (_d ^ other._d)) == 0;

    /// <summary>Packs <paramref name="key"/>; false when a character is not ASCII (or vectors are not supported).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryPack(ReadOnlySpan<char> key, out PackedKey packed)
    {
        var length = key.Length;
        if (length < Vector128<ushort>.Count)
        {
            ulong word = 0;
            for (var i = 0; i < length; i++)
            {
                var c = key[i];
                if (c >= 0x80)
                {
                    packed = default;
                    return false;
                }

                word |= (ulong)(c is >= 'A' and <= 'Z' ? c | 0x20 : c) << (i * 8);
            }

            packed = new PackedKey(word, 0, 0, 0);
            return true;
        }

        if (!Vector128.IsHardwareAccelerated)
        {
            packed = default;
            return false;
        }

        ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(key));
        var ascii = Vector128.Create((ushort)0x7F);
        var v0 = Vector128.LoadUnsafe(ref start);
        if (length <= 16)
        {
            var v1 = Vector128.LoadUnsafe(ref start, (nuint)(length - 8));
            if (Vector128.GreaterThanAny(v0 | v1, ascii))
            {
                packed = default;
                return false;
            }

            var bytes = Lower(Vector128.Narrow(v0, v1)).AsUInt64();
            packed = new PackedKey(bytes.GetElement(0), bytes.GetElement(1), 0, 0);
            return true;
        }

        var w1 = Vector128.LoadUnsafe(ref start, 8);
        var w2 = Vector128.LoadUnsafe(ref start, (nuint)(length - 16));
        var w3 = Vector128.LoadUnsafe(ref start, (nuint)(length - 8));
        if (Vector128.GreaterThanAny(v0 | w1 | w2 | w3, ascii))
        {
            packed = default;
            return false;
        }

        var first = Lower(Vector128.Narrow(v0, w1)).AsUInt64();
        var last = Lower(Vector128.Narrow(w2, w3)).AsUInt64();
        packed = new PackedKey(first.GetElement(0), first.GetElement(1), last.GetElement(0), last.GetElement(1));
        return true;
    }

    /// <summary>
    /// A hash of the packed words and the length; for keys longer than <see cref="MaxLength"/>, of every character
    /// too (their middle is not in the words). The four multiplies are independent of each other.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Hash(ReadOnlySpan<char> key)
    {
        var h = ((ulong)key.Length * 0xC2B2_AE3D_27D4_EB4FUL)
            ^ (_a * 0x9E37_79B9_7F4A_7C15UL)
            ^ BitOperations.RotateLeft(_b * 0xBF58_476D_1CE4_E5B9UL, 21);
        if (key.Length > 16)
        {
            // Up to sixteen characters the last two words are zero.
            h ^= BitOperations.RotateLeft(_c * 0x94D0_49BB_1331_11EBUL, 42) ^ BitOperations.RotateLeft(_d * 0xD6E8_FEB8_6659_FD93UL, 11);
            if (key.Length > MaxLength)
            {
                h ^= LongKeyHash(key);
            }
        }

        h ^= h >> 29;
        h *= 0x9E37_79B9_7F4A_7C15UL;
        return (uint)(h >> 32);
    }

    /// <summary>Every character of a long key, case-folded (or-ed with 0x20, which keeps letters of both cases equal).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong LongKeyHash(ReadOnlySpan<char> key)
    {
        ulong h = 0;
        foreach (var c in key)
        {
            h = BitOperations.RotateLeft(h, 7) ^ (ulong)(c | 0x20);
        }

        return h * 0xC2B2_AE3D_27D4_EB4FUL;
    }

    /// <summary>Maps <c>A</c>–<c>Z</c> to lower case in sixteen ASCII bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Lower(Vector128<byte> chars)
        => chars | (Vector128.LessThan(chars - Vector128.Create((byte)'A'), Vector128.Create((byte)26)) & Vector128.Create((byte)0x20));
}

/// <summary>
/// Values indexed by hostname pattern in three tiers, found by hash: exact hostnames, <c>*.suffix</c> wildcards
/// (keyed by suffix, tried from the longest suffix of the host), and the catch-all. Used both for listener
/// selection and for the route candidates of a listener. Values may be structs, so that a lookup can return what
/// it needs from the slot itself; <see cref="HostTiersExtensions"/> gives reference values a nullable form.
/// </summary>
/// <typeparam name="TValue">The value type.</typeparam>
internal sealed class HostTiers<TValue>
{
    private readonly HostMap<TValue> _exact;
    private readonly HostMap<TValue> _wildcards;

    public HostTiers(IEnumerable<KeyValuePair<string, TValue>> byPattern, TValue? any, bool hasAny)
    {
        var list = byPattern.ToList();
        _patterns = list;
        _exact = new HostMap<TValue>(list.Where(e => !e.Key.StartsWith("*.", StringComparison.Ordinal)));
        _wildcards = new HostMap<TValue>(list.Where(e => e.Key.StartsWith("*.", StringComparison.Ordinal))
            .Select(e => new KeyValuePair<string, TValue>(e.Key[2..], e.Value)));
        Any = any!;
        HasAny = hasAny;
        HasWildcards = _wildcards.Count > 0;
        OnlyAny = _exact.Count == 0 && !HasWildcards;
        _minWildcard = _wildcards.MinKeyLength;
    }

    /// <summary>Tiers of reference values; a null <paramref name="any"/> means no catch-all.</summary>
    public HostTiers(IEnumerable<KeyValuePair<string, TValue>> byPattern, TValue? any)
        : this(byPattern, any, any is not null)
    {
    }

    private readonly List<KeyValuePair<string, TValue>> _patterns;

    /// <summary>The hostname patterns (exact and <c>*.</c> wildcards) with their values, as given (compile time and analyses).</summary>
    public IReadOnlyList<KeyValuePair<string, TValue>> Patterns => _patterns;

    /// <summary>The same tiers with every value converted (compile time only).</summary>
    public HostTiers<TOther> Map<TOther>(Func<TValue, TOther> convert)
        => new(_patterns.Select(p => new KeyValuePair<string, TOther>(p.Key, convert(p.Value))), HasAny ? convert(Any) : default, HasAny);

    // The shortest wildcard suffix: shorter suffixes of a host are not looked up.
    private readonly int _minWildcard;

    /// <summary>The catch-all value; meaningful when <see cref="HasAny"/>.</summary>
    public TValue Any { get; }

    public bool HasAny { get; }

    public bool HasWildcards { get; }

    /// <summary>Whether there are no hostname patterns: every host gets <see cref="Any"/>.</summary>
    public bool OnlyAny { get; }

    /// <summary>The value for the exact host.</summary>
    public bool TryExact(ReadOnlySpan<char> host, out TValue value) => _exact.TryGetValue(host, out value);

    /// <summary>
    /// The next wildcard value for <paramref name="host"/>, starting after position <paramref name="from"/>
    /// (pass −1 first): suffixes are tried after each dot, longest first; a wildcard never matches the bare suffix.
    /// </summary>
    public bool TryNextWildcard(ReadOnlySpan<char> host, ref int from, out TValue value)
    {
        if (!HasWildcards)
        {
            from = host.Length;
            value = default!;
            return false;
        }

        while (true)
        {
            if (host.Length - from - 2 < _minWildcard)
            {
                // Every suffix left (after the next dot) is shorter than any wildcard suffix.
                from = host.Length;
                value = default!;
                return false;
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
                value = default!;
                return false;
            }

            from = next;
            if (from == 0)
            {
                // A leading dot: not a label boundary after a label.
                continue;
            }

            if (_wildcards.TryGetValue(host[(from + 1)..], out value))
            {
                return true;
            }
        }
    }
}

/// <summary>The lookups of <see cref="HostTiers{TValue}"/> for reference values, null when absent.</summary>
internal static class HostTiersExtensions
{
    /// <summary>The value for the exact host, or null.</summary>
    public static TValue? Exact<TValue>(this HostTiers<TValue> tiers, ReadOnlySpan<char> host)
        where TValue : class
        => tiers.TryExact(host, out var value) ? value : null;

    /// <summary>The next wildcard value (see <see cref="HostTiers{TValue}.TryNextWildcard"/>), or null.</summary>
    public static TValue? NextWildcard<TValue>(this HostTiers<TValue> tiers, ReadOnlySpan<char> host, ref int from)
        where TValue : class
        => tiers.TryNextWildcard(host, ref from, out var value) ? value : null;

    /// <summary>The most specific value for a host: exact, then the longest wildcard, then the catch-all.</summary>
    public static TValue? Best<TValue>(this HostTiers<TValue> tiers, ReadOnlySpan<char> host)
        where TValue : class
    {
        if (tiers.TryExact(host, out var exact))
        {
            return exact;
        }

        var from = -1;
        return tiers.TryNextWildcard(host, ref from, out var wild) ? wild : tiers.HasAny ? tiers.Any : null;
    }
}
