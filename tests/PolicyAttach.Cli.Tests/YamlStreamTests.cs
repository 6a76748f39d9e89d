using System.Text;
using PolicyAttach.Cli.Output;
using PolicyAttach.Kubernetes.Documents;

namespace PolicyAttach.Cli.Tests;

/// <summary>YAML made from JSON tokens as they come is the YAML of the whole text, whatever the chunks' boundaries.</summary>
public sealed class YamlStreamTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("\"yes\"")]
    [InlineData("12.5e3")]
    [InlineData("[1, [2, [], {}], [[\"a\"]], {\"k\": []}]")]
    [InlineData("{\"a\": {}, \"b\": [], \"c\": {\"d\": [{\"e\": null, \"f\": true}, {}, [false]]}, \"on\": \"off\", \"\": \"\"}")]
    [InlineData("{\"weird key: x\": \"line\\nbreak \\\"quoted\\\" \\u00e9 \\ud83d\\ude00\", \"n\": -0.0, \"plain/value-1.2_x\": \"/path\"}")]
    public void Write_AnyJson_IsTheYamlOfTheWholeTextAtAnyChunkSize(string json)
    {
        var expected = ManifestText.ToYaml(json);
        var bytes = Encoding.UTF8.GetBytes(json);
        foreach (var chunk in new[] { 1, 2, 3, 7, bytes.Length })
        {
            using var output = new StringWriter();
            using (var yaml = new YamlStream(output))
            {
                for (var at = 0; at < bytes.Length; at += chunk)
                {
                    yaml.Write(bytes, at, Math.Min(chunk, bytes.Length - at));
                }

                yaml.Finish();
            }

            Assert.Equal(expected, output.ToString());
        }
    }
}
