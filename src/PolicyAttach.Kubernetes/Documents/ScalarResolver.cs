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

    private static (SourceNodeKind Kind, string? Text) ResolvePlain(string value) => Classify(value.AsSpan()) switch
    {
        PlainClass.Null => (SourceNodeKind.Null, null),
        PlainClass.True => (SourceNodeKind.Boolean, "true"),
        PlainClass.False => (SourceNodeKind.Boolean, "false"),
        PlainClass.Number => ResolveNumber(value),
        _ => (SourceNodeKind.String, value),
    };

    /// <summary>What a plain scalar is under the core schema, before a number's text is read.</summary>
    internal enum PlainClass
    {
        /// <summary><c>null</c>, <c>Null</c>, <c>NULL</c>, <c>~</c> or empty.</summary>
        Null,

        /// <summary><c>true</c>, <c>True</c> or <c>TRUE</c>.</summary>
        True,

        /// <summary><c>false</c>, <c>False</c> or <c>FALSE</c>.</summary>
        False,

        /// <summary>Starts as a number does: a number if its text is one (<see cref="Resolve"/>), else a string.</summary>
        Number,

        /// <summary>A string, the text itself.</summary>
        String,
    }

    /// <summary>
    /// The one place the core schema's null and boolean words are told apart from strings, on decoded text or on
    /// UTF-8 (a byte of 0x80 or more is part of a longer character and equals no ASCII one).
    /// </summary>
    internal static PlainClass Classify<T>(ReadOnlySpan<T> value)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (value.IsEmpty)
        {
            return PlainClass.Null;
        }

        return (char)ushort.CreateTruncating(value[0]) switch
        {
            '~' when value.Length == 1 => PlainClass.Null,
            'n' or 'N' when Is(value, "null") || Is(value, "Null") || Is(value, "NULL") => PlainClass.Null,
            't' or 'T' when Is(value, "true") || Is(value, "True") || Is(value, "TRUE") => PlainClass.True,
            'f' or 'F' when Is(value, "false") || Is(value, "False") || Is(value, "FALSE") => PlainClass.False,
            (>= '0' and <= '9') or '-' or '+' or '.' => PlainClass.Number,
            _ => PlainClass.String,
        };
    }

    private static bool Is<T>(ReadOnlySpan<T> value, string word)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (value.Length != word.Length)
        {
            return false;
        }

        for (var i = 0; i < word.Length; i++)
        {
            if (ushort.CreateTruncating(value[i]) != word[i])
            {
                return false;
            }
        }

        return true;
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
