using static PolicyAttach.Tests.Manifests.Documents;
using static PolicyAttach.Tests.Model.RouteTestSupport;

namespace PolicyAttach.Tests.Model;

public class RouteValidationTests
{
    private const string Backend = """{"name":"svc","port":80}""";

    public static TheoryData<string, string> InvalidRoutes => new()
    {
        // Common: parentRefs, hostnames, backendRefs.
        { Http("""{"parentRefs":[{"name":"gw"},{"name":"gw","sectionName":"a"}]}"""), "sectionName must be specified when parentRefs includes 2 or more references to the same parent" },
        { Http("""{"parentRefs":[{"name":"gw","sectionName":"a"},{"name":"gw","sectionName":"a"}]}"""), "must be unique when parentRefs includes 2 or more references to the same parent" },
        { Route("TCPRoute", """{"parentRefs":[{"name":"gw"},{"name":"gw","port":80}],"rules":[{"backendRefs":[{"name":"s","port":1}]}]}""", "gateway.networking.k8s.io/v1alpha2"), "sectionName or port must be specified when parentRefs includes 2 or more references to the same parent" },
        { Http("""{"parentRefs":[{"kind":"Gateway"}]}"""), "is required" },
        { Http("""{"parentRefs":[{"name":"gw","port":0}]}"""), "out of range" },
        { Http("""{"hostnames":["Foo.example.com"]}"""), "is not a valid hostname" },
        { Http("""{"hostnames":["foo.*.example.com"]}"""), "is not a valid hostname" },
        { Http("""{"hostnames":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q"]}"""), "at most 16" },
        { HttpRule("""{"backendRefs":[{"name":"svc"}]}"""), "Must have port for Service reference" },
        { HttpRule("""{"backendRefs":[{"name":"svc","port":80,"weight":1000001}]}"""), "out of range" },

        // HTTPRoute rules and matches.
        { Http("""{"rules":[]}"""), "at least 1" },
        { Http("""{"rules":[{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}]}"""), "at most 16" },
        { HttpRule("""{"matches":[{"path":{"type":"PathPrefix","value":"foo"}}]}"""), "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']" },
        { HttpRule("""{"matches":[{"path":{"type":"Exact","value":"/a//b"}}]}"""), "must not contain '//' when type one of ['Exact', 'PathPrefix']" },
        { HttpRule("""{"matches":[{"path":{"value":"/a/%2F"}}]}"""), "must not contain '%2F'" },
        { HttpRule("""{"matches":[{"path":{"value":"/a/.."}}]}"""), "must not end with '/..'" },
        { HttpRule("""{"matches":[{"path":{"value":"/a b"}}]}"""), "must only contain valid characters" },
        { HttpRule("""{"matches":[{"headers":[{"name":"x","value":"1"},{"name":"x","value":"2"}]}]}"""), "appears more than once" },
        { HttpRule("""{"matches":[{"headers":[{"name":":authority","value":"1"}]}]}"""), "is not a valid header name" },
        { HttpRule("""{"matches":[{"queryParams":[{"name":"q","value":""}]}]}"""), "characters" },

        // Filters.
        { HttpRule("""{"filters":[{"type":"RequestRedirect","requestRedirect":{}}],"backendRefs":[""" + Backend + "]}"), "RequestRedirect filter must not be used together with backendRefs" },
        { HttpRule("""{"filters":[{"type":"RequestRedirect","requestRedirect":{}},{"type":"URLRewrite","urlRewrite":{}}]}"""), "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both" },
        { HttpRule("""{"filters":[{"type":"RequestHeaderModifier","requestHeaderModifier":{}},{"type":"RequestHeaderModifier","requestHeaderModifier":{}}]}"""), "RequestHeaderModifier filter cannot be repeated" },
        { HttpRule("""{"filters":[{"type":"CORS","cors":{}},{"type":"CORS","cors":{}}]}"""), "CORS filter cannot be repeated" },
        { HttpRule("""{"filters":[{"type":"RequestHeaderModifier"}]}"""), "filter.requestHeaderModifier must be specified for RequestHeaderModifier filter.type" },
        { HttpRule("""{"filters":[{"type":"ExtensionRef","extensionRef":{"group":"g","kind":"K","name":"n"},"urlRewrite":{}}]}"""), "filter.urlRewrite must be nil if the filter.type is not URLRewrite" },
        { HttpRule("""{"matches":[{"path":{"type":"Exact","value":"/a"}}],"filters":[{"type":"URLRewrite","urlRewrite":{"path":{"type":"ReplacePrefixMatch","replacePrefixMatch":"/b"}}}]}"""), "When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified" },
        { HttpRule("""{"matches":[{"path":{"value":"/a"}},{"path":{"value":"/b"}}],"filters":[{"type":"RequestRedirect","requestRedirect":{"path":{"type":"ReplacePrefixMatch","replacePrefixMatch":"/b"}}}]}"""), "When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified" },
        { HttpRule("""{"matches":[{"path":{"type":"Exact","value":"/a"}}],"backendRefs":[{"name":"s","port":1,"filters":[{"type":"RequestRedirect","requestRedirect":{"path":{"type":"ReplacePrefixMatch","replacePrefixMatch":"/b"}}}]}]}"""), "Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch" },
        { HttpRule("""{"matches":[{"path":{"type":"Exact","value":"/a"}}],"backendRefs":[{"name":"s","port":1,"filters":[{"type":"URLRewrite","urlRewrite":{"path":{"type":"ReplacePrefixMatch","replacePrefixMatch":"/b"}}}]}]}"""), "Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch" },
        { HttpRule("""{"filters":[{"type":"URLRewrite","urlRewrite":{"path":{"type":"ReplaceFullPath"}}}]}"""), "replaceFullPath must be specified when type is set to 'ReplaceFullPath'" },
        { HttpRule("""{"filters":[{"type":"URLRewrite","urlRewrite":{"path":{"type":"ReplaceFullPath","replaceFullPath":"/a","replacePrefixMatch":"/b"}}}]}"""), "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set" },
        { HttpRule("""{"filters":[{"type":"URLRewrite","urlRewrite":{"hostname":"*.example.com"}}]}"""), "is not a valid precise hostname" },
        { HttpRule("""{"filters":[{"type":"RequestRedirect","requestRedirect":{"port":70000}}]}"""), "out of range" },
        { HttpRule("""{"filters":[{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"m","port":1},"percent":10,"fraction":{"numerator":1}}}]}"""), "Only one of percent or fraction may be specified in HTTPRequestMirrorFilter" },
        { HttpRule("""{"filters":[{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"m","port":1},"fraction":{"numerator":3,"denominator":2}}}]}"""), "numerator must be less than or equal to denominator" },
        { HttpRule("""{"filters":[{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"m","port":1},"percent":101}}]}"""), "out of range" },
        { HttpRule("""{"filters":[{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"m"}}}]}"""), "Must have port for Service reference" },
        { HttpRule("""{"filters":[{"type":"CORS","cors":{"allowOrigins":["*","https://a.example"]}}]}"""), "AllowOrigins cannot contain '*' alongside other origins" },
        { HttpRule("""{"filters":[{"type":"CORS","cors":{"allowMethods":["*","GET"]}}]}"""), "AllowMethods cannot contain '*' alongside other methods" },
        { HttpRule("""{"filters":[{"type":"CORS","cors":{"allowHeaders":["*","x"]}}]}"""), "AllowHeaders cannot contain '*' alongside other methods" },
        { HttpRule("""{"filters":[{"type":"CORS","cors":{"allowOrigins":["ftp://a.example"]}}]}"""), "is not a valid origin" },
        { HttpRule("""{"filters":[{"type":"CORS","cors":{"allowMethods":["FETCH"]}}]}"""), "is not an allowed method" },
        { HttpRule("""{"filters":[{"type":"CORS","cors":{"maxAge":0}}]}"""), "out of range" },
        { HttpRule("""{"filters":[{"type":"ExtensionRef","extensionRef":{"kind":"K","name":"n"}}]}"""), "is required" },
        { HttpRule("""{"filters":[{"type":"ExternalAuth","externalAuth":{"protocol":"HTTP","backendRef":{"name":"a","port":1},"grpc":{}}}]}"""), "protocol must be 'GRPC' when grpc is set" },

        // Timeouts and retry.
        { HttpRule("""{"timeouts":{"request":"1s","backendRequest":"2s"}}"""), "backendRequest timeout cannot be longer than request timeout" },
        { HttpRule("""{"timeouts":{"request":"10 seconds"}}"""), "is not a Gateway API duration" },
        { HttpRule("""{"retry":{"codes":[200]}}"""), "out of range" },

        // GRPCRoute.
        { GrpcRule("""{"matches":[{"method":{"type":"Exact"}}]}"""), "One or both of 'service' or 'method' must be specified" },
        { GrpcRule("""{"matches":[{"method":{"service":"foo/bar"}}]}"""), "service must only contain valid characters" },
        { GrpcRule("""{"matches":[{"method":{"method":"Say.Hello"}}]}"""), "method must only contain valid characters" },
        { GrpcRule("""{"filters":[{"type":"ResponseHeaderModifier","responseHeaderModifier":{}},{"type":"ResponseHeaderModifier","responseHeaderModifier":{}}]}"""), "ResponseHeaderModifier filter cannot be repeated" },
        { GrpcRule("""{"backendRefs":[{"name":"svc"}]}"""), "Must have port for Service reference" },

        // TLSRoute, TCPRoute, UDPRoute.
        { Route("TLSRoute", """{"rules":[{"backendRefs":[{"name":"s","port":1}]}]}"""), "spec.hostnames is required" },
        { Route("TLSRoute", """{"hostnames":["10.0.0.1"],"rules":[{"backendRefs":[{"name":"s","port":1}]}]}"""), "Hostnames cannot contain an IP" },
        { Route("TLSRoute", """{"hostnames":["A.example"],"rules":[{"backendRefs":[{"name":"s","port":1}]}]}"""), "Hostnames must be valid based on RFC-1123" },
        { Route("TLSRoute", """{"hostnames":["a.*.example"],"rules":[{"backendRefs":[{"name":"s","port":1}]}]}"""), "Wildcards on hostnames must be the first label" },
        { Route("TCPRoute", """{"rules":[{"backendRefs":[{"name":"s","port":1}]},{"backendRefs":[{"name":"t","port":1}]}]}"""), "exactly one rule" },
        { Route("UDPRoute", """{"rules":[]}"""), "exactly one rule" },
        { Route("UDPRoute", """{}"""), "spec.rules is required" },
        { Route("TCPRoute", """{"rules":[{}]}"""), "is required" },
        { Route("TCPRoute", """{"rules":[{"backendRefs":[]}]}"""), "at least 1" },
        { Route("HTTPRoute", """{"rules":[{"name":"Bad_Name"}]}"""), "is not a valid section name" },
    };

