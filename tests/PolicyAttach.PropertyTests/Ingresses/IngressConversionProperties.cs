using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Ingresses;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.Manifests;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.PropertyTests.Support;

namespace PolicyAttach.PropertyTests.Ingresses;

/// <summary>
/// The conversion property: for random Ingresses and requests, matching the Ingresses and matching their
/// conversion (evaluated by the engine) reach the same outcome and backend, except where the conversion report
/// names the difference (a wildcard covering one label in Ingress, one or more in Gateway API). 500 cases of
/// <see cref="RequestsPerWorld"/> requests each.
/// </summary>
public class IngressConversionProperties
{
    private const int RequestsPerWorld = 30;
    private const string Controller = "example.com/ingress";

    private static readonly string?[] RuleHosts = [null, "a.example.com", "*.example.com", "b.example.com", "*.a.example.com", "example.com"];
    private static readonly string[] TlsHosts = ["a.example.com", "*.example.com", "b.example.com", "*.a.example.com"];
    private static readonly string[] Paths = ["/", "/a", "/a/", "/a/b", "/ab", "/b", "/a/b/"];
    private static readonly string[] PathTypes = ["Exact", "Prefix", "Prefix", "ImplementationSpecific"];
    private static readonly string[] Services = ["s1", "s2", "s3", "missing"];
    private static readonly string[] Namespaces = ["app", "app2"];
    private static readonly string[] RequestHosts = ["a.example.com", "b.example.com", "x.example.com", "y.a.example.com", "z.y.a.example.com", "q.x.example.com", "example.com", "other.org", "A.Example.COM", "b.example.com:8080"];
    private static readonly string[] RequestPaths = ["/", "/a", "/a/", "/a/b", "/ab", "/b", "/a/b/c", "/c", "/a?x=1", ""];

    private static T Pick<T>(Random rng, T[] items) => items[rng.Next(items.Length)];

    private static JsonObject Backend(Random rng) => new()
    {
        ["service"] = new JsonObject
        {
            ["name"] = Pick(rng, Services),
            ["port"] = rng.Next(4) == 0 ? new JsonObject { ["name"] = rng.Next(3) == 0 ? "nope" : "http" } : new JsonObject { ["number"] = rng.Next(6) == 0 ? 81 : 80 },
        },
    };

    private static List<string> World(Random rng)
    {
        var docs = new List<string>
        {
            """{"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"web"},"spec":{"controller":"example.com/ingress"}}""",
        };
        foreach (var ns in Namespaces)
        {
            foreach (var s in Services.Where(s => s != "missing"))
            {
                docs.Add("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + s + "\",\"namespace\":\"" + ns + "\"},\"spec\":{\"ports\":[{\"name\":\"http\",\"port\":80}]}}");
            }

            var secret = new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "Secret", ["type"] = "kubernetes.io/tls",
                ["metadata"] = new JsonObject { ["name"] = "cert", ["namespace"] = ns },
                ["stringData"] = new JsonObject { ["tls.crt"] = TestCertificates.CertificatePem, ["tls.key"] = TestCertificates.KeyPem },
            };
            docs.Add(secret.ToJsonString());
        }

        var count = rng.Next(1, 5);
        var stamps = Enumerable.Range(0, count).OrderBy(_ => rng.Next()).ToList();
        for (var i = 0; i < count; i++)
        {
            var spec = new JsonObject { ["ingressClassName"] = "web" };
            var rules = new JsonArray();
            for (var r = rng.Next(0, 3); r > 0; r--)
            {
                var paths = new JsonArray();
                for (var p = rng.Next(1, 4); p > 0; p--)
                {
                    paths.Add(new JsonObject { ["path"] = Pick(rng, Paths), ["pathType"] = Pick(rng, PathTypes), ["backend"] = Backend(rng) });
                }

                var rule = new JsonObject { ["http"] = new JsonObject { ["paths"] = paths } };
                if (Pick(rng, RuleHosts) is { } host)
                {
                    rule["host"] = host;
                }

                rules.Add(rule);
            }

            if (rules.Count > 0)
            {
                spec["rules"] = rules;
            }

            if (rules.Count == 0 || rng.Next(4) == 0)
            {
                spec["defaultBackend"] = Backend(rng);
            }

            if (rng.Next(3) == 0)
            {
                var hosts = new JsonArray();
                foreach (var h in TlsHosts.OrderBy(_ => rng.Next()).Take(rng.Next(0, 3)))
                {
                    hosts.Add(h);
                }

                spec["tls"] = new JsonArray(new JsonObject { ["hosts"] = hosts, ["secretName"] = "cert" });
            }

            var ingress = new JsonObject
            {
                ["apiVersion"] = "networking.k8s.io/v1", ["kind"] = "Ingress",
                ["metadata"] = new JsonObject { ["name"] = $"i{rng.Next(3)}{i}", ["namespace"] = Pick(rng, Namespaces), ["creationTimestamp"] = $"2020-01-01T00:00:{stamps[i]:00}Z" },
                ["spec"] = spec,
            };
            docs.Add(ingress.ToJsonString());
        }

