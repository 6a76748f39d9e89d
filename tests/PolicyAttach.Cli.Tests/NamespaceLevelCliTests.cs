using static PolicyAttach.Cli.Tests.CliRunner;

namespace PolicyAttach.Cli.Tests;

/// <summary>The namespace levels of Inherited policies as <c>effective</c> and <c>explain</c> show them (spec digest §14.3).</summary>
public class NamespaceLevelCliTests
{
    private const string World = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: gc}
        spec: {controllerName: example.com/gateway-controller}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: web, namespace: infra}
        spec:
          gatewayClassName: gc
          listeners: [{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: app, namespace: apps}
        spec:
          parentRefs: [{name: web, namespace: infra}]
        ---
        apiVersion: networking.acme.io/v1alpha1
        kind: RetryPolicy
        metadata: {name: apps-retries, namespace: apps}
        spec:
          targetRefs: [{group: "", kind: Namespace, name: apps}]
          default: {maxRetries: 3}
        """;

    [Fact]
    public void EffectiveAndExplain_NamespaceTarget_ShowTheRouteNamespaceLevel()
    {
        // Regression (issue 17): a policy targeting a Namespace was Invalid; it now applies at the namespace levels of
        // the article's hierarchy and both commands name the level.
        var dir = Directory.CreateTempSubdirectory("policyattach-nslevel-");
        try
        {
            var file = Path.Combine(dir.FullName, "world.yaml");
            File.WriteAllText(file, World);
            var effective = Run("effective", file, "HTTPRoute/apps/app", "-o", "text");
            Assert.Equal(0, effective.ExitCode);
            Assert.Contains("maxRetries", effective.Stdout, StringComparison.Ordinal);
            Assert.Contains("RouteNamespace", effective.Stdout, StringComparison.Ordinal);

            var explain = Run("explain", file, "RetryPolicy/apps/apps-retries", "-o", "text");
            Assert.Contains("GatewayNamespace, RouteNamespace, BackendNamespace", explain.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("cannot target Namespace", explain.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
