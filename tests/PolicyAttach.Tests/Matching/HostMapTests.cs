using PolicyAttach.Matching;

namespace PolicyAttach.Tests.Matching;

/// <summary>
/// <see cref="HostMap{TValue}"/> finds exactly what a <see cref="Dictionary{TKey, TValue}"/> with
/// <see cref="StringComparer.OrdinalIgnoreCase"/> finds: on its ASCII table (a hash reading the last four characters
/// overlapping, open addressing, a check of the key lengths present) and on the general path (non-ASCII keys or
/// lookups).
/// </summary>
public class HostMapTests
{
    private const string HostAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789-.";

    // 500 distinct hostname-like keys, lengths 1 to 40 (a dozen of each), stored in mixed case.
    private static readonly KeyValuePair<string, int>[] ManyKeys = BuildKeys(500, 40, seed: 7);

    private static KeyValuePair<string, int>[] BuildKeys(int count, int maxLength, int seed)
    {
        var rng = new Random(seed);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var keys = new List<KeyValuePair<string, int>>();
        while (keys.Count < count)
        {
            var length = keys.Count % maxLength + 1;
            var chars = new char[length];
            for (var i = 0; i < length; i++)
            {
                var c = HostAlphabet[rng.Next(HostAlphabet.Length)];
                chars[i] = rng.Next(4) == 0 ? char.ToUpperInvariant(c) : c;
            }

            var key = new string(chars);
            if (seen.Add(key))
            {
                keys.Add(new(key, keys.Count));
            }
        }

        return [.. keys];
    }

