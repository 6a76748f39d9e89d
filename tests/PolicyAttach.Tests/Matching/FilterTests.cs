using PolicyAttach.Matching;
using static PolicyAttach.Tests.Matching.MatchWorld;

namespace PolicyAttach.Tests.Matching;

public class FilterTests
{
    private static RoutingTable Redirect(string filter, string listeners = "")
        => Compile(listeners.Length > 0 ? listeners : L("http", 8080, "HTTP"), Http("app", "r", $$$"""{"matches":[{"path":{"type":"PathPrefix","value":"/foo"}}],"filters":[{"type":"RequestRedirect","requestRedirect":{{{filter}}}}]}"""));

    [Theory]
    [InlineData("""  "statusCode":301,"hostname":"new.com" """, "/foo/bar?x=1", 301, "http://new.com:8080/foo/bar?x=1")]
    [InlineData("""  "scheme":"https" """, "/foo", 302, "https://example.com/foo")]
    [InlineData("""  "scheme":"https","port":8443 """, "/foo", 302, "https://example.com:8443/foo")]
    [InlineData("""  "port":80 """, "/foo", 302, "http://example.com/foo")]
    [InlineData("""  "scheme":"http" """, "/foo", 302, "http://example.com/foo")]
    [InlineData("""  "path":{"type":"ReplaceFullPath","replaceFullPath":"/full"} """, "/foo/bar", 302, "http://example.com:8080/full")]
    [InlineData("""  "path":{"type":"ReplacePrefixMatch","replacePrefixMatch":"/xyz"},"statusCode":308 """, "/foo/bar", 308, "http://example.com:8080/xyz/bar")]
    public void Redirect_Location(string filter, string path, int status, string location)
    {
        var t = Redirect("{" + filter + "}");
        var request = new RequestView(RequestProtocol.Http, 8080, "GET", "example.com:8080", path);
        var o = Gw(t).Match(request);
        Assert.Equal(MatchOutcomeKind.Redirect, o.Kind);
        Assert.Equal(status, o.StatusCode);
        var effect = o.ApplyFilters(request);
        Assert.Equal(status, effect.RedirectStatusCode);
        Assert.Equal(location, effect.Location);
    }

    [Theory]
    [InlineData("/foo/bar", "/foo", "/xyz", "/xyz/bar")]
    [InlineData("/foo/bar", "/foo", "/xyz/", "/xyz/bar")]
    [InlineData("/foo/bar", "/foo/", "/xyz", "/xyz/bar")]
    [InlineData("/foo/bar", "/foo/", "/xyz/", "/xyz/bar")]
    [InlineData("/foo", "/foo", "/xyz", "/xyz")]
    [InlineData("/foo/", "/foo", "/xyz", "/xyz/")]
    [InlineData("/foo/bar", "/foo", "", "/bar")]
    [InlineData("/foo/", "/foo", "", "/")]
    [InlineData("/foo", "/foo", "", "/")]
    [InlineData("/foo/", "/foo", "/", "/")]
    [InlineData("/foo", "/foo", "/", "/")]
    public void Rewrite_ReplacePrefixMatch_OnSegments(string path, string prefix, string replacement, string expected)
    {
        var t = Compile(L("http", 80, "HTTP"), Http("app", "r", $$$$"""{"matches":[{"path":{"type":"PathPrefix","value":"{{{{prefix}}}}"}}],"filters":[{"type":"URLRewrite","urlRewrite":{"hostname":"rewritten.com","path":{"type":"ReplacePrefixMatch","replacePrefixMatch":"{{{{replacement}}}}"}}}],"backendRefs":[{"name":"svc","port":80}]}"""));
        var request = new RequestView(RequestProtocol.Http, 80, "GET", "x.com", path + "?q=1");
        var o = Gw(t).Match(request);
        Assert.Equal(MatchOutcomeKind.Routed, o.Kind);
        var effect = o.ApplyFilters(request);
        Assert.Equal(expected + "?q=1", effect.PathAndQuery);
        Assert.Equal("rewritten.com", effect.Host);
    }

    [Fact]
    public void HeaderModifiers_SetAddRemove_AndResponse()
    {
        var t = Compile(L("http", 80, "HTTP"), Http("app", "r", """{"filters":[{"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"X-Set","value":"s"}],"add":[{"name":"my-header","value":"bar,baz"}],"remove":["x-gone"]}},{"type":"ResponseHeaderModifier","responseHeaderModifier":{"set":[{"name":"r","value":"1"}],"remove":["server"]}}],"backendRefs":[{"name":"svc","port":80}]}"""));
        var request = new RequestView(RequestProtocol.Http, 80, "GET", "x", "/", [new("x-set", "old"), new("My-Header", "foo"), new("X-Gone", "1")]);
        var o = Gw(t).Match(request);
        Assert.True(o.HasFilters);
        var effect = o.ApplyFilters(request);
        Assert.Equal([new RequestHeader("x-set", "s"), new RequestHeader("My-Header", "foo,bar,baz")], effect.RequestHeaders);
        Assert.Equal("r", Assert.Single(effect.ResponseSet).Name);
        Assert.Equal("server", Assert.Single(effect.ResponseRemove));
    }

    [Fact]
    public void Mirror_AndCorsPreflight()
    {
        var t = Compile(L("http", 80, "HTTP"), Http("app", "r", """{"filters":[{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"a","port":80},"percent":50}},{"type":"CORS","cors":{"allowOrigins":["https://*.example.com"],"allowMethods":["GET"],"allowCredentials":true}}],"backendRefs":[{"name":"svc","port":80}]}"""));
        var plain = new RequestView(RequestProtocol.Http, 80, "GET", "x", "/");
        var routed = Gw(t).Match(plain);
        Assert.Equal(MatchOutcomeKind.Routed, routed.Kind);
        var mirror = Assert.Single(routed.ApplyFilters(plain).Mirrors);
        Assert.Equal(("a", 0.5, true), (mirror.BackendRef.Name, mirror.Share, mirror.IsValid));

        var preflight = new RequestView(RequestProtocol.Http, 80, "OPTIONS", "x", "/", [new("Origin", "https://a.b.example.com"), new("Access-Control-Request-Method", "GET")]);
        var answered = Gw(t).Match(preflight);
        Assert.Equal(MatchOutcomeKind.Answered, answered.Kind);
        var headers = answered.ApplyFilters(preflight).PreflightHeaders;
        Assert.Contains(headers, h => h.Name == "Access-Control-Allow-Origin" && h.Value == "https://a.b.example.com");
        Assert.Contains(headers, h => h.Name == "Access-Control-Allow-Credentials");

        var denied = new RequestView(RequestProtocol.Http, 80, "OPTIONS", "x", "/", [new("Origin", "https://evil.com"), new("Access-Control-Request-Method", "GET")]);
        Assert.Empty(Gw(t).Match(denied).ApplyFilters(denied).PreflightHeaders);
    }
}
