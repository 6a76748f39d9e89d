using System.Text.Json;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using static PolicyAttach.Tests.Manifests.Documents;
using static PolicyAttach.Tests.Model.RouteTestSupport;

namespace PolicyAttach.Tests.Model;

public class RouteDefaultsTests
{
    [Fact]
    public void HttpRoute_WithoutRules_GetsDefaultPathPrefixRule()
    {
        var route = ReadValid<HttpRoute>(Http("""{"parentRefs":[{"name":"gw"}]}"""));

        var rule = Assert.Single(route.Rules);
        var match = Assert.Single(rule.Matches);
        Assert.Equal(PathMatchType.PathPrefix, match.Path.Type);
        Assert.Equal("/", match.Path.Value);
        Assert.Empty(rule.BackendRefs);
    }

    [Fact]
    public void HttpRoute_ParentRef_DefaultsGroupKindNamespace()
    {
        var route = ReadValid<HttpRoute>(Http("""{"parentRefs":[{"name":"gw"},{"name":"other","namespace":"infra","sectionName":"http","port":80}]}"""));

        var first = route.ParentRefs[0];
        Assert.Equal(Groups.Gateway, first.Group);
        Assert.Equal("Gateway", first.Kind);
        Assert.Equal("ns", first.Namespace);
        Assert.False(first.NamespaceSet);
        var second = route.ParentRefs[1];
        Assert.Equal("infra", second.Namespace);
        Assert.True(second.NamespaceSet);
        Assert.Equal("http", second.SectionName);
        Assert.Equal(80, second.Port);
    }

    [Fact]
    public void HttpRoute_CoreServiceParent_KeepsEmptyGroup()
    {
        var route = ReadValid<HttpRoute>(Http("""{"parentRefs":[{"group":"","kind":"Service","name":"echo"}]}"""));

        Assert.Equal(string.Empty, route.ParentRefs[0].Group);
        Assert.Equal("Service", route.ParentRefs[0].Kind);
    }

    [Fact]
    public void HttpRoute_BackendRef_DefaultsGroupKindWeightNamespace()
    {
        var route = ReadValid<HttpRoute>(HttpRule("""{"backendRefs":[{"name":"svc","port":8080}]}"""));

        var backend = route.Rules[0].BackendRefs[0].BackendRef;
        Assert.Equal(string.Empty, backend.Group);
        Assert.Equal("Service", backend.Kind);
        Assert.Equal(1, backend.Weight);
        Assert.Equal("ns", backend.Namespace);
        Assert.Equal(8080, backend.Port);
    }

    [Fact]
    public void HttpRoute_RuleWithoutMatches_GetsDefaultMatch()
    {
        var route = ReadValid<HttpRoute>(HttpRule("""{"backendRefs":[{"name":"svc","port":80}]}"""));

        Assert.Equal(HttpRouteMatch.Default, Assert.Single(route.Rules[0].Matches));
    }

    [Fact]
    public void HttpRoute_MatchDefaults_PathPrefixSlashAndExactTypes()
    {
        var route = ReadValid<HttpRoute>(HttpRule("""{"matches":[{"headers":[{"name":"x","value":"1"}],"queryParams":[{"name":"q","value":"2"}]},{"path":{"value":"/a"}},{"path":{"type":"Exact"}}]}"""));

        var matches = route.Rules[0].Matches;
        Assert.Equal(HttpPathMatch.Default, matches[0].Path);
        Assert.Equal(StringMatchType.Exact, matches[0].Headers[0].Type);
        Assert.Equal("Exact", matches[0].Headers[0].TypeName);
        Assert.Equal(StringMatchType.Exact, matches[0].QueryParams[0].Type);
        Assert.Equal(PathMatchType.PathPrefix, matches[1].Path.Type);
        Assert.Equal("/a", matches[1].Path.Value);
        Assert.Equal(PathMatchType.Exact, matches[2].Path.Type);
        Assert.Equal("/", matches[2].Path.Value);
    }

