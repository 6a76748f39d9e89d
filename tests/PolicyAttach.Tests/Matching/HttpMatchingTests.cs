using PolicyAttach.Matching;
using static PolicyAttach.Tests.Matching.MatchWorld;

namespace PolicyAttach.Tests.Matching;

public class HttpMatchingTests
{
    private static readonly string Http80 = L("http", 80, "HTTP");

    private static RoutingTable One(string rules, string hostnames = "") => Compile(Http80, Http("app", "r", rules, hostnames));

    [Theory]
    [InlineData("/match/exact/one", 0)]
    [InlineData("/match/prefix/one/any", 1)]
    [InlineData("/match/prefix/any", 2)]
    [InlineData("/match/any", 3)]
    public void PathMatchOrder_ExactThenLongestPrefix(string path, int rule)
    {
        var t = One(string.Join(",",
            Rule("""{"path":{"type":"Exact","value":"/match/exact/one"}}"""),
            Rule("""{"path":{"type":"PathPrefix","value":"/match/prefix/one"}}"""),
            Rule("""{"path":{"type":"PathPrefix","value":"/match/prefix/"}}"""),
            Rule("""{"path":{"type":"PathPrefix","value":"/match/"}}""")));
        var o = Get(t, "x", path);
        Assert.Equal(MatchOutcomeKind.Routed, o.Kind);
        Assert.Equal(rule, o.RuleIndex);
    }

    [Theory]
    [InlineData("/v2", 1)]
    [InlineData("/v2/", 1)]
    [InlineData("/v2/example", 1)]
    [InlineData("/v2example", 0)]
    [InlineData("/v2?x=/v3", 1)]
    public void PathPrefix_OnWholeSegments_QueryExcluded(string path, int rule)
    {
        var t = One(Rule("""{"path":{"type":"PathPrefix","value":"/"}}""") + "," + Rule("""{"path":{"type":"PathPrefix","value":"/v2/"}}"""));
        Assert.Equal(rule, Get(t, "x", path).RuleIndex);
    }

    [Theory]
    [InlineData("/two", true)]
    [InlineData("/two/", false)]
    [InlineData("/Two", false)]
    [InlineData("/twox", false)]
    public void ExactPath_IsCaseSensitive(string path, bool routed)
    {
        var t = One(Rule("""{"path":{"type":"Exact","value":"/two"}}"""));
        var o = Get(t, "x", path);
        Assert.Equal(routed ? 200 : 404, o.StatusCode);
        Assert.Equal(routed ? MatchOutcomeKind.Routed : MatchOutcomeKind.NotRouted, o.Kind);
    }

    [Fact]
    public void Regex_IsAnchoredFullMatch()
    {
        var t = One(Rule("""{"path":{"type":"RegularExpression","value":"/v[0-9]+"}}"""));
        Assert.Equal(200, Get(t, "x", "/v12").StatusCode);
        Assert.Equal(404, Get(t, "x", "/v12/a").StatusCode);
        Assert.Equal(404, Get(t, "x", "/a/v12").StatusCode);
    }

    [Fact]
    public void Regex_Re2CannotRun_DropsTheRuleWithUnsupportedValue()
    {
        var result = Tests.Binding.World.Evaluate(
            Tests.Binding.World.GatewayClass(),
            Tests.Binding.World.Gateway("infra", "gw", Http80),
            Tests.Binding.World.Service("app", "svc"),
            Http("app", "r", Rule("""{"path":{"type":"RegularExpression","value":"/a(?=b)"}}""") + "," + Rule("""{"path":{"type":"PathPrefix","value":"/p"}}""")),
            Http("app", "all", Rule("""{"headers":[{"type":"RegularExpression","name":"h","value":"(x)\\1"}]}""")));

        var partly = Assert.Single(result.FindRoute(Key("HTTPRoute", "app", "r"))!.Parents);
        Tests.Binding.World.AssertCondition(partly.Conditions, "Accepted", "True", "Accepted");
        var dropped = Tests.Binding.World.Condition(partly.Conditions, "PartiallyInvalid");
        Assert.Equal(("True", "UnsupportedValue"), (dropped.Status, dropped.Reason));
        Assert.StartsWith("Dropped Rule(s) 0 of HTTPRoute app/r: rule 0: path regular expression \"/a(?=b)\" is not supported: lookahead", dropped.Message, StringComparison.Ordinal);

        var none = Assert.Single(result.FindRoute(Key("HTTPRoute", "app", "all"))!.Parents);
        Tests.Binding.World.AssertCondition(none.Conditions, "Accepted", "False", "UnsupportedValue");

        var t = RoutingTable.Compile(result);
        Assert.Equal(MatchOutcomeKind.NotRouted, Gw(t).Match(new RequestView(RequestProtocol.Http, 80, "GET", "x", "/ab")).Kind);
        Assert.Equal(MatchOutcomeKind.Routed, Gw(t).Match(new RequestView(RequestProtocol.Http, 80, "GET", "x", "/p")).Kind);
    }

