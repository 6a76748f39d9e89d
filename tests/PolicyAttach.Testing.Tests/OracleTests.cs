using System.Text.Json.Nodes;
using PolicyAttach.Kubernetes.Documents;
using PolicyAttach.Matching;
using PolicyAttach.Model;

namespace PolicyAttach.Testing.Tests;

public class OracleTests
{
    private const string Controller = TestWorld.DefaultControllerName;

    private static readonly TestWorld World = TestWorld.Of(
        new GatewayClassBuilder("gc", Controller),
        new GatewayBuilder("infra", "gw", "gc", ListenerBuilder.Http("web") with { Hostname = "*.example.com", RoutesFrom = "All" }),
        new HttpRouteBuilder("app", "store", ObjectRefBuilder.Gateway("infra", "gw"))
        {
            Hostnames = ["store.example.com"],
            Rules =
            [
                new HttpRuleBuilder { Matches = [HttpMatchBuilder.PathPrefix("/cart")], BackendRefs = [new BackendRefBuilder("cart", 8080)] },
                new HttpRuleBuilder { BackendRefs = [new BackendRefBuilder("missing", 80)] },
            ],
        },
        new ServiceBuilder("app", "cart", 8080));

    private static readonly TestRequest Cart = new() { Namespace = "infra", Name = "gw", Host = "store.example.com", Path = "/cart/1" };

    [Fact]
    public void ServedJson_ObjectsWithoutTimestamps_CreatedAtTheInstantTheEngineReads()
    {
        // Regression: served objects were one second apart by position while the engine reads them all at the epoch,
        // so a controller fed ServedJson broke precedence ties by age where the engine broke them by namespace/name.
        var served = World.ServedJson().Select(j => JsonNode.Parse(j)!["metadata"]!["creationTimestamp"]!.GetValue<string>()).Distinct().ToList();
        var engine = World.Resources.Select(r => r.Metadata.CreationTimestamp).Distinct().ToList();

        Assert.Equal(DateTimeOffset.Parse(Assert.Single(served), System.Globalization.CultureInfo.InvariantCulture), Assert.Single(engine));
    }

    [Fact]
    public void StatusOracle_EnginesOwnJson_Agrees()
    {
        var comparison = StatusOracle.CompareText(World, StatusOracle.ExpectedJson(World));
        Assert.True(comparison.IsMatch, comparison.ToString());
    }

    [Fact]
    public void StatusOracle_EnginesOwnStatusAsYamlList_Agrees()
    {
        var list = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = JsonNode.Parse(StatusOracle.ExpectedJson(World)) };
        var comparison = StatusOracle.CompareText(World, ManifestText.ToYaml(list.ToJsonString()));
        Assert.True(comparison.IsMatch, comparison.ToString());
    }

    [Fact]
    public void StatusOracle_OneConditionChanged_ReportsExactlyThatCondition()
    {
        var statuses = JsonNode.Parse(StatusOracle.ExpectedJson(World))!.AsArray();
        var route = statuses.Single(s => (string?)s!["kind"] == "HTTPRoute")!;
        var resolved = route["status"]!["parents"]![0]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "ResolvedRefs")!;
        resolved["status"] = "True";
        resolved["reason"] = "ResolvedRefs";

        var comparison = StatusOracle.CompareObjects(World, statuses.Select(s => (object)s!.DeepClone()));

        var difference = Assert.Single(comparison.Differences);
        Assert.Equal(new ResourceKey(Groups.Gateway, "HTTPRoute", "app", "store"), difference.Subject);
        Assert.Equal("HTTPRoute/app/store parents[Gateway infra/gw]: condition ResolvedRefs: expected False (BackendNotFound) at generation 1, got True (ResolvedRefs) at generation 1", difference.ToString());
    }

    [Fact]
    public void StatusOracle_StatusMissingAndListenerCountWrong_ReportsBoth()
    {
        var statuses = JsonNode.Parse(StatusOracle.ExpectedJson(World))!.AsArray();
        var gateway = statuses.Single(s => (string?)s!["kind"] == "Gateway")!;
        gateway["status"]!["listeners"]![0]!["attachedRoutes"] = 0;
        var withoutClass = statuses.Where(s => (string?)s!["kind"] != "GatewayClass").Select(s => (object)s!.DeepClone());

        var comparison = StatusOracle.CompareObjects(World, withoutClass);

        Assert.Equal(
            ["Gateway/infra/gw listeners[web]: attachedRoutes: expected 1, got 0", "GatewayClass/gc: status: expected written, got nothing"],
            comparison.Differences.Select(d => d.ToString()));
    }

    [Fact]
    public void RoutingOracle_Expected_IsWhatTheEngineRoutes()
    {
        Assert.Equal(RouteDecision.Routed(new ResourceKey(Groups.Gateway, "HTTPRoute", "app", "store"), 0, new BackendTarget("app", "cart", 8080)), RoutingOracle.Expected(World, Cart));
        Assert.Equal(RouteDecision.NoBackend(new ResourceKey(Groups.Gateway, "HTTPRoute", "app", "store"), 1), RoutingOracle.Expected(World, Cart with { Path = "/" }));
        Assert.Equal(RouteDecision.NotRouted, RoutingOracle.Expected(World, Cart with { Host = "store.other.test" }));
        Assert.Equal(RouteDecision.NotRouted, RoutingOracle.Expected(World, Cart with { Name = "no-such-gateway" }));
    }

    [Fact]
    public void RoutingOracle_WrongRule_ReportsTheRuleAndBackends()
    {
        var comparison = RoutingOracle.Compare(World, Cart, RouteDecision.Routed(new ResourceKey(Groups.Gateway, "HTTPRoute", "app", "store"), 1, new BackendTarget("app", "missing", 80)));
        Assert.False(comparison.IsMatch);
        Assert.Equal(["rule: expected 0, got 1", "backends: expected [app/cart:8080], got [app/missing:80]"], comparison.Differences);
        var routeOnly = RoutingOracle.Compare(World, Cart, new RouteDecision { Outcome = MatchOutcomeKind.Routed, Backends = [new BackendTarget("app", "cart", 8080)] }, new RoutingComparisonOptions { CompareRoute = false });
        Assert.True(routeOnly.IsMatch, routeOnly.ToString());
    }

    [Fact]
    public void World_Printed_IsYamlReadyForPolicyattach()
    {
        var text = World.ToString();
        Assert.StartsWith("# 4 objects. Save as world.yaml; policyattach status world.yaml --controller-name example.com/gateway-controller\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n", text, StringComparison.Ordinal);
        Assert.Contains("""
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: store
              namespace: app
            spec:
              parentRefs:
                - namespace: infra
                  name: gw
              hostnames:
                - store.example.com
              rules:
                - matches:
                    - path:
                        type: PathPrefix
                        value: /cart
                  backendRefs:
                    - name: cart
                      port: 8080
                - backendRefs:
                    - name: missing
                      port: 80
            """, text, StringComparison.Ordinal);
    }
}
