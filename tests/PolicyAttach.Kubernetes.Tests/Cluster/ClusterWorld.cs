using System.Text.Json.Nodes;

namespace PolicyAttach.Kubernetes.Tests.Cluster;

/// <summary>A small cluster's objects for the local API server: a class, a Gateway, a route, a Service, a Secret and the CRDs.</summary>
internal static class ClusterWorld
{
    /// <summary>The one Secret value; no output may ever show it (nor its base64 form).</summary>
    public const string SecretValue = "secret-sentinel-value";

    public static string SecretValueBase64 => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(SecretValue));

    public static JsonObject Crd(string group, string kind, string plural, string version, bool namespaced = true, bool policy = false)
    {
        var metadata = new JsonObject { ["name"] = plural + "." + group, ["creationTimestamp"] = "2024-01-01T00:00:00Z" };
        if (policy)
        {
            metadata["labels"] = new JsonObject { ["gateway.networking.k8s.io/policy"] = "direct" };
        }

        return new JsonObject
        {
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["group"] = group,
                ["names"] = new JsonObject { ["kind"] = kind, ["plural"] = plural },
                ["scope"] = namespaced ? "Namespaced" : "Cluster",
                ["versions"] = new JsonArray(
                    new JsonObject { ["name"] = "v1alpha9", ["served"] = false, ["storage"] = false },
                    new JsonObject { ["name"] = version, ["served"] = true, ["storage"] = true }),
            },
        };
    }

    /// <summary>Fills the server with the world; <paramref name="services"/> Services named svc-0... in namespace default.</summary>
    public static void Populate(LocalApiServer server, int services = 1)
    {
        const string Gw = "gateway.networking.k8s.io";
        server.Add("customresourcedefinitions.apiextensions.k8s.io", "apiextensions.k8s.io/v1",
            Crd(Gw, "GatewayClass", "gatewayclasses", "v1", namespaced: false),
            Crd(Gw, "Gateway", "gateways", "v1"),
            Crd(Gw, "HTTPRoute", "httproutes", "v1"),
            Crd(Gw, "ReferenceGrant", "referencegrants", "v1beta1"),
            Crd(Gw, "GRPCRoute", "grpcroutes", "v1"),
            Crd("example.com", "RetryPolicy", "retrypolicies", "v1", policy: true),
            Crd("unrelated.example.com", "Widget", "widgets", "v1"));
        server.Add("namespaces", "v1",
            Parse("""{"kind":"Namespace","metadata":{"name":"default","creationTimestamp":"2024-01-01T00:00:00Z"}}"""),
            Parse("""{"kind":"Namespace","metadata":{"name":"infra","creationTimestamp":"2024-01-01T00:00:00Z"}}"""));
        server.Add("gatewayclasses." + Gw, Gw + "/v1",
            Parse("""{"kind":"GatewayClass","metadata":{"name":"example","creationTimestamp":"2024-01-01T00:00:00Z","generation":1},"spec":{"controllerName":"example.com/gateway-controller"}}"""));
        server.Add("gateways." + Gw, Gw + "/v1",
            Parse("""{"kind":"Gateway","metadata":{"name":"web","namespace":"infra","creationTimestamp":"2024-01-01T00:00:00Z","generation":2},"spec":{"gatewayClassName":"example","listeners":[{"name":"http","protocol":"HTTP","port":80,"allowedRoutes":{"namespaces":{"from":"All"}}},{"name":"https","protocol":"HTTPS","port":443,"hostname":"*.example.com","allowedRoutes":{"namespaces":{"from":"All"}},"tls":{"certificateRefs":[{"name":"web-cert"}]}}]}}"""));
        server.Add("httproutes." + Gw, Gw + "/v1",
            Parse("""{"kind":"HTTPRoute","metadata":{"name":"shop","namespace":"default","creationTimestamp":"2024-01-01T00:00:00Z","generation":3},"spec":{"parentRefs":[{"name":"web","namespace":"infra"}],"hostnames":["shop.example.com"],"rules":[{"backendRefs":[{"name":"svc-0","port":8080}]}]}}"""));
        server.Add("secrets", "v1",
            Parse($$$"""{"kind":"Secret","metadata":{"name":"web-cert","namespace":"infra","creationTimestamp":"2024-01-01T00:00:00Z"},"type":"Opaque","data":{"password":"{{{SecretValueBase64}}}"}}"""));
        for (var i = 0; i < services; i++)
        {
            server.Add("services", "v1",
                Parse($$$"""{"kind":"Service","metadata":{"name":"svc-{{{i}}}","namespace":"default","creationTimestamp":"2024-01-01T00:00:00Z"},"spec":{"ports":[{"name":"http","port":8080}]}}"""));
        }
    }

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
