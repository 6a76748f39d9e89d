namespace PolicyAttach.Cli.Output;

/// <summary>The values of <c>--output</c>.</summary>
internal enum OutputFormat
{
    /// <summary>Readable text.</summary>
    Text,

    /// <summary>JSON.</summary>
    Json,

    /// <summary>YAML, the same data as the JSON.</summary>
    Yaml,
}

/// <summary>Reading <c>--output</c>.</summary>
internal static class OutputFormats
{
    /// <summary>Parses an <c>--output</c> value among the ones a command allows.</summary>
    /// <param name="value">The value given, or null.</param>
    /// <param name="fallback">The format when none is given.</param>
    /// <param name="allowed">The formats the command supports.</param>
    /// <param name="format">The format.</param>
    /// <param name="error">The usage error for a value not allowed.</param>
    /// <returns>Whether the value is allowed.</returns>
    public static bool TryParse(string? value, OutputFormat fallback, IReadOnlyList<OutputFormat> allowed, out OutputFormat format, out string? error)
    {
        error = null;
        format = fallback;
        if (value is null)
        {
            return true;
        }

        foreach (var candidate in allowed)
        {
            if (string.Equals(Name(candidate), value, StringComparison.OrdinalIgnoreCase))
            {
                format = candidate;
                return true;
            }
        }

        error = $"unknown output format '{value}'; use one of: {string.Join(", ", allowed.Select(Name))}";
        return false;
    }

    /// <summary>The lowercase name of a format.</summary>
    /// <param name="format">The format.</param>
    /// <returns><c>text</c>, <c>json</c> or <c>yaml</c>.</returns>
    public static string Name(OutputFormat format) => format switch
    {
        OutputFormat.Json => "json",
        OutputFormat.Yaml => "yaml",
        _ => "text",
    };
}
