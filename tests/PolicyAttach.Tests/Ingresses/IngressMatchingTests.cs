using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Ingresses;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using static PolicyAttach.Tests.Ingresses.IngressWorld;

namespace PolicyAttach.Tests.Ingresses;

/// <summary>The Ingress matching rules, and where they differ from the Gateway API ones.</summary>
public class IngressMatchingTests
{
    [Theory]
    [InlineData("/foo", "a")]
    [InlineData("/foo/", "a")]
    [InlineData("/foo/bar", "a")]
    [InlineData("/foo//bar", "a")]
    [InlineData("/foobar", "NotRouted")]
    [InlineData("/fo", "NotRouted")]
    [InlineData("/Foo", "NotRouted")]
    public void Prefix_PathElements_MatchesWholeElementsOnly(string path, string expected)
    {
        var table = Table(Ingress("i", Spec(Rule("foo.com", ("Prefix", "/foo", "a")))));
        Assert.Equal(expected, To(table, "foo.com", path));
    }

    [Theory]
    [InlineData("/foo", "a")]
    [InlineData("/foo/", "a")]
    [InlineData("/foo/bar", "a")]
    [InlineData("/foobar", "NotRouted")]
    public void Prefix_TrailingSlashInPath_Ignored(string path, string expected)
    {
        var table = Table(Ingress("i", Spec(Rule("foo.com", ("Prefix", "/foo/", "a")))));
        Assert.Equal(expected, To(table, "foo.com", path));
    }

    [Theory]
    [InlineData("/foo", "a")]
    [InlineData("/foo/", "NotRouted")]
    [InlineData("/foo?x=1", "a")]
    [InlineData("/foo/bar", "NotRouted")]
    public void Exact_PathWithOrWithoutTrailingSlash_MatchesOnlyEqualPath(string path, string expected)
    {
        var table = Table(Ingress("i", Spec(Rule("foo.com", ("Exact", "/foo", "a")))));
        Assert.Equal(expected, To(table, "foo.com", path));
    }

    [Fact]
    public void Prefix_Root_MatchesEveryPath()
    {
        var table = Table(Ingress("i", Spec(Rule("foo.com", ("Prefix", "/", "a")))));
        Assert.Equal("a", To(table, "foo.com", "/"));
        Assert.Equal("a", To(table, "foo.com", "/anything/else"));
    }

    [Fact]
    public void Paths_SeveralMatch_LongestWinsThenExactBeforePrefix()
    {
        var table = Table(Ingress("i", Spec(Rule("foo.com", ("Prefix", "/", "a"), ("Prefix", "/aaa", "b"), ("Prefix", "/aaa/bbb", "c"), ("Exact", "/aaa", "d")))));
        Assert.Equal("c", To(table, "foo.com", "/aaa/bbb"));
        Assert.Equal("c", To(table, "foo.com", "/aaa/bbb/ccc"));
        Assert.Equal("d", To(table, "foo.com", "/aaa"));
        Assert.Equal("b", To(table, "foo.com", "/aaa/"));
        Assert.Equal("b", To(table, "foo.com", "/aaa/ccc"));
        Assert.Equal("a", To(table, "foo.com", "/ccc"));
    }

    [Fact]
    public void Paths_EqualInTwoIngresses_OldestWinsAndReported()
    {
        var table = Table(
            Ingress("young", Spec(Rule("foo.com", ("Prefix", "/x", "a"))), created: "2021-01-01T00:00:00Z"),
            Ingress("old", Spec(Rule("foo.com", ("Prefix", "/x/", "b"))), created: "2020-01-01T00:00:00Z"));
        Assert.Equal("b", To(table, "foo.com", "/x/y"));
        Assert.Contains(table.Diagnostics, d => d.Code == IngressDiagnosticCodes.DuplicatePath && d.Subject!.Value.Name == "young");
    }

    [Theory]
    [InlineData("bar.foo.com", "a")]
    [InlineData("BAR.Foo.COM", "a")]
    [InlineData("baz.bar.foo.com", "b")]
    [InlineData("foo.com", "b")]
    [InlineData(".foo.com", "b")]
    public void Host_Wildcard_CoversExactlyOneLabel(string host, string expected)
    {
        var table = Table(Ingress("i", Spec(Rule("*.foo.com", ("Prefix", "/", "a")), Rule(null, ("Prefix", "/", "b")))));
        Assert.Equal(expected, To(table, host, "/"));
    }

