using PolicyAttach.Matching;

namespace PolicyAttach.Tests.Matching;

/// <summary>
/// <see cref="RequestView"/>: the query parameter shortcut of the matcher, port stripping, and the scheme and gRPC
/// service and method computed from the protocol and the path.
/// </summary>
public class RequestViewTests
{
    private static RequestView View(string pathAndQuery, RequestProtocol protocol = RequestProtocol.Http)
        => new(protocol, 80, "GET", "h.example.com", pathAndQuery);

    private static (bool Found, string? Value) Public(string pathAndQuery, string name)
    {
        var view = View(pathAndQuery);
        return view.TryGetQueryParameter(name, out var value) ? (true, value.ToString()) : (false, null);
    }

    private static (bool Found, string? Value) Simple(string pathAndQuery, string name)
    {
        var view = View(pathAndQuery);
        return view.TryGetSimpleQueryParameter(name, out var value) ? (true, value.ToString()) : (false, null);
    }

    [Theory]
    [InlineData("a", "a", true, "")]
    [InlineData("a=", "a", true, "")]
    [InlineData("a=1", "a", true, "1")]
    [InlineData("a&a=1", "a", true, "")]
    [InlineData("a=1&a=2", "a", true, "1")]
    [InlineData("=a", "a", false, null)]
    [InlineData("=a&b", "a", false, null)]
    [InlineData("&&a=1", "a", true, "1")]
    [InlineData("&", "a", false, null)]
    [InlineData("", "a", false, null)]
    [InlineData("ab=1&a=2", "a", true, "2")]
    [InlineData("ab=1", "a", false, null)]
    [InlineData("ba=1", "a", false, null)]
    [InlineData("b=a", "a", false, null)]
    [InlineData("b=a&a", "a", true, "")]
    [InlineData("a=1&", "a", true, "1")]
    [InlineData("a&", "a", true, "")]
    [InlineData("a=b=c", "a", true, "b=c")]
    [InlineData("a==", "a", true, "=")]
    [InlineData("A=1", "a", false, null)]
    [InlineData("a=1&b=2", "b", true, "2")]
    [InlineData("a=1&b=2&c=3", "c", true, "3")]
    [InlineData("x&ab", "ab", true, "")]
    [InlineData("a", "ab", false, null)]
    [InlineData("a=b", "ab", false, null)]
    [InlineData("abc=1&ab=2", "ab", true, "2")]
    [InlineData("a?b=1", "b", false, null)]
    [InlineData("b=1?a=2", "b", true, "1?a=2")]
    [InlineData("version=v2&trace=on&user=someone-with-a-long-name&region=eu", "region", true, "eu")]
    [InlineData("version=v2&trace=on&user=someone-with-a-long-name&region=eu", "user", true, "someone-with-a-long-name")]
    [InlineData("version=v2&trace=on&user=someone-with-a-long-name&region=eu", "use", false, null)]
    [InlineData("region-of-the-request-with-a-long-name=eu", "region-of-the-request-with-a-long-name", true, "eu")]
    public void TryGetSimpleQueryParameter_EdgeCases_AgreeWithTryGetQueryParameter(string query, string name, bool found, string? value)
    {
        var pathAndQuery = "/p?" + query;
        Assert.Equal((found, value), Public(pathAndQuery, name));
        Assert.Equal((found, value), Simple(pathAndQuery, name));
    }

    [Theory]
    [InlineData("/p")]
    [InlineData("/p?")]
    [InlineData("/a=1")]
    [InlineData("/p/a=1&a")]
    public void TryGetSimpleQueryParameter_NoQuery_NotFound(string pathAndQuery)
    {
        Assert.Equal((false, (string?)null), Public(pathAndQuery, "a"));
        Assert.Equal((false, (string?)null), Simple(pathAndQuery, "a"));
    }

    [Fact]
    public void TryGetSimpleQueryParameter_EveryShortQuery_AgreesWithTryGetQueryParameter()
    {
        // Every query of up to six characters over {a, b, =, &}, for names the shortcut accepts.
        const string Alphabet = "ab=&";
        string[] names = ["a", "b", "aa", "ab", "ba", "aba"];
        var queries = new List<string> { "" };
        var level = new List<string> { "" };
        for (var length = 1; length <= 6; length++)
        {
            level = [.. level.SelectMany(q => Alphabet.Select(c => q + c))];
            queries.AddRange(level);
        }

        var cases = 0;
        foreach (var query in queries)
        {
            foreach (var name in names)
            {
                var expected = Public("/p?" + query, name);
                var actual = Simple("/p?" + query, name);
                Assert.True(expected == actual, $"query '{query}', name '{name}': expected {expected}, got {actual}");
                cases += expected.Found ? 1 : 0;
            }
        }

        Assert.True(cases > 1000, "the generated queries should find parameters");
    }