    [Theory]
    [MemberData(nameof(InvalidRoutes))]
    public void Route_BrokenRule_IsDroppedWithMessage(string json, string message) => AssertError(json, message);

    public static TheoryData<string> ValidRoutes => new()
    {
        Http("""{"parentRefs":[{"name":"gw","sectionName":"a"},{"name":"gw","sectionName":"b"},{"name":"gw","namespace":"ns"}]}"""),
        Http("""{"parentRefs":[{"name":"gw","port":80},{"name":"gw","port":443}]}"""),
        Http("""{"hostnames":["*.example.com","foo.example.com"]}"""),
        HttpRule("""{"matches":[{"path":{"type":"PathPrefix","value":"/a"}}],"filters":[{"type":"URLRewrite","urlRewrite":{"path":{"type":"ReplacePrefixMatch","replacePrefixMatch":""}}}],"backendRefs":[{"name":"s","port":1}]}"""),
        HttpRule("""{"filters":[{"type":"RequestRedirect","requestRedirect":{"path":{"type":"ReplacePrefixMatch","replacePrefixMatch":"/b"}}}]}"""),
        HttpRule("""{"matches":[{"path":{"type":"RegularExpression","value":"^/a+$"}}]}"""),
        HttpRule("""{"filters":[{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"m","port":1}}},{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"n","port":1},"percent":50}},{"type":"ExtensionRef","extensionRef":{"group":"","kind":"ConfigMap","name":"c"}},{"type":"ExtensionRef","extensionRef":{"group":"","kind":"ConfigMap","name":"d"}}]}"""),
        HttpRule("""{"filters":[{"type":"CORS","cors":{"allowOrigins":["*"],"allowMethods":["*"],"allowHeaders":["*"],"maxAge":60}}]}"""),
        HttpRule("""{"filters":[{"type":"CORS","cors":{"allowOrigins":["https://*.example.com:8443","http://a.example"],"allowMethods":["GET","POST"]}}]}"""),
        HttpRule("""{"timeouts":{"request":"0s","backendRequest":"1h"}}"""),
        HttpRule("""{"timeouts":{"request":"1m30s","backendRequest":"90s"}}"""),
        HttpRule("""{"backendRefs":[{"group":"example.com","kind":"Backend","name":"b"},{"name":"s","port":1,"weight":0}]}"""),
        GrpcRule("""{"matches":[{"method":{"service":".helloworld.Greeter","method":"SayHello"}},{"method":{"type":"RegularExpression","service":"foo/.*"}}]}"""),
        Route("TLSRoute", """{"hostnames":["*.example.com"],"rules":[{"backendRefs":[{"name":"s","port":1}]}]}"""),
        Route("UDPRoute", """{"parentRefs":[{"name":"gw","sectionName":"a","port":53},{"name":"gw","sectionName":"b","port":53}],"rules":[{"name":"only","backendRefs":[{"name":"s","port":53,"weight":2}]}]}""", "gateway.networking.k8s.io/v1alpha2"),
    };

