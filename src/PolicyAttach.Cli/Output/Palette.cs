using PolicyAttach.Cli.CommandLine;

namespace PolicyAttach.Cli.Output;

/// <summary>
/// ANSI colours for human output, or none. Colour is used when standard output is a terminal, <c>NO_COLOR</c> is
/// unset or empty and neither <c>--no-color</c> nor <c>--color never</c> is given; <c>--color always</c> forces it.
/// </summary>
internal sealed class Palette
{
    private const string Reset = "\u001b[0m";

    private Palette(bool enabled) => Enabled = enabled;

    /// <summary>No colour.</summary>
    public static Palette Plain { get; } = new(false);

    /// <summary>ANSI colour.</summary>
    public static Palette Ansi { get; } = new(true);

    /// <summary>The options every command with human output accepts.</summary>
    public static IReadOnlyList<OptionSpec> OptionSpecs { get; } =
    [
        new("color", "WHEN", "auto (default: colour on a terminal unless NO_COLOR is set), always or never."),
        new("no-color", string.Empty, "No colour (same as --color never).", IsFlag: true),
    ];

    /// <summary>Whether escapes are written.</summary>
    public bool Enabled { get; }

    /// <summary>Decides the palette from <c>--color</c>, <c>--no-color</c>, <c>NO_COLOR</c> and the terminal.</summary>
    /// <param name="args">The parsed arguments.</param>
    /// <param name="context">The streams and environment.</param>
    /// <param name="palette">The palette.</param>
    /// <param name="error">The usage error for an unknown <c>--color</c> value.</param>
    /// <returns>Whether the options are valid.</returns>
    public static bool TryResolve(ParsedArguments args, CliContext context, out Palette palette, out string? error)
    {
        error = null;
        palette = Plain;
        var when = args.Get("color") ?? "auto";
        if (when is not ("auto" or "always" or "never"))
        {
            error = $"unknown --color value '{when}'; use auto, always or never";
            return false;
        }

        if (args.Has("no-color") || when == "never")
        {
            return true;
        }

        var noColor = context.Environment("NO_COLOR");
        palette = when == "always" || (context.IsTerminal && string.IsNullOrEmpty(noColor)) ? Ansi : Plain;
        return true;
    }

    /// <summary>Green: a condition that holds, an addition.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text, coloured when enabled.</returns>
    public string Green(string text) => Wrap("32", text);

    /// <summary>Red: a condition that reports a problem, a removal, a refusal.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text, coloured when enabled.</returns>
    public string Red(string text) => Wrap("31", text);

    /// <summary>Yellow: a change.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text, coloured when enabled.</returns>
    public string Yellow(string text) => Wrap("33", text);

    /// <summary>Dim: secondary information.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text, coloured when enabled.</returns>
    public string Dim(string text) => Wrap("2", text);

    /// <summary>Bold: the name of an object.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text, coloured when enabled.</returns>
    public string Bold(string text) => Wrap("1", text);

    private string Wrap(string code, string text) => Enabled && text.Length > 0 ? "\u001b[" + code + "m" + text + Reset : text;
}
