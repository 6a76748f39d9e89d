using System.Text;
using System.Text.Json;
using PolicyAttach.Diagnostics;
using PolicyAttach.Manifests;
using PolicyAttach.Model;

namespace PolicyAttach.Tests.Manifests;

public class ManifestTokensTests
{
    private const string Policy = """{"apiVersion":"example.com/v1","kind":"RetryPolicy","metadata":{"name":"p","namespace":"n"},"spec":{"targetRefs":[{"group":"","kind":"Service","name":"s"}],"default":{"retries":3,"note":"caf\u00e9 \"q\"","ratio":1.50,"on":true,"off":null}}}""";

    [Fact]
    public void Parse_EscapedStrings_ReadUnescaped()
    {
        using var tokens = ManifestTokens.Parse(Encoding.UTF8.GetBytes("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"n","labels":{"a\u0062":"x\ny"}}}"""));
        var service = Assert.IsType<Service>(ManifestReader.ReadTokens(tokens).Resource);
        Assert.Equal("x\ny", service.Metadata.Labels["ab"]);
    }

    [Fact]
    public void Parse_RepeatedKey_LastOneRead()
    {
        using var tokens = ManifestTokens.Parse(Encoding.UTF8.GetBytes("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"first","name":"second","namespace":"n"}}"""));
        Assert.Equal("second", ManifestReader.ReadTokens(tokens).Resource!.Name);
    }

    [Fact]
    public void Parse_PolicyOverText_SameObjectAndDataAsTheElement()
    {
        using var document = JsonDocument.Parse(Policy);
        using var tokens = ManifestTokens.Parse(Encoding.UTF8.GetBytes(Policy));
        var fromTokens = ManifestReader.ReadTokens(tokens);
        var fromElement = ManifestReader.Read(document.RootElement);
        Assert.Equal(fromElement.Resource, fromTokens.Resource);
        var policy = Assert.IsAssignableFrom<PolicyObject>(fromTokens.Resource);
        Assert.Equal(document.RootElement.GetProperty("spec").GetRawText(), policy.Spec.Element.GetRawText());
    }

    [Fact]
    public void Writer_WrittenValues_ElementIsWhatTheJsonWriterWrites()
    {
        var writer = new ManifestTokenWriter();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            json.WriteStartObject();
            writer.WriteStartObject();
            foreach (var (name, value) in new[] { ("a", "caf\u00e9 <\"x\">"), ("b\u00e9", "plain") })
            {
                json.WritePropertyName(name);
                json.WriteStringValue(value);
                writer.WritePropertyName(name);
                writer.WriteStringValue(value);
            }

            json.WritePropertyName("n");
            json.WriteRawValue("1e3", skipInputValidation: true);
            json.WritePropertyName("l");
            json.WriteStartArray();
            json.WriteBooleanValue(true);
            json.WriteNullValue();
            json.WriteStartObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        writer.WritePropertyName("n");
        writer.WriteNumberValue("1e3");
        writer.WritePropertyName("l");
        writer.WriteStartArray();
        writer.WriteBooleanValue(true);
        writer.WriteNullValue();
        writer.WriteStartObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        using var tokens = writer.ToTokens();
        Assert.Equal(Encoding.UTF8.GetString(buffer.WrittenSpan), tokens.ToElement().GetRawText());
        Assert.False(tokens.IsList);
    }

    [Fact]
    public void Writer_TokensFromAPool_SameAsTokensOfTheirOwnAndReusedOnceDisposed()
    {
        var pool = new ManifestTokenPool();
        var writer = new ManifestTokenWriter();
        ManifestTokens Write(string name)
        {
            writer.WriteStartObject();
            writer.WritePropertyName("name");
            writer.WriteStringValue(name);
            writer.WritePropertyName("list");
            writer.WriteStartArray();
            writer.WriteNumberValue("80");
            writer.WriteBooleanValue(true);
            writer.WriteEndArray();
            writer.WriteEndObject();
            return writer.ToTokens(pool);
        }

        var first = Write("first");
        var text = first.ToElement().GetRawText();
        first.Dispose();
        using var second = Write("other");
        Assert.Equal("{\"name\":\"first\",\"list\":[80,true]}", text);
        Assert.Equal("{\"name\":\"other\",\"list\":[80,true]}", second.ToElement().GetRawText());
        Assert.Equal(7, second.Count);
    }

