using System.Text.Json;
using PolicyAttach.Conversion;
using PolicyAttach.IngressNginx;
using PolicyAttach.Manifests;
using PolicyAttach.Matching;

namespace PolicyAttach.Tests.IngressNginx;

/// <summary>The ingress-nginx model against the examples of ingress-nginx's documentation and the controller's rules.</summary>
public class IngressNginxModelTests
{
    internal const string Prefix = "nginx.ingress.kubernetes.io/";

    internal static string Class() => """{"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"nginx"},"spec":{"controller":"k8s.io/ingress-nginx"}}""";

    internal static string Service(string name, string ns = "default", int port = 80)
        => "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\"},\"spec\":{\"ports\":[{\"name\":\"http\",\"port\":" + port + "}]}}";

    internal static string Secret(string name = "tls", string ns = "default")
        => "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"type\":\"kubernetes.io/tls\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\"},\"data\":{\"tls.crt\":\"" + TestPem.Certificate + "\",\"tls.key\":\"" + TestPem.Key + "\"}}";

    /// <summary>An Ingress of class nginx; <paramref name="rules"/> as (host, path, type, service) and annotations without the prefix.</summary>
    internal static string Ingress(string name, (string? Host, string Path, string Type, string Service)[] rules, (string Key, string Value)[]? annotations = null, int age = 0, string ns = "default", string? tls = null, string? defaultBackend = null)
    {
        var annotationJson = string.Join(",", (annotations ?? []).Select(a => JsonSerializer.Serialize(Prefix + a.Key) + ":" + JsonSerializer.Serialize(a.Value)));
        var ruleJson = string.Join(",", rules.GroupBy(r => r.Host).Select(g =>
            "{" + (g.Key is null ? string.Empty : "\"host\":" + JsonSerializer.Serialize(g.Key) + ",") + "\"http\":{\"paths\":["
            + string.Join(",", g.Select(r => "{\"path\":" + JsonSerializer.Serialize(r.Path) + ",\"pathType\":\"" + r.Type + "\",\"backend\":{\"service\":{\"name\":\"" + r.Service + "\",\"port\":{\"number\":80}}}}"))
            + "]}}"));
        var spec = "\"ingressClassName\":\"nginx\",\"rules\":[" + ruleJson + "]"
            + (tls is null ? string.Empty : ",\"tls\":[{\"hosts\":[" + JsonSerializer.Serialize(tls) + "],\"secretName\":\"tls\"}]")
            + (defaultBackend is null ? string.Empty : ",\"defaultBackend\":{\"service\":{\"name\":\"" + defaultBackend + "\",\"port\":{\"number\":80}}}");
        return "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\",\"creationTimestamp\":\"2024-01-01T00:00:" + age.ToString("00", System.Globalization.CultureInfo.InvariantCulture) + "Z\",\"annotations\":{" + annotationJson + "}},\"spec\":{" + spec + "}}";
    }

    internal static Snapshot World(params string[] docs)
        => Snapshot.Create(new[] { Class() }.Concat(docs).Select(d =>
        {
            using var json = JsonDocument.Parse(d);
            return ManifestReader.Read(json.RootElement).Resource ?? throw new InvalidOperationException("invalid document: " + d);
        }).ToList());

    internal static IngressNginxModel Model(params string[] docs) => IngressNginxModel.Compile(World(docs), "nginx");

    internal static RoutingAnswer Get(IngressNginxModel model, string host, string path, bool https = false, params RequestHeader[] headers)
        => model.Decide(new RequestProbe { Protocol = https ? RequestProtocol.Https : RequestProtocol.Http, Port = https ? 443 : 80, Authority = host, PathAndQuery = path, Headers = [.. headers] }).Answer;