    [Fact]
    public void Host_GatewayApiWildcard_CoversMoreLabelsAndConversionReportsIt()
    {
        var snapshot = Snapshot(Class(), Service("a"), Service("b"), Ingress("i", Spec(Rule("*.foo.com", ("Prefix", "/", "a")), Rule(null, ("Prefix", "/", "b")))));
        var conversion = IngressConverter.Convert(snapshot);
        var gateway = ConvertedGateway(snapshot, conversion);
        var deep = gateway.Match(new RequestView(RequestProtocol.Http, 80, "GET", "baz.bar.foo.com", "/"));
        Assert.Equal("a", deep.Backends[0].BackendRef.Name);
        Assert.Contains(conversion.Report.Issues, i => i.Kind == IngressIssueKinds.WildcardHost && i.Host == "*.foo.com" && i.AffectsRouting);
        Assert.False(conversion.Report.RoutesIdentically);
    }

    [Fact]
    public void Host_ExactAndWildcardBothMatch_ExactWinsAndCaseIgnored()
    {
        var table = Table(Ingress("i", Spec(Rule("*.foo.com", ("Prefix", "/", "a")), Rule("bar.foo.com", ("Prefix", "/", "b")))));
        Assert.Equal("b", To(table, "Bar.Foo.Com", "/"));
        Assert.Equal("a", To(table, "qux.foo.com", "/"));
    }

    [Fact]
    public void Host_WithRules_NoFallBackToRulesWithoutHost()
    {
        var table = Table(Ingress("i", Spec(Rule("foo.com", ("Prefix", "/api", "a")), Rule(null, ("Prefix", "/", "b")))));
        Assert.Equal("a", To(table, "foo.com", "/api"));
        Assert.Equal("NotRouted", To(table, "foo.com", "/web"));
        Assert.Equal("b", To(table, "other.com", "/web"));
    }

    [Fact]
    public void Request_Unmatched_GoesToDefaultBackend()
    {
        var table = Table(Ingress("i", """ "ingressClassName":"web","defaultBackend":{"service":{"name":"d","port":{"number":80}}},"rules":[""" + Rule("foo.com", ("Exact", "/x", "a")) + "]"));
        Assert.Equal("a", To(table, "foo.com", "/x"));
        Assert.Equal("d", To(table, "foo.com", "/y"));
        Assert.Equal("d", To(table, "other.com", "/"));
        var outcome = Get(table, "other.com", "/");
        Assert.Equal(-1, outcome.RuleIndex);
        Assert.True(table.Describe(outcome)!.IsDefaultBackend);
    }

    [Fact]
    public void DefaultBackend_SeveralIngresses_OnlyOldestCounts()
    {
        var table = Table(
            Ingress("young", """ "ingressClassName":"web","defaultBackend":{"service":{"name":"a","port":{"number":80}}}""", created: "2021-01-01T00:00:00Z"),
            Ingress("old", """ "ingressClassName":"web","defaultBackend":{"service":{"name":"b","port":{"number":80}}}"""));
        Assert.Equal("b", To(table, "x.com", "/"));
        Assert.Contains(table.Diagnostics, d => d.Code == IngressDiagnosticCodes.DefaultBackendConflict);
    }

    [Fact]
    public void Port_HostPortOrOtherListenerPort_HostPortIgnoredAndOtherPortsNotServed()
    {
        var table = Table(Ingress("i", Spec(Rule("foo.com", ("Prefix", "/", "a")))));
        Assert.Equal("a", To(table, "foo.com:8080", "/"));
        Assert.Equal("NotRouted", To(table, "foo.com", "/", port: 8080));
        Assert.Equal(404, Get(table, "foo.com", "/", port: 8080).StatusCode);
    }

    [Fact]
    public void Backend_PortNameOrMissing_RoutedOrNoBackend()
    {
        var snapshot = Snapshot(Class(), Service("a", """[{"name":"web","port":8080}]"""),
            Ingress("i", """ "ingressClassName":"web","rules":[{"host":"foo.com","http":{"paths":[""" +
                """{"path":"/n","pathType":"Prefix","backend":{"service":{"name":"a","port":{"name":"web"}}}},""" +
                """{"path":"/bad","pathType":"Prefix","backend":{"service":{"name":"a","port":{"name":"grpc"}}}},""" +
                """{"path":"/gone","pathType":"Prefix","backend":{"service":{"name":"gone","port":{"number":80}}}}]}}]"""));
        var table = IngressRoutingTable.Compile(snapshot, Controller);
        var named = Get(table, "foo.com", "/n");
        Assert.Equal(MatchOutcomeKind.Routed, named.Kind);
        Assert.Equal(8080, named.Backends[0].BackendRef.Port);
        Assert.Equal(MatchOutcomeKind.NoBackend, Get(table, "foo.com", "/bad").Kind);
        Assert.Equal(MatchOutcomeKind.NoBackend, Get(table, "foo.com", "/gone").Kind);
        Assert.Equal(2, table.Diagnostics.Count(d => d.Code == IngressDiagnosticCodes.BackendNotFound));
        var conversion = IngressConverter.Convert(snapshot);
        Assert.Contains(conversion.Report.Issues, i => i.Kind == IngressIssueKinds.UnresolvedPortName && i.Field == "spec.rules[0].http.paths[1].backend");
    }

