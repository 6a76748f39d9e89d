namespace PolicyAttach.Cli.CommandLine;

/// <summary>The arguments of one command after parsing.</summary>
internal sealed class ParsedArguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly List<(string? Option, string Value)> _sequence = [];

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

    /// <summary>
    /// The first positional arguments and the values of some options, merged in the order they were typed (so that
    /// <c>a.yaml -f b.yaml c.yaml</c> reads a, b, c).
    /// </summary>
    /// <param name="positionalCount">How many of the positionals to take, from the first.</param>
    /// <param name="options">The options whose values join the positionals.</param>
    /// <returns>The option (null for a positional) and value of each, in command-line order.</returns>
    public IReadOnlyList<(string? Option, string Value)> InOrder(int positionalCount, params IReadOnlyList<string> options)
    {
        var result = new List<(string?, string)>();
        var positional = 0;
        foreach (var (name, value) in _sequence)
        {
            if (name is null ? positional++ < positionalCount : options.Contains(name, StringComparer.Ordinal))
            {
                result.Add((name, value));
            }
        }

        return result;
    }

    /// <summary>Records a positional argument.</summary>
    /// <param name="value">The argument.</param>
    public void AddPositional(string value)
    {
        Positionals.Add(value);
        _sequence.Add((null, value));
    }

    /// <summary>Records a value.</summary>
    /// <param name="name">The option name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when the option was already given.</returns>
    public bool Add(string name, string value)
    {
        _sequence.Add((name, value));
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
/// The command-line parser, written for this tool rather than taken from System.CommandLine: the options follow
/// kubectl's (pflag's) habits exactly: <c>--name value</c>, <c>--name=value</c>, <c>-x value</c>, <c>-xvalue</c>,
/// <c>-x=value</c>, bundled flags (<c>-AR</c>, and <c>-Rf DIR</c> with the value-taking letter last), <c>-h</c>/<c>--help</c>,
/// <c>--</c> to end options, and <c>-</c> as a positional (standard input). Why not System.CommandLine (served here at
/// 3.0.0): its help layout, error wording and exit codes would change every byte of help and usage output that
/// outside scripts and our golden files pin; it offers completion only through the separate <c>dotnet-suggest</c> tool,
/// while <c>policyattach completion bash|zsh|fish|powershell</c> must print a self-contained script as kubectl does;
/// and the options are plain data here (<see cref="OptionSpec"/>, shared ones in <see cref="CommonOptions"/>), which
/// the help, the did-you-mean and the completion scripts all read, with no second model to keep in step.
/// </summary>
internal static class ArgumentParser
{
    /// <summary>Parses the arguments that follow the command name.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="options">The options the command accepts.</param>
    /// <param name="parsed">The result.</param>
    /// <param name="error">What is wrong, when parsing failed (the first problem, with a close option when one exists).</param>
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
                parsed.AddPositional(arg);
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

            var next = i + 1 < args.Count ? args[i + 1] : null;
            var consumed = arg.StartsWith("--", StringComparison.Ordinal)
                ? ParseLong(arg, next, options, parsed, ref error)
                : ParseShort(arg, next, options, parsed, ref error);
            i += consumed;
        }

        if (parsed.Help)
        {
            error = null;
        }

        return error is null;
    }

    /// <summary>Parses <c>--name</c>, <c>--name=value</c> or <c>--name value</c>; returns how many following arguments it took.</summary>
    private static int ParseLong(string arg, string? next, IReadOnlyList<OptionSpec> options, ParsedArguments parsed, ref string? error)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? arg[2..] : arg[2..equals];
        var spec = options.FirstOrDefault(o => o.Name == name);
        if (spec is null)
        {
            error ??= $"unknown option '--{name}'{Suggest("--" + name, options)}";
            return 0;
        }

        if (spec.IsFlag)
        {
            if (equals >= 0)
            {
                error ??= $"option '--{name}' takes no value";
                return 0;
            }

            parsed.Add(name, "true");
            return 0;
        }

        if (equals >= 0)
        {
            Record(spec, arg[(equals + 1)..], parsed, ref error);
            return 0;
        }

        if (next is null)
        {
            error ??= $"option '--{name}' needs a value ({spec.ValueName})";
            return 0;
        }

        Record(spec, next, parsed, ref error);
        return 1;
    }

    /// <summary>Parses <c>-x</c>, <c>-xvalue</c>, <c>-x=value</c>, <c>-x value</c> and bundled flags <c>-AR</c>.</summary>
    private static int ParseShort(string arg, string? next, IReadOnlyList<OptionSpec> options, ParsedArguments parsed, ref string? error)
    {
        for (var j = 1; j < arg.Length; j++)
        {
            var letter = arg[j];
            var spec = options.FirstOrDefault(o => o.Short == letter);
            if (spec is null)
            {
                error ??= j == 1
                    ? $"unknown option '-{letter}'{Suggest(arg, options)}"
                    : $"unknown option '-{letter}' in '{arg}'";
                return 0;
            }

            if (spec.IsFlag)
            {
                if (j + 1 < arg.Length && arg[j + 1] == '=')
                {
                    error ??= $"option '-{letter}' (--{spec.Name}) takes no value";
                    return 0;
                }

                parsed.Add(spec.Name, "true");
                continue;
            }

            if (j + 1 < arg.Length)
            {
                var value = arg[(j + 1)..];
                Record(spec, value.StartsWith('=') ? value[1..] : value, parsed, ref error);
                return 0;
            }

            if (next is null)
            {
                error ??= $"option '-{letter}' (--{spec.Name}) needs a value ({spec.ValueName})";
                return 0;
            }

            Record(spec, next, parsed, ref error);
            return 1;
        }

        return 0;
    }

    private static void Record(OptionSpec spec, string value, ParsedArguments parsed, ref string? error)
    {
        if (!parsed.Add(spec.Name, value) && !spec.Repeatable)
        {
            error ??= $"option '--{spec.Name}' is given more than once";
        }
    }

    /// <summary>
    /// "; did you mean '--output'?" for a mistyped option: the options whose name starts with what was typed or
    /// is within two edits of it (a short option typed with two dashes, <c>--o</c>, finds <c>--output</c> too).
    /// </summary>
    /// <param name="typed">The option as typed, with its dashes.</param>
    /// <param name="options">The options of the command.</param>
    /// <returns>The hint, or empty.</returns>
    internal static string Suggest(string typed, IReadOnlyList<OptionSpec> options)
    {
        var name = typed.TrimStart('-');
        if (name.Length == 0)
        {
            return string.Empty;
        }

        var lower = name.ToLowerInvariant();
        var close = options
            .Where(o => typed.StartsWith("--", StringComparison.Ordinal) || name.Length > 1)
            .Select(o => (Option: o, Distance: Similarity.Distance(o.Name, lower)))
            .Where(c => c.Option.Name.StartsWith(lower, StringComparison.Ordinal) || c.Distance <= Math.Min(2, Math.Max(1, lower.Length / 3))
                || (lower.Length == 1 && c.Option.Short == name[0]))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Option.Name, StringComparer.Ordinal)
            .Select(c => "'--" + c.Option.Name + "'")
            .Take(3)
            .ToList();
        return close.Count == 0 ? string.Empty : "; did you mean " + string.Join(" or ", close) + "?";
    }
}
