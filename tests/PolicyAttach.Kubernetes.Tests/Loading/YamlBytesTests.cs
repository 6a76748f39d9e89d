using System.Text;
using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Documents;
using PolicyAttach.Kubernetes.Loading;

namespace PolicyAttach.Kubernetes.Tests.Loading;

/// <summary>
/// YAML read from a file's bytes without decoding the whole file (<see cref="YamlSourceReader.ReadUtf8"/>): the same
/// objects, diagnostics, lines and columns (in characters) as the exact path reading the decoded text, with characters
/// of several bytes before each position, a declined document among taken ones, line ends the fast path declines, and
/// a last document without a line break. Files with a byte order mark or invalid UTF-8 keep the decoded text.
/// </summary>
public sealed class YamlBytesTests
{
    private const string Taken = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: d\n  annotations:\n    note: é 日本語 ü\ndata:\n  \"clé\": 'ü''s'\n  lit: |\n    ligne é\n    日本\n";

    /// <summary>A route the core refuses (two bad hostnames, one after a character of two bytes) and warns about, at fields located from the text.</summary>
    private const string BrokenRoute = "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r # é\n  namespace: d\nspec:\n  parentRefs:\n  - name: gw\n  hostnames: [\"ü.example.com\", \"Bad_Host\"]\n  rules:\n  - matches:\n    - path:\n        type: Nowhere\n        value: /ü\n";

