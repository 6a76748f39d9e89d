using PolicyAttach.Conversion;
using PolicyAttach.IngressNginx;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using static PolicyAttach.Tests.IngressNginx.IngressNginxModelTests;

namespace PolicyAttach.Tests.IngressNginx;

public class IngressNginxConverterTests
{
    /// <summary>Converts with NGINX's default certificate passed along (Secret default/tls), as a migration does.</summary>
    private static IngressConversionResult Convert(IngressNginxConversionOptions? options, params string[] docs)
    {
        var snapshot = World([Secret(), .. docs]);
        options = (options ?? new IngressNginxConversionOptions()) with { DefaultCertificate = options?.DefaultCertificate ?? new ObjectReference { Name = "tls", Namespace = "default" } };
        var conversion = IngressNginxConverter.Convert(snapshot, options);
        return new IngressConversionResult(conversion, IngressNginxVerifier.Verify(snapshot, conversion));
    }

    private sealed record IngressConversionResult(PolicyAttach.Ingresses.IngressConversion Conversion, VerificationResult Verification);

    [Fact]
    public void RewriteTarget_CaptureGroupFromTheIssue_ReplacePrefixMatchNotLiteral()
    {
        // Issue 21: rewrite-target /$2 must never become ReplaceFullPath /$2 (a literal path in Gateway API).
        var result = Convert(null, Service("api"),
            Ingress("api", [("a.com", "/api(/|$)(.*)", "ImplementationSpecific", "api")], [("use-regex", "true"), ("rewrite-target", "/$2")]));
        var rule = Assert.Single(Assert.Single(result.Conversion.HttpRoutes).Rules);
        Assert.Equal(PathMatchType.PathPrefix, rule.Matches[0].Path.Type);
        Assert.Equal("/api", rule.Matches[0].Path.Value);
        var rewrite = Assert.Single(rule.Filters).UrlRewrite!.Path!;
        Assert.Equal(HttpPathModifierType.ReplacePrefixMatch, rewrite.Type);
        Assert.Equal("/", rewrite.ReplacePrefixMatch);
        Assert.Empty(result.Conversion.Report.Errors);
        // Only requests in another case differ: NGINX's regex locations ignore case, PathPrefix does not.
        Assert.NotEmpty(result.Verification.Differences);
        Assert.All(result.Verification.Differences, d => Assert.Contains("/API", d.Probe.PathAndQuery, StringComparison.Ordinal));
        Assert.Contains(result.Conversion.Report.Issues, i => i.Kind == "RegexPaths" && i.Outcome == ConversionOutcome.Approximated);
    }

    [Fact]
    public void SslRedirect_RegexHostWithAnotherIngressPath_CatchAllRedirectRanksLast()
    {
        // Found by IngressNginxConversionProperties: on a regex host (use-regex on one Ingress), the default backend's
        // https redirect was a PathPrefix "/" rule, which outranks every RegularExpression rule, so http requests for
        // another Ingress's path were redirected although NGINX serves them from that path's location.
        var result = Convert(null, Service("s2", ns: "app"), Service("s3", ns: "team"),
            Ingress("i0", [("b.example.com", "/v[0-9]+", "ImplementationSpecific", "s2")], [("use-regex", "true"), ("force-ssl-redirect", "true")], ns: "app"),
            Ingress("i1", [("b.example.com", "/a/", "ImplementationSpecific", "s3")], age: 1, ns: "team"));
        Assert.DoesNotContain(result.Verification.Differences, d => d.Probe.Scheme == "http" && d.Probe.PathAndQuery.StartsWith("/a/", StringComparison.OrdinalIgnoreCase));
        var http = result.Conversion.HttpRoutes.Single(r => r.Name.EndsWith("-http", StringComparison.Ordinal));
        Assert.All(http.Rules, r => Assert.Equal(PathMatchType.RegularExpression, r.Matches[0].Path.Type));
    }

