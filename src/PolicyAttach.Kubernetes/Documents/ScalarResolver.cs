using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace PolicyAttach.Kubernetes.Documents;

/// <summary>
/// Resolves YAML scalars with the YAML 1.2 core schema
/// (<see href="https://yaml.org/spec/1.2.2/#1023-core-schema">§10.2.3</see>): plain <c>null</c>, <c>~</c> and the
/// empty scalar are null; <c>true</c>/<c>false</c> booleans; decimal, <c>0o</c> and <c>0x</c> integers and floats
/// are numbers; everything else, and every quoted or block scalar, is a string.
/// </summary>
internal static partial class ScalarResolver
{
    private const string TagPrefix = "tag:yaml.org,2002:";

    /// <summary>Resolves a scalar.</summary>
    /// <param name="value">The scalar text.</param>
    /// <param name="plain">Whether the scalar was plain (unquoted, not a block scalar).</param>
    /// <param name="tag">The explicit tag, or null.</param>
    /// <returns>The JSON kind and the JSON text (numbers normalised).</returns>
    public static (SourceNodeKind Kind, string? Text) Resolve(string value, bool plain, string? tag)
    {
        if (tag is not null)
        {
            if (tag.StartsWith(TagPrefix, StringComparison.Ordinal))
            {
                var (kind, text) = ResolvePlain(value);
                switch (tag.AsSpan(TagPrefix.Length))
                {
                    case "null" when kind == SourceNodeKind.Null:
                    case "bool" when kind == SourceNodeKind.Boolean:
                    case "int" when kind == SourceNodeKind.Number && IsIntegerText(text!):
                    case "float" when kind == SourceNodeKind.Number:
                        return (kind, text);
                    default:
                        return (SourceNodeKind.String, value);
                }
            }

            if (string.Equals(tag, "!", StringComparison.Ordinal))
            {
                return (SourceNodeKind.String, value);
            }
        }

        return plain ? ResolvePlain(value) : (SourceNodeKind.String, value);
    }

    private static bool IsIntegerText(string text) => !text.AsSpan().ContainsAny('.', 'e', 'E');

    private static (SourceNodeKind Kind, string? Text) ResolvePlain(string value)
    {
        if (value.Length == 0)
        {
            return (SourceNodeKind.Null, null);
        }

        var first = value[0];
        switch (first)
        {
            case '~' when value.Length == 1:
                return (SourceNodeKind.Null, null);
            case 'n' or 'N' when value is "null" or "Null" or "NULL":
                return (SourceNodeKind.Null, null);
            case 't' or 'T' when value is "true" or "True" or "TRUE":
                return (SourceNodeKind.Boolean, "true");
            case 'f' or 'F' when value is "false" or "False" or "FALSE":
                return (SourceNodeKind.Boolean, "false");
            case (>= '0' and <= '9') or '-' or '+' or '.':
                return ResolveNumber(value);
            default:
                return (SourceNodeKind.String, value);
        }
    }

    private static (SourceNodeKind Kind, string? Text) ResolveNumber(string value)
    {
        if (value.Length > 2 && value[0] == '0' && (value[1] == 'x' || value[1] == 'o'))
        {
            var digits = value.AsSpan(2);
            if (value[1] == 'x' && HexRegex().IsMatch(digits))
            {
                var number = BigInteger.Parse("0" + digits.ToString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                return (SourceNodeKind.Number, number.ToString(CultureInfo.InvariantCulture));
            }

            if (value[1] == 'o' && OctalRegex().IsMatch(digits))
            {
                var number = BigInteger.Zero;
                foreach (var digit in digits)
                {
                    number = (number * 8) + (digit - '0');
                }

                return (SourceNodeKind.Number, number.ToString(CultureInfo.InvariantCulture));
            }

            return (SourceNodeKind.String, value);
        }

        if (DecimalRegex().IsMatch(value))
        {
            var negative = value[0] == '-';
            var digits = value.AsSpan(value[0] is '-' or '+' ? 1 : 0).TrimStart('0');
            if (digits.IsEmpty)
            {
                return (SourceNodeKind.Number, "0");
            }

            return (SourceNodeKind.Number, negative ? "-" + digits.ToString() : digits.ToString());
        }

        if (FloatRegex().IsMatch(value)
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
            && double.IsFinite(real))
        {
            return (SourceNodeKind.Number, real.ToString("R", CultureInfo.InvariantCulture));
        }

        // .inf and .nan are floats in YAML but have no JSON form (the API server refuses them too): kept as text.
        return (SourceNodeKind.String, value);
    }

    [GeneratedRegex("^[0-9a-fA-F]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HexRegex();

    [GeneratedRegex("^[0-7]+$", RegexOptions.CultureInvariant)]
    private static partial Regex OctalRegex();

    [GeneratedRegex("^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalRegex();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatRegex();
}
