using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Ingresses;
using PolicyAttach.Manifests;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using static PolicyAttach.Tests.Ingresses.IngressWorld;

namespace PolicyAttach.Tests.Conversion;

public class ConversionPlumbingTests
{
    private static HttpRoute Route(string path, string type = "PathPrefix", int? port = 80) => new()
    {
        ApiVersion = "gateway.networking.k8s.io/v1",
        Metadata = new ObjectMeta { Name = "r", Namespace = "app" },
        ParentRefs = [new ParentReference { Name = "gw", Namespace = "app" }],
        Rules =
        [
            new HttpRouteRule
            {
                Matches = [new HttpRouteMatch { Path = new HttpPathMatch { Type = Enum.Parse<PathMatchType>(type), TypeName = type, Value = path } }],
                BackendRefs = [new RouteBackendRef { BackendRef = new BackendReference { Name = "a", Namespace = "app", Port = port } }],
            },
        ],
    };

    [Fact]
    public void ReadBack_PathPrefixWithRegexCharacters_WithheldAndTracedToSource()
    {
        var ingress = new ResourceKey(Groups.Networking, "Ingress", "app", "i");
        var route = Route("/api(/|$)(.*)");
        var result = ConversionReadBack.Check([route], [new ConversionOrigin(route.Key, string.Empty, ingress, null), new ConversionOrigin(route.Key, "spec.rules[0]", ingress, "spec.rules[0].http.paths[0]")]);
        Assert.Empty(result.Accepted);
        var error = Assert.Single(result.Errors);
        Assert.Equal(ingress, error.Subject);
        Assert.Equal("spec.rules[0].http.paths[0]", error.Field);
        Assert.StartsWith("spec.rules[0].matches[0].path", error.OutputField, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadBack_BackendWithoutPort_Withheld()
    {
        var route = Route("/api", port: null);
        var result = ConversionReadBack.Check([route], []);
        Assert.Empty(result.Accepted);
        Assert.NotEmpty(result.Errors);
        Assert.Null(result.Errors[0].Subject);
    }

    [Fact]
    public void ReadBack_ValidRoute_Accepted()
    {
        var result = ConversionReadBack.Check([Route("/api")], []);
        Assert.Single(result.Accepted);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void ManifestWriter_RouteWithFilters_ReadsBackAsWritten()
    {
        var route = Route("/api") with
        {
            Hostnames = ["a.example.com"],
            Rules =
            [
                new HttpRouteRule
                {
                    Matches =
                    [
                        new HttpRouteMatch
                        {
                            Path = new HttpPathMatch { Value = "/api" },
                            Headers = [new HttpHeaderMatch { Name = "X-Canary", Value = "always" }],
                        },
                    ],
                    Filters =
                    [
                        new RouteFilter { Type = RouteFilterType.URLRewrite, TypeName = "URLRewrite", UrlRewrite = new HttpUrlRewriteFilter { Hostname = "up.example.com", Path = new HttpPathModifier { Type = HttpPathModifierType.ReplacePrefixMatch, TypeName = "ReplacePrefixMatch", ReplacePrefixMatch = "/" } } },
                        new RouteFilter { Type = RouteFilterType.RequestHeaderModifier, TypeName = "RequestHeaderModifier", RequestHeaderModifier = new HttpHeaderFilter { Set = [new HttpHeader("X-Forwarded-Prefix", "/api")] } },
                    ],
                    BackendRefs =
                    [
                        new RouteBackendRef { BackendRef = new BackendReference { Name = "a", Namespace = "app", Port = 80, Weight = 90 } },
                        new RouteBackendRef { BackendRef = new BackendReference { Name = "b", Namespace = "app", Port = 80, Weight = 10 } },
                    ],
                },
            ],
        };
        var manifest = ManifestWriter.Write(route);
        using var json = JsonDocument.Parse(manifest);
        var read = ManifestReader.Read(json.RootElement);
        Assert.DoesNotContain(read.Diagnostics, d => d.Severity == Diagnostics.DiagnosticSeverity.Error);
        Assert.Equal(manifest, ManifestWriter.Write(read.Resource!));
    }

    [Theory]
    [InlineData("https://a.example.com", "https://A.example.com:443/")]
    [InlineData("http://a.example.com:80/x?y=1", "http://a.example.com/x?y=1")]
    public void Verifier_EquivalentUrls_Agree(string a, string b)
        => Assert.Empty(ConversionVerifier.Differences(new RoutingAnswer { Status = 308, Location = a }, new RoutingAnswer { Status = 308, Location = b }));

    [Fact]
    public void Verifier_SameSharesDifferentWeights_Agree()
    {
        var a = new RoutingAnswer { Status = 200, Backends = [new AnsweredBackend("app/a:80", 90), new AnsweredBackend("app/b:80", 10)], PathAndQuery = "/" };
        var b = new RoutingAnswer { Status = 200, Backends = [new AnsweredBackend("app/b:80", 1), new AnsweredBackend("app/a:80", 9), new AnsweredBackend("app/c:80", 0)], PathAndQuery = "/" };
        Assert.Empty(ConversionVerifier.Differences(a, b));
        Assert.Equal(["backend"], ConversionVerifier.Differences(a, b with { Backends = [new AnsweredBackend("app/a:80", 1)] }).ToArray());
    }

    [Fact]
    public void Verifier_RewriteAndStatus_NamedAsDifferences()
    {
        var a = new RoutingAnswer { Status = 200, Backends = [new AnsweredBackend("app/a:80", 1)], PathAndQuery = "/x" };
        Assert.Equal(["rewrite"], ConversionVerifier.Differences(a, a with { PathAndQuery = "/api/x" }).ToArray());
        Assert.Equal(["status", "backend"], ConversionVerifier.Differences(a, new RoutingAnswer { Status = 404 }).ToArray());
    }

    [Fact]
    public void IngressConverter_RegexPathFromTheIssue_NotPrintedAndReported()
    {
        // Issue 21: a regex path with rewrite-target used to be printed as a PathPrefix that validate refuses.
        var snapshot = Snapshot(Class(), Service("a"), Ingress("i", Spec(Rule("foo.com", ("ImplementationSpecific", "/api(/|$)(.*)", "a"))), annotations: "\"nginx.ingress.kubernetes.io/rewrite-target\":\"/$2\""));
        var conversion = IngressConverter.Convert(snapshot);
        Assert.Empty(conversion.HttpRoutes);
        var error = Assert.Single(conversion.Report.Errors);
        Assert.Equal(new ResourceKey(Groups.Networking, "Ingress", "app", "i"), error.Subject);
        Assert.Equal("spec.rules[0].http.paths[0]", error.Field);
        Assert.False(conversion.Report.RoutesIdentically);
    }
}