    [Fact]
    public void PlainHosts_PrefixExactAndCanary_VerifyClean()
    {
        var result = Convert(null, Service("a"), Service("b"), Service("c"),
            Ingress("main", [("a.com", "/", "Prefix", "a"), ("a.com", "/docs/", "Prefix", "b"), ("a.com", "/health", "Exact", "b")]),
            Ingress("next", [("a.com", "/", "Prefix", "c")], [("canary", "true"), ("canary-by-header", "X-Canary"), ("canary-weight", "10")], age: 1));
        Assert.Empty(result.Verification.Differences);
        Assert.True(result.Verification.Requests > 20);
        var route = Assert.Single(result.Conversion.HttpRoutes);
        Assert.Contains(route.Rules, r => r.Matches[0].Headers.Any(h => h.Name == "X-Canary" && h.Value == "always"));
        Assert.Contains(route.Rules, r => r.BackendRefs.Count == 2 && r.BackendRefs.Sum(b => b.BackendRef.Weight) == 100);
        Assert.Contains(route.Rules, r => r.Matches[0].Path is { Type: PathMatchType.Exact, Value: "/docs" } && r.Filters[0].RequestRedirect!.StatusCode == 301);
    }

    [Fact]
    public void SslRedirect_TlsHost_HttpRouteRedirectsHttpsRouteServes()
    {
        var result = Convert(null, Service("a"), Ingress("i", [("a.example.com", "/shop", "Prefix", "a")], tls: "a.example.com"));
        var routes = result.Conversion.HttpRoutes;
        Assert.Equal(2, routes.Count);
        var http = routes.Single(r => r.Name.EndsWith("-http", StringComparison.Ordinal));
        Assert.Equal("https", http.Rules[0].Filters[0].RequestRedirect!.Scheme);
        Assert.Equal(308, http.Rules[0].Filters[0].RequestRedirect!.StatusCode);
        Assert.All(http.ParentRefs, p => Assert.StartsWith("http-", p.SectionName, StringComparison.Ordinal));
        Assert.All(routes.Single(r => r != http).ParentRefs, p => Assert.StartsWith("https-", p.SectionName, StringComparison.Ordinal));
        // The only differences: paths ending in a slash (NGINX drops it from the redirect).
        Assert.All(result.Verification.Differences, d => Assert.EndsWith("/", d.Probe.PathAndQuery.Split('?')[0], StringComparison.Ordinal));
    }

    [Fact]
    public void Report_EveryAnnotation_AppearsOnce()
    {
        var annotations = new (string Key, string Value)[] { ("rewrite-target", "/"), ("proxy-body-size", "8m"), ("configuration-snippet", "x"), ("whitelist-source-range", "10.0.0.0/8"), ("no-such-annotation", "1"), ("ssl-redirect", "maybe") };
        var result = Convert(null, Service("a"), Ingress("i", [("a.com", "/app", "Prefix", "a")], annotations));
        foreach (var (key, _) in annotations)
        {
            Assert.Contains(result.Conversion.Report.Issues, i => i.Kind == Prefix + key);
        }

        Assert.Equal(ConversionOutcome.Dropped, result.Conversion.Report.Issues.First(i => i.Kind == Prefix + "whitelist-source-range").Outcome);
        Assert.Equal(ConversionOutcome.Carried, result.Conversion.Report.Issues.First(i => i.Kind == Prefix + "ssl-redirect").Outcome);
        Assert.True(result.Conversion.Report.HasApproximations);
    }

    [Fact]
    public void ExistingGateway_RoutesAttachToTheListenersOfTheirHosts()
    {
        const string gateway = """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"shared","namespace":"infra"},"spec":{"gatewayClassName":"c","listeners":[{"name":"web","port":8080,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"All"}}},{"name":"shop","hostname":"shop.com","port":8080,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"All"}}}]}}""";
        var result = Convert(new IngressNginxConversionOptions { Target = NginxConversionTarget.ExistingGateway, Gateway = new ResourceKey(Groups.Gateway, "Gateway", "infra", "shared") },
            gateway, Service("a"), Ingress("i", [("shop.com", "/", "Prefix", "a"), ("other.com", "/", "Prefix", "a")]));
        Assert.Empty(result.Conversion.Gateways);
        var shop = result.Conversion.HttpRoutes.Single(r => r.Hostnames.Contains("shop.com"));
        Assert.Equal("shop", Assert.Single(shop.ParentRefs).SectionName);
        var other = result.Conversion.HttpRoutes.Single(r => r.Hostnames.Contains("other.com"));
        Assert.Equal("web", Assert.Single(other.ParentRefs).SectionName);
        Assert.Equal(8080, Assert.Single(result.Conversion.Targets).HttpPort);
        Assert.DoesNotContain(result.Verification.Differences, d => d.Probe.Scheme == "http");
    }

