using System.Text.Json;
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
using PolicyAttach.Testing;

namespace PolicyAttach.PropertyTests.Ingresses;

/// <summary>
/// The conversion property: for generated Ingresses (of the class <c>web</c>, the default class, other classes) and
/// requests aimed at them, matching the Ingresses and matching their conversion (evaluated by the engine) reach the
/// same outcome and backend, except where the conversion report names the difference (a wildcard covering one label
/// in Ingress, one or more in Gateway API). A failure shrinks to one request and the smallest world.
/// </summary>
public class IngressConversionProperties
{
    private const int RequestsPerWorld = 30;
    private const string ClassName = "web";

    /// <summary>Ingresses, IngressClasses, Services and Secrets; no routes or policies.</summary>
    internal static readonly WorldOptions Options = new()
    {
        RouteKinds = RouteKinds.None,
        ListenerSets = false,
        Mesh = false,
        PolicyStrategies = [],
        BackendTlsPolicies = false,
        Ingress = true,
    };

    private static readonly Arbitrary<RoutingCase> Cases = WorldArbitraries.RoutingCase(Options, RequestsPerWorld);

    /// <summary>Whether a wildcard named by the report covers the host with two labels or more (where the Gateway API wildcard differs).</summary>
    private static bool Excused(ConversionReport report, string host, bool https)
    {
        host = RequestView.StripPort(host).ToString().ToLowerInvariant();
        return report.Issues.Any(i => (i.Kind == IngressIssueKinds.WildcardHost || (https && i.Kind == IngressIssueKinds.WildcardTlsHost))
            && i.Host is { } w && host.EndsWith(w[1..], StringComparison.Ordinal) && host[..^(w.Length - 1)].Contains('.', StringComparison.Ordinal));
    }

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

    [Property(MaxTest = 500)]
    public Property ConvertedRoutes_GeneratedIngresses_RouteAsTheIngressesDo()
        => Prop.ForAll(Cases, input =>
        {
            var world = input.World;
            var conversion = IngressConverter.Convert(world.Snapshot, new IngressConversionOptions { ClassName = ClassName });
            if (conversion.Gateways.IsEmpty)
            {
                return;
            }

            var ingress = world.IngressRouting(ClassName);
            var converted = Snapshot.Create(world.Snapshot.Objects.Concat(conversion.Objects).Concat(conversion.GatewayClasses));
            var result = Evaluator.Evaluate(converted, new EvaluationOptions { ControllerNames = [.. conversion.GatewayClasses.Select(c => c.ControllerName)] });
            var gateway = RoutingTable.Compile(result).FindGateway(conversion.Gateways[0].Key);
            Assert.True(gateway is not null, $"The converted Gateway {conversion.Gateways[0].Key} is not evaluated.");
            var (a, b) = (new MatchOutcome(), new MatchOutcome());
            foreach (var request in input.Requests.Where(r => r.Target == RequestTarget.Ingress && r.Name == ClassName))
            {
                var view = request.ToView();
                ingress.Match(view, a);
                gateway.Match(view, b);
                var (x, y) = (Describe(a), Describe(b));
                var https = request.Protocol == RequestProtocol.Https;
                Assert.True(x == y || Excused(conversion.Report, request.Host, https) || UnresolvedPort(conversion.Report, ingress, a),
                    $"{request}: the Ingresses give {x}, their conversion {y}.");
            }
        });

    [Fact]
    public void Generator_FixedSample_ReachesEveryOutcome()
    {
        var kinds = new HashSet<MatchOutcomeKind>();
        foreach (var input in WorldGenerators.RoutingCase(Options, RequestsPerWorld).Sample(60, new Rnd(20261206), 50))
        {
            foreach (var request in input.Requests.Where(r => r.Target == RequestTarget.Ingress && r.Name == ClassName))
            {
                kinds.Add(input.World.IngressRouting(ClassName).Match(request.ToView()).Kind);
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
    public void ConvertedManifests_FixedSample_ReadBackAsTheConvertedObjects()
    {
        foreach (var world in WorldGenerators.World(Options).Sample(40, new Rnd(20261206), 50))
        {
            var conversion = IngressConverter.Convert(world.Snapshot);
            var manifests = conversion.Objects.Select(ManifestWriter.Write).ToList();
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
        return conversion.Objects.Select(ManifestWriter.Write).ToList().Single();
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
