using System.Text;
using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Loading;
using static PolicyAttach.Kubernetes.Tests.Loading.LoaderTestSupport;

namespace PolicyAttach.Kubernetes.Tests.Loading;

/// <summary>
/// Regression tests for the reader findings of issue 15 (and issue 16 item 4): every hostile input is a located
/// diagnostic, the other documents and files are still read, and the work is bounded (checked by what a load
/// allocates, never by a clock).
/// </summary>
public sealed class HostileInputTests
{
    private static (LoadResult Result, long Allocated) Measure(Func<LoadResult> load)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = load();
        return (result, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static ManifestSource Bytes(byte[] bytes, string name) => ManifestSource.FromStream(new MemoryStream(bytes), name);

    [Theory]
    [InlineData("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"a","labels":{"x":"\ud800"}}}""", 1, 74)]
    [InlineData("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"a","labels":{"\udc00":"x"}}}""", 1, 70)]
    [InlineData("{\"apiVersion\":\"v1\",\n \"kind\":\"\\ud800\\u0041\"}", 2, 9)]
    public void Load_JsonLoneSurrogateEscape_IsALocatedErrorAndOtherFilesLoad(string json, int line, int column)
    {
        var result = new ManifestLoader().Load([ManifestSource.FromText(json, "bad.json"), ManifestSource.FromText(Widget("kept"), "good.yaml")]);

        var error = Assert.Single(Errors(result));
        Assert.Equal(new SourceLocation("bad.json", line, column), error.Location);
        Assert.Contains("lone UTF-16 surrogate", error.Message, StringComparison.Ordinal);
        Assert.Equal(["kept"], result.Objects.Select(o => o.Resource.Name));
    }

    [Theory]
    [InlineData("key: [a, b\nother: 1\n", 2, "flow sequence that starts at line 1, column 6")]
    [InlineData("key: {a: b\nother: 1\n", 2, "flow mapping that starts at line 1, column 6")]
    [InlineData("a: [b\nc: d]\n", 2, "flow sequence that starts at line 1, column 4")]
    public void Load_UnclosedFlowCollection_ReportsTheRealPositionAndWhatIsUnclosed(string yaml, int line, string what)
    {
        // Issue 16 item 4: YamlDotNet fails here with an InvalidOperationException; it was reported at 1:1 with
        // "Operation is not valid due to the current state of the object".
        var result = Load(yaml + "---\n" + Widget("b"));

        var error = Assert.Single(Errors(result));
        Assert.Equal(line, error.Location!.Line);
        Assert.Contains(what, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Operation is not valid", error.Message, StringComparison.Ordinal);
        Assert.Equal(["b"], result.Objects.Select(o => o.Resource.Name));
    }

    [Theory]
    [InlineData("a: [1, 2\n", 2, 1, "did not find expected ',' or ']'")]
    [InlineData("a: 'unterminated\n", 1, 4, "found unexpected end of stream")]
    [InlineData("- a\nb: c\n", 2, 1, "did not find expected '-' indicator")]
    public void Load_YamlSyntaxError_ReportsTheParsersDescriptionWhereItIs(string yaml, int line, int column, string description)
    {
        var error = Assert.Single(Errors(Load(yaml)));
        Assert.Equal(new SourceLocation("test.yaml", line, column), error.Location);
        Assert.Contains(description, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[", 1, 2, "open JSON object or array")]
    [InlineData("{\"a\": [1,", 1, 9, "reached end of data")]
    [InlineData("{\n  \"a\": tru\n}", 2, 11, "is an invalid JSON literal")]
    public void Load_JsonSyntaxError_ReportsTheParsersDescriptionWhereItIs(string json, int line, int column, string description)
    {
        var error = Assert.Single(Errors(new ManifestLoader().LoadText(json, "x.json")));
        Assert.Equal(new SourceLocation("x.json", line, column), error.Location);
        Assert.Contains(description, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("malformed JSON: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MillionLevelsOfYamlFlowNesting_StopsAtTheLimitAtOnce()
    {
        // Issue 15: the parser went on after reporting depth 257 (1M levels ran past 15 minutes); now the document stops.
        var yaml = "a: " + new string('[', 1_000_000) + "\n---\n" + Widget("b");
        var (result, allocated) = Measure(() => Load(yaml));

        Assert.Equal(["b"], result.Objects.Select(o => o.Resource.Name));
        var error = Assert.Single(Errors(result));
        // The root mapping is the first level; the 256th "[" (column 4 + 255) is one level too deep.
        Assert.Equal(new SourceLocation("test.yaml", 1, 4 + 255), error.Location);
        Assert.True(allocated < 64L * 1024 * 1024, $"allocated {allocated / 1024 / 1024} MiB");
    }

    [Fact]
    public void Load_AliasesToAOneMegabyteScalar_AreRefusedByExpandedBytes()
    {
        // Issue 15: 1,000 aliases of a 1 MB scalar were accepted at 5.7 GB.
        var yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a: &a \"").Append('x', 1_000_000).Append("\"\n");
        for (var i = 0; i < 1000; i++)
        {
            yaml.Append("  k").Append(i).Append(": *a\n");
        }

        yaml.Append("---\n").Append(Widget("sibling"));
        var (result, allocated) = Measure(() => Load(yaml.ToString()));

        Assert.Equal(["sibling"], result.Objects.Select(o => o.Resource.Name));
        var error = Assert.Single(Errors(result));
        Assert.Contains("aliases of this document expand to more than 16777216 bytes", error.Message, StringComparison.Ordinal);
        // Each alias adds a million bytes: the 17th (line 5 + 17) passes 16 MiB.
        Assert.Equal(5 + 17, error.Location!.Line);
        Assert.True(allocated < 256L * 1024 * 1024, $"allocated {allocated / 1024 / 1024} MiB");
    }

    [Fact]
    public void Load_AliasesWithinTheBudget_AreExpanded()
    {
        var result = new ManifestLoader(new ManifestLoaderOptions { MaxAliasBytes = 100 })
            .LoadText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: &a abc\n  b: *a\n  c: *a\n");
        Assert.Empty(Errors(result));

        var refused = new ManifestLoader(new ManifestLoaderOptions { MaxAliasBytes = 10 })
            .LoadText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: &a abc\n  b: *a\n  c: *a\n");
        Assert.Equal(new SourceLocation("-", 7, 6), Assert.Single(Errors(refused)).Location);
    }

    [Fact]
    public void Load_EndlessStream_StopsAtTheSizeLimitWhileReading()
    {
        // Issue 15: standard input was read to the end before the limit applied (validate - < /dev/zero ran out of memory).
        var loader = new ManifestLoader(new ManifestLoaderOptions { MaxInputBytes = 1024 * 1024 });
        var (result, allocated) = Measure(() => loader.Load([ManifestSource.FromStream(new EndlessStream(), "-"), ManifestSource.FromText(Widget("kept"))]));

        var error = Assert.Single(Errors(result));
        Assert.Equal(DiagnosticCodes.UnreadablePath, error.Code);
        Assert.Contains("larger than 1048576 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(["kept"], result.Objects.Select(o => o.Resource.Name));
        Assert.True(allocated < 16L * 1024 * 1024, $"allocated {allocated / 1024 / 1024} MiB");
    }

    [Fact]
    public void Load_Device_StopsAtTheSizeLimitWhileReading()
    {
        // Issue 15: a device reports length 0, so validate /dev/zero read until memory ran out.
        if (!File.Exists("/dev/zero"))
        {
            return;
        }

        var loader = new ManifestLoader(new ManifestLoaderOptions { MaxInputBytes = 1024 * 1024 });
        var (result, allocated) = Measure(() => loader.Load(["/dev/zero"]));

        Assert.Contains("larger than 1048576 bytes", Assert.Single(Errors(result)).Message, StringComparison.Ordinal);
        Assert.True(allocated < 16L * 1024 * 1024, $"allocated {allocated / 1024 / 1024} MiB");
    }

    [Fact]
    public void Load_InvalidUtf8_IsALocatedErrorForItsDocumentOnly()
    {
        // Issue 15: invalid bytes were silently read as U+FFFD.
        var bytes = Encoding.UTF8.GetBytes(Widget("a") + "---\n" + Widget("bXX") + "---\n" + Widget("c"));
        var at = Array.IndexOf(bytes, (byte)'X');
        (bytes[at], bytes[at + 1]) = (0xC3, 0x28);

        var result = new ManifestLoader().Load([Bytes(bytes, "mixed.yaml")]);

        Assert.Equal(["a", "c"], result.Objects.Select(o => o.Resource.Name));
        var error = Assert.Single(Errors(result));
        Assert.Equal(new SourceLocation("mixed.yaml", 11, 10), error.Location);
        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidUtf8InJson_IsALocatedError()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"aX\"}}");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xFF;

        var error = Assert.Single(Errors(new ManifestLoader().Load([Bytes(bytes, "s.json")])));
        Assert.Equal(new SourceLocation("s.json", 1, 58), error.Location);
    }

    [Fact]
    public void Load_ByteOrderMarkAtTheStartOfALaterDocument_KeepsTheDocument()
    {
        // Issue 15: concatenated files with byte order marks lost the later documents.
        var result = Load(Widget("a") + "---\n\uFEFF" + Widget("b") + "\uFEFF---\n" + Widget("c"));

        Assert.Equal(["a", "b", "c"], result.Objects.Select(o => o.Resource.Name));
        Assert.Empty(Errors(result));
    }

    [Fact]
    public void Load_DocumentEndMarker_EndsTheDocument()
    {
        var result = Load(Widget("a") + "...\n" + Widget("b"));

        Assert.Equal(["a", "b"], result.Objects.Select(o => o.Resource.Name));
        Assert.Equal(new SourceLocation("test.yaml", 8, 1), result.Objects[1].Location);
    }

    [Fact]
    public void Load_FileGivenTwice_IsReadOnce()
    {
        // Issue 16 item 4: a file named twice (or also inside a directory given) was read twice: every object a duplicate.
        var folder = Path.Combine(Path.GetTempPath(), $"policyattach-twice-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "a.yaml");
        File.WriteAllText(file, Widget("a"));
        try
        {
            var result = new ManifestLoader().Load([file, folder, Path.Combine(folder, ".", "a.yaml")]);

            Assert.Single(result.Objects);
            Assert.Equal(1, result.FileCount);
            Assert.DoesNotContain(result.Diagnostics, d => d.Code == DiagnosticCodes.DuplicateObject);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\"},\"stringData\":{\"pin\":tru8675309}}", "s.json")]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\"},\"data\":{\"pin\":8675309x}}", "s.json")]
    [InlineData("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  pin: \"8675309\\q\"\n", "s.yaml")]
    [InlineData("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  pin: [8675309\n", "s.yaml")]
    [InlineData("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  pin: 8675309\n  flag: yes-8675309\n  n: 8675309e1\n", "s.yaml")]
    public void Load_SecretValueInBrokenOrMistypedText_IsNeverInADiagnostic(string text, string name)
    {
        var result = new ManifestLoader().LoadText(text, name);

        Assert.NotEmpty(result.Diagnostics);
        Assert.All(result.Diagnostics, d => Assert.DoesNotContain("8675309", d.Message, StringComparison.Ordinal));
    }

    /// <summary>A stream that never ends, like /dev/zero on standard input.</summary>
    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)'a', offset, count);
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
