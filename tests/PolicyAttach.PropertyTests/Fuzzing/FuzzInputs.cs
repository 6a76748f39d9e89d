using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.TestSupport;

namespace PolicyAttach.PropertyTests.Fuzzing;

/// <summary>One hostile input: the bytes of a file, its name (the extension picks the parser) and how it was made.</summary>
public sealed record FuzzCase(string Name, byte[] Bytes, string Origin)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var text = Encoding.UTF8.GetString(Bytes);
        var shown = text.Length > 2_000 ? text[..2_000] + $"... ({text.Length} characters)" : text;
        return $"{Origin} as {Name} ({Bytes.Length} bytes):{Environment.NewLine}{shown}";
    }
}

/// <summary>
/// Hostile inputs for the readers: random bytes, random YAML-like text, and the seed manifests (the repository's
/// examples, and the shared conformance corpus when it is present) truncated, with one byte changed, or with one field's
/// value replaced by something hostile.
/// </summary>
internal static class FuzzInputs
{
    /// <summary>Characters that steer random text into YAML's and JSON's corners.</summary>
    private static readonly string[] Tokens =
    [
        "{", "}", "[", "]", ":", ": ", ",", "-", "- ", "---\n", "...\n", "\n", "\n  ", "  ", "\t", "#", "&a ", "*a", "!!str ",
        "!tag ", "|\n", ">-\n", "'", "\"", "\\", "\\ud800", "\\u0000", "\\x", "? ", "%YAML 1.2\n", "\uFEFF", "a", "kind",
        "apiVersion: v1\n", "kind: Service\n", "metadata:\n  name: x\n", "spec:", "1", "1e999", "0x", "~", "null", "true",
        "é", "\u2028", "\r", "\0",
    ];

    /// <summary>Values put in place of a field's value: each is a way a manifest goes wrong.</summary>
    private static readonly string[] HostileValues =
    [
        "\"\\ud800\"", "\"\\udc00x\"", "[", "{", "]", "}", "[[[[[[[[[[", "&a [*a, *a, *a]", "*missing", "!!binary x",
        "\"\\q\"", "'unterminated", "\"unterminated", "|", ">", "- - -", "99999999999999999999999", "1e999", "-0", "~",
        "null", "[]", "{}", "true", "\"\"", "\t", "? x", "%YAML", "---", "...", "\uFEFF", "x: y: z", "@", "`", "a\0b",
        new string('[', 300), new string('{', 300), "\"" + new string('x', 3_000) + "\"", "Ω\u0301", "\"\\u0000\"",
    ];

    /// <summary>Byte sequences that are not UTF-8 (a stray continuation, a truncated sequence, an overlong form, a surrogate).</summary>
    private static readonly byte[][] InvalidUtf8 = [[0x80], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFF, 0xFE], [0xF4, 0x90, 0x80, 0x80]];

    private static readonly Lazy<(string Name, byte[] Bytes)[]> SeedFiles = new(LoadSeeds);

    /// <summary>The seed manifests: the examples always, the conformance corpus's manifests when it is present.</summary>
    public static (string Name, byte[] Bytes)[] Seeds => SeedFiles.Value;

    /// <summary>Every kind of case, in proportion.</summary>
    public static Gen<FuzzCase> Any() => Gen.Frequency(
        (1, RandomBytes()),
        (2, RandomText()),
        (2, Truncated()),
        (2, ByteChanged()),
        (4, FieldMutated()));

    public static Gen<FuzzCase> RandomBytes() =>
        from length in Gen.Choose(0, 512)
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), length)
        from name in Gen.Elements("random.yaml", "random.json")
        select new FuzzCase(name, bytes, "random bytes");

    public static Gen<FuzzCase> RandomText() =>
        from count in Gen.Choose(0, 120)
        from tokens in Gen.ArrayOf(Gen.Elements(Tokens), count)
        from name in Gen.Elements("text.yaml", "text.json")
        select new FuzzCase(name, Encoding.UTF8.GetBytes(string.Concat(tokens)), "random YAML-like text");

    public static Gen<FuzzCase> Truncated() =>
        from seed in Gen.Elements(Seeds)
        from cut in Gen.Choose(0, seed.Bytes.Length)
        select new FuzzCase(seed.Name, seed.Bytes[..cut], $"{seed.Name} cut after {cut} bytes");

    public static Gen<FuzzCase> ByteChanged() =>
        from seed in Gen.Elements(Seeds.Where(s => s.Bytes.Length > 0).ToArray())
        from at in Gen.Choose(0, seed.Bytes.Length - 1)
        from value in Gen.Choose(0, 255)
        select new FuzzCase(seed.Name, Replace(seed.Bytes, at, 1, [(byte)value]), $"{seed.Name} with byte {at} set to 0x{value:X2}");

    /// <summary>A seed with the value of one <c>key: value</c> (or <c>"key": value</c>) line replaced.</summary>
    public static Gen<FuzzCase> FieldMutated() =>
        from seed in Gen.Elements(Seeds.Where(s => ValueStarts(s.Bytes).Count > 0).ToArray())
        from pick in Gen.Choose(0, int.MaxValue - 1)
        from replacement in Gen.Frequency(
            (6, Gen.Elements(HostileValues).Select(Encoding.UTF8.GetBytes)),
            (1, Gen.Elements(InvalidUtf8)))
        select Mutate(seed.Name, seed.Bytes, pick, replacement);

    private static FuzzCase Mutate(string name, byte[] bytes, int pick, byte[] replacement)
    {
        var starts = ValueStarts(bytes);
        var start = starts[pick % starts.Count];
        var end = Array.IndexOf(bytes, (byte)'\n', start);
        end = end < 0 ? bytes.Length : end;
        return new FuzzCase(name, Replace(bytes, start, end - start, replacement), $"{name} with the value at byte {start} replaced");
    }

    /// <summary>Where the value of each line of the form <c>key: value</c> starts.</summary>
    private static List<int> ValueStarts(byte[] bytes)
    {
        var starts = new List<int>();
        for (var i = 0; i + 1 < bytes.Length; i++)
        {
            if (bytes[i] == (byte)':' && bytes[i + 1] == (byte)' ')
            {
                starts.Add(i + 2);
            }
        }

        return starts;
    }

    private static byte[] Replace(byte[] bytes, int at, int length, byte[] with)
        => [.. bytes.AsSpan(0, at), .. with, .. bytes.AsSpan(at + length)];

    private static (string Name, byte[] Bytes)[] LoadSeeds()
    {
        var files = new List<string>();
        var examples = Path.Combine(RepositoryRoot(), "examples");
        files.AddRange(Directory.EnumerateFiles(examples, "*.yaml", SearchOption.AllDirectories));
        if (CorpusFactAttribute.CorpusRoot is { } corpus && Directory.Exists(Path.Combine(corpus, "gateway-api-conformance")))
        {
            // Manifests of a readable size: the fuzzer varies them, it does not need the largest.
            files.AddRange(Directory.EnumerateFiles(Path.Combine(corpus, "gateway-api-conformance"), "*.yaml", SearchOption.AllDirectories)
                .Where(f => new FileInfo(f).Length <= 16 * 1024));
        }

        files.Sort(StringComparer.Ordinal);
        return [.. files.Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)))];
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PolicyAttach.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (PolicyAttach.sln) was not found above the test assembly");
    }
}
