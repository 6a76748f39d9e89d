namespace PolicyAttach.Diagnostics;

/// <summary>User values as messages quote them: bounded, so that a huge value cannot flood a diagnostic or a condition.</summary>
internal static class UserText
{
    /// <summary>The most characters of a value a message repeats.</summary>
    public const int MaxQuoted = 100;

    /// <summary>The value in double quotes, cut to <see cref="MaxQuoted"/> characters with its length when longer.</summary>
    /// <param name="value">The value as written.</param>
    /// <returns>For example <c>"abc"</c>, or <c>"abc…" (52428800 characters)</c>.</returns>
    public static string Quote(string value)
        => value.Length <= MaxQuoted
            ? "\"" + value + "\""
            : "\"" + value[..MaxQuoted] + "…\" (" + value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " characters)";
}
