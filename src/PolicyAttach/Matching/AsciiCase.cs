using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PolicyAttach.Matching;

/// <summary>
/// Short comparisons of the hot path: ASCII case-insensitive comparison against keys lower-cased when the tables were
/// compiled, and ordinal prefix comparison.
/// </summary>
internal static class AsciiCase
{
    /// <summary>The lower-case form of an all-ASCII name, or null when it has another character.</summary>
    public static string? LowerOrNull(string name)
    {
        foreach (var c in name)
        {
            if (c >= 0x80)
            {
                return null;
            }
        }

        return name.ToLowerInvariant();
    }

    /// <summary>
    /// <paramref name="value"/> equals <paramref name="lower"/> (ASCII, lower case) under
    /// <see cref="StringComparison.OrdinalIgnoreCase"/>; <paramref name="value"/> may hold any character.
    /// </summary>
    /// <remarks>
    /// <see cref="EqualsLower"/> never holds when <paramref name="value"/> has a non-ASCII character (such a lane
    /// stays at or above 0x80), so only then is the general comparison needed.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool EqualsIgnoreCase(ReadOnlySpan<char> value, string lower)
        => value.Length == lower.Length
            && (EqualsLower(value, lower) || (!System.Text.Ascii.IsValid(value) && value.Equals(lower, StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Whether the ASCII <paramref name="key"/> equals the ASCII lower-case <paramref name="lower"/> under
    /// ordinal-ignore-case (for ASCII: after mapping <c>A</c>–<c>Z</c> to lower case). The caller ensures
    /// <paramref name="key"/> is ASCII (see <see cref="EqualsIgnoreCase"/> otherwise).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool EqualsLower(ReadOnlySpan<char> key, string lower)
        => key.Length == lower.Length && LeadingEqual(key, lower, foldValue: true);

    /// <summary>
    /// Whether <paramref name="value"/> starts with <paramref name="prefix"/> (ordinal) when it is at least as long;
    /// for the short literals of route matches.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool StartsWithOrdinal(ReadOnlySpan<char> value, string prefix)
        => value.Length >= prefix.Length && LeadingEqual(value, prefix, foldValue: false);

    /// <summary>
    /// Whether the first <c>other.Length</c> characters of <paramref name="value"/> (at least that many), with
    /// <c>A</c>–<c>Z</c> lower-cased when <paramref name="foldValue"/>, equal <paramref name="other"/>: four characters
    /// per step without a call, the last step overlapping the one before when the length is not a multiple of four.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool LeadingEqual(ReadOnlySpan<char> value, string other, bool foldValue)
    {
        var length = other.Length;
        if (length < 4)
        {
            for (var i = 0; i < length; i++)
            {
                var c = value[i];
                if ((foldValue && c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c) != other[i])
                {
                    return false;
                }
            }

            return true;
        }

        ref var a = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(value));
        ref var b = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(other.AsSpan()));
        var last = length - 4;
        for (var i = 0; i < last; i += 4)
        {
            if (Chunk(ref a, i, foldValue) != Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, i * 2)))
            {
                return false;
            }
        }

        return Chunk(ref a, last, foldValue) == Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, last * 2));
    }

    /// <summary>Four characters from position <paramref name="index"/>, lower-cased when <paramref name="fold"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Chunk(ref byte chars, int index, bool fold)
    {
        var chunk = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref chars, index * 2));
        return fold ? ToLower(chunk) : chunk;
    }

    /// <summary>
    /// Maps <c>A</c>–<c>Z</c> to lower case in four ASCII characters (16-bit lanes below 0x80): bit 7 of
    /// <c>c + 0x3F</c> is set from <c>A</c> on, that of <c>c + 0x25</c> from <c>[</c> on; no lane carries.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ToLower(ulong chars)
    {
        var upper = (chars + 0x003F_003F_003F_003FUL) & ~(chars + 0x0025_0025_0025_0025UL) & 0x0080_0080_0080_0080UL;
        return chars | (upper >> 2);
    }
}
