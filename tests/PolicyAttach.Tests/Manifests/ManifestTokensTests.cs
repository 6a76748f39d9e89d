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