    [Theory]
    [InlineData("h.example.com", "h.example.com")]
    [InlineData("h.example.com:80", "h.example.com")]
    [InlineData("h.example.com:8443", "h.example.com")]
    [InlineData("h:", "h")]
    [InlineData("h.example.com:", "h.example.com")]
    [InlineData("[::1]:8080", "[::1]")]
    [InlineData("[::1]", "[::1]")]
    [InlineData("[::1]:", "[::1]")]
    [InlineData("::1", "::1")]
    [InlineData("2001:db8::1:80", "2001:db8::1:80")]
    [InlineData("2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:0db8:85a3:0000:0000:8a2e:0370:7334")]
    [InlineData("[2001:db8:85a3::8a2e:370:7334]:443", "[2001:db8:85a3::8a2e:370:7334]")]
    [InlineData("[2001:db8:85a3::8a2e:370:7334]", "[2001:db8:85a3::8a2e:370:7334]")]
    [InlineData("a]b:80", "a]b")]
    [InlineData("abcdefgh]ijklmnop:80", "abcdefgh]ijklmnop")]
    [InlineData("a-very-long-host-name.example.com:443", "a-very-long-host-name.example.com")]
    [InlineData("h:8a", "h:8a")]
    [InlineData("h:80a", "h:80a")]
    [InlineData("8080", "8080")]
    [InlineData(":80", "")]
    [InlineData("", "")]
    public void StripPort_Authority_GivesHost(string authority, string expected)
    {
        Assert.Equal(expected, RequestView.StripPort(authority).ToString());
        var view = new RequestView(RequestProtocol.Http, 80, "GET", authority, "/");
        Assert.Equal(expected, view.Host.ToString());
        Assert.Equal(authority, view.Authority.ToString());
    }

    [Theory]
    [InlineData(RequestProtocol.Http, "http")]
    [InlineData(RequestProtocol.Https, "https")]
    [InlineData(RequestProtocol.Grpc, "http")]
    [InlineData(RequestProtocol.Tls, "https")]
    [InlineData(RequestProtocol.Tcp, "http")]
    [InlineData(RequestProtocol.Udp, "http")]
    public void Scheme_Default_FollowsTheProtocol(RequestProtocol protocol, string expected)
    {
        Assert.Equal(expected, View("/", protocol).Scheme.ToString());
    }

    [Theory]
    [InlineData("https", "https")]
    [InlineData("HTTPS", "https")]
    [InlineData("HtTpS", "https")]
    [InlineData("http", "http")]
    [InlineData("HTTP", "http")]
    [InlineData("ftp", "http")]
    [InlineData("", "http")]
    [InlineData("https ", "http")]
    [InlineData(" https", "http")]
    [InlineData("httpss", "http")]
    [InlineData("http\u017F", "http")]
    [InlineData("wss", "http")]
    public void Scheme_Set_IsHttpsOnlyForHttpsInAnyAsciiCase(string scheme, string expected)
    {
        foreach (var protocol in new[] { RequestProtocol.Http, RequestProtocol.Https, RequestProtocol.Grpc, RequestProtocol.Tls })
        {
            var view = new RequestView(protocol, 443, "GET", "h", "/") { Scheme = scheme };
            Assert.Equal(expected, view.Scheme.ToString());
            var copy = View("/", protocol) with { Scheme = scheme };
            Assert.Equal(expected, copy.Scheme.ToString());
        }
    }

    [Theory]
    [InlineData("/pkg.Svc/Method", "pkg.Svc", "Method")]
    [InlineData("/pkg.Svc/Method?x=1", "pkg.Svc", "Method")]
    [InlineData("/pkg.Svc/Method?x=/a/b", "pkg.Svc", "Method")]
    [InlineData("/pkg.Svc", "pkg.Svc", "")]
    [InlineData("/pkg.Svc?x=1", "pkg.Svc", "")]
    [InlineData("/pkg.Svc/", "pkg.Svc", "")]
    [InlineData("//Method", "", "Method")]
    [InlineData("/", "", "")]
    [InlineData("/?x=/a/b", "", "")]
    [InlineData("", "", "")]
    public void GrpcServiceAndMethod_GrpcProtocol_ComeFromThePath(string pathAndQuery, string service, string method)
    {
        var view = View(pathAndQuery, RequestProtocol.Grpc);
        Assert.Equal(service, view.GrpcService.ToString());
        Assert.Equal(method, view.GrpcMethod.ToString());
    }

