using System.Text.Json;
using PolicyAttach.Conversion;
using PolicyAttach.Ingresses;
using PolicyAttach.Manifests;
using static PolicyAttach.Tests.Ingresses.IngressWorld;

namespace PolicyAttach.Tests.Ingresses;

/// <summary>The converted objects, written as manifests and read back, are the objects the converter made.</summary>
public class ConversionRoundTripTests
{
    [Fact]
    public void ConvertedManifests_ReadBack_EqualConvertedObjects()
    {
        var tls = "\"ingressClassName\":\"web\",\"tls\":[{\"hosts\":[\"a.example.com\"],\"secretName\":\"cert\"}],\"rules\":["
            + Rule("a.example.com", ("Exact", "/login", "a"), ("Prefix", "/api", "b")) + "," + Rule(null, ("Prefix", "/", "b")) + "]";
        var snapshot = Snapshot(Class(), Service("a"), Service("b"), Ingress("i", tls), Ingress("j", Spec(Rule("*.b.example.com", ("ImplementationSpecific", "/x", "a")))));
        var conversion = IngressConverter.Convert(snapshot);
        var manifests = conversion.Objects.Select(ManifestWriter.Write).ToList();
        var objects = conversion.Objects.ToList();

        Assert.NotEmpty(objects);
        Assert.Equal(objects.Count, manifests.Count);
        for (var i = 0; i < manifests.Count; i++)
        {
            using var document = JsonDocument.Parse(manifests[i]);
            var read = ManifestReader.Read(document.RootElement, new ManifestReadOptions { DefaultCreationTimestamp = objects[i].Metadata.CreationTimestamp });
            Assert.DoesNotContain(read.Diagnostics, d => d.Severity == PolicyAttach.Diagnostics.DiagnosticSeverity.Error);
            Assert.Equal(objects[i], read.Resource);
        }
    }
}
