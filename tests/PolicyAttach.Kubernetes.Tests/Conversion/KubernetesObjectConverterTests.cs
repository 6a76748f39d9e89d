using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using PolicyAttach.Kubernetes.Conversion;
using PolicyAttach.Model;

namespace PolicyAttach.Kubernetes.Tests.Conversion;

public sealed class KubernetesObjectConverterTests
{
    [Fact]
    public void Convert_V1Service_GivesTheCoreObjectWithItsKey()
    {
        var service = new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "shop" },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Name = "http", Port = 80 }] },
        };

        var result = KubernetesObjectConverter.Convert(service);

        Assert.NotNull(result.Resource);
        Assert.Equal(new ResourceKey(string.Empty, "Service", "shop", "web"), result.Resource.Key);
        Assert.Equal("Service", result.Resource.Kind);
    }

    [Fact]
    public void Convert_ModelWithoutApiVersionAndKind_TakesThemFromTheEntityAttribute()
    {
        var ns = new V1Namespace { Metadata = new V1ObjectMeta { Name = "shop" } };

        var result = KubernetesObjectConverter.Convert(ns);

        // Until the core reads Namespace as cluster-scoped, only group, kind and name are asserted.
        Assert.NotNull(result.Resource);
        Assert.Equal((string.Empty, "Namespace", "shop"), (result.Resource.Group, result.Resource.Kind, result.Resource.Name));
    }

    [Fact]
    public void Convert_JsonNodeCustomResource_IsReadLikeAManifest()
    {
        var node = JsonNode.Parse("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"d"},"spec":{"port":80}}""")!;

        var result = KubernetesObjectConverter.Convert(node);

        var generic = Assert.IsType<GenericObject>(result.Resource);
        Assert.Equal(JsonValueKind.Number, generic.Spec!.Element.GetProperty("port").ValueKind);
    }

    [Fact]
    public void ConvertAll_ServiceList_ExpandsItemsWithTheEpochAsTimestamp()
    {
        var list = new V1ServiceList
        {
            ApiVersion = "v1",
            Kind = "ServiceList",
            Items = [new V1Service { Metadata = new V1ObjectMeta { Name = "a", NamespaceProperty = "x" } }, new V1Service { ApiVersion = "v1", Kind = "Service", Metadata = new V1ObjectMeta { Name = "b", NamespaceProperty = "x" } }],
        };

        var result = KubernetesObjectConverter.ConvertAll([list, new V1Namespace { Metadata = new V1ObjectMeta { Name = "x" } }]);

        Assert.Equal(["a", "b", "x"], result.Resources.Select(r => r.Name));
        Assert.Equal("Service", result.Objects[0].Resource.Kind);
        Assert.Equal(ObjectMeta.DefaultEpoch, result.Objects[2].Resource.Metadata.CreationTimestamp);
    }
}