    [Fact]
    public void Https_TlsEntries_ServesOnlyTheirHosts()
    {
        var table = Table(Ingress("i", """ "ingressClassName":"web","tls":[{"hosts":["*.foo.com"],"secretName":"cert"}],"rules":[""" + Rule(null, ("Prefix", "/", "a")) + "]"));
        Assert.Equal("a", To(table, "x.foo.com", "/", 443, RequestProtocol.Https));
        Assert.Equal("NotRouted", To(table, "y.x.foo.com", "/", 443, RequestProtocol.Https));
        Assert.Equal("NotRouted", To(table, "bar.com", "/", 443, RequestProtocol.Https));
        Assert.Equal("a", To(table, "bar.com", "/"));
        Assert.Equal("NotRouted", To(table, "x.foo.com", "/", 80, RequestProtocol.Https));
    }

    [Fact]
    public void ImplementationSpecific_PathType_MatchedAsPrefixAndReported()
    {
        var snapshot = Snapshot(Class(), Service("a"), Ingress("i", Spec(Rule("foo.com", ("ImplementationSpecific", "/foo", "a"))), annotations: "\"nginx.ingress.kubernetes.io/use-regex\":\"true\",\"example.com/other\":\"x\""));
        var table = IngressRoutingTable.Compile(snapshot, IngressOwner.Class("web"));
        Assert.Equal("a", To(table, "foo.com", "/foo/bar"));
        Assert.Equal("NotRouted", To(table, "foo.com", "/foobar"));
        var issues = IngressConverter.Convert(snapshot).Report.Issues;
        Assert.Contains(issues, i => i.Kind == IngressIssueKinds.ImplementationSpecificPath);
        Assert.Contains(issues, i => i.Kind == IngressIssueKinds.RegexPaths && i.AffectsRouting);
        Assert.Contains(issues, i => i.Kind == IngressIssueKinds.UnsupportedAnnotation && !i.AffectsRouting);
    }

    [Fact]
    public void Outcome_Routed_NamesIngressRuleAndPath()
    {
        var table = Table(Ingress("i", Spec(Rule("x.com", ("Prefix", "/", "b")), Rule("foo.com", ("Prefix", "/", "b"), ("Prefix", "/a", "a")))));
        var outcome = Get(table, "foo.com", "/a");
        Assert.Equal(new ResourceKey(Groups.Networking, "Ingress", "app", "i"), outcome.RouteKey);
        Assert.Equal(1, outcome.RuleIndex);
        Assert.Equal(1, outcome.MatchIndex);
        Assert.Null(outcome.Listener);
        var match = table.Describe(outcome)!;
        Assert.Equal("foo.com", match.Host);
        Assert.Equal("/a", match.Path!.Path);
    }

    [Fact]
    public void Stream_TcpRequest_NotRouted()
    {
        var table = Table(Ingress("i", Spec(Rule(null, ("Prefix", "/", "a")))));
        Assert.Equal(MatchOutcomeKind.NotRouted, Get(table, "x", "", 80, RequestProtocol.Tcp).Kind);
    }

    [Fact]
    public void Matching_RepeatedRequests_AllocatesNothing()
    {
        var table = Table(Ingress("i", Spec(Rule("*.foo.com", ("Prefix", "/a", "a")), Rule("foo.com", ("Exact", "/x", "b"), ("Prefix", "/", "c")), Rule(null, ("Prefix", "/b", "d")))));
        var outcome = new MatchOutcome();
        void Run()
        {
            table.Match(new RequestView(RequestProtocol.Http, 80, "GET", "x.foo.com:80", "/a/b?q=1"), outcome);
            table.Match(new RequestView(RequestProtocol.Http, 80, "GET", "FOO.com", "/x"), outcome);
            table.Match(new RequestView(RequestProtocol.Http, 80, "GET", "other", "/b"), outcome);
            table.Match(new RequestView(RequestProtocol.Http, 80, "GET", "other", "/none"), outcome);
        }

        Run();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Run();
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    internal static GatewayRoutingTable ConvertedGateway(PolicyAttach.Snapshot input, IngressConversion conversion)
    {
        var objects = input.Objects.Concat(conversion.Objects).Concat(conversion.GatewayClasses);
        var result = Evaluator.Evaluate(PolicyAttach.Snapshot.Create(objects), new EvaluationOptions { ControllerNames = conversion.GatewayClasses.Select(c => c.ControllerName).ToEquatableArray() });
        return RoutingTable.Compile(result).FindGateway(conversion.Gateways[0].Key)!;
    }
}