    [Fact]
    public void ListenerSets_OnePerNamespace_OnANewGateway()
    {
        var result = Convert(new IngressNginxConversionOptions { Target = NginxConversionTarget.ListenerSets },
            Service("a", "team-a"), Service("b", "team-b"),
            Ingress("a", [("a.com", "/", "Prefix", "a")], ns: "team-a"),
            Ingress("b", [("b.com", "/", "Prefix", "b")], ns: "team-b", age: 1));
        Assert.Equal(["team-a", "team-b"], result.Conversion.ListenerSets.Select(l => l.Namespace).ToArray());
        Assert.Equal(FromNamespaces.All, Assert.Single(result.Conversion.Gateways).AllowedListeners.NamespacesFrom);
        Assert.All(result.Conversion.HttpRoutes, r => Assert.Contains(r.ParentRefs, p => p.Kind == "ListenerSet"));
        Assert.DoesNotContain(result.Verification.Differences, d => d.Probe.Scheme == "http");
    }

    [Fact]
    public void EnvoyGatewayProfile_AllowListAndRateLimit_PoliciesTargetTheRules()
    {
        var result = Convert(new IngressNginxConversionOptions { EnvoyGateway = true }, Service("a"),
            Ingress("admin", [("a.com", "/", "Prefix", "a")], [("whitelist-source-range", "10.0.0.0/8, 192.168.0.1"), ("limit-rps", "5")]));
        var security = Assert.Single(result.Conversion.Policies, p => p.Kind == "SecurityPolicy");
        var traffic = Assert.Single(result.Conversion.Policies, p => p.Kind == "BackendTrafficPolicy");
        var rule = Assert.Single(Assert.Single(result.Conversion.HttpRoutes).Rules);
        Assert.Equal(rule.Name, Assert.Single(((IPolicyObject)security).TargetRefs).SectionName);
        Assert.Contains("192.168.0.1/32", ((IPolicyObject)security).Spec.ToCanonicalString(), StringComparison.Ordinal);
        Assert.Contains("\"requests\":5", ((IPolicyObject)traffic).Spec.ToCanonicalString(), StringComparison.Ordinal);
        Assert.Equal(ConversionOutcome.Carried, result.Conversion.Report.Issues.Single(i => i.Kind == Prefix + "whitelist-source-range").Outcome);
    }

    [Fact]
    public void Grpc_BackendProtocol_GrpcRouteByService()
    {
        var result = Convert(null, Service("g"),
            Ingress("g", [("g.com", "/pkg.Greeter", "Prefix", "g")], [("backend-protocol", "GRPC")]));
        var route = Assert.Single(result.Conversion.GrpcRoutes);
        Assert.Equal("pkg.Greeter", route.Rules[0].Matches[0].Method!.Service);
        Assert.Empty(result.Conversion.HttpRoutes);
        Assert.Empty(result.Verification.Differences);
    }

    [Fact]
    public void ReadBack_GatewayOverTheListenerLimit_WithheldAndReported()
    {
        // 65 hosts need 65 listeners; a Gateway holds 64, so the API server would refuse it.
        var rules = Enumerable.Range(0, 65).Select(i => ((string?)$"h{i}.example.com", "/", "Prefix", "a")).ToArray();
        var result = Convert(null, Service("a"), Ingress("many", rules));
        Assert.Empty(result.Conversion.Gateways);
        var error = Assert.Single(result.Conversion.Report.Errors);
        Assert.Equal("Gateway", error.Output.Kind);
        Assert.Equal("many", error.Subject?.Name);
        Assert.Equal(65, result.Conversion.HttpRoutes.Count);
    }

    [Fact]
    public void HostsWithoutTls_NoDefaultCertificate_ReportedAndDifferOnHttpsOnly()
    {
        var snapshot = World(Service("a"), Ingress("i", [("a.com", "/", "Prefix", "a")]));
        var conversion = IngressNginxConverter.Convert(snapshot);
        var issue = Assert.Single(conversion.Report.Issues, i => i.Kind == "DefaultCertificate");
        Assert.Equal(ConversionOutcome.Approximated, issue.Outcome);
        var verification = IngressNginxVerifier.Verify(snapshot, conversion);
        Assert.NotEmpty(verification.Differences);
        Assert.All(verification.Differences, d => Assert.Equal("https", d.Probe.Scheme));
    }
}
