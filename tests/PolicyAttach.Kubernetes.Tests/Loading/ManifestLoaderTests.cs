using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;
using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.Model;
using static PolicyAttach.Kubernetes.Tests.Loading.LoaderTestSupport;

namespace PolicyAttach.Kubernetes.Tests.Loading;

public sealed class ManifestLoaderTests(ITestOutputHelper output)
{
    [Fact]
    public void Load_MultiDocumentYaml_ReadsEveryObjectInOrder()
    {
        var result = Load(Widget("a") + "---\n" + Widget("b") + "---\n" + Widget("c"));

        Assert.Equal(["a", "b", "c"], result.Objects.Select(o => o.Resource.Name));
        Assert.Empty(Errors(result));
        Assert.Equal(3, result.DocumentCount);
    }

    [Fact]
    public void Load_ObjectsWithoutTimestamp_AllGetTheEpoch()
    {
        var result = Load(Widget("a") + "---\n" + Widget("b") + "---\n" + Widget("c"));

        Assert.All(result.Objects, o => Assert.Equal(ObjectMeta.DefaultEpoch, o.Resource.Metadata.CreationTimestamp));
    }

    [Fact]
    public void Load_InputOrderIsCreationOrder_ObjectsWithoutTimestampAreOneSecondApart()
    {
        var loader = new ManifestLoader(new ManifestLoaderOptions { InputOrderIsCreationOrder = true });
        var result = loader.LoadText(Widget("a") + "---\n" + Widget("b") + "---\n" + Widget("c"));

        Assert.Equal(
            [ObjectMeta.DefaultEpoch, ObjectMeta.DefaultEpoch.AddSeconds(1), ObjectMeta.DefaultEpoch.AddSeconds(2)],
            result.Objects.Select(o => o.Resource.Metadata.CreationTimestamp));
    }

    [Fact]
    public void Load_ObjectLocation_IsTheStartOfItsDocument()
    {
        var result = Load(Widget("a") + "---\n# comment\n" + Widget("b"));

        Assert.Equal(new SourceLocation("test.yaml", 1, 1), result.Objects[0].Location);
        Assert.Equal(new SourceLocation("test.yaml", 9, 1), result.Objects[1].Location);
    }