    /// <summary>The backend a request reaches (service name), or the status when none.</summary>
    internal static string To(IngressNginxModel model, string host, string path, bool https = false, params RequestHeader[] headers)
    {
        var answer = Get(model, host, path, https, headers);
        return answer.IsForwarded ? string.Join("+", answer.Backends.Select(b => b.Backend.Split('/')[1].Split(':')[0])) : answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void PathPriority_DocumentationExample_RoutesAsDocumented()
    {
        // ingress-path-matching, "Path Priority": /foo/bar/1 to service3, /foo/bar/ to service2, /foo/bar to service1.
        var model = Model(Service("service1"), Service("service2"), Service("service3"),
            Ingress("test-ingress-1", [("test.com", "/foo/bar", "Prefix", "service1"), ("test.com", "/foo/bar/", "Prefix", "service2")]),
            Ingress("test-ingress-2", [("test.com", "/foo/bar/(.+)", "ImplementationSpecific", "service3")], [("rewrite-target", "/$1")], age: 1));
        Assert.Equal("service3", To(model, "test.com", "/foo/bar/1"));
        Assert.Equal("service2", To(model, "test.com", "/foo/bar/"));
        Assert.Equal("service1", To(model, "test.com", "/foo/bar"));
        Assert.Equal("/1", Get(model, "test.com", "/foo/bar/1").PathAndQuery);
    }

    [Fact]
    public void RegexLocations_DocumentationWarning_FirstMatchByLengthWins()
    {
        // ingress-path-matching, "Warning": /foo/bar/bar reaches the regex location, not the longest exact path.
        var model = Model(Service("exact"), Service("regex"),
            Ingress("test-ingress-3", [("test.com", "/foo/bar/bar", "Prefix", "exact"), ("test.com", "/foo/bar/[A-Z0-9]{3}", "ImplementationSpecific", "regex")], [("use-regex", "true")]));
        Assert.Equal("regex", To(model, "test.com", "/foo/bar/bar"));
        Assert.Equal("regex", To(model, "test.com", "/FOO/BAR/ABC"));
        Assert.Equal("regex", To(model, "test.com", "/foo/bar/bar/deeper"));
        Assert.Equal("404", To(model, "test.com", "/foo/bar/ba"));
    }

    [Theory]
    [InlineData("/something", "/")]
    [InlineData("/something/", "/")]
    [InlineData("/something/new", "/new")]
    [InlineData("/something/new?x=1", "/new?x=1")]
    public void RewriteTarget_DocumentationExample_RewritesAsDocumented(string path, string forwarded)
    {
        // examples/rewrite: /something(/|$)(.*) with rewrite-target /$2.
        var model = Model(Service("http-svc"),
            Ingress("rewrite", [("rewrite.bar.com", "/something(/|$)(.*)", "ImplementationSpecific", "http-svc")], [("use-regex", "true"), ("rewrite-target", "/$2")]));
        Assert.Equal(forwarded, Get(model, "rewrite.bar.com", path).PathAndQuery);
    }

    [Fact]
    public void RewriteTarget_NoCaptureGroup_ReplacesTheWholePath()
    {
        var model = Model(Service("app"), Ingress("app", [("a.com", "/app", "Prefix", "app")], [("rewrite-target", "/")]));
        Assert.Equal("/", Get(model, "a.com", "/app/deep/page").PathAndQuery);
        Assert.Equal("app", To(model, "a.com", "/APP"));
    }

    [Fact]
    public void AppRoot_DocumentationExample_RedirectsTheRoot()
    {
        var model = Model(Service("http-svc"), Ingress("approot", [("approot.bar.com", "/", "Prefix", "http-svc")], [("app-root", "/app1")]));
        var answer = Get(model, "approot.bar.com", "/");
        Assert.Equal(302, answer.Status);
        Assert.Equal("http://approot.bar.com/app1", answer.Location);
        Assert.Equal("http-svc", To(model, "approot.bar.com", "/other"));
    }

    [Fact]
    public void PlainPrefix_ElementWise_AndImplementationSpecificIsPrefix()
    {
        var model = Model(Service("a"), Service("b"), Service("c"),
            Ingress("i", [("a.com", "/foo", "Prefix", "a"), ("a.com", "/foo/bar", "Exact", "b"), ("a.com", "/static", "ImplementationSpecific", "c")]));
        Assert.Equal("a", To(model, "a.com", "/foo"));
        Assert.Equal("a", To(model, "a.com", "/foo/"));
        Assert.Equal("a", To(model, "a.com", "/foo/x"));
        Assert.Equal("404", To(model, "a.com", "/foobar"));
        Assert.Equal("404", To(model, "a.com", "/FOO"));
        Assert.Equal("b", To(model, "a.com", "/foo/bar"));
        Assert.Equal("a", To(model, "a.com", "/foo/bar/"));
        Assert.Equal("404", To(model, "a.com", "/staticx"));
        Assert.Equal("c", To(model, "a.com", "/static/x"));
    }

    [Fact]
    public void PrefixWithTrailingSlash_BarePath_RedirectsToTheSlash()
    {
        // NGINX's rule for a prefix location ending in / that proxies: the path without the slash gets a 301.
        var model = Model(Service("docs"), Ingress("i", [("a.com", "/docs/", "Prefix", "docs")]));
        var answer = Get(model, "a.com", "/docs?page=2");
        Assert.Equal(301, answer.Status);
        Assert.Equal("http://a.com/docs/?page=2", answer.Location);
        Assert.Equal("docs", To(model, "a.com", "/docs/intro"));
    }

    [Fact]
    public void Canary_HeaderCookieWeight_DocumentedPrecedence()
    {
        var model = Model(Service("main"), Service("next"),
            Ingress("main", [("a.com", "/", "Prefix", "main")]),
            Ingress("next", [("a.com", "/", "Prefix", "next")], [("canary", "true"), ("canary-by-header", "X-Canary"), ("canary-by-cookie", "beta"), ("canary-weight", "25")], age: 1));
        Assert.Equal("next", To(model, "a.com", "/", headers: new RequestHeader("x-canary", "always")));
        Assert.Equal("main", To(model, "a.com", "/", headers: [new RequestHeader("X-Canary", "never"), new RequestHeader("Cookie", "beta=always")]));
        Assert.Equal("next", To(model, "a.com", "/", headers: [new RequestHeader("X-Canary", "maybe"), new RequestHeader("Cookie", "a=b; beta=always")]));
        Assert.Equal("main", To(model, "a.com", "/", headers: new RequestHeader("Cookie", "beta=never")));
        var weighted = Get(model, "a.com", "/");
        Assert.Equal(["default/main:80", "default/next:80"], weighted.Backends.Select(b => b.Backend).ToArray());
        Assert.Equal([75, 25], weighted.Backends.Select(b => b.Weight).ToArray());
    }

    [Fact]
    public void Canary_HeaderValueAndPattern_MatchOnlyTheirValues()
    {
        var model = Model(Service("main"), Service("next"), Service("main2"), Service("next2"),
            Ingress("main", [("a.com", "/v", "Prefix", "main"), ("a.com", "/p", "Prefix", "main2")]),
            Ingress("value", [("a.com", "/v", "Prefix", "next")], [("canary", "true"), ("canary-by-header", "X-Env"), ("canary-by-header-value", "staging")], age: 1),
            Ingress("pattern", [("a.com", "/p", "Prefix", "next2")], [("canary", "true"), ("canary-by-header", "X-Version"), ("canary-by-header-pattern", "^(v2|beta)$")], age: 2));
        Assert.Equal("next", To(model, "a.com", "/v", headers: new RequestHeader("X-Env", "staging")));
        Assert.Equal("main", To(model, "a.com", "/v", headers: new RequestHeader("X-Env", "always")));
        Assert.Equal("next2", To(model, "a.com", "/p", headers: new RequestHeader("X-Version", "beta")));
        Assert.Equal("main2", To(model, "a.com", "/p", headers: new RequestHeader("X-Version", "v3")));
    }

    [Fact]
    public void Canary_WithoutMatchingMainLocation_ServesNothing()
    {
        var model = Model(Service("main"), Service("next"),
            Ingress("main", [("a.com", "/", "Prefix", "main")]),
            Ingress("next", [("a.com", "/other", "Prefix", "next")], [("canary", "true"), ("canary-by-header", "X-Canary")], age: 1));
        Assert.Equal("main", To(model, "a.com", "/other", headers: new RequestHeader("X-Canary", "always")));
    }

    [Fact]
    public void SslRedirect_TlsHost_RedirectsWithoutTrailingSlashUnlessPreserved()
    {
        var model = Model(Service("a"), Secret(),
            Ingress("i", [("a.example.com", "/", "Prefix", "a")], tls: "a.example.com"),
            Ingress("keep", [("b.example.com", "/", "Prefix", "a")], [("preserve-trailing-slash", "true")], age: 1, tls: "b.example.com"));
        var answer = Get(model, "a.example.com", "/docs/?x");
        Assert.Equal(308, answer.Status);
        Assert.Equal("https://a.example.com/docs/?x", answer.Location);
        Assert.Equal("https://a.example.com/docs", Get(model, "a.example.com", "/docs/").Location);
        Assert.Equal("https://b.example.com/docs/", Get(model, "b.example.com", "/docs/").Location);
        Assert.Equal("a", To(model, "a.example.com", "/docs/", https: true));
    }

    [Fact]
    public void ForceSslRedirect_WithoutCertificate_Redirects()
    {
        var model = Model(Service("a"), Ingress("i", [("a.com", "/", "Prefix", "a")], [("force-ssl-redirect", "true")]));
        Assert.Equal(308, Get(model, "a.com", "/x").Status);
        Assert.Equal("a", To(model, "a.com", "/x", https: true));
    }

    [Fact]
    public void WildcardHost_OneLabel_OthersReachTheCatchAll()
    {
        var model = Model(Service("a"), Service("fallback"),
            Ingress("wild", [("*.foo.com", "/", "Prefix", "a")]),
            Ingress("all", [], age: 1, defaultBackend: "fallback"));
        Assert.Equal("a", To(model, "bar.foo.com", "/"));
        Assert.Equal("a", To(model, "BAR.foo.com:80", "/"));
        Assert.Equal("fallback", To(model, "baz.bar.foo.com", "/"));
        Assert.Equal("fallback", To(model, "foo.com", "/"));
    }

    [Fact]
    public void DuplicatePath_OldestIngressWins_EqualTimesByNameDescending()
    {
        var model = Model(Service("a"), Service("b"),
            Ingress("alpha", [("a.com", "/x", "Prefix", "a")], age: 5),
            Ingress("beta", [("a.com", "/x", "Prefix", "b")], age: 5));
        Assert.Equal("b", To(model, "a.com", "/x"));
    }

    [Fact]
    public void Redirects_TemporalBeforePermanent_CodesInRange()
    {
        var model = Model(Service("a"),
            Ingress("i", [("a.com", "/", "Prefix", "a")], [("permanent-redirect", "https://p.example.org"), ("temporal-redirect", "https://t.example.org/x"), ("temporal-redirect-code", "399")]),
            Ingress("j", [("b.com", "/", "Prefix", "a")], [("permanent-redirect", "https://p.example.org$request_uri"), ("permanent-redirect-code", "308")], age: 1));
        Assert.Equal((302, "https://t.example.org/x"), (Get(model, "a.com", "/y").Status, Get(model, "a.com", "/y").Location));
        Assert.Equal((308, "https://p.example.org/y?z"), (Get(model, "b.com", "/y?z").Status, Get(model, "b.com", "/y?z").Location));
    }

    [Fact]
    public void UnsupportedRegex_Backreference_NeverMatches()
    {
        var model = Model(Service("a"), Service("b"),
            Ingress("i", [("a.com", "/(x)\\1", "ImplementationSpecific", "a"), ("a.com", "/", "Prefix", "b")], [("use-regex", "true")]));
        Assert.Equal("b", To(model, "a.com", "/xx"));
    }

    [Fact]
    public void MissingService_AnswersServiceUnavailable()
    {
        var model = Model(Ingress("i", [("a.com", "/", "Prefix", "gone")]));
        Assert.Equal(503, Get(model, "a.com", "/").Status);
    }

    [Fact]
    public void UpstreamVhostAndForwardedPrefix_SetOnRewrite()
    {
        var model = Model(Service("a"),
            Ingress("i", [("a.com", "/app(/|$)(.*)", "ImplementationSpecific", "a")], [("rewrite-target", "/$2"), ("upstream-vhost", "internal.app"), ("x-forwarded-prefix", "/app")]));
        var answer = Get(model, "a.com", "/app/x");
        Assert.Equal("internal.app", answer.Host);
        Assert.Equal("/x", answer.PathAndQuery);
        Assert.Equal("X-Forwarded-Prefix", Assert.Single(answer.SetHeaders).Name);
    }
}

/// <summary>A self-signed certificate and key made once per run, base64-encoded for Secret data.</summary>
internal static class TestPem
{
    private static readonly Lazy<(string Certificate, string Key)> Pair = new(() =>
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=example.com", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var notBefore = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var certificate = request.CreateSelfSigned(notBefore, notBefore.AddYears(50));
        return (Base64(certificate.ExportCertificatePem()), Base64(key.ExportPkcs8PrivateKeyPem()));
    });

    public static string Certificate => Pair.Value.Certificate;

    public static string Key => Pair.Value.Key;

    private static string Base64(string text) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(text));
}
