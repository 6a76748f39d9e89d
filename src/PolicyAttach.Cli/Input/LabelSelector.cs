using System.Globalization;

namespace PolicyAttach.Cli.Input;

/// <summary>
/// A Kubernetes label selector as <c>kubectl -l</c> takes it: requirements separated by commas, each
/// <c>key</c> (exists), <c>!key</c> (does not exist), <c>key=value</c> or <c>key==value</c>, <c>key!=value</c>,
/// <c>key in (a,b)</c>, <c>key notin (a,b)</c>, <c>key&gt;N</c> or <c>key&lt;N</c> (integers). All must hold. As in
/// Kubernetes, <c>!=</c> and <c>notin</c> also match objects without the label.
/// </summary>
internal sealed class LabelSelector
{
    private readonly List<Requirement> _requirements;

    private LabelSelector(List<Requirement> requirements) => _requirements = requirements;

    private enum Operator
    {
        Exists,
        DoesNotExist,
        In,
        NotIn,
        GreaterThan,
        LessThan,
    }

    /// <summary>Parses a selector.</summary>
    /// <param name="text">The selector as typed.</param>
    /// <param name="selector">The selector.</param>
    /// <param name="error">What is wrong with it.</param>
    /// <returns>Whether it parsed.</returns>
    public static bool TryParse(string text, out LabelSelector selector, out string? error)
    {
        selector = null!;
        error = null;
        var requirements = new List<Requirement>();
        foreach (var part in SplitTopLevel(text))
        {
            var item = part.Trim();
            if (item.Length == 0)
            {
                error = $"selector '{text}' has an empty requirement";
                return false;
            }

            if (!TryParseRequirement(item, out var requirement))
            {
                error = $"selector '{text}': cannot read '{item}'; use key, !key, key=value, key!=value, key in (a,b), key notin (a,b)";
                return false;
            }

            requirements.Add(requirement);
        }

        selector = new LabelSelector(requirements);
        return true;
    }

    /// <summary>Whether labels satisfy every requirement.</summary>
    /// <param name="labels">The labels of an object.</param>
    /// <returns>True when they do.</returns>
    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.TrueForAll(r => r.Matches(labels));

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    private static bool TryParseRequirement(string item, out Requirement requirement)
    {
        requirement = default;
        if (item.StartsWith('!'))
        {
            var key = item[1..].Trim();
            requirement = new Requirement(key, Operator.DoesNotExist, []);
            return IsKey(key);
        }

        foreach (var (word, op) in new[] { (" notin ", Operator.NotIn), (" in ", Operator.In) })
        {
            var at = item.IndexOf(word, StringComparison.Ordinal);
            if (at > 0)
            {
                var key = item[..at].Trim();
                var rest = item[(at + word.Length)..].Trim();
                if (!rest.StartsWith('(') || !rest.EndsWith(')'))
                {
                    return false;
                }

                var inside = rest[1..^1];
                var values = inside.Split(',').Select(v => v.Trim()).ToList();
                requirement = new Requirement(key, op, values);
                return IsKey(key) && inside.Trim().Length > 0 && values.TrueForAll(IsValue);
            }
        }

        foreach (var (symbol, op) in new[] { ("!=", Operator.NotIn), ("==", Operator.In), ("=", Operator.In), (">", Operator.GreaterThan), ("<", Operator.LessThan) })
        {
            var at = item.IndexOf(symbol, StringComparison.Ordinal);
            if (at > 0)
            {
                var key = item[..at].Trim();
                var value = item[(at + symbol.Length)..].Trim();
                requirement = new Requirement(key, op, [value]);
                return IsKey(key) && (op is Operator.GreaterThan or Operator.LessThan
                    ? long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
                    : IsValue(value));
            }
        }

        requirement = new Requirement(item, Operator.Exists, []);
        return IsKey(item);
    }

    /// <summary>A label key: an optional DNS prefix and <c>/</c>, then a name of letters, digits, <c>-</c>, <c>_</c>, <c>.</c>.</summary>
    private static bool IsKey(string key)
    {
        var slash = key.LastIndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        var prefix = slash < 0 ? string.Empty : key[..slash];
        return name.Length is > 0 and <= 63 && IsValue(name)
            && (slash < 0 || (prefix.Length is > 0 and <= 253 && prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.')));
    }

    /// <summary>A label value: empty, or up to 63 letters, digits, <c>-</c>, <c>_</c>, <c>.</c>, starting and ending alphanumeric.</summary>
    private static bool IsValue(string value)
        => value.Length == 0
        || (value.Length <= 63 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            && char.IsAsciiLetterOrDigit(value[0]) && char.IsAsciiLetterOrDigit(value[^1]));

    private readonly record struct Requirement(string Key, Operator Op, List<string> Values)
    {
        public bool Matches(IReadOnlyDictionary<string, string> labels)
        {
            var has = labels.TryGetValue(Key, out var value);
            return Op switch
            {
                Operator.Exists => has,
                Operator.DoesNotExist => !has,
                Operator.In => has && Values.Contains(value!, StringComparer.Ordinal),
                Operator.NotIn => !has || !Values.Contains(value!, StringComparer.Ordinal),
                _ => has && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                    && long.TryParse(Values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound)
                    && (Op == Operator.GreaterThan ? number > bound : number < bound),
            };
        }
    }
}