    [Fact]
    public void Regex_ComesAfterPrefix_ThenMethodHeadersQuery()
    {
        var t = One(string.Join(",",
            Rule("""{"path":{"type":"RegularExpression","value":"/.*"}}"""),
            Rule("""{"path":{"type":"PathPrefix","value":"/a"}}"""),
            Rule("""{"path":{"type":"PathPrefix","value":"/"},"method":"POST"}"""),
            Rule("""{"path":{"type":"PathPrefix","value":"/"},"headers":[{"name":"h1","value":"1"}]}"""),
            Rule("""{"path":{"type":"PathPrefix","value":"/"},"headers":[{"name":"h1","value":"1"},{"name":"h2","value":"2"}]}"""),
            Rule("""{"path":{"type":"PathPrefix","value":"/"},"queryParams":[{"name":"q","value":"1"}]}""")));
        Assert.Equal(1, Get(t, "x", "/a").RuleIndex);
        Assert.Equal(0, Get(t, "x", "/b").RuleIndex);
        var one = new RequestHeader[] { new("H1", "1") };
        var two = new RequestHeader[] { new("h2", "2"), new("h1", "1") };
        Assert.Equal(3, Get(t, "x", "/b?q=1", one).RuleIndex);
        var prefixOnly = One(string.Join(",",
            Rule("""{"path":{"type":"PathPrefix","value":"/"}}"""),
            Rule("""{"path":{"type":"PathPrefix","value":"/"},"method":"POST"}"""),
            Rule("""{"path":{"type":"PathPrefix","value":"/"},"headers":[{"name":"h1","value":"1"}]}"""),
            Rule("""{"path":{"type":"PathPrefix","value":"/"},"headers":[{"name":"h1","value":"1"},{"name":"h2","value":"2"}]}"""),
            Rule("""{"path":{"type":"PathPrefix","value":"/"},"queryParams":[{"name":"q","value":"1"}]}""")));
        Assert.Equal(1, Get(prefixOnly, "x", "/b?q=1", two, "POST").RuleIndex);
        Assert.Equal(3, Get(prefixOnly, "x", "/b?q=1", two).RuleIndex);
        Assert.Equal(2, Get(prefixOnly, "x", "/b?q=1", one).RuleIndex);
        Assert.Equal(4, Get(prefixOnly, "x", "/b?q=1").RuleIndex);
        Assert.Equal(0, Get(prefixOnly, "x", "/b?q=2").RuleIndex);
    }

    [Fact]
    public void Headers_NamesCaseInsensitive_ValuesExact_FirstOccurrence()
    {
        var t = One(Rule("""{"headers":[{"name":"Version","value":"two"}]}"""));
        Assert.Equal(200, Get(t, "x", "/", [new("version", "two")]).StatusCode);
        Assert.Equal(200, Get(t, "x", "/", [new("VERSION", "two"), new("version", "one")]).StatusCode);
        Assert.Equal(404, Get(t, "x", "/", [new("version", "TWO")]).StatusCode);
        Assert.Equal(404, Get(t, "x", "/", [new("version", "one"), new("version", "two")]).StatusCode);
    }

    [Fact]
    public void Query_NamesExact_FirstValueOfRepeated()
    {
        var t = One(Rule("""{"queryParams":[{"name":"animal","value":"whale"}]}""") + "," + Rule("""{"queryParams":[{"name":"ANIMAL","value":"Whale"}]}""", "b"));
        Assert.Equal(0, Get(t, "x", "/?animal=whale").RuleIndex);
        Assert.Equal(1, Get(t, "x", "/?ANIMAL=Whale").RuleIndex);
        Assert.Equal(404, Get(t, "x", "/?animal=whaledolphin").StatusCode);
        Assert.Equal(0, Get(t, "x", "/?animal=whale&animal=dolphin").RuleIndex);
        Assert.Equal(404, Get(t, "x", "/?animal=dolphin&animal=whale").StatusCode);
    }

