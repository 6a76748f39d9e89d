namespace PolicyAttach.Cli.Input;

/// <summary>The implementation profiles <c>--profile</c> accepts.</summary>
internal static class Profiles
{
    /// <summary>The known profile names.</summary>
    public static IReadOnlyList<string> Known { get; } = ["envoy-gateway"];

    /// <summary>Checks a <c>--profile</c> value. Profiles have no effect yet: the policy engine will use them.</summary>
    /// <param name="value">The value, or null.</param>
    /// <param name="error">The usage error for an unknown profile.</param>
    /// <returns>Whether the value is absent or known.</returns>
    public static bool TryValidate(string? value, out string? error)
    {
        error = value is null || Known.Contains(value, StringComparer.Ordinal)
            ? null
            : $"unknown profile '{value}'; known profiles: {string.Join(", ", Known)}";
        return error is null;
    }
}
