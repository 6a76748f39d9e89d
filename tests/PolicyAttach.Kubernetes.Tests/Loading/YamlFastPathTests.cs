using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Documents;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.TestSupport;

namespace PolicyAttach.Kubernetes.Tests.Loading;

/// <summary>
/// The YAML fast path (<see cref="YamlFastReader"/>: the block-style subset read in one pass straight to JSON) against
/// the exact path (YamlDotNet's parser and a node tree): object for object, diagnostic for diagnostic and field
/// position for field position, on hand-made documents inside and outside the subset and on the whole corpora. Each
/// case also says whether the fast path takes its documents, so that a comparison never passes because nothing was
/// read fast.
/// </summary>
public sealed class YamlFastPathTests
{
    private const string Route = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: r
          namespace: default
          labels:
            app.kubernetes.io/name: r
          annotations: {}
        spec:
          parentRefs:
          - name: gw
            sectionName: http
          hostnames: ["a.example.com", 'b.example.com', c.example.com]
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /x
              headers: []
            backendRefs:
              - name: svc
                port: 8080
                weight: 1
          - backendRefs:
            - {}
        """;

    public static TheoryData<string, string, bool> Inputs => new()
    {
        { "a route in block style", Route, true },
        { "two documents, comments, markers, an end marker", "# head\n---\n# c\napiVersion: v1 # trailing\nkind: Service\nmetadata:\n  name: s\n  namespace: d\nspec:\n  ports:\n  - port: 80\n    name: 'http'\n...\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", true },
        { "scalars of every kind", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: d\ndata:\n  a: 0x1F\n  b: 0o17\n  c: 007\n  d: -0\n  e: 1.50\n  f: 1e3\n  g: .inf\n  h: ~\n  i: Null\n  j: TRUE\n  k: yes\n  l: \"x\\\"y\\\\z\\n\\tq\\/\"\n  m: 'it''s'\n  n: a:b, c]d\n  o: http://x.example/#frag\n  p:\n  q: +12\n  r: \"\"\n  s: 12345678901234567890123\n  t: 0\n  u: 80\n  v: 00\n  w: 8080 # port\n", true },
        { "wrong types the core reports", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: eighty\n  - port: 70000\n  selector: [a]\n", true },
        { "literal block scalars", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: d\ndata:\n  clip: |\n    line one\n\n      indented\n    # not a comment\n\n  strip: |-\n    a\n    b\n  keep: |+\n    kept\n\n\n  after: x\n", true },
        { "indentless and nested sequences", "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: d\nspec:\n  a:\n  - x: 1\n    y:\n    - 2\n    - 3\n  -\n  - z\n  b:\n    - c:\n        d: [1, 2.5, true, null, ~]\n", true },
        { "no namespace, unknown kind", "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  rules:\n  - name: r0\n", true },
        { "a document that is only a comment", "# nothing\n---\n# still nothing\n", false },
        { "anchors and aliases", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: &n c\n  namespace: d\ndata:\n  a: *n\n", false },
        { "a merge key", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: d\ndata:\n  <<: {a: b}\n", false },
        { "a tag", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: d\ndata:\n  a: !!str 1\n", false },
        { "a duplicate key", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  name: e\n  namespace: d\n", false },
        { "a multi-line plain scalar", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: d\ndata:\n  a: one\n    two\n", false },
        { "a folded block scalar", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: d\ndata:\n  a: >\n    one\n    two\n", false },
        { "tabs", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: d\ndata:\n  a: \"x\ty\"\n", false },
        { "carriage returns", "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: c\r\n", false },
        { "a malformed document between sound ones", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: d\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: d\n", true },
        { "bad indentation", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n namespace: d\n", false },
        { "a list document", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n", false },
        { "a root sequence", "- a\n- b\n", false },
        { "a flow mapping", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: d}\n", false },
        { "a double-quoted escape outside the subset", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: d\ndata:\n  a: \"\\u00e9\\x41\"\n", false },
        { "non-ASCII text", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: d\n  annotations:\n    note: 日本語 é\ndata:\n  \"clé\": 'ü'\n", true },
        { "no line break at the end", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: d\ndata:\n  a: |\n    x", false },
        { "a secret written as numbers", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: d\nstringData:\n  pin: 8675309\n  on: true\n", true },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Load_Yaml_FastPathSameAsTheExactPath(string name, string yaml, bool taken)
    {
        _ = name;
        AssertSameAsExactPath(yaml, "in.yaml", new ManifestLoaderOptions());

        Assert.Equal(taken, TakenDocuments(yaml, new ManifestLoaderOptions()) > 0);
    }

    [Fact]
    public void Load_YamlBytesWithMultiByteCharacters_FieldsLocatedAsFromTheText()
    {
        // Characters of two, three and four UTF-8 bytes before and inside later documents: each document keeps its
        // own bytes, so a field's position must not depend on how many bytes came before it.
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: d\ndata:\n  note: é 日本語 😀\n---\n"
            + "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n    namespace: d\n    annotations:\n      note: ü\n"
            + "---\n# ☕ a comment\n" + Route + "\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: d\n"
            + "  annotations: {note: \"flow, 日本\"}\nspec:\n  ports:\n  - port: 80\n  - port: 81\n";
        var fromText = new ManifestLoader().Load([ManifestSource.FromText(text, "in.yaml")]);
        var fromBytes = new ManifestLoader().Load([ManifestSource.FromStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "in.yaml")]);

        AssertSame(fromText, fromBytes);
        // The route is dropped (its second rule is broken on purpose), with its diagnostics located as from the text.
        Assert.Equal(3, fromBytes.Objects.Count);
        Assert.Contains(fromBytes.Diagnostics, d => d.Subject?.Kind == "HTTPRoute" && d.Location is not null);
        var at = text.IndexOf("name: s\n", StringComparison.Ordinal);
        var expected = new SourceLocation("in.yaml", text[..at].Count(c => c == '\n') + 1, at - text.LastIndexOf('\n', at));
        Assert.Equal(expected, fromBytes.Objects[2].Fields!.Locate("metadata.name"));
    }

    [Fact]
    public void Load_YamlWithCreationOrder_SameAsTheExactPath()
    {
        var text = string.Concat(Enumerable.Range(0, 200).Select(i => i == 50
            ? "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: &a s\n"
            : $"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s{i}\n  namespace: n\n"));
        var options = new ManifestLoaderOptions { InputOrderIsCreationOrder = true };

        AssertSameAsExactPath(text, "many.yaml", options);
        Assert.Equal(199, TakenDocuments(text, options));
    }

    [Fact]
    public void Load_YamlNearTheLimits_TakesTheExactPath()
    {
        var deep = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: d\ndata:\n  a:\n    b:\n      c:\n        d: 1\n";
        var options = new ManifestLoaderOptions { MaxDepth = 4, MaxNodesPerDocument = 100 };

        AssertSameAsExactPath(deep, "deep.yaml", options);
        Assert.Equal(0, TakenDocuments(deep, options));
        Assert.Equal(0, TakenDocuments(deep, new ManifestLoaderOptions { MaxNodesPerDocument = 9 }));
        Assert.Equal(1, TakenDocuments(deep, new ManifestLoaderOptions()));
    }

    [CorpusFact]
    public void Load_CorporaAsYaml_SameAsTheExactPath()
    {
        var taken = 0;
        var documents = 0;
        foreach (var file in Directory.EnumerateFiles(CorpusFactAttribute.CorpusRoot!, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var text = File.ReadAllText(file);
            AssertSameAsExactPath(text, file, new ManifestLoaderOptions());
            taken += TakenDocuments(text, new ManifestLoaderOptions());
            documents += YamlSourceReader.SplitDocuments(text).Count;
        }

        // Most of the corpora's documents are in the subset: the comparison above covers the fast path, not only declines.
        Assert.True(taken * 2 > documents, $"{taken} of {documents} documents read on the fast path");
    }

    /// <summary>How many documents of <paramref name="yaml"/> the fast path takes.</summary>
    internal static int TakenDocuments(string yaml, ManifestLoaderOptions options)
    {
        var limits = ReaderLimits.From(options);
        return YamlSourceReader.SplitDocuments(yaml)
            .Count(c => YamlFastReader.TryRead(new YamlChunk(yaml, c.Start, c.End, c.FirstLine, "in.yaml", limits), [], new PolicyAttach.Manifests.ManifestTokenPool()) && HasContent(yaml[c.Start..c.End]));

        static bool HasContent(string chunk)
            => chunk.Split('\n').Any(line => line.TrimStart().Length > 0 && !line.TrimStart().StartsWith('#') && line.TrimEnd() is not ("---" or "..."));
    }

    internal static void AssertSameAsExactPath(string yaml, string file, ManifestLoaderOptions options)
    {
        var fast = new ManifestLoader(options).Load([ManifestSource.FromText(yaml, file)]);
        var exact = new ManifestLoader(options with { ExactYamlOnly = true }).Load([ManifestSource.FromText(yaml, file)]);
        AssertSame(exact, fast);

        // Read as bytes (as from a file), documents keep their UTF-8 bytes instead of the decoded text: the same again.
        var bytes = System.Text.Encoding.UTF8.GetBytes(yaml);
        if (!yaml.StartsWith('\uFEFF') && System.Text.Encoding.UTF8.GetString(bytes) == yaml)
        {
            AssertSame(exact, new ManifestLoader(options).Load([ManifestSource.FromStream(new MemoryStream(bytes), file)]));
            AssertSame(exact, new ManifestLoader(options with { ExactYamlOnly = true }).Load([ManifestSource.FromStream(new MemoryStream(bytes), file)]));
        }
    }

    private static void AssertSame(LoadResult exact, LoadResult fast)
    {
        Assert.Equal(exact.Diagnostics, fast.Diagnostics);
        Assert.Equal(exact.Objects, fast.Objects);
        Assert.Equal(exact.DocumentCount, fast.DocumentCount);
        for (var i = 0; i < exact.Objects.Count; i++)
        {
            foreach (var path in Paths)
            {
                Assert.Equal(exact.Objects[i].Fields!.Locate(path), fast.Objects[i].Fields!.Locate(path));
            }
        }
    }

    /// <summary>Field paths to locate, as in the JSON fast path's tests.</summary>
    private static IEnumerable<string?> Paths =>
    [
        null, string.Empty, "metadata.name", "metadata.labels.app.kubernetes.io/name", "spec.ports[0].port", "spec.ports[1]",
        "spec.rules[0].matches[0].path.value", "spec.rules[1].backendRefs[0]", "spec.parentRefs[0].sectionName",
        "spec.hostnames[2]", "data.clip", "spec.missing.deeper", "items[0]",
    ];
}
