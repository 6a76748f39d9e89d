using PolicyAttach.Model;

namespace PolicyAttach.Tests.Model;

public sealed class ResourceKeyTests
{
    [Theory]
    [InlineData("httproute/apps/store", "gateway.networking.k8s.io", "HTTPRoute", "apps", "store")]
    [InlineData("HTTPRoutes/apps/store", "gateway.networking.k8s.io", "HTTPRoute", "apps", "store")]
    [InlineData("httproute.gateway.networking.k8s.io/apps/store", "gateway.networking.k8s.io", "HTTPRoute", "apps", "store")]
    [InlineData("gatewayclasses/istio", "gateway.networking.k8s.io", "GatewayClass", "", "istio")]
    [InlineData("backendtlspolicies/apps/tls", "gateway.networking.k8s.io", "BackendTLSPolicy", "apps", "tls")]
    [InlineData("svc-less/apps/x", "", "svc-less", "apps", "x")]
    [InlineData("service/apps/front", "", "Service", "apps", "front")]
    [InlineData("namespace/apps", "", "Namespace", "", "apps")]
    [InlineData("ingresses/apps/web", "networking.k8s.io", "Ingress", "apps", "web")]
    [InlineData("RetryPolicy.policy.example.io/apps/retry", "policy.example.io", "RetryPolicy", "apps", "retry")]
    public void Parse_TypedReference_GivesCatalogueKindOrKindAsTyped(string text, string group, string kind, string ns, string name)
    {
        Assert.Equal(new ResourceKey(group, kind, ns, name), ResourceKey.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("httproute")]
    [InlineData("httproute/")]
    [InlineData("/apps/store")]
    [InlineData("httproute/apps/store/extra")]
    [InlineData("httproute//store")]
    [InlineData("httproute. /apps/store")]
    [InlineData("httproute./apps/store")]
    [InlineData(" httproute/apps/store")]
    public void TryParse_MalformedReference_IsRefused(string text)
    {
        Assert.False(ResourceKey.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => ResourceKey.Parse(text));
        Assert.Contains("KIND/NAMESPACE/NAME", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Null_IsRefused()
    {
        Assert.False(ResourceKey.TryParse(null, out _));
    }

    [Fact]
    public void Parse_ToStringOfAKey_GivesTheKeyBack()
    {
        var keys = new[]
        {
            ResourceKey.ForGateway("infra", "gw"), ResourceKey.ForGatewayClass("istio"), ResourceKey.ForHttpRoute("apps", "store"),
            ResourceKey.ForGrpcRoute("apps", "rpc"), ResourceKey.ForListenerSet("apps", "extra"), ResourceKey.ForService("apps", "front"),
            ResourceKey.ForNamespace("apps"),
        };

        Assert.All(keys, key => Assert.Equal(key, ResourceKey.Parse(key.ToString())));
    }

    [Fact]
    public void Factories_Always_UseTheCatalogueKinds()
    {
        Assert.Equal(new ResourceKey(Kinds.Gateway, "infra", "gw"), ResourceKey.ForGateway("infra", "gw"));
        Assert.Equal(new ResourceKey(Kinds.Namespace, string.Empty, "apps"), ResourceKey.ForNamespace("apps"));
        Assert.Equal(new ResourceKey(Kinds.Service, "apps", "front"), ResourceKey.ForService("apps", "front"));
    }

    [Theory]
    [InlineData("BackendTLSPolicy", "backendtlspolicy", true)]
    [InlineData("BackendTLSPolicy", "backendtlspolicies", true)]
    [InlineData("GatewayClass", "gatewayclasses", true)]
    [InlineData("HTTPRoute", "httproutes", true)]
    [InlineData("HTTPRoute", "httprout", false)]
    [InlineData("Gateway", "gatewayclass", false)]
    public void IsNamedBy_SingularOrPlural_MatchesIgnoringCase(string kind, string typed, bool expected)
    {
        Assert.Equal(expected, new GroupKind("g", kind).IsNamedBy(typed));
    }

    [Theory]
    [InlineData("gateway.networking.k8s.io/v1", "HTTPRoute", "gateway.networking.k8s.io")]
    [InlineData("v1", "Service", "")]
    [InlineData("apps/v1", "Deployment", "apps")]
    public void FromApiVersion_GroupedOrCoreVersion_TakesGroupBeforeLastSlash(string apiVersion, string kind, string group)
    {
        Assert.Equal(new GroupKind(group, kind), GroupKind.FromApiVersion(apiVersion, kind));
    }
}