    [Fact]
    public void Read_WrongTypeInTokens_SameDiagnosticAsTheElement()
    {
        const string text = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"n"},"spec":{"ports":[{"port":"80"},{"port":{"x":1}}]}}""";
        using var document = JsonDocument.Parse(text);
        using var tokens = ManifestTokens.Parse(Encoding.UTF8.GetBytes(text));
        var fromTokens = ManifestReader.ReadTokens(tokens).Diagnostics;
        Assert.Equal(ManifestReader.Read(document.RootElement).Diagnostics, fromTokens);
        Assert.Contains(fromTokens, d => d.Code == DiagnosticCodes.WrongType && d.Path == "spec.ports[1].port");
    }

    [Fact]
    public void NodePath_PresentAbsentAndRepeated_PathOfEachPlace()
    {
        using var tokens = ManifestTokens.Parse(Encoding.UTF8.GetBytes("""{"a":1,"a":{"b":[0,{"c":2,"d\u0065":[[],[3]]}]},"e":null}"""));
        var root = new Node(tokens, string.Empty, new ReadContext());
        var b = root["a"]["b"];
        var items = b.AsItems().ToList();
        Assert.Equal(string.Empty, root.Path);
        Assert.Equal("a.b", b.Path);
        Assert.Equal("a.b[1].c", items[1]["c"].Path);
        Assert.Equal("a.b[1].de[1][0]", items[1]["de"].AsItems().Last().AsItems().Single().Path);
        // Absent fields below a present value, below an absent one, and below a null.
        Assert.Equal("a.b[1].x", items[1]["x"].Path);
        Assert.Equal("a.b[0].x.y.z", items[0]["x"]["y"]["z"].Path);
        Assert.Equal("e.f.g", root["e"]["f"]["g"].Path);
        // Asked out of order, the walk starts again where the remembered place is past the one asked.
        Assert.Equal("a.b[0]", items[0].Path);
        Assert.Equal("a.b[1]", items[1].Path);
        Assert.Equal("a.b[0]", items[0].Path);
    }

    [Fact]
    public void NodePath_RootGivenAPathOrNoToken_PathStartsWithIt()
    {
        using var tokens = ManifestTokens.Parse(Encoding.UTF8.GetBytes("""{"x":[{"y":1}]}"""));
        var spec = new Node(tokens, "spec", new ReadContext());
        Assert.Equal("spec", spec.Path);
        Assert.Equal("spec.x[0].y", spec["x"].AsItems().Single()["y"].Path);
        Assert.Equal("spec.z.w", spec["z"]["w"].Path);
        using var none = ManifestTokens.From(default);
        Assert.Equal("spec.a.b", new Node(none, "spec", new ReadContext())["a"]["b"].Path);
        Assert.Equal("a", new Node(none, string.Empty, new ReadContext())["a"].Path);
    }

    [Fact]
    public void Parse_EscapedStringAsData_KeepsItsJsonText()
    {
        const string text = """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"n"},"spec":"a\u0062\"c"}""";
        using var document = JsonDocument.Parse(text);
        using var tokens = ManifestTokens.Parse(Encoding.UTF8.GetBytes(text));
        var generic = Assert.IsType<GenericObject>(ManifestReader.ReadTokens(tokens).Resource);
        Assert.Equal("\"a\\u0062\\\"c\"", generic.Spec!.Element.GetRawText());
        Assert.Equal(Assert.IsType<GenericObject>(ManifestReader.Read(document.RootElement).Resource).Raw.Element.GetRawText(), generic.Raw.Element.GetRawText());
    }

    [Fact]
    public void Parse_CommentInsideData_DataKeepsIt()
    {
        const string text = """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"n"},"spec":{"a":1 /* one */}}""";
        var options = new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip };
        using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        using var tokens = ManifestTokens.Parse(Encoding.UTF8.GetBytes(text), options);
        var generic = Assert.IsType<GenericObject>(ManifestReader.ReadTokens(tokens).Resource);
        Assert.Equal(document.RootElement.GetProperty("spec").GetRawText(), generic.Spec!.Element.GetRawText());
        Assert.Equal(Assert.IsType<GenericObject>(ManifestReader.Read(document.RootElement).Resource).Spec, generic.Spec);
    }

    [Fact]
    public void IsList_ListOfItems_True()
    {
        using var tokens = ManifestTokens.Parse(Encoding.UTF8.GetBytes("""{"apiVersion":"v1","kind":"ServiceList","items":[]}"""));
        Assert.True(tokens.IsList);
        Assert.Null(tokens.ObjectField("status"));
    }
}