        return docs;
    }

    private static Snapshot Read(IEnumerable<string> docs)
        => Snapshot.Create(docs.Select(d =>
        {
            using var json = JsonDocument.Parse(d);
            return ManifestReader.Read(json.RootElement).Resource ?? throw new InvalidOperationException("generated an invalid document: " + d);
        }).ToList());

    /// <summary>Whether a wildcard named by the report covers the host with two labels or more (where the Gateway API wildcard differs).</summary>
    private static bool Excused(ConversionReport report, string host, bool https)
    {
        host = RequestView.StripPort(host).ToString().ToLowerInvariant();
        return report.Issues.Any(i => (i.Kind == IngressIssueKinds.WildcardHost || (https && i.Kind == IngressIssueKinds.WildcardTlsHost))
            && i.Host is { } w && host.EndsWith(w[1..], StringComparison.Ordinal) && host[..^(w.Length - 1)].Contains('.', StringComparison.Ordinal));
    }

    /// <summary>Whether the Ingress's backend has a port name the report says cannot be resolved (the backendRef has no port).</summary>
    /// <summary>
    /// Whether the Ingress rule that answered was withheld from the output: a backendRef without its port (a port name
    /// the input cannot resolve) is refused when the output is read back, so the whole route is not printed, and the
    /// report says so.
    /// </summary>
    private static bool UnresolvedPort(ConversionReport report, IngressRoutingTable table, MatchOutcome outcome)
        => table.Describe(outcome) is { } m
            && report.Issues.Any(i => i.Kind == IngressIssueKinds.UnresolvedPortName && i.Subject == m.Ingress.Key)
            && report.Errors.Any(e => e.Subject == m.Ingress.Key);

    private static string Describe(MatchOutcome o)
        => o.Kind is MatchOutcomeKind.Routed or MatchOutcomeKind.NoBackend
            ? $"{o.Kind} {o.Backends[0].BackendRef.Namespace}/{o.Backends[0].BackendRef.Name}:{o.Backends[0].BackendRef.Port}"
            : $"{o.Kind} {o.StatusCode}";

    private static string? Agree(int seed)
    {
        var rng = new Random(seed);
        var docs = World(rng);
        var snapshot = Read(docs);
        var ingress = IngressRoutingTable.Compile(snapshot, IngressOwner.Class("web"));
        var conversion = IngressConverter.Convert(snapshot);
        var converted = Snapshot.Create(snapshot.Objects.Concat(conversion.Objects).Concat(conversion.GatewayClasses));
        var result = Evaluator.Evaluate(converted, new EvaluationOptions { ControllerNames = [Controller] });
        var gateway = RoutingTable.Compile(result).FindGateway(conversion.Gateways[0].Key)!;
        if (conversion.Gateways.Any(g => result.Gateways.FirstOrDefault(r => r.Gateway.Key == g.Key) is null))
        {
            return $"seed {seed}: the converted Gateway is not evaluated";
        }

        var a = new MatchOutcome();
        var b = new MatchOutcome();
        for (var i = 0; i < RequestsPerWorld; i++)
        {
            var https = rng.Next(3) == 0;
            var host = Pick(rng, RequestHosts);
            var path = Pick(rng, RequestPaths);
            var request = new RequestView(https ? RequestProtocol.Https : RequestProtocol.Http, https ? 443 : 80, "GET", host, path);
            ingress.Match(request, a);
            gateway.Match(request, b);
            var (x, y) = (Describe(a), Describe(b));
            if (x != y && !Excused(conversion.Report, host, https) && !UnresolvedPort(conversion.Report, ingress, a))
            {
                return $"seed {seed}: {(https ? "https" : "http")} {host}{path}: Ingress {x}, converted {y}\n{string.Join("\n", docs.Where(d => d.Contains("\"Ingress\"", StringComparison.Ordinal)))}";
            }
        }

        return null;
    }

    [Property(MaxTest = 500)]
    public Property ConvertedRoutes_RandomIngresses_RouteAsTheIngressesDo()
        => Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var failure = Agree(seed);
            return (failure is null).Label(failure ?? "ok");
        });

    [Fact]
    public void Generator_SeveralSeeds_ReachesEveryOutcome()
    {
        var kinds = new HashSet<MatchOutcomeKind>();
        for (var seed = 0; seed < 60; seed++)
        {
            var rng = new Random(seed);
            var table = IngressRoutingTable.Compile(Read(World(rng)), IngressOwner.Class("web"));
            foreach (var host in RequestHosts)
            {
                foreach (var https in new[] { false, true })
                {
                    kinds.Add(table.Match(new RequestView(https ? RequestProtocol.Https : RequestProtocol.Http, https ? 443 : 80, "GET", host, Pick(rng, RequestPaths))).Kind);
                }
            }
        }

        Assert.Contains(MatchOutcomeKind.Routed, kinds);
        Assert.Contains(MatchOutcomeKind.NotRouted, kinds);
        Assert.Contains(MatchOutcomeKind.NoBackend, kinds);
    }

    [Fact]
    public void Examples_Converted_EvaluateAsTheIngressRoutes()
    {
        var examples = Path.Combine(RepoRoot(), "examples");
        var load = new ManifestLoader().Load([examples]);
        var snapshot = Snapshot.Create(load.Resources);
        var conversion = IngressConverter.Convert(snapshot, new IngressConversionOptions { ClassName = "istio" });
        Assert.True(conversion.Report.RoutesIdentically);
        var gatewayKey = Assert.Single(conversion.Gateways).Key;
        var routes = RoutingTable.Compile(Evaluator.Evaluate(Snapshot.Create(snapshot.Objects.Concat(conversion.Objects).Concat(conversion.GatewayClasses)),
            new EvaluationOptions { ControllerNames = ["istio.io/ingress-controller"] })).FindGateway(gatewayKey)!;
        var ingress = IngressRoutingTable.Compile(snapshot, "istio.io/ingress-controller");
        foreach (var (host, path) in new[] { ("httpbin.example.com", "/"), ("httpbin.example.com", "/status/200"), ("HTTPBIN.example.com:80", "/get"), ("other.example.com", "/") })
        {
            var request = new RequestView(RequestProtocol.Http, 80, "GET", host, path);
            Assert.Equal(Describe(ingress.Match(request)), Describe(routes.Match(request)));
        }

        var routed = ingress.Match(new RequestView(RequestProtocol.Http, 80, "GET", "httpbin.example.com", "/headers"));
        Assert.Equal("httpbin", routed.Backends[0].BackendRef.Name);
        Assert.Equal(8000, routed.Backends[0].BackendRef.Port);
        Assert.Equal(MatchOutcomeKind.NotRouted, ingress.Match(new RequestView(RequestProtocol.Http, 80, "GET", "other.example.com", "/")).Kind);
    }

    [Fact]
    public void ConvertedManifests_ReadBack_SameAsConvertedObjects()
    {
        for (var seed = 0; seed < 40; seed++)
        {
            var conversion = IngressConverter.Convert(Read(World(new Random(seed))));
            var manifests = IngressConversionJson.Manifests(conversion);
            var objects = conversion.Objects.ToList();
            Assert.Equal(objects.Count, manifests.Count);
            for (var i = 0; i < objects.Count; i++)
            {
                if (objects[i] is Model.Routes.HttpRoute route && route.Rules.Any(r => r.BackendRefs.Any(b => b.BackendRef.Port is null)))
                {
                    // A port name the input cannot resolve: the report says the backendRef lacks its port.
                    Assert.Contains(conversion.Report.Issues, x => x.Kind == IngressIssueKinds.UnresolvedPortName);
                    continue;
                }

                using var json = JsonDocument.Parse(manifests[i]);
                var read = ManifestReader.Read(json.RootElement);
                Assert.DoesNotContain(read.Diagnostics, d => d.Severity == Diagnostics.DiagnosticSeverity.Error);
                var expected = objects[i] with { Metadata = objects[i].Metadata with { CreationTimestamp = ObjectMeta.DefaultEpoch } };
                Assert.Equal(expected.Key, read.Resource!.Key);
                Assert.Equal(Normalize(expected), Normalize(read.Resource));
            }
        }
    }

    /// <summary>Fields the manifest leaves to defaults (whether a namespace was written) compared through the JSON writer itself.</summary>
    private static string Normalize(KubeObject obj)
    {
        var conversion = new IngressConversion
        {
            Gateways = obj is Gateway g ? [g] : [],
            HttpRoutes = obj is Model.Routes.HttpRoute r ? [r with { ParentRefs = r.ParentRefs.Select(p => p with { NamespaceSet = false }).ToEquatableArray() }] : [],
            ReferenceGrants = obj is ReferenceGrant rg ? [rg] : [],
            GatewayClasses = [],
            Report = new ConversionReport([]),
        };
        return IngressConversionJson.Manifests(conversion).Single();
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PolicyAttach.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("PolicyAttach.sln not found");
    }
}
