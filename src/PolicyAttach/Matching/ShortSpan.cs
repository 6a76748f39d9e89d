using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PolicyAttach.Matching;

/// <summary>
/// Character searches in the short spans of a request (a path, a host), inlined into the caller: eight characters per
/// step, the last step overlapping the one before, so that there is no call and no setup for the common lengths.
/// Spans shorter than eight characters are searched one character at a time.
/// </summary>
internal static class ShortSpan
{
    /// <summary>The position of the first <paramref name="value"/>, or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IndexOf(ReadOnlySpan<char> span, char value)
    {
        if (span.Length < Vector128<ushort>.Count)
        {
            for (var i = 0; i < span.Length; i++)
            {
                if (span[i] == value)
                {
                    return i;
                }
            }

            return -1;
        }

        if (!Vector128.IsHardwareAccelerated)
        {
            return span.IndexOf(value);
        }

        ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(span));
        var target = Vector128.Create((ushort)value);
        var last = span.Length - Vector128<ushort>.Count;
        for (var i = 0; ; i += Vector128<ushort>.Count)
        {
            var at = Math.Min(i, last);
            var found = Vector128.Equals(Vector128.LoadUnsafe(ref start, (nuint)at), target).ExtractMostSignificantBits();
            if (found != 0)
            {
                return at + BitOperations.TrailingZeroCount(found);
            }

            if (at == last)
            {
                return -1;
            }
        }
    }

    /// <summary>The position of the first <paramref name="a"/> or <paramref name="b"/>, or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IndexOfAny(ReadOnlySpan<char> span, char a, char b)
    {
        if (span.Length < Vector128<ushort>.Count)
        {
            for (var i = 0; i < span.Length; i++)
            {
                if (span[i] == a || span[i] == b)
                {
                    return i;
                }
            }

            return -1;
        }

        if (!Vector128.IsHardwareAccelerated)
        {
            return span.IndexOfAny(a, b);
        }

        ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(span));
        var first = Vector128.Create((ushort)a);
        var second = Vector128.Create((ushort)b);
        var last = span.Length - Vector128<ushort>.Count;
        for (var i = 0; ; i += Vector128<ushort>.Count)
        {
            var at = Math.Min(i, last);
            var chunk = Vector128.LoadUnsafe(ref start, (nuint)at);
            var found = (Vector128.Equals(chunk, first) | Vector128.Equals(chunk, second)).ExtractMostSignificantBits();
            if (found != 0)
            {
                return at + BitOperations.TrailingZeroCount(found);
            }

            if (at == last)
            {
                return -1;
            }
        }
    }
}
