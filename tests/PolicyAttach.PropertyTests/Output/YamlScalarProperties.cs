using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.Kubernetes.Documents;

namespace PolicyAttach.PropertyTests.Output;

/// <summary>
/// Which strings YAML output writes plain: the rule without a number parse gives the same answer as the rule it
/// replaced (first character, character set, YAML 1.1 keywords, and anything the floating-point parser reads).
/// </summary>
public class YamlScalarProperties
{
    private static readonly string[] Words = ["true", "False", "NULL", "yes", "No", "on", "OFF", "y", "N", "~", "Infinity", "-Infinity", "infinity", "NaN", "nan", "NAN", "1e5", "e5", "0x1F", "1_000", ".5", "5.", "/", "_", "a"];

    [Property]
    public void IsPlain_AnyString_SameAsTheParsingRule(NonNull<string> drawn, byte word, bool useWord)
    {
        var text = useWord ? Words[word % Words.Length] : drawn.Get;
        Assert.Equal(ParsingRule(text), ManifestText.IsPlain(text));
    }

    [Fact]
    public void IsPlain_StringOfPlainCharacters_SameAsTheParsingRule()
    {
        // Random strings rarely consist of plain characters only; these always do, so the keyword and number
        // branches are reached.
        var texts = Gen.Elements("aeinfytruoslNIFYTE0123456789_-./".ToCharArray()).ArrayOf().Where(c => c.Length is > 0 and < 10).Select(c => new string(c));
        FsCheck.Check.One(PropertyAttribute.Seeded(Config.QuickThrowOnFailure.WithMaxTest(2000)), Prop.ForAll(Arb.From(texts), (Action<string>)(text => Assert.Equal(ParsingRule(text), ManifestText.IsPlain(text)))));
    }

    [Fact]
    public void IsPlain_NumberWordsAndKeywords_AreQuoted()
    {
        Assert.All(["Infinity", "nan", "TRUE", "off", "Y"], word => Assert.False(ManifestText.IsPlain(word), word));
        Assert.All(["Infinityx", "nano", "truthy", "o", "x-1.5/a"], word => Assert.True(ManifestText.IsPlain(word), word));
    }

    /// <summary>The rule as it was written before: a keyword set, and a parse as a floating-point number.</summary>
    private static bool ParsingRule(string text)
    {
        var reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~" };
        if (text.Length == 0 || reserved.Contains(text) || !(char.IsAsciiLetter(text[0]) || text[0] is '_' or '/'))
        {
            return false;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return false;
        }

        return text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/');
    }
}
