namespace PolicyAttach.Cli.CommandLine;

/// <summary>
/// An option of a command: <c>--name value</c>, <c>--name=value</c>, and with a <see cref="Short"/> letter also
/// <c>-x value</c>, <c>-xvalue</c> and <c>-x=value</c>; a flag takes no value and may be bundled (<c>-AR</c>).
/// </summary>
/// <param name="Name">The name without dashes.</param>
/// <param name="ValueName">The value placeholder shown in help, such as <c>NAME</c>; empty for a flag.</param>
/// <param name="Description">One line of help.</param>
/// <param name="Repeatable">Whether the option may be given more than once (values accumulate).</param>
/// <param name="IsFlag">Whether the option takes no value (<c>--name</c> alone; recorded as <c>true</c>).</param>
internal sealed record OptionSpec(string Name, string ValueName, string Description, bool Repeatable = false, bool IsFlag = false)
{
    /// <summary>The one-letter alias (<c>-o</c> for <c>--output</c>), or null.</summary>
    public char? Short { get; init; }

    /// <summary>The values the option accepts, for shell completion; empty when the value is free.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>What shell completion offers for the value.</summary>
    public ValueCompletion Completion { get; init; }

    /// <summary>How help shows the option: <c>-o, --output FORMAT</c> or <c>    --time RFC3339</c>.</summary>
    public string HelpLabel
    {
        get
        {
            var label = (Short is { } s ? $"-{s}, " : "    ") + "--" + Name;
            return ValueName.Length == 0 ? label : label + " " + ValueName;
        }
    }
}

/// <summary>What shell completion offers for an option's value.</summary>
internal enum ValueCompletion
{
    /// <summary>Nothing (or the <see cref="OptionSpec.Choices"/> when there are some).</summary>
    None,

    /// <summary>File and directory names.</summary>
    Files,

    /// <summary>Directory names.</summary>
    Directories,
}