    private static string MixCase(string key, int seed)
    {
        var rng = new Random(seed);
        return new string(key.Select(c => rng.Next(2) == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)).ToArray());
    }

    private static void AssertLookup(HostMap<int> map, Dictionary<string, int> reference, string key, bool expectedFound, int expectedValue = 0)
    {
        var referenceFound = reference.TryGetValue(key, out var referenceValue);
        if (referenceFound != expectedFound || (expectedFound && referenceValue != expectedValue))
        {
            Assert.Fail($"test setup: the reference gives {referenceFound}/{referenceValue} for '{key}'");
        }

        var found = map.TryGetValue(key, out var value);
        if (found != expectedFound || (found && value != expectedValue))
        {
            Assert.Fail($"TryGetValue('{key}') (length {key.Length}): expected {(expectedFound ? $"found {expectedValue}" : "missing")}, got {(found ? $"found {value}" : "missing")}");
        }
    }

    private static Dictionary<string, int> Reference(IEnumerable<KeyValuePair<string, int>> entries)
    {
        var reference = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in entries)
        {
            reference[key] = value;
        }

        return reference;
    }

    [Fact]
    public void TryGetValue_ManyKeysOfEveryLengthLookedUpInOtherCase_FindsEachValue()
    {
        var map = new HostMap<int>(ManyKeys);
        var reference = Reference(ManyKeys);
        Assert.Equal(500, map.Count);
        foreach (var (key, value) in ManyKeys)
        {
            AssertLookup(map, reference, key, true, value);
            AssertLookup(map, reference, key.ToUpperInvariant(), true, value);
            AssertLookup(map, reference, key.ToLowerInvariant(), true, value);
            AssertLookup(map, reference, MixCase(key, value), true, value);
        }
    }

    [Fact]
    public void TryGetValue_KeyDifferingInOneCharacterAtEachPosition_Misses()
    {
        var map = new HostMap<int>(ManyKeys);
        var reference = Reference(ManyKeys);
        foreach (var (key, _) in ManyKeys)
        {
            for (var p = 0; p < key.Length; p++)
            {
                // Another letter, and the character with bit 0x20 flipped where that is not a case change (such a
                // key hashes like the stored one, so only the comparison can tell them apart).
                var replacements = new List<char> { char.ToLowerInvariant(key[p]) == 'q' ? 'w' : 'q', '_' };
                if (!char.IsAsciiLetter(key[p]))
                {
                    replacements.Add((char)(key[p] ^ 0x20));
                }

                foreach (var replacement in replacements)
                {
                    var chars = key.ToCharArray();
                    chars[p] = replacement;
                    var miss = new string(chars);
                    var present = reference.TryGetValue(miss, out var other);
                    AssertLookup(map, reference, miss, present, other);
                    AssertLookup(map, reference, miss.ToUpperInvariant(), present, other);
                }
            }
        }
    }

    [Fact]
    public void TryGetValue_PrefixesAndExtensionsOfKeys_FollowTheReference()
    {
        var map = new HostMap<int>(ManyKeys);
        var reference = Reference(ManyKeys);
        foreach (var (key, _) in ManyKeys)
        {
            foreach (var probe in new[] { key[..^1], key + "a", "a" + key, key + ".", key[1..] })
            {
                var present = reference.TryGetValue(probe, out var value);
                AssertLookup(map, reference, probe, present, value);
            }
        }
    }

    [Fact]
    public void TryGetValue_LengthsNotAmongTheKeys_Miss()
    {
        // Lengths 64 and above share one bit of the length check: 70 must still miss when only 64 is present.
        int[] present = [3, 7, 8, 64, 80];
        var entries = present.Select(n => new KeyValuePair<string, int>(new string('a', n), n)).ToList();
        var map = new HostMap<int>(entries);
        var reference = Reference(entries);
        for (var length = 0; length <= 100; length++)
        {
            var isPresent = present.Contains(length);
            AssertLookup(map, reference, new string('A', length), isPresent, isPresent ? length : 0);
            AssertLookup(map, reference, new string('b', length), false);
        }
    }

    [Fact]
    public void TryGetValue_NonLettersDifferingOnlyInBit0x20_AreDifferentKeys()
    {
        // Each pair hashes alike (the hash folds bit 0x20) and lands in one probe chain.
        (string Key, int Value)[] keys =
        [
            ("a@b.example", 1), ("a`b.example", 2), ("x[y", 3), ("x{y", 4), ("long-host-name.example", 5),
            ("long\rhost\rname.example", 6), ("h-1", 7), ("h\r\u0011", 8), ("w.x.y.z", 9), ("w\u000Ex\u000Ey\u000Ez", 10),
        ];
        var entries = keys.Select(k => new KeyValuePair<string, int>(k.Key, k.Value)).ToList();
        var map = new HostMap<int>(entries);
        var reference = Reference(entries);
        Assert.Equal(keys.Length, map.Count);
        foreach (var (key, value) in keys)
        {
            AssertLookup(map, reference, key, true, value);
            AssertLookup(map, reference, key.ToUpperInvariant(), true, value);
        }

        AssertLookup(map, reference, "A^B.EXAMPLE", false);
        AssertLookup(map, reference, "X]Y", false);
        AssertLookup(map, reference, "LONG-HOST\rNAME.EXAMPLE", false);
    }

    [Fact]
    public void TryGetValue_KeysRepeatedInAnotherCase_KeepTheLastValue()
    {
        KeyValuePair<string, int>[] entries = [new("A.Example.com", 1), new("a.example.COM", 2), new("b.example.com", 3)];
        var map = new HostMap<int>(entries);
        Assert.Equal(2, map.Count);
        var reference = Reference(entries);
        AssertLookup(map, reference, "a.example.com", true, 2);
        AssertLookup(map, reference, "B.EXAMPLE.COM", true, 3);
    }

    [Fact]
    public void TryGetValue_EmptyMapOrEmptyKey_FollowsTheReference()
    {
        var empty = new HostMap<int>([]);
        Assert.Equal(0, empty.Count);
        Assert.False(empty.TryGetValue("", out _));
        Assert.False(empty.TryGetValue("a.example.com", out _));

        KeyValuePair<string, int>[] entries = [new("", 1), new("abcd", 2)];
        var map = new HostMap<int>(entries);
        var reference = Reference(entries);
        AssertLookup(map, reference, "", true, 1);
        AssertLookup(map, reference, "ABCD", true, 2);
        AssertLookup(map, reference, "abc", false);
    }

    [Fact]
    public void TryGetValue_AsciiKeysAndNonAsciiLookups_Miss()
    {
        var map = new HostMap<int>(ManyKeys);
        var reference = Reference(ManyKeys);
        foreach (var (key, _) in ManyKeys.Take(100))
        {
            for (var p = 0; p < key.Length; p++)
            {
                // U+0161 and U+2E00 share a byte with ASCII letters and '.'; U+212A (Kelvin) is not 'k' under ordinal-ignore-case.
                foreach (var replacement in new[] { (char)(key[p] | 0x100), (char)(key[p] << 8), '\u212A', 'é' })
                {
                    var chars = key.ToCharArray();
                    chars[p] = replacement;
                    var miss = new string(chars);
                    var present = reference.TryGetValue(miss, out var other);
                    AssertLookup(map, reference, miss, present, other);
                }
            }
        }
    }

    [Fact]
    public void TryGetValue_NonAsciiKey_EveryLookupTakesTheGeneralPathAndStillFinds()
    {
        var entries = ManyKeys.Concat([new("bücher.example", 1000), new("ÉCOLE.example", 1001), new("straße.example", 1002)]).ToList();
        var map = new HostMap<int>(entries);
        var reference = Reference(entries);
        Assert.Equal(503, map.Count);
        foreach (var (key, value) in ManyKeys)
        {
            AssertLookup(map, reference, MixCase(key, value), true, value);
            var miss = key + "z";
            var present = reference.TryGetValue(miss, out var other);
            AssertLookup(map, reference, miss, present, other);
        }

        AssertLookup(map, reference, "BÜCHER.EXAMPLE", true, 1000);
        AssertLookup(map, reference, "bücher.example", true, 1000);
        AssertLookup(map, reference, "école.example", true, 1001);
        AssertLookup(map, reference, "STRASSE.example", false);
        AssertLookup(map, reference, "bucher.example", false);
    }

    [Fact]
    public void MinKeyLength_IsTheShortestKeyLength()
    {
        Assert.Equal(int.MaxValue, new HostMap<int>([]).MinKeyLength);
        Assert.Equal(3, new HostMap<int>([new("abcdef", 1), new("XYZ", 2), new("abcd", 3)]).MinKeyLength);
        Assert.Equal(1, new HostMap<int>(ManyKeys).MinKeyLength);
    }
}
