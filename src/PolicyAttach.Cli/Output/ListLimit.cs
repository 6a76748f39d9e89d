using System.Globalization;
using PolicyAttach.Cli.CommandLine;

namespace PolicyAttach.Cli.Output;

/// <summary>
/// How many entries of one list human (text) output prints: the first <see cref="Default"/> (or <c>--limit N</c>), then one line saying how
/// many more there are (<c>... and 49,900 more routes; --all shows them</c>), because nobody reads 50,000 lines and
/// writing them costs time and memory. <c>--all</c> prints every entry. JSON and YAML are for programs and are
/// always complete.
/// </summary>
/// <param name="Max">The most entries printed per list, or null for all of them.</param>
internal readonly record struct ListLimit(int? Max)
{
    /// <summary>The entries printed per list without <c>--all</c>.</summary>
    public const int Default = 100;

    /// <summary><see cref="Default"/> as help text writes it.</summary>
    public static string DefaultText { get; } = Default.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>--all</c>: print every entry of long lists in text output.</summary>
    public static OptionSpec Option { get; } = new("all", string.Empty,
        "Text output: print every entry of long lists (default: the first " + DefaultText + " of each, then how many more).", IsFlag: true);

    /// <summary><c>--limit N</c>: print the first N entries of each long list in text output instead of <see cref="Default"/>.</summary>
    public static OptionSpec LimitOption { get; } = new("limit", "N",
        "Text output: print the first N entries of each long list (default " + DefaultText + "); --all prints every one.");

    /// <summary>Every entry.</summary>
    public static ListLimit None { get; } = new(null);

    /// <summary>The limit the command line asks for: none with <c>--all</c>, else <c>--limit N</c>, else <see cref="Default"/>.</summary>
    /// <param name="args">The parsed arguments.</param>
    /// <param name="limit">The limit.</param>
    /// <param name="error">Why <c>--limit</c>'s value is refused (it must be a whole number from 1), or null.</param>
    /// <returns>Whether the value was read.</returns>
    public static bool TryFrom(ParsedArguments args, out ListLimit limit, out string? error)
    {
        error = null;
        limit = new(Default);
        if (args.Has(Option.Name))
        {
            limit = None;
            return true;
        }

        if (args.Get(LimitOption.Name) is not { } text)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max >= 1)
        {
            limit = new(max);
            return true;
        }

        error = $"--limit takes a whole number from 1, not '{text}'";
        return false;
    }

    /// <summary>How many of <paramref name="count"/> entries to print.</summary>
    /// <param name="count">The entries of the list.</param>
    /// <returns>At most <see cref="Max"/>.</returns>
    public int Shown(int count) => Max is { } max && count > max ? max : count;

    /// <summary>The line that stands for the entries not printed, or null when every entry is printed.</summary>
    /// <param name="count">The entries of the list.</param>
    /// <param name="what">What the entries are, in the plural (<c>routes</c>).</param>
    /// <param name="detail">What to say of the rest in brackets, made only when there is a rest; or null.</param>
    /// <returns>Such as <c>... and 49,900 more routes; --all shows them</c>.</returns>
    public string? Rest(int count, string what, Func<int, string>? detail = null)
    {
        var shown = Shown(count);
        var rest = count - shown;
        if (rest <= 0)
        {
            return null;
        }

        var more = string.Create(CultureInfo.InvariantCulture, $"... and {rest:N0} more {what}");
        return more + (detail is null ? string.Empty : " (" + detail(shown) + ")") + "; --all shows them";
    }
}