    [Fact]
    public void Method_Matches()
    {
        var t = One(Rule("""{"method":"POST"}"""));
        Assert.Equal(200, Get(t, "x", "/", method: "POST").StatusCode);
        Assert.Equal(404, Get(t, "x", "/").StatusCode);
    }

    [Fact]
    public void AcrossRoutes_HostnameSpecificity_ThenAge_ThenName_ThenRuleOrder()
    {
        var t = Compile(Http80,
            Http("app", "exact", Rule("""{"path":{"type":"PathPrefix","value":"/"}}"""), "\"foo.example.com\""),
            Http("app", "wild", Rule("""{"path":{"type":"PathPrefix","value":"/long/prefix"}}"""), "\"*.example.com\""),
            Http("app", "any", Rule("""{"path":{"type":"Exact","value":"/x"}}""")),
            Http("app", "old", Rule("""{"path":{"type":"PathPrefix","value":"/tie"}}"""), "\"tie.com\"", "2019-01-01T00:00:00Z"),
            Http("app", "new", Rule("""{"path":{"type":"PathPrefix","value":"/tie"}}"""), "\"tie.com\"", "2021-01-01T00:00:00Z"),
            Http("app", "zz", Rule("""{"path":{"type":"PathPrefix","value":"/"}}"""), "\"name.com\""),
            Http("app", "aa", Rule("""{"path":{"type":"PathPrefix","value":"/"}}""") + "," + Rule("""{"path":{"type":"PathPrefix","value":"/"}}"""), "\"name.com\""));
        Assert.Equal("exact", RouteName(Get(t, "foo.example.com", "/long/prefix/x")));
        Assert.Equal("wild", RouteName(Get(t, "bar.example.com", "/long/prefix/x")));
        Assert.Equal("wild", RouteName(Get(t, "a.b.example.com:8080", "/long/prefix")));
        Assert.Equal("any", RouteName(Get(t, "bar.example.com", "/x")));
        Assert.Equal(404, Get(t, "example.com", "/long/prefix").StatusCode);
        Assert.Equal("old", RouteName(Get(t, "tie.com", "/tie")));
        var o = Get(t, "name.com", "/");
        Assert.Equal("aa", RouteName(o));
        Assert.Equal(0, o.RuleIndex);
    }

    [Fact]
    public void HostWithPort_AndUppercaseHost_Match()
    {
        var t = One(Rule("""{"path":{"type":"PathPrefix","value":"/"}}"""), "\"very.specific.com\"");
        Assert.Equal(200, Get(t, "very.specific.com:1234", "/").StatusCode);
        Assert.Equal(200, Get(t, "Very.Specific.COM", "/").StatusCode);
        Assert.Equal(404, Get(t, "specific.com", "/").StatusCode);
    }

    [Fact]
    public void MatchIndex_IsTheWinningMatchWithinTheRule()
    {
        var t = One(Rule("""{"path":{"type":"PathPrefix","value":"/"}},{"path":{"type":"Exact","value":"/a"}}"""));
        Assert.Equal(1, Get(t, "x", "/a").MatchIndex);
        Assert.Equal(0, Get(t, "x", "/b").MatchIndex);
    }

    [Fact]
    public void InvalidBackends_KeepTheirShare_AllInvalidIs500()
    {
        var t = Compile(Http80, Http("app", "r", string.Join(",",
            """{"matches":[{"path":{"type":"PathPrefix","value":"/half"}}],"backendRefs":[{"name":"svc","port":80},{"name":"missing","port":80}]}""",
            """{"matches":[{"path":{"type":"PathPrefix","value":"/none"}}],"backendRefs":[{"name":"missing","port":80}]}""",
            """{"matches":[{"path":{"type":"PathPrefix","value":"/empty"}}]}""",
            """{"matches":[{"path":{"type":"PathPrefix","value":"/zero"}}],"backendRefs":[{"name":"svc","port":80,"weight":0}]}""")));
        var half = Get(t, "x", "/half");
        Assert.Equal(MatchOutcomeKind.Routed, half.Kind);
        Assert.Equal(2, half.Backends.Count);
        Assert.True(half.Backends[0].IsValid);
        Assert.False(half.Backends[1].IsValid);
        Assert.Equal("BackendNotFound", half.Backends[1].Reason);
        foreach (var path in new[] { "/none", "/empty", "/zero" })
        {
            var o = Get(t, "x", path);
            Assert.Equal(MatchOutcomeKind.NoBackend, o.Kind);
            Assert.Equal(500, o.StatusCode);
        }
    }

