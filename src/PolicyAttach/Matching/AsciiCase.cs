using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PolicyAttach.Matching;

/// <summary>ASCII case-insensitive comparison against keys lower-cased when the tables were compiled.</summary>
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
    /// ordinal-ignore-case (for ASCII: after mapping <c>A</c>–<c>Z</c> to lower case), four characters per step.
    /// The caller ensures <paramref name="key"/> is ASCII (see <see cref="EqualsIgnoreCase"/> otherwise).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool EqualsLower(ReadOnlySpan<char> key, string lower)
    {
        if (key.Length != lower.Length)
        {
            return false;
        }

        ref var a = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(key));
        ref var b = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(lower.AsSpan()));
        var i = 0;
        for (; i + 4 <= key.Length; i += 4)
        {
            if (ToLower(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, i * 2))) != Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, i * 2)))
            {
                return false;
            }
        }

        for (; i < key.Length; i++)
        {
            var c = key[i];
            if ((c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c) != lower[i])
            {
                return false;
            }
        }

        return true;
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