    [Fact]
    public void ReadUtf8_MultiByteCharactersBeforeDiagnostics_LinesAndColumnsInCharacters()
    {
        // A document the fast path declines (a flow mapping) with a syntax error after multi-byte characters on its
        // line, after a taken document full of them; then a taken route the core finds fault with.
        var declined = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"日本語\", namespace: [d}\n";
        var text = Taken + "---\n" + declined + "---\n" + BrokenRoute;

        var result = AssertSameAsExactText(text);

        // Columns count characters: "日本語" is three of them (nine bytes), "ü" one (two bytes).
        var malformed = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.MalformedDocument);
        Assert.Equal(new SourceLocation("in.yaml", 16, 38), malformed.Location);
        var hostnames = result.Diagnostics.Where(d => d.Path?.StartsWith("spec.hostnames", StringComparison.Ordinal) == true).Select(d => d.Location).ToList();
        Assert.Equal([new SourceLocation("in.yaml", 26, 15), new SourceLocation("in.yaml", 26, 32)], hostnames);
        Assert.Equal(2, CountTaken(text, out var declinedCount));
        Assert.Equal(1, declinedCount);
    }

    [Fact]
    public void ReadUtf8_DeclinedDocumentAmongTakenOnes_ReadInPlaceWithItsPositions()
    {
        var text = string.Concat(Enumerable.Range(0, 40).Select(i => i == 17
            ? "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: &x c17\n  namespace: d\n  annotations:\n    note: é\ndata:\n  a: *x\n"
            : $"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n  namespace: d\n  annotations:\n    note: 日本{i}\n"));

        var result = AssertSameAsExactText(text);

        Assert.Equal(40, result.Objects.Count);
        Assert.Equal("c17", result.Objects[17].Resource.Name);
        Assert.Equal(39, CountTaken(text, out var declined));
        Assert.Equal(1, declined);
    }

    [Fact]
    public void ReadUtf8_LastDocumentWithoutLineBreak_SameAsTheText()
    {
        var text = Taken + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: last\n  namespace: d\ndata:\n  k: ü";

        var result = AssertSameAsExactText(text);

        Assert.Equal(2, result.Objects.Count);
        Assert.Equal(2, CountTaken(text, out _));
    }

    [Fact]
    public void Load_CarriageReturns_SameAsTheText()
    {
        var text = (Taken + "---\n" + BrokenRoute).Replace("\n", "\r\n", StringComparison.Ordinal);

        var result = AssertSameAsExactText(text);

        Assert.Single(result.Objects);
        Assert.Equal(0, CountTaken(text, out var declined));
        Assert.Equal(2, declined);
    }

    [Fact]
    public void Load_ByteOrderMarks_SameAsTheTextWithoutThem()
    {
        var bom = "\uFEFF";
        var text = Taken + "---\n" + BrokenRoute;
        var expected = Load(Encoding.UTF8.GetBytes(text), exact: true);

        // A mark at the start of the file, and one at the start of a later document (files concatenated).
        var atStart = Load(Encoding.UTF8.GetBytes(bom + text), exact: false);
        var inside = Load(Encoding.UTF8.GetBytes(text.Replace("---\n", "---\n" + bom, StringComparison.Ordinal)), exact: false);

        AssertSame(expected, atStart);
        AssertSame(expected, inside);
    }

    [Fact]
    public void Load_InvalidUtf8_DocumentSkippedAtItsPlaceOthersRead()
    {
        var before = Encoding.UTF8.GetBytes(Taken + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: d\ndata:\n  k: é");
        var after = Encoding.UTF8.GetBytes("\n---\n" + BrokenRoute);
        var bytes = before.Concat(new byte[] { 0xC3, 0x28 }).Concat(after).ToArray();

        var result = Load(bytes, exact: false);

        Assert.Single(result.Objects);
        var invalid = result.Diagnostics[0];
        Assert.Equal(DiagnosticCodes.MalformedDocument, invalid.Code);
        Assert.Contains("not valid UTF-8", invalid.Message, StringComparison.Ordinal);
        // Line 20 of the file, after "  k: é" (six characters, seven bytes).
        Assert.Equal(new SourceLocation("in.yaml", 20, 7), invalid.Location);
        Assert.Equal(result.Diagnostics, Load(bytes, exact: true).Diagnostics);
    }

    /// <summary>Loads bytes as a file's, on the fast path or only on the exact one.</summary>
    private static LoadResult Load(byte[] bytes, bool exact)
        => new ManifestLoader(new ManifestLoaderOptions { ExactYamlOnly = exact }).Load([ManifestSource.FromStream(new MemoryStream(bytes), "in.yaml")]);

    /// <summary>Reads <paramref name="text"/>'s UTF-8 from bytes and asserts the same result as the exact path on the text.</summary>
    private static LoadResult AssertSameAsExactText(string text)
    {
        var exact = new ManifestLoader(new ManifestLoaderOptions { ExactYamlOnly = true }).Load([ManifestSource.FromText(text, "in.yaml")]);
        var fromBytes = Load(Encoding.UTF8.GetBytes(text), exact: false);
        AssertSame(exact, fromBytes);
        AssertSame(exact, Load(Encoding.UTF8.GetBytes(text), exact: true));
        return fromBytes;
    }

    /// <summary>How many documents <see cref="YamlSourceReader.ReadUtf8"/> reads on the fast path, and how many items the exact one gives (documents or diagnostics).</summary>
    private static int CountTaken(string text, out int declined)
    {
        var items = new List<ParsedItem>();
        YamlSourceReader.ReadUtf8(Encoding.UTF8.GetBytes(text), "in.yaml", ReaderLimits.From(new ManifestLoaderOptions()), items.AddRange);
        declined = items.Count(i => i.Tokens is null);
        return items.Count(i => i.Tokens is not null);
    }

    private static void AssertSame(LoadResult expected, LoadResult actual)
    {
        Assert.Equal(expected.Diagnostics, actual.Diagnostics);
        Assert.Equal(expected.Objects, actual.Objects);
        Assert.Equal(expected.DocumentCount, actual.DocumentCount);
        for (var i = 0; i < expected.Objects.Count; i++)
        {
            foreach (var path in new[] { null, "metadata.name", "metadata.annotations.note", "data.lit", "data.k", "spec.rules[0].matches[0].path.type", "spec.missing" })
            {
                Assert.Equal(expected.Objects[i].Fields!.Locate(path), actual.Objects[i].Fields!.Locate(path));
            }
        }
    }
}