    [Theory]
    [MemberData(nameof(ValidRoutes))]
    public void Route_WithinRules_IsKeptWithoutErrors(string json) => ReadValid<PolicyAttach.Model.Routes.RouteBase>(json);

    [Theory]
    [InlineData("""{"filters":[{"type":"Teleport"}]}""", "HTTPRoute filter type")]
    [InlineData("""{"matches":[{"path":{"type":"Glob","value":"/a"}}]}""", "path match type")]
    [InlineData("""{"matches":[{"headers":[{"type":"Prefix","name":"x","value":"1"}]}]}""", "header match type")]
    [InlineData("""{"matches":[{"queryParams":[{"type":"Prefix","name":"x","value":"1"}]}]}""", "query parameter match type")]
    [InlineData("""{"matches":[{"method":"BREW"}]}""", "HTTP method")]
    [InlineData("""{"filters":[{"type":"RequestRedirect","requestRedirect":{"scheme":"ftp","statusCode":399}}]}""", "redirect scheme")]
    [InlineData("""{"filters":[{"type":"RequestRedirect","requestRedirect":{"statusCode":399}}]}""", "redirect status code")]
    [InlineData("""{"filters":[{"type":"URLRewrite","urlRewrite":{"path":{"type":"ReplaceSuffix"}}}]}""", "path modifier type")]
    public void HttpRoute_UnknownEnumValue_IsKeptForStatus(string rule, string what) => AssertWarningKept(HttpRule(rule), what);