    [Fact]
    public void HttpRoute_Filters_DefaultRedirectCodeMirrorDenominatorCorsMaxAge()
    {
        var route = ReadValid<HttpRoute>(HttpRule("""
            {"filters":[
              {"type":"RequestRedirect","requestRedirect":{"scheme":"https"}},
              {"type":"RequestMirror","requestMirror":{"backendRef":{"name":"m","port":80},"fraction":{"numerator":5}}},
              {"type":"CORS","cors":{"allowOrigins":["https://a.example"]}}
            ]}
            """));

        var filters = route.Rules[0].Filters;
        Assert.Equal(302, filters[0].RequestRedirect!.StatusCode);
        Assert.Equal(RouteFilterType.RequestRedirect, filters[0].Type);
        Assert.Equal(100, filters[1].RequestMirror!.Fraction!.Denominator);
        Assert.Equal(0.05, filters[1].RequestMirror!.Share, 6);
        Assert.Equal("ns", filters[1].RequestMirror!.BackendRef.Namespace);
        Assert.Equal(5, filters[2].Cors!.MaxAge);
    }

    [Fact]
    public void HttpRoute_AllFilterTypes_AreRead()
    {
        var route = ReadValid<HttpRoute>(HttpRule("""
            {"filters":[
              {"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"a","value":"1"}],"add":[{"name":"b","value":"2"}],"remove":["c"]}},
              {"type":"ResponseHeaderModifier","responseHeaderModifier":{"set":[{"name":"d","value":"3"}]}},
              {"type":"URLRewrite","urlRewrite":{"hostname":"x.example","path":{"type":"ReplaceFullPath","replaceFullPath":"/new"}}},
              {"type":"ExtensionRef","extensionRef":{"group":"ext.example","kind":"Thing","name":"t"}},
              {"type":"ExternalAuth","externalAuth":{"protocol":"HTTP","backendRef":{"name":"auth","port":80},"http":{}}}
            ],"backendRefs":[{"name":"svc","port":80,"filters":[{"type":"RequestHeaderModifier","requestHeaderModifier":{"add":[{"name":"e","value":"4"}]}}]}],
             "timeouts":{"request":"10s","backendRequest":"2s"},"retry":{"codes":[500,503],"attempts":2,"backoff":"100ms"}}
            """));

        var rule = route.Rules[0];
        Assert.Equal(new HttpHeader("a", "1"), rule.Filters[0].RequestHeaderModifier!.Set[0]);
        Assert.Equal("c", rule.Filters[0].RequestHeaderModifier!.Remove[0]);
        Assert.Equal("d", rule.Filters[1].ResponseHeaderModifier!.Set[0].Name);
        Assert.Equal(HttpPathModifierType.ReplaceFullPath, rule.Filters[2].UrlRewrite!.Path!.Type);
        Assert.Equal(new LocalObjectReference("ext.example", "Thing", "t"), rule.Filters[3].ExtensionRef);
        Assert.Equal(JsonValueKind.Object, rule.Filters[4].ExternalAuth!.ValueKind);
        Assert.Equal("e", rule.BackendRefs[0].Filters[0].RequestHeaderModifier!.Add[0].Name);
        Assert.Equal(TimeSpan.FromSeconds(10), rule.Timeouts!.RequestDuration);
        Assert.Equal([500, 503], rule.Retry!.Codes);
    }

    [Fact]
    public void GrpcRoute_MethodMatch_DefaultsExactAndHeaders()
    {
        var route = ReadValid<GrpcRoute>(GrpcRule("""{"matches":[{"method":{"service":"helloworld.Greeter"},"headers":[{"name":"x","value":"1"}]}],"backendRefs":[{"name":"svc","port":50051}]}"""));

        var match = route.Rules[0].Matches[0];
        Assert.Equal(GrpcMethodMatchType.Exact, match.Method!.Type);
        Assert.Equal("helloworld.Greeter", match.Method.Service);
        Assert.Null(match.Method.Method);
        Assert.Equal(StringMatchType.Exact, match.Headers[0].Type);
        Assert.Equal(1, route.Rules[0].BackendRefs[0].BackendRef.Weight);
    }

    [Fact]
    public void GrpcRoute_WithoutRules_HasNoDefaultRule()
    {
        var route = ReadValid<GrpcRoute>(Grpc("""{"parentRefs":[{"name":"gw"}]}"""));

        Assert.Empty(route.Rules);
    }

