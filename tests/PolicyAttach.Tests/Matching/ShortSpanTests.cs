using PolicyAttach.Matching;

namespace PolicyAttach.Tests.Matching;

/// <summary>
/// <see cref="ShortSpan"/> finds the same position as the runtime's <see cref="MemoryExtensions"/> search for every
/// length around its eight-character steps (including the overlapping last step) and every target position.
/// </summary>
public class ShortSpanTests
{
    private const int MaxLength = 40;

    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (var length = 0; length <= MaxLength; length++)
        {
            data.Add(length);
        }

        return data;
    }

    // Filler that never equals the targets below, varied so that no two steps read the same text.
    private static char[] Filler(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)('a' + (i % 26));
        }

        return chars;
    }

    private static void AssertIndexOf(ReadOnlySpan<char> span, char value, int expected)
    {
        var bcl = MemoryExtensions.IndexOf(span, value);
        var actual = ShortSpan.IndexOf(span, value);
        if (bcl != expected)
        {
            Assert.Fail($"test setup: BCL gives {bcl}, expected {expected} for '{span}'");
        }

        if (actual != expected)
        {
            Assert.Fail($"IndexOf('{value}') in '{span}' (length {span.Length}): expected {expected}, got {actual}");
        }
    }

    private static void AssertIndexOfAny(ReadOnlySpan<char> span, char a, char b, int expected)
    {
        var bcl = MemoryExtensions.IndexOfAny(span, a, b);
        var actual = ShortSpan.IndexOfAny(span, a, b);
        if (bcl != expected)
        {
            Assert.Fail($"test setup: BCL gives {bcl}, expected {expected} for '{span}'");
        }

        if (actual != expected)
        {
            Assert.Fail($"IndexOfAny('{a}', '{b}') in '{span}' (length {span.Length}): expected {expected}, got {actual}");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void IndexOf_Absent_ReturnsMinusOne(int length)
    {
        AssertIndexOf(Filler(length), '/', -1);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void IndexOf_OneOccurrenceAtEveryPosition_ReturnsThatPosition(int length)
    {
        for (var p = 0; p < length; p++)
        {
            var chars = Filler(length);
            chars[p] = '/';
            AssertIndexOf(chars, '/', p);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void IndexOf_TwoOccurrences_ReturnsTheFirst(int length)
    {
        for (var p = 0; p < length; p++)
        {
            for (var q = p + 1; q < length; q++)
            {
                var chars = Filler(length);
                chars[p] = '/';
                chars[q] = '/';
                AssertIndexOf(chars, '/', p);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void IndexOf_EveryCharacterTheTarget_ReturnsZero(int length)
    {
        AssertIndexOf(new string('?', length), '?', length == 0 ? -1 : 0);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void IndexOf_CharactersSharingOneByteWithTheTarget_AreNotFound(int length)
    {
        // '/' is 0x002F: these share its low or its high byte, or both bytes are 0x2F.
        char[] lookalikes = ['\u012F', '\u2F00', '\u2F2F', '\uFF2F', '\u002E', '\u006F'];
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = lookalikes[i % lookalikes.Length];
        }

        AssertIndexOf(chars, '/', -1);
        if (length > 0)
        {
            chars[length - 1] = '/';
            AssertIndexOf(chars, '/', length - 1);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void IndexOf_TargetJustOutsideASlice_IsNotFound(int length)
    {
        // The span is a slice at every offset of a larger buffer whose characters around it are all the target.
        for (var offset = 0; offset <= 8; offset++)
        {
            var buffer = new string('/', offset) + new string(Filler(length)) + new string('/', 16);
            AssertIndexOf(buffer.AsSpan(offset, length), '/', -1);
            if (length > 0)
            {
                var withLast = new string('/', offset) + new string(Filler(length - 1)) + "/" + new string('/', 16);
                AssertIndexOf(withLast.AsSpan(offset, length), '/', length - 1);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void IndexOfAny_Absent_ReturnsMinusOne(int length)
    {
        AssertIndexOfAny(Filler(length), ':', ']', -1);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void IndexOfAny_EitherCharacterAtEveryPosition_ReturnsThatPosition(int length)
    {
        for (var p = 0; p < length; p++)
        {
            foreach (var target in new[] { ':', ']' })
            {
                var chars = Filler(length);
                chars[p] = target;
                AssertIndexOfAny(chars, ':', ']', p);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void IndexOfAny_SeveralOccurrences_ReturnsTheFirst(int length)
    {
        for (var p = 0; p < length; p++)
        {
            for (var q = p + 1; q < length; q++)
            {
                foreach (var (first, second) in new[] { (':', ']'), (']', ':'), (':', ':'), (']', ']') })
                {
                    var chars = Filler(length);
                    chars[p] = first;
                    chars[q] = second;
                    AssertIndexOfAny(chars, ':', ']', p);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void IndexOfAny_SameCharacterTwice_ActsAsIndexOf(int length)
    {
        AssertIndexOfAny(Filler(length), '&', '&', -1);
        for (var p = 0; p < length; p++)
        {
            var chars = Filler(length);
            chars[p] = '&';
            AssertIndexOfAny(chars, '&', '&', p);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void IndexOfAny_CharactersSharingOneByteWithATarget_AreNotFound(int length)
    {
        // ':' is 0x003A and ']' is 0x005D.
        char[] lookalikes = ['\u013A', '\u3A00', '\u3A3A', '\u015D', '\u5D00', '\u5D5D', '\u003B', '\u005C'];
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = lookalikes[i % lookalikes.Length];
        }

        AssertIndexOfAny(chars, ':', ']', -1);
        if (length > 0)
        {
            chars[length - 1] = ']';
            AssertIndexOfAny(chars, ':', ']', length - 1);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void IndexOfAny_TargetJustOutsideASlice_IsNotFound(int length)
    {
        for (var offset = 0; offset <= 8; offset++)
        {
            var buffer = new string(':', offset) + new string(Filler(length)) + new string(']', 16);
            AssertIndexOfAny(buffer.AsSpan(offset, length), ':', ']', -1);
        }
    }
}