    [Theory]
    [InlineData(RequestProtocol.Http)]
    [InlineData(RequestProtocol.Https)]
    [InlineData(RequestProtocol.Tls)]
    [InlineData(RequestProtocol.Tcp)]
    [InlineData(RequestProtocol.Udp)]
    public void GrpcServiceAndMethod_OtherProtocols_AreEmpty(RequestProtocol protocol)
    {
        var view = View("/pkg.Svc/Method", protocol);
        Assert.True(view.GrpcService.IsEmpty, $"service '{view.GrpcService}'");
        Assert.True(view.GrpcMethod.IsEmpty, $"method '{view.GrpcMethod}'");
    }

    [Fact]
    public void GrpcService_SetWithWith_KeepsThePathMethod()
    {
        var copy = View("/pkg.Svc/Method", RequestProtocol.Grpc) with { GrpcService = "other.Svc" };
        Assert.Equal("other.Svc", copy.GrpcService.ToString());
        Assert.Equal("Method", copy.GrpcMethod.ToString());
    }

    [Fact]
    public void GrpcMethod_SetWithWith_KeepsThePathService()
    {
        var copy = View("/pkg.Svc/Method", RequestProtocol.Grpc) with { GrpcMethod = "Other" };
        Assert.Equal("pkg.Svc", copy.GrpcService.ToString());
        Assert.Equal("Other", copy.GrpcMethod.ToString());
    }

    [Fact]
    public void GrpcServiceAndMethod_SetBoth_AreBothTaken()
    {
        var one = View("/pkg.Svc/Method", RequestProtocol.Grpc) with { GrpcService = "s", GrpcMethod = "m" };
        Assert.Equal("s", one.GrpcService.ToString());
        Assert.Equal("m", one.GrpcMethod.ToString());

        var reversed = View("/pkg.Svc/Method", RequestProtocol.Grpc) with { GrpcMethod = "m", GrpcService = "s" };
        Assert.Equal("s", reversed.GrpcService.ToString());
        Assert.Equal("m", reversed.GrpcMethod.ToString());

        var first = View("/pkg.Svc/Method", RequestProtocol.Grpc) with { GrpcMethod = "m" };
        var chained = first with { GrpcService = "s" };
        Assert.Equal("s", chained.GrpcService.ToString());
        Assert.Equal("m", chained.GrpcMethod.ToString());
    }

    [Fact]
    public void GrpcService_SetToEmpty_IsEmptyAndKeepsThePathMethod()
    {
        var copy = View("/pkg.Svc/Method", RequestProtocol.Grpc) with { GrpcService = "" };
        Assert.True(copy.GrpcService.IsEmpty, $"service '{copy.GrpcService}'");
        Assert.Equal("Method", copy.GrpcMethod.ToString());
    }

    [Fact]
    public void GrpcService_SetInTheInitializer_KeepsThePathMethod()
    {
        var view = new RequestView(RequestProtocol.Grpc, 80, "POST", "h", "/pkg.Svc/Method") { GrpcService = "s" };
        Assert.Equal("s", view.GrpcService.ToString());
        Assert.Equal("Method", view.GrpcMethod.ToString());
    }

    [Fact]
    public void GrpcService_SetOnAnHttpView_IsTakenAndTheMethodStaysEmpty()
    {
        var copy = View("/pkg.Svc/Method", RequestProtocol.Http) with { GrpcService = "s" };
        Assert.Equal("s", copy.GrpcService.ToString());
        Assert.True(copy.GrpcMethod.IsEmpty, $"method '{copy.GrpcMethod}'");
    }

    [Fact]
    public void GrpcServiceAndMethod_Default_AreSlicesOfThePath()
    {
        const string Path = "/pkg.Svc/Method";
        var view = new RequestView(RequestProtocol.Grpc, 80, "POST", "h", Path);
        Assert.True(view.GrpcService.Overlaps(Path), "the service is read from the path, not copied");
        Assert.True(view.GrpcMethod.Overlaps(Path), "the method is read from the path, not copied");
    }
}
