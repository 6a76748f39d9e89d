using PolicyAttach.Matching;

namespace PolicyAttach.Tests.Matching;

/// <summary>
/// <see cref="AsciiCase.StartsWithOrdinal"/> and <see cref="AsciiCase.EqualsLower"/> decide as the runtime's ordinal
/// and ordinal-ignore-case comparisons do, for every length around their four-character steps (including the
/// overlapping last step) and a difference at every position.
/// </summary>
public class AsciiCaseTests
{
    private const int MaxLength = 40;

    // Lower-case ASCII text with letters, digits and the non-letters next to the letter ranges.
    private const string LowerAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789-._@[`{~^";

    // Pairs that differ only in bit 0x20 but are not letters: they must never compare equal ignoring case.
    private static readonly (char Lower, char Key)[] NotLetterPairs =
    [
        ('@', '`'), ('`', '@'), ('[', '{'), ('{', '['), ('\\', '|'), ('|', '\\'), (']', '}'), ('}', ']'), ('^', '~'),
        ('~', '^'), ('_', '\u007F'), ('\u007F', '_'), ('-', '\r'), ('\r', '-'), ('.', '\u000E'), ('0', '\u0010'),
        (' ', '\0'), ('\0', ' '), ('9', '\u0019'), ('?', '\u001F'),
    ];

    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (var length = 0; length <= MaxLength; length++)
        {
            data.Add(length);
        }

        return data;
    }

    private static string Lower(int length, int seed = 0)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = LowerAlphabet[(i * 7 + seed) % LowerAlphabet.Length];
        }

        return new string(chars);
    }

    private static void AssertStartsWith(ReadOnlySpan<char> value, string prefix, bool expected)
    {
        var bcl = value.StartsWith(prefix, StringComparison.Ordinal);
        var actual = AsciiCase.StartsWithOrdinal(value, prefix);
        if (bcl != expected)
        {
            Assert.Fail($"test setup: BCL gives {bcl} for '{value}' / '{prefix}'");
        }

        if (actual != expected)
        {
            Assert.Fail($"StartsWithOrdinal('{value}', '{prefix}'): expected {expected}, got {actual}");
        }
    }

    private static void AssertEqualsLower(ReadOnlySpan<char> key, string lower, bool expected)
    {
        var bcl = key.Equals(lower, StringComparison.OrdinalIgnoreCase);
        var actual = AsciiCase.EqualsLower(key, lower);
        if (bcl != expected)
        {
            Assert.Fail($"test setup: BCL gives {bcl} for '{key}' / '{lower}'");
        }

        if (actual != expected)
        {
            Assert.Fail($"EqualsLower('{Escape(key)}', '{Escape(lower)}') (length {key.Length}): expected {expected}, got {actual}");
        }
    }

    private static string Escape(ReadOnlySpan<char> text)
        => string.Concat(text.ToArray().Select(c => c is >= ' ' and < '\u007F' ? c.ToString() : $"\\u{(int)c:X4}"));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void StartsWithOrdinal_ValueEqualOrLonger_IsTrue(int length)
    {
        var prefix = Lower(length);
        AssertStartsWith(prefix, prefix, true);
        AssertStartsWith(prefix + "x", prefix, true);
        AssertStartsWith(prefix + "/more/text", prefix, true);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void StartsWithOrdinal_MismatchAtEveryPosition_IsFalse(int length)
    {
        var prefix = Lower(length);
        for (var p = 0; p < length; p++)
        {
            foreach (var extra in new[] { "", "tail" })
            {
                var chars = (prefix + extra).ToCharArray();
                chars[p] = chars[p] == 'x' ? 'y' : 'x';
                AssertStartsWith(chars, prefix, false);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void StartsWithOrdinal_DifferenceOnlyInCaseOrHighByte_IsFalse(int length)
    {
        var prefix = new string('a', length);
        for (var p = 0; p < length; p++)
        {
            // 'A' differs in case only, U+0161 and U+6100 share a byte with 'a'.
            foreach (var replacement in new[] { 'A', '\u0161', '\u6100' })
            {
                var chars = (prefix + "z").ToCharArray();
                chars[p] = replacement;
                AssertStartsWith(chars, prefix, false);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void StartsWithOrdinal_ValueShorterThanPrefix_IsFalse(int length)
    {
        // The value is a slice of text that does hold the whole prefix: reading past the slice would say true.
        var prefix = Lower(length);
        var text = prefix + "tail";
        for (var shorter = 0; shorter < length; shorter++)
        {
            AssertStartsWith(text.AsSpan(0, shorter), prefix, false);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void StartsWithOrdinal_ValueSliceAtAnyOffset_ComparesOnlyTheSlice(int length)
    {
        var prefix = Lower(length, seed: 3);
        for (var offset = 0; offset < 4; offset++)
        {
            var text = new string('#', offset) + prefix + "tail";
            AssertStartsWith(text.AsSpan(offset), prefix, true);
            AssertStartsWith(text.AsSpan(offset, length), prefix, true);
            if (length > 0)
            {
                AssertStartsWith(text.AsSpan(offset + 1), prefix, text.Substring(offset + 1, length) == prefix);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EqualsLower_SameText_IsTrue(int length)
    {
        var lower = Lower(length);
        AssertEqualsLower(lower, lower, true);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EqualsLower_UpperAndMixedCaseKeys_AreTrue(int length)
    {
        var lower = Lower(length);
        AssertEqualsLower(lower.ToUpperInvariant(), lower, true);
        AssertEqualsLower(new string(lower.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : c).ToArray()), lower, true);
        AssertEqualsLower(new string(lower.Select((c, i) => i % 3 == 1 ? char.ToUpperInvariant(c) : c).ToArray()), lower, true);
        for (var p = 0; p < length; p++)
        {
            var one = lower.ToCharArray();
            one[p] = char.ToUpperInvariant(one[p]);
            AssertEqualsLower(one, lower, true);

            var allButOne = lower.ToUpperInvariant().ToCharArray();
            allButOne[p] = lower[p];
            AssertEqualsLower(allButOne, lower, true);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EqualsLower_MismatchAtEveryPosition_IsFalse(int length)
    {
        var lower = Lower(length);
        for (var p = 0; p < length; p++)
        {
            var other = lower[p] == 'q' ? 'r' : 'q';
            var key = lower.ToCharArray();
            key[p] = other;
            AssertEqualsLower(key, lower, false);

            var upperKey = lower.ToUpperInvariant().ToCharArray();
            upperKey[p] = char.ToUpperInvariant(other);
            AssertEqualsLower(upperKey, lower, false);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EqualsLower_NonLettersDifferingOnlyInBit0x20_AreNotEqual(int length)
    {
        for (var p = 0; p < length; p++)
        {
            foreach (var (l, k) in NotLetterPairs)
            {
                var lower = Lower(length).ToCharArray();
                lower[p] = l;
                var key = Lower(length).ToUpperInvariant().ToCharArray();
                key[p] = k;
                AssertEqualsLower(key, new string(lower), false);

                // The same pair everywhere: each step's lanes all hold it.
                AssertEqualsLower(new string(k, length), new string(l, length), false);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public void EqualsLower_EveryAsciiKeyCharacterAgainstEveryLowerCharacter_AgreesWithOrdinalIgnoreCase(int length)
    {
        // Every ASCII key character against every ASCII character that is not an upper-case letter, at every position.
        for (var p = 0; p < length; p++)
        {
            for (var l = 0; l < 0x80; l++)
            {
                if (l is >= 'A' and <= 'Z')
                {
                    continue;
                }

                var lowerChars = Lower(length).ToCharArray();
                lowerChars[p] = (char)l;
                var lower = new string(lowerChars);
                var key = Lower(length).ToUpperInvariant().ToCharArray();
                for (var k = 0; k < 0x80; k++)
                {
                    key[p] = (char)k;
                    var expected = k == l || (k is >= 'A' and <= 'Z' && k + 0x20 == l);
                    AssertEqualsLower(key, lower, expected);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EqualsLower_DifferentLengths_AreFalse(int length)
    {
        var lower = Lower(length);
        AssertEqualsLower(lower + "a", lower, false);
        if (length > 0)
        {
            AssertEqualsLower(lower.AsSpan(0, length - 1), lower, false);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EqualsLower_KeySliceAtAnyOffset_ComparesOnlyTheSlice(int length)
    {
        var lower = Lower(length, seed: 5);
        for (var offset = 0; offset < 4; offset++)
        {
            var text = new string('#', offset) + lower.ToUpperInvariant() + "TAIL";
            AssertEqualsLower(text.AsSpan(offset, length), lower, true);
        }
    }

    [Theory]
    [InlineData("a", "a", true)]
    [InlineData("Z", "z", true)]
    [InlineData("A", "a", true)]
    [InlineData("@", "`", false)]
    [InlineData("[", "{", false)]
    [InlineData("@ABC", "`abc", false)]
    [InlineData("ABC[", "abc{", false)]
    [InlineData("X-REQUEST-ID", "x-request-id", true)]
    [InlineData("X\rREQUEST-ID", "x-request-id", false)]
    [InlineData("X-REQUEST\rID", "x-request-id", false)]
    [InlineData("CONTENT-TYPE", "content-type", true)]
    [InlineData("CONTENT_TYPE", "content-type", false)]
    [InlineData("AUTHORIZATION", "authorization", true)]
    [InlineData("AUTHORIZATIOM", "authorization", false)]
    public void EqualsLower_HeaderLikeNames_MatchExpected(string key, string lower, bool expected)
    {
        AssertEqualsLower(key, lower, expected);
    }
}