    [Fact]
    public void Load_EmptyAndCommentOnlyDocuments_AreSkipped()
    {
        var result = Load("# only a comment\n---\n---\n\n---\n# another\n...\n---\n" + Widget("a") + "---\n");

        Assert.Single(result.Objects);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public void Load_Directives_StayWithTheirDocument()
    {
        var result = Load("%YAML 1.2\n---\n" + Widget("a") + "...\n%YAML 1.2\n---\n" + Widget("b"));

        Assert.Equal(["a", "b"], result.Objects.Select(o => o.Resource.Name));
        Assert.Empty(Errors(result));
        Assert.Equal(new SourceLocation("test.yaml", 12, 1), result.Objects[1].Location);
    }

    [Fact]
    public void Load_CrlfLineEndings_AreRead()
    {
        var result = Load((Widget("a") + "---\n" + Widget("b")).Replace("\n", "\r\n", StringComparison.Ordinal));

        Assert.Equal(["a", "b"], result.Objects.Select(o => o.Resource.Name));
        Assert.Equal(new SourceLocation("test.yaml", 8, 1), result.Objects[1].Location);
    }

    [Fact]
    public void Load_Json_ReadsTheObjectWithPositions()
    {
        const string json = "{\n  \"apiVersion\": \"example.com/v1\",\n  \"kind\": \"Widget\",\n  \"metadata\": {\"namespace\": \"default\"}\n}";
        var result = new ManifestLoader().LoadText(json, "w.json");

        var error = Assert.Single(Errors(result));
        Assert.Equal(DiagnosticCodes.MissingName, error.Code);
        Assert.Equal(new SourceLocation("w.json", 4, 3), error.Location);
    }

    [Fact]
    public void Load_List_IsExpandedToItsItems()
    {
        const string yaml = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: example.com/v1
              kind: Widget
              metadata: {name: a, namespace: default}
            - apiVersion: example.com/v1
              kind: Widget
              metadata: {name: b, namespace: default}
            """;
        var result = Load(yaml);

        Assert.Equal(["a", "b"], result.Objects.Select(o => o.Resource.Name));
        Assert.Equal(new SourceLocation("test.yaml", 7, 3), result.Objects[1].Location);
    }

    [Fact]
    public void Load_TypedListKind_IsExpandedToItsItems()
    {
        const string json = """{"apiVersion":"v1","kind":"WidgetList","items":[{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"a","namespace":"x"}}]}""";
        var result = Load(json, "-");

        Assert.Equal("a", Assert.Single(result.Objects).Resource.Name);
    }

    [Fact]
    public void Load_Anchors_AreResolved()
    {
        const string yaml = """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: a, namespace: default}
            spec:
              base: &base {port: 80, host: example.com}
              copy: *base
              merged:
                <<: *base
                port: 81
            """;
        var spec = Spec(Load(yaml).Objects[0]);

        Assert.Equal(80, spec.GetProperty("copy").GetProperty("port").GetInt32());
        Assert.Equal(81, spec.GetProperty("merged").GetProperty("port").GetInt32());
        Assert.Equal("example.com", spec.GetProperty("merged").GetProperty("host").GetString());
    }

    [Theory]
    [InlineData("80", JsonValueKind.Number, "80")]
    [InlineData("\"80\"", JsonValueKind.String, "80")]
    [InlineData("'80'", JsonValueKind.String, "80")]
    [InlineData("true", JsonValueKind.True, "true")]
    [InlineData("\"true\"", JsonValueKind.String, "true")]
    [InlineData("yes", JsonValueKind.String, "yes")]
    [InlineData("~", JsonValueKind.Null, "")]
    [InlineData("null", JsonValueKind.Null, "")]
    [InlineData("", JsonValueKind.Null, "")]
    [InlineData("0x1F", JsonValueKind.Number, "31")]
    [InlineData("0o17", JsonValueKind.Number, "15")]
    [InlineData("017", JsonValueKind.Number, "17")]
    [InlineData("+12", JsonValueKind.Number, "12")]
    [InlineData("1.5", JsonValueKind.Number, "1.5")]
    [InlineData("1e3", JsonValueKind.Number, "1000")]
    [InlineData(".inf", JsonValueKind.String, ".inf")]
    [InlineData("1.2.3", JsonValueKind.String, "1.2.3")]
    [InlineData("!!str 80", JsonValueKind.String, "80")]
    [InlineData("!!int \"80\"", JsonValueKind.Number, "80")]
    [InlineData("|-\n    text", JsonValueKind.String, "text")]
    [InlineData("/path", JsonValueKind.String, "/path")]
    public void Load_PlainScalar_IsTypedWithTheYaml12CoreSchema(string yamlValue, JsonValueKind kind, string text)
    {
        var result = Load(Widget("a", "\n  value: " + yamlValue));

        var value = Spec(result.Objects[0]).GetProperty("value");
        Assert.Equal(kind, value.ValueKind);
        Assert.Equal(text, kind == JsonValueKind.String ? value.GetString() : kind == JsonValueKind.Null ? string.Empty : value.GetRawText());
    }

    [Fact]
    public void Load_DuplicateKey_WarnsAndKeepsTheLaterValue()
    {
        var result = Load(Widget("a", "\n  port: 80\n  port: 81"));

        var warning = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning);
        Assert.Equal(new SourceLocation("test.yaml", 8, 3), warning.Location);
        Assert.Equal(81, Spec(result.Objects[0]).GetProperty("port").GetInt32());
    }

    [Fact]
    public void Load_ObjectWithoutName_ReportsTheMetadataLine()
    {
        const string yaml = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  namespace: default\nspec: {}\n";
        var result = Load(Widget("a") + "---\n" + yaml);

        var error = Assert.Single(Errors(result));
        Assert.Equal(DiagnosticCodes.MissingName, error.Code);
        Assert.Equal(new SourceLocation("test.yaml", 10, 1), error.Location);
        Assert.Single(result.Objects);
    }

    [Fact]
    public void Load_ObjectWithoutMetadata_ReportsTheDocumentStart()
    {
        var result = Load(Widget("a") + "---\n\napiVersion: example.com/v1\nkind: Widget\n");

        var error = Assert.Single(Errors(result));
        Assert.Equal(new SourceLocation("test.yaml", 9, 1), error.Location);
    }

    [Fact]
    public void Load_UnknownKind_IsKeptAsGenericObject()
    {
        var result = Load("apiVersion: unknown.example/v9\nkind: Gizmo\nmetadata: {name: g}\n");

        var generic = Assert.IsType<GenericObject>(Assert.Single(result.Objects).Resource);
        Assert.Equal("Gizmo", generic.Kind);
        Assert.Equal("unknown.example", generic.Group);
        Assert.Empty(Errors(result));
    }

    [Fact]
    public void Load_MalformedMiddleDocument_KeepsTheOthersAndLocatesTheError()
    {
        var text = Widget("a") + "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: [b\n  bad: : :\n---\n" + Widget("c");
        var result = Load(text);

        Assert.Equal(["a", "c"], result.Objects.Select(o => o.Resource.Name));
        var error = Assert.Single(Errors(result));
        Assert.Equal(DiagnosticCodes.MalformedDocument, error.Code);
        Assert.Equal("test.yaml", error.Location!.File);
        Assert.InRange(error.Location.Line, 7, 12);
        Assert.Equal(new SourceLocation("test.yaml", 13, 1), result.Objects[1].Location);
    }

    [Fact]
    public void Load_TruncatedYaml_ReportsAnErrorAndKeepsEarlierDocuments()
    {
        var result = Load(Widget("a") + "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: \"b");

        Assert.Equal(["a"], result.Objects.Select(o => o.Resource.Name));
        var error = Assert.Single(Errors(result));
        Assert.Equal(DiagnosticCodes.MalformedDocument, error.Code);
        Assert.True(error.Location!.Line >= 7, error.ToString());
    }

    [Fact]
    public void Load_TruncatedJson_ReportsLineAndColumn()
    {
        var result = new ManifestLoader().LoadText("{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Namespace\",\n  \"metadata\": {\"name\": \"x\"", "t.json");

        Assert.Empty(result.Objects);
        var error = Assert.Single(Errors(result));
        Assert.Equal(DiagnosticCodes.MalformedDocument, error.Code);
        Assert.Equal("t.json", error.Location!.File);
        Assert.Equal(4, error.Location.Line);
    }

    [Fact]
    public void Load_MissingPath_ReportsUnreadablePath()
    {
        var result = new ManifestLoader().Load(["does-not-exist/nowhere.yaml"]);

        Assert.Equal(DiagnosticCodes.UnreadablePath, Assert.Single(result.Diagnostics).Code);
        Assert.True(result.HasErrors);
    }

    [Fact]
    public void Load_Directory_ReadsOneLevelByDefaultAsKubectl()
    {
        var root = Directory.CreateTempSubdirectory("policyattach-loader-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, "obj"));
            File.WriteAllText(Path.Combine(root.FullName, "obj", "project.assets.json"), "{\"version\": 3}");
            File.WriteAllText(Path.Combine(root.FullName, "a.yaml"), Widget("a"));

            var result = new ManifestLoader().Load([root.FullName]);

            Assert.Equal(["a"], result.Objects.Select(o => o.Resource.Name));
            Assert.Equal(1, result.FileCount);
            Assert.Empty(result.Diagnostics);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("b", new[] { "upper-b", "a" })]
    [InlineData("*.json", new[] { "a", "bz" })]
    [InlineData("b/*.yaml", new[] { "upper-b", "a" })]
    [InlineData("**/z.yaml", new[] { "upper-b", "a" })]
    [InlineData("[ab]*", new[] { "upper-b" })]
    [InlineData("[!a]*.yml", new[] { "upper-b", "a", "bz" })]
    [InlineData("[z-a]", new[] { "upper-b", "a", "bz" })]
    public void Load_DirectoryWithExclude_SkipsMatchingFilesAndDirectories(string glob, string[] expected)
    {
        var root = Directory.CreateTempSubdirectory("policyattach-loader-");
        try
        {
            WriteTree(root.FullName);

            var result = new ManifestLoader(new ManifestLoaderOptions { RecurseDirectories = true, Exclude = [glob] }).Load([root.FullName]);

            Assert.Equal(expected, result.Objects.Select(o => o.Resource.Name));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    /// <summary>a.yml, B.json and b/z.yaml: Widgets a, upper-b and bz.</summary>
    private static void WriteTree(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "b"));
        File.WriteAllText(Path.Combine(root, "b", "z.yaml"), Widget("bz"));
        File.WriteAllText(Path.Combine(root, "a.yml"), Widget("a"));
        File.WriteAllText(Path.Combine(root, "B.json"), """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"upper-b","namespace":"d"}}""");
    }

    [Fact]
    public void Load_ForeignDocuments_SkippedWithAnInfoNote()
    {
        var result = new ManifestLoader().LoadText("""
            replicaCount: 2
            ---
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources: [a.yaml]
            ---
            kind: Widget
            """, "mixed.yaml");

        Assert.Empty(result.Objects);
        Assert.Equal(
            [(DiagnosticSeverity.Info, DiagnosticCodes.NotKubernetes, 1), (DiagnosticSeverity.Info, DiagnosticCodes.Kustomization, 3), (DiagnosticSeverity.Error, DiagnosticCodes.NotAnObject, 7)],
            result.Diagnostics.Select(d => (d.Severity, d.Code, d.Location!.Line)));
    }

    [Fact]
    public void Load_DirectoryRecursive_ReadsManifestFilesOfSubdirectoriesInOrdinalOrder()
    {
        var root = Directory.CreateTempSubdirectory("policyattach-loader-");
        try
        {
            WriteTree(root.FullName);
            File.WriteAllText(Path.Combine(root.FullName, "c.txt"), "not a manifest");

            var result = new ManifestLoader(new ManifestLoaderOptions { RecurseDirectories = true }).Load([root.FullName]);

            Assert.Equal(["upper-b", "a", "bz"], result.Objects.Select(o => o.Resource.Name));
            Assert.Equal(3, result.FileCount);
            Assert.EndsWith(Path.Combine("b", "z.yaml"), result.Objects[2].Location!.File, StringComparison.Ordinal);
            Assert.Equal(ObjectMeta.DefaultEpoch, result.Objects[2].Resource.Metadata.CreationTimestamp);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Load_StandardInput_ReadsTheConfiguredStream()
    {
        var loader = new ManifestLoader(new ManifestLoaderOptions { StandardInput = () => new MemoryStream(Encoding.UTF8.GetBytes(Widget("in"))) });

        var result = loader.Load(["-"]);

        Assert.Equal(new SourceLocation("-", 1, 1), Assert.Single(result.Objects).Location);
    }

    [Fact]
    public async Task LoadAsync_Stream_MatchesLoad()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Widget("a") + "---\n" + Widget("b")));

        var result = await new ManifestLoader().LoadAsync([ManifestSource.FromStream(stream, "s.yaml")]);

        Assert.Equal(Load(Widget("a") + "---\n" + Widget("b"), "s.yaml"), result);
    }

    [Fact]
    public void Load_TenMegabyteFile_AllocatesInProportionToItsSize()
    {
        var text = new StringBuilder();
        var count = 0;
        while (text.Length < 10 * 1024 * 1024)
        {
            text.Append("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-").Append(count++).Append("\n  namespace: ns\n  labels: {app: demo, tier: backend}\ndata:\n");
            for (var i = 0; i < 10; i++)
            {
                text.Append("  key").Append(i).Append(": \"value number ").Append(i).Append(" of a generated config map entry\"\n");
            }
        }

        var input = text.ToString();
        var watch = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = Load(input);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        watch.Stop();

        Assert.Equal(count, result.Objects.Count);
        Assert.Empty(Errors(result));

        // Work is bounded by what it allocates, not by a clock (a loaded machine must not fail the test): quadratic
        // behaviour would allocate far more than this multiple of the input.
        Assert.True(allocated < 100L * input.Length, $"10 MB allocated {allocated / 1024 / 1024} MiB");
        output.WriteLine($"10 MB ({count} documents) loaded in {watch.Elapsed.TotalMilliseconds:F0} ms, {allocated / 1024 / 1024} MiB allocated ({(double)allocated / input.Length:F1} bytes per character)");
    }

    [Fact]
    public void Load_TenThousandDeepYamlFlow_ReportsDepthWithoutThrowing()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);
        var result = Load(Widget("a", deep) + "---\n" + Widget("b"));

        Assert.Equal(["b"], result.Objects.Select(o => o.Resource.Name));
        var error = Assert.Single(Errors(result));
        Assert.Equal(DiagnosticCodes.MalformedDocument, error.Code);
        Assert.Contains("256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TenThousandDeepYamlBlock_ReportsDepthWithoutThrowing()
    {
        var deep = new StringBuilder(Widget("a", "\n"));
        for (var i = 0; i < 10_000; i++)
        {
            deep.Append("- ");
        }

        deep.Append("x\n");
        var result = Load(deep.ToString());

        Assert.Empty(result.Objects);
        Assert.Equal(DiagnosticCodes.MalformedDocument, Assert.Single(Errors(result)).Code);
    }

    [Fact]
    public void Load_TenThousandDeepJson_ReportsDepthWithoutThrowing()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);
        var result = new ManifestLoader().LoadText("{\"apiVersion\":\"v1\",\"kind\":\"X\",\"spec\":" + deep + "}", "deep.json");

        Assert.Empty(result.Objects);
        var error = Assert.Single(Errors(result));
        // The spec value starts at column 38; the 257th nested level (root object + 256) is refused.
        Assert.Equal(new SourceLocation("deep.json", 1, 38 + 255), error.Location);
    }

    [Fact]
    public void Load_AliasBomb_IsRefusedWithoutThrowing()
    {
        var yaml = new StringBuilder("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: bomb, namespace: d}\nspec:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 10; i++)
        {
            yaml.Append("  a").Append(i).Append(": &a").Append(i).Append(" [").Append(string.Join(", ", Enumerable.Repeat("*a" + (i - 1), 10))).Append("]\n");
        }

        var result = Load(yaml.ToString());

        Assert.Empty(result.Objects);
        Assert.Contains("alias", Assert.Single(Errors(result)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Load_BinaryJunk_ReportsPositionedDiagnosticsWithoutThrowing(int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[64 * 1024];
        random.NextBytes(bytes);
        var path = Path.Combine(Path.GetTempPath(), $"policyattach-junk-{seed}-{Environment.ProcessId}.yaml");
        File.WriteAllBytes(path, bytes);
        try
        {
            var result = new ManifestLoader().Load([path]);

            Assert.NotEmpty(result.Diagnostics);
            Assert.All(result.Diagnostics, d => Assert.NotNull(d.Location));
            Assert.All(Errors(result), d => Assert.Equal(path, d.Location!.File));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_BinaryJunkAsJson_ReportsAPositionedDiagnostic()
    {
        var bytes = new byte[] { (byte)'{', 0, 1, 2, 0xFF, 0xFE, (byte)'"' };

        var result = new ManifestLoader().Load([ManifestSource.FromStream(new MemoryStream(bytes), "junk")]);

        Assert.Equal(new SourceLocation("junk", 1, 2), Assert.Single(result.Diagnostics).Location);
    }
}