    [Theory]
    [InlineData("TLSRoute", "v1")]
    [InlineData("TLSRoute", "v1alpha2")]
    [InlineData("TLSRoute", "v1alpha3")]
    [InlineData("TCPRoute", "v1")]
    [InlineData("TCPRoute", "v1alpha2")]
    [InlineData("UDPRoute", "v1")]
    [InlineData("UDPRoute", "v1alpha2")]
    public void BackendOnlyRoute_EachServedVersion_IsReadWithDefaults(string kind, string version)
    {
        var hostnames = kind == "TLSRoute" ? "\"hostnames\":[\"a.example\"]," : string.Empty;
        var json = Route(kind, $$"""{{{hostnames}}"parentRefs":[{"name":"gw"}],"rules":[{"backendRefs":[{"name":"svc","port":443}]}]}""", "gateway.networking.k8s.io/" + version);

        var route = ReadValid<BackendOnlyRoute>(json);

        Assert.Equal(kind, route.Kind);
        var backend = Assert.Single(route.EnumerateBackendRefs());
        Assert.Equal(0, backend.RuleIndex);
        Assert.Equal("Service", backend.BackendRef.Kind);
        Assert.Equal(1, backend.BackendRef.Weight);
        Assert.Equal("ns", backend.BackendRef.Namespace);
    }

    [Theory]
    [InlineData("HTTPRoute", "v1")]
    [InlineData("HTTPRoute", "v1beta1")]
    [InlineData("GRPCRoute", "v1")]
    public void Route_EachServedVersion_IsRead(string kind, string version)
    {
        var route = ReadValid<RouteBase>(Route(kind, """{"parentRefs":[{"name":"gw"}]}""", "gateway.networking.k8s.io/" + version));

        Assert.Equal(kind, route.Kind);
    }

    [Theory]
    [InlineData("HTTPRoute", "v1alpha2")]
    [InlineData("GRPCRoute", "v1beta1")]
    [InlineData("TCPRoute", "v1beta1")]
    public void Route_UnservedVersion_IsDropped(string kind, string version)
    {
        var result = Read(Route(kind, """{"parentRefs":[{"name":"gw"}]}""", "gateway.networking.k8s.io/" + version));

        Assert.Null(result.Resource);
    }

    [Fact]
    public void Route_ReadTwice_IsValueEqual()
    {
        const string Json = """
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r","namespace":"ns"},
             "spec":{"parentRefs":[{"name":"gw"}],"hostnames":["a.example"],"rules":[{"matches":[{"path":{"type":"Exact","value":"/x"}}],
               "filters":[{"type":"CORS","cors":{"allowOrigins":["*"]}},{"type":"ExternalAuth","externalAuth":{"protocol":"GRPC","backendRef":{"name":"a","port":1},"grpc":{}}}],
               "backendRefs":[{"name":"svc","port":80,"weight":3}]}]}}
            """;

        var a = ReadValid<HttpRoute>(Json);
        var b = ReadValid<HttpRoute>(Json);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { Hostnames = ["b.example"] });
    }

    [Fact]
    public void HttpRoute_EnumerateBackendAndMirrorRefs_GivesRuleIndexes()
    {
        var route = ReadValid<HttpRoute>(Http("""
            {"rules":[{"backendRefs":[{"name":"a","port":1}]},
                      {"filters":[{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"m","namespace":"o","port":2}}}],
                       "backendRefs":[{"name":"b","port":1},{"name":"c","port":1,"filters":[{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"n","port":3}}}]}]}]}
            """));

        Assert.Equal(["a/0/0", "b/1/0", "c/1/1"], route.EnumerateBackendRefs().Select(e => $"{e.BackendRef.Name}/{e.RuleIndex}/{e.BackendIndex}"));
        Assert.Equal(["m/1/-1", "n/1/1"], route.EnumerateMirrorBackendRefs().Select(e => $"{e.BackendRef.Name}/{e.RuleIndex}/{e.BackendIndex}"));
        Assert.Equal(2, route.RuleCount);
    }
}
