using PolicyAttach.Binding;

namespace PolicyAttach.Tests.Binding;

public class HostnamesTests
{
    [Theory]
    [InlineData(null, "a.example.com", "a.example.com")]
    [InlineData("a.example.com", "a.example.com", "a.example.com")]
    [InlineData("a.example.com", "b.example.com", null)]
    [InlineData("*.example.com", "a.example.com", "a.example.com")]
    [InlineData("*.example.com", "a.b.example.com", "a.b.example.com")]
    [InlineData("*.example.com", "example.com", null)]
    [InlineData("a.example.com", "*.example.com", "a.example.com")]
    [InlineData("example.com", "*.example.com", null)]
    [InlineData("*.com", "*.example.com", "*.example.com")]
    [InlineData("*.example.com", "*.com", "*.example.com")]
    [InlineData("*.example.com", "*.example.com", "*.example.com")]
    [InlineData("*.example.com", "*.example.org", null)]
    [InlineData("*.com", "example.com", "example.com")]
    public void Intersect_ListenerAndRoute_FollowsSpecTable(string? listener, string route, string? expected)
        => Assert.Equal(expected, Hostnames.Intersect(listener, route));

    [Fact]
    public void IntersectAll_RouteWithoutHostnames_ServesListenerHostname()
    {
        Assert.Equal(["*.example.com"], Hostnames.IntersectAll("*.example.com", []));
        Assert.Equal([Hostnames.Any], Hostnames.IntersectAll(null, []));
    }

    [Fact]
    public void IntersectAll_SomeHostnamesIntersect_KeepsOnlyThose()
        => Assert.Equal(["a.example.com"], Hostnames.IntersectAll("*.example.com", ["a.example.com", "a.example.org"]));

    [Theory]
    [InlineData("*.example.com", "foo.example.com", true)]
    [InlineData("*.example.com", "FOO.example.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("foo.example.com", "foo.example.com", true)]
    [InlineData("foo.example.com", "bar.example.com", false)]
    public void Matches_HostAgainstPattern_CoversOneOrMoreLabels(string pattern, string host, bool expected)
        => Assert.Equal(expected, Hostnames.Matches(pattern, host));
}
