namespace PolicyAttach.Cli.CommandLine;

/// <summary>An option that takes a value: <c>--name value</c> or <c>--name=value</c>.</summary>
/// <param name="Name">The name without dashes.</param>
/// <param name="ValueName">The value placeholder shown in help, such as <c>NAME</c>.</param>
/// <param name="Description">One line of help.</param>
/// <param name="Repeatable">Whether the option may be given more than once (values accumulate).</param>
/// <param name="IsFlag">Whether the option takes no value (<c>--name</c> alone; recorded as <c>true</c>).</param>
internal sealed record OptionSpec(string Name, string ValueName, string Description, bool Repeatable = false, bool IsFlag = false);

/// <summary>The arguments of one command after parsing.</summary>
internal sealed class ParsedArguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    /// <summary>The positional arguments, in order (<c>-</c> is positional).</summary>
    public List<string> Positionals { get; } = [];

    /// <summary>Whether <c>--help</c> or <c>-h</c> was given.</summary>
    public bool Help { get; set; }

    /// <summary>The value of a single-valued option, or null when absent.</summary>
    /// <param name="name">The option name without dashes.</param>
    /// <returns>The value.</returns>
    public string? Get(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    /// <summary>Every value of an option, in order.</summary>
    /// <param name="name">The option name without dashes.</param>
    /// <returns>The values; empty when absent.</returns>
    public IReadOnlyList<string> GetAll(string name) => _values.TryGetValue(name, out var list) ? list : [];

    /// <summary>Whether an option (such as a flag) was given.</summary>
    /// <param name="name">The option name without dashes.</param>
    /// <returns>True when given.</returns>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>Records a value.</summary>
    /// <param name="name">The option name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when the option was already given.</returns>
    public bool Add(string name, string value)
    {
        if (!_values.TryGetValue(name, out var list))
        {
            _values[name] = [value];
            return true;
        }

        list.Add(value);
        return false;
    }
}

/// <summary>
/// A small parser: options <c>--flag value</c> and <c>--flag=value</c>, <c>--help</c>/<c>-h</c>, <c>--</c> to end
/// options; everything else (including <c>-</c>) is positional.
/// </summary>
internal static class ArgumentParser
{
    /// <summary>Parses the arguments that follow the command name.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="options">The options the command accepts.</param>
    /// <param name="parsed">The result.</param>
    /// <param name="error">What is wrong, when parsing failed.</param>
    /// <returns>Whether the arguments are well formed. When <c>--help</c> is present, errors are not reported.</returns>
    public static bool TryParse(IReadOnlyList<string> args, IReadOnlyList<OptionSpec> options, out ParsedArguments parsed, out string? error)
    {
        parsed = new ParsedArguments();
        error = null;
        var endOfOptions = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (endOfOptions || arg == "-" || !arg.StartsWith('-'))
            {
                parsed.Positionals.Add(arg);
                continue;
            }

            if (arg == "--")
            {
                endOfOptions = true;
                continue;
            }

            if (arg is "--help" or "-h")
            {
                parsed.Help = true;
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                error ??= $"unknown option '{arg}'";
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg[2..] : arg[2..equals];
            var spec = options.FirstOrDefault(o => o.Name == name);
            if (spec is null)
            {
                error ??= $"unknown option '--{name}'";
                continue;
            }

            if (spec.IsFlag)
            {
                if (equals >= 0)
                {
                    error ??= $"option '--{name}' takes no value";
                    continue;
                }

                parsed.Add(name, "true");
                continue;
            }

            string value;
            if (equals >= 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                error ??= $"option '--{name}' needs a value ({spec.ValueName})";
                continue;
            }

            if (!parsed.Add(name, value) && !spec.Repeatable)
            {
                error ??= $"option '--{name}' is given more than once";
            }
        }

        if (parsed.Help)
        {
            error = null;
        }

        return error is null;
    }
}