    [Theory]
    [InlineData("""{"matches":[{"path":{"type":"RegularExpression","value":"/a(?=b)"}}]}""", "spec.rules[0].matches[0].path.value", "lookahead")]
    [InlineData("""{"matches":[{"headers":[{"type":"RegularExpression","name":"x","value":"(a)\\1"}]}]}""", "spec.rules[0].matches[0].headers[0].value", "backreferences")]
    [InlineData("""{"matches":[{"queryParams":[{"type":"RegularExpression","name":"q","value":"(?>a)"}]}]}""", "spec.rules[0].matches[0].queryParams[0].value", "atomic groups")]
    public void HttpRoute_RegexRe2CannotRun_IsKeptWithAWarningOnTheValue(string rule, string path, string what)
    {
        AssertWarningKept(HttpRule(rule), what);
        var warning = Assert.Single(Read(HttpRule(rule)).Diagnostics, d => d.Code == PolicyAttach.Diagnostics.DiagnosticCodes.UnsupportedValue);
        Assert.Equal(path, warning.Path);
        Assert.Contains("Accepted=False with reason UnsupportedValue", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GrpcRoute_RegexRe2CannotRun_IsKeptWithAWarning()
        => AssertWarningKept(GrpcRule("""{"matches":[{"method":{"type":"RegularExpression","service":"a(?<=b)","method":"M"}}]}"""), "lookbehind");

    [Fact]
    public void HttpRoute_UnknownFilterType_KeepsRawName()
    {
        var route = ReadValid<PolicyAttach.Model.Routes.HttpRoute>(HttpRule("""{"filters":[{"type":"Teleport"}]}"""));

        Assert.Equal(PolicyAttach.Model.Routes.RouteFilterType.Unknown, route.Rules[0].Filters[0].Type);
        Assert.Equal("Teleport", route.Rules[0].Filters[0].TypeName);
    }

    [Fact]
    public void GrpcRoute_HttpOnlyFilterType_ReadsAsUnknown()
    {
        var result = Read(GrpcRule("""{"filters":[{"type":"URLRewrite"}]}"""));

        var route = Assert.IsType<PolicyAttach.Model.Routes.GrpcRoute>(result.Resource);
        Assert.Equal(PolicyAttach.Model.Routes.RouteFilterType.Unknown, route.Rules[0].Filters[0].Type);
    }

    [Fact]
    public void HttpRoute_SameHeaderInTwoActions_WarnsAndKeeps()
        => AssertWarningKept(HttpRule("""{"filters":[{"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"X-A","value":"1"}],"remove":["x-a"]}}]}"""), "only one action per header");

    [Fact]
    public void HttpRoute_DuplicateRuleNames_WarnsAndKeeps()
        => AssertWarningKept(Http("""{"rules":[{"name":"a"},{"name":"a"}]}"""), "Rule name must be unique within the route");

    [Fact]
    public void HttpRoute_TooManyMatchesInTotal_IsDropped()
    {
        var rule = "{\"matches\":[" + string.Join(",", Enumerable.Repeat("{}", 64)) + "]}";
        var json = Http("{\"rules\":[" + rule + "," + rule + ",{}]}");

        AssertError(json, "the total number of matches across all rules in a route must be less than 128");
        ReadValid<PolicyAttach.Model.Routes.HttpRoute>(Http("{\"rules\":[" + rule + "," + rule + "]}"));
    }

    [Fact]
    public void HttpRoute_SeveralViolations_AreAllReported()
    {
        var result = Read(HttpRule("""{"matches":[{"path":{"value":"x"}}],"backendRefs":[{"name":"svc"}],"timeouts":{"request":"1s","backendRequest":"2s"}}"""));

        Assert.Null(result.Resource);
        Assert.True(result.Diagnostics.Count(d => d.Severity == PolicyAttach.Diagnostics.DiagnosticSeverity.Error) >= 3);
    }
}
