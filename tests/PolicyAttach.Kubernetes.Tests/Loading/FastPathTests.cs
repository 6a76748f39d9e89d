using System.Globalization;
using System.Text;
using System.Text.Json;
using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Documents;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.TestSupport;

namespace PolicyAttach.Kubernetes.Tests.Loading;

/// <summary>
/// The reading fast paths against the exact path they must reproduce: a JSON file read as bytes (found by one pass of
/// the JSON reader, fields located on demand) against the same text given as a string (node tree, JSON written again),
/// object for object, diagnostic for diagnostic and field position for field position; and the documents of a large
/// file read on all cores against their input order.
/// </summary>
public sealed class FastPathTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static TheoryData<string, string> JsonInputs => new()
    {
        { "list", File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "list.json")) },
        { "one object with core diagnostics", "{\n  \"apiVersion\": \"example.com/v1\",\n  \"kind\": \"Widget\",\n  \"metadata\": {\"namespace\": \"default\"}\n}" },
        { "compact list, non-ASCII text before fields", "{\"kind\":\"ServiceList\",\"apiVersion\":\"v1\",\"items\":[null,{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"é-ü\",\"namespace\":\"ns\",\"annotations\":{\"note\":\"日本語\"}},\"spec\":{\"ports\":[{\"port\":\"eighty\"}]}},{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"b\",\"labels\":{\"app.kubernetes.io/name\":\"b\"}},\"spec\":{\"ports\":[{\"port\":70000}]}}]}" },
        { "kind after items", "{\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\"}}],\r\n\"kind\":\"List\"}" },
        { "items that are not objects", "{\"kind\":\"List\",\"items\":[1,\"two\",[3],{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"s\"}}]}" },
        { "a list without List kind", "{\"kind\":\"Listing\",\"apiVersion\":\"example.com/v1\",\"metadata\":{\"name\":\"x\",\"namespace\":\"d\"},\"items\":[{\"a\":1}]}" },
        { "root array", "[{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\"}}]" },
        { "comments and escapes", "// a comment\n{\"apiVersion\":\"v1\",/* c */\"kind\":\"Ser\\u0076ice\",\"metadata\":{\"na\\u006de\":\"a\\nb\",\"namespace\":\"x\"}}" },
        { "duplicate key", "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\",\"name\":\"b\"}}" },
        { "escaped duplicate key", "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\",\"n\\u0061me\":\"b\"}}" },
        { "lone surrogate", "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"\\ud800\"}}" },
        { "syntax error", "{\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\"}},]}" },
        { "many keys, the last one repeated", "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\",\"labels\":{" + string.Join(",", Enumerable.Range(0, 300).Select(i => $"\"k{i}\":\"v\"")) + ",\"k17\":\"w\"}}}" },
        { "many keys in objects one after another", "{\"kind\":\"List\",\"items\":[" + string.Join(",", Enumerable.Range(0, 40).Select(o => "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s" + o + "\",\"labels\":{" + string.Join(",", Enumerable.Range(0, o * 7).Select(i => $"\"k{i}\":\"{o}\"")) + "}}}")) + "]}" },
        { "null document", "null" },
        { "scalar document", "  42 " },
        { "whitespace only", " \n " },
        { "trailing text", "{\"apiVersion\":\"v1\"} x" },
    };

    [Theory]
    [MemberData(nameof(JsonInputs))]
    public void Load_JsonBytes_SameAsTheExactPath(string name, string json)
    {
        _ = name;
        AssertSameAsExactPath(json, new ManifestLoaderOptions());
    }

    [Fact]
    public void Load_JsonBytesWithCreationOrder_SameAsTheExactPath()
    {
        var items = string.Join(",", Enumerable.Range(0, 200).Select(i => $"{{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{{\"name\":\"s{i}\",\"namespace\":\"n\"}}}}"));
        AssertSameAsExactPath($"{{\"kind\":\"List\",\"items\":[{items}]}}", new ManifestLoaderOptions { InputOrderIsCreationOrder = true });
    }

    [Fact]
    public void Load_JsonPastTheNodeLimit_TakesTheExactPath()
    {
        var options = new ManifestLoaderOptions { MaxNodesPerDocument = 8 };
        var json = "{\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\",\"namespace\":\"n\"}},{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"b\",\"namespace\":\"n\",\"labels\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}}}]}";
        var (fast, _) = AssertSameAsExactPath(json, options);

        Assert.Equal(["a"], fast.Objects.Select(o => o.Resource.Name));
        Assert.Contains(fast.Diagnostics, d => d.Code == DiagnosticCodes.MalformedDocument);
    }

    public static TheoryData<string, string> LateProblems => new()
    {
        { "duplicate key in the last item", ",\"metadata\":{\"name\":\"z\",\"name\":\"y\"}}]}" },
        { "lone surrogate in the last item", ",\"metadata\":{\"name\":\"\\udc00\"}}]}" },
        { "escaped duplicate key in the last item", ",\"metadata\":{\"name\":\"z\",\"n\\u0061me\":\"y\"}}]}" },
        { "syntax error after the items", ",\"metadata\":{\"name\":\"z\"}}],}" },
        { "duplicate key in the root after the items", ",\"metadata\":{\"name\":\"z\"}}],\"kind\":\"List\"}" },
        { "unclosed root", ",\"metadata\":{\"name\":\"z\"}}]" },
        { "no problem", ",\"metadata\":{\"name\":\"z\"}}]}" },
    };

    [Theory]
    [MemberData(nameof(LateProblems))]
    public void Load_JsonListWithAProblemAtItsEnd_SameAsTheExactPath(string name, string end)
    {
        // Hundreds of items are read on other threads while the first pass goes on; a problem found only at the end
        // declines the whole file, and what was read early must leave no trace.
        _ = name;
        var json = $"{{\"kind\":\"List\",\"items\":[{ManyServices(700)},{{\"apiVersion\":\"v1\",\"kind\":\"Service\"{end}";
        AssertSameAsExactPath(json, new ManifestLoaderOptions());
        AssertSameAsExactPath(json, new ManifestLoaderOptions { InputOrderIsCreationOrder = true });
    }

    [Fact]
    public void Load_JsonListPastTheNodeLimitInItsLastItem_SameAsTheExactPath()
    {
        var options = new ManifestLoaderOptions { MaxNodesPerDocument = 12 };
        var json = $"{{\"kind\":\"List\",\"items\":[{ManyServices(500)},{{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{{\"name\":\"z\",\"namespace\":\"n\",\"labels\":{{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\",\"e\":\"5\",\"f\":\"6\"}}}}}}]}}";
        var (fast, _) = AssertSameAsExactPath(json, options);

        Assert.Equal(500, fast.Objects.Count);
        Assert.Contains(fast.Diagnostics, d => d.Code == DiagnosticCodes.MalformedDocument);
    }

    [Fact]
    public void Load_LongJsonListWithDiagnosticsInManyItems_SameAsTheExactPathInOrder()
    {
        // Every seventh Service has a port out of range and every eleventh no namespace: their diagnostics come from
        // different threads and must be reported in input order.
        var items = string.Join(",\n", Enumerable.Range(0, 900).Select(i =>
            $"{{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{{\"name\":\"s{i}\"{(i % 11 == 0 ? string.Empty : ",\"namespace\":\"n\"")}}},\"spec\":{{\"ports\":[{{\"port\":{(i % 7 == 0 ? 70000 : 80)}}}]}}}}"));
        var (fast, _) = AssertSameAsExactPath($"{{\"kind\":\"List\",\"items\":[\n{items}\n]}}", new ManifestLoaderOptions { InputOrderIsCreationOrder = true });

        Assert.Equal(900 / 11 + 1, fast.Diagnostics.Count(d => d.Code == DiagnosticCodes.DefaultNamespace));
    }

    [Theory]
    [InlineData("List")]
    [InlineData("Listing")]
    public void Load_LongJsonListWithItsKindLast_SameAsTheExactPath(string kind)
    {
        // The items are handed over before the kind says whether they are objects of their own.
        var (fast, _) = AssertSameAsExactPath($"{{\"apiVersion\":\"example.com/v1\",\"metadata\":{{\"name\":\"x\",\"namespace\":\"d\"}},\"items\":[{ManyServices(300)}],\"kind\":\"{kind}\"}}", new ManifestLoaderOptions());

        Assert.Equal(kind == "List" ? 300 : 1, fast.Objects.Count);
    }

    private static string ManyServices(int count)
        => string.Join(",", Enumerable.Range(0, count).Select(i => $"{{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{{\"name\":\"s{i}\",\"namespace\":\"n\"}}}}"));

    [CorpusFact]
    public void Load_ConformanceCorpusAsJson_SameAsTheExactPath()
    {
        var manifests = Path.Combine(CorpusFactAttribute.CorpusRoot!, "gateway-api-conformance", "manifests");
        foreach (var file in Directory.EnumerateFiles(manifests, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var parsed = ManifestText.Parse(File.ReadAllText(file), file);
            var list = new StringBuilder("{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n");
            list.AppendJoin(",\n", parsed.Documents.Select(d => JsonSerializer.Serialize(d, Indented)));
            list.Append("\n  ]\n}\n");
            AssertSameAsExactPath(list.ToString(), new ManifestLoaderOptions());
        }
    }

    [Fact]
    public void Load_ManyYamlDocumentsWithOneTooDeep_KeepInputOrderAndCreationOrder()
    {
        // 100 documents, read on all cores; the 10th breaks the depth limit only once its alias is expanded, so it is
        // skipped when converted, and the creation order of the objects after it counts it out.
        var text = new StringBuilder();
        for (var i = 0; i < 100; i++)
        {
            var spec = i == 10 ? "{a: &x [[1]], b: [[[*x]]]}" : "{}";
            text.Append(CultureInfo.InvariantCulture, $"---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {{name: w{i:000}, namespace: default}}\nspec: {spec}\n");
        }

        var options = new ManifestLoaderOptions { InputOrderIsCreationOrder = true, MaxDepth = 6 };
        var result = new ManifestLoader(options).LoadText(text.ToString(), "many.yaml");

        Assert.Equal(Enumerable.Range(0, 100).Where(i => i != 10).Select(i => $"w{i:000}"), result.Objects.Select(o => o.Resource.Name));
        Assert.Equal(Enumerable.Range(0, 99).Select(i => options.Epoch.AddSeconds(i)), result.Objects.Select(o => o.Resource.Metadata.CreationTimestamp));
        var skipped = Assert.Single(result.Diagnostics);
        Assert.Equal(new SourceLocation("many.yaml", 52, 1), skipped.Location);
        Assert.Equal(Enumerable.Range(0, 100).Where(i => i != 10).Select(i => new SourceLocation("many.yaml", (5 * i) + 2, 1)), result.Objects.Select(o => o.Location));
    }

    [Fact]
    public void Load_YamlFields_LocatedFromTheTextAfterTheTreeIsDropped()
    {
        const string yaml = """
            apiVersion: v1
            kind: List
            items:
            - null
            - apiVersion: example.com/v1
              kind: Widget
              metadata: {name: a, namespace: default}
              spec:
                base: &base {port: 80, host: x}
                merged:
                  <<: *base
                  port: 81
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: b
              namespace: default
              labels:
                app.kubernetes.io/name: b
            spec:
              rules:
              - name: r0
              - name: r1
                matches: [{path: /x}]
            """;
        var result = new ManifestLoader().LoadText(yaml, "w.yaml");
        var a = result.Objects[0].Fields!;
        var b = result.Objects[1].Fields!;

        Assert.Equal(new SourceLocation("w.yaml", 5, 3), a.Locate(null));
        Assert.Equal(new SourceLocation("w.yaml", 7, 14), a.Locate("metadata.name"));
        Assert.Equal(new SourceLocation("w.yaml", 9, 18), a.Locate("spec.base.port"));
        Assert.Equal(new SourceLocation("w.yaml", 12, 7), a.Locate("spec.merged.port"));
        Assert.Equal(new SourceLocation("w.yaml", 9, 28), a.Locate("spec.merged.host"));
        Assert.Equal(new SourceLocation("w.yaml", 20, 5), b.Locate("metadata.labels.app.kubernetes.io/name"));
        Assert.Equal(new SourceLocation("w.yaml", 25, 5), b.Locate("spec.rules[1].matches"));
        Assert.Equal(new SourceLocation("w.yaml", 25, 16), b.Locate("spec.rules[1].matches[0].path.deeper"));
        Assert.Equal(new SourceLocation("w.yaml", 22, 3), b.Locate("spec.rules[5]"));
    }

    private static (LoadResult Fast, LoadResult Exact) AssertSameAsExactPath(string json, ManifestLoaderOptions options)
    {
        var loader = new ManifestLoader(options);
        var fast = loader.Load([ManifestSource.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(json)), "in.json")]);
        var exact = loader.Load([ManifestSource.FromText(json, "in.json")]);

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

        return (fast, exact);
    }

    /// <summary>Field paths to locate: fields of the kinds read here, keys with dots, indexes and paths past the text.</summary>
    private static IEnumerable<string?> Paths
    {
        get
        {
            yield return null;
            yield return string.Empty;
            yield return "metadata.name";
            yield return "metadata.labels.app.kubernetes.io/name";
            yield return "metadata.annotations.note";
            yield return "spec.ports[0].port";
            yield return "spec.ports[1]";
            yield return "spec.ports[x]";
            yield return "spec.rules[0].matches[0].path.value";
            yield return "spec.listeners[0].allowedRoutes.namespaces.from";
            yield return "spec.parentRefs[1].name";
            yield return "spec.missing.deeper";
            yield return "metadata..name";
            yield return "items[0]";
            foreach (var key in new[] { "spec", "metadata", "status" })
            {
                for (var i = 0; i < 3; i++)
                {
                    yield return $"{key}.rules[{i}].backendRefs[0].port";
                    yield return $"{key}.hostnames[{i}]";
                }
            }
        }
    }
}