    [Fact]
    public void NotAcceptedParent_AndDroppedRules_AreNotServed()
    {
        var t = Compile(Http80,
            Http("app", "other-gw", Rule("{}"), parentRefs: """{"name":"nope","namespace":"infra"}"""),
            Http("app", "r", Rule("""{"path":{"type":"Unknown","value":"/a"}}""") + "," + Rule("""{"path":{"type":"PathPrefix","value":"/b"}}""")));
        Assert.Equal(404, Get(t, "x", "/a").StatusCode);
        Assert.Equal(1, Get(t, "x", "/b").RuleIndex);
    }

    [Fact]
    public void Allocates_NothingPerMatch()
    {
        var t = One(Rule("""{"path":{"type":"RegularExpression","value":"/r.*"},"headers":[{"name":"h","value":"v"}],"queryParams":[{"name":"q","value":"1"}]}""") + "," + Rule("""{"path":{"type":"PathPrefix","value":"/p"}}"""), "\"*.example.com\"");
        var gw = Gw(t);
        var outcome = new MatchOutcome();
        var headers = new RequestHeader[] { new("H", "v") };
        void Run()
        {
            gw.Match(new RequestView(RequestProtocol.Http, 80, "GET", "a.example.com:80", "/rx?q=1", headers), outcome);
            gw.Match(new RequestView(RequestProtocol.Http, 80, "GET", "a.example.com", "/p/q", headers), outcome);
            gw.Match(new RequestView(RequestProtocol.Http, 80, "GET", "miss.org", "/p/q", headers), outcome);
        }

        Assert.Equal(0, AllocatedByHundredRuns(Run));
        Assert.Equal(MatchOutcomeKind.NotRouted, outcome.Kind);
    }
    [Fact]
    public void SharedShape_HostnamesWithTheSameMatches_EachGetTheirOwnRoute()
    {
        // Hostnames whose routes have the same matches share one candidate array; the rule must still be the
        // hostname's own, and a hostname with other matches must not share it.
        var matches = Rule("""{"path":{"type":"Exact","value":"/login"},"method":"POST"}""") + "," + Rule("""{"path":{"type":"PathPrefix","value":"/api"},"headers":[{"name":"x-canary","value":"true"}]}""") + "," + Rule("""{"path":{"type":"PathPrefix","value":"/api"}}""");
        var t = Compile(L("http", 80, "HTTP"),
            Http("app", "a", matches, "\"a.example.com\""),
            Http("app", "b", matches, "\"b.example.com\""),
            Http("app", "c", Rule("""{"path":{"type":"PathPrefix","value":"/api"}}"""), "\"c.example.com\""));

        Assert.Equal("a", RouteName(Get(t, "a.example.com", "/api/x", [new("x-canary", "true")])));
        Assert.Equal(1, Get(t, "a.example.com", "/api/x", [new("x-canary", "true")]).RuleIndex);
        Assert.Equal("b", RouteName(Get(t, "B.example.com", "/api/x")));
        Assert.Equal(2, Get(t, "b.example.com", "/api/x").RuleIndex);
        Assert.Equal("b", RouteName(Get(t, "b.example.com", "/login", method: "POST")));
        Assert.Equal("c", RouteName(Get(t, "c.example.com", "/api")));
        Assert.Equal(404, Get(t, "c.example.com", "/login", method: "POST").StatusCode);

        var listener = Gw(t).HttpOnlyListener!;
        Assert.True(listener.Http!.TryExact("a.example.com", out var a));
        Assert.True(listener.Http.TryExact("b.example.com", out var b));
        Assert.True(listener.Http.TryExact("c.example.com", out var c));
        Assert.Same(a.Candidates, b.Candidates);
        Assert.NotSame(a.Rules, b.Rules);
        Assert.NotSame(a.Candidates, c.Candidates);
    }
}
