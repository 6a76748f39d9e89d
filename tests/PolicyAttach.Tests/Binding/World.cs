using System.Text.Json;
using PolicyAttach.Binding;
using PolicyAttach.Manifests;
using PolicyAttach.Model;

namespace PolicyAttach.Tests.Binding;

/// <summary>Builds small snapshots from JSON documents and evaluates them.</summary>
internal static class World
{
    public const string Controller = "example.com/gateway-controller";

    public static KubeObject Obj(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = ManifestReader.Read(doc.RootElement);
        return result.Resource ?? throw new InvalidOperationException("test document is invalid: " + string.Join("; ", result.Diagnostics));
    }

    public static EvaluationResult Evaluate(params string[] documents)
        => Evaluator.Evaluate(Snapshot.Create(documents.Select(Obj)), new EvaluationOptions { ControllerNames = [Controller] });

    public static string GatewayClass(string name = "gc") => $$$"""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"{{{name}}}"},"spec":{"controllerName":"{{{Controller}}}"}}""";

    public static string Gateway(string ns, string name, string listeners, string extra = "")
        => $$$"""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},"spec":{"gatewayClassName":"gc","listeners":[{{{listeners}}}]{{{extra}}}}}""";

    public static string HttpRoute(string ns, string name, string parentRefs, string hostnames = "", string backendRefs = "", string created = "2020-01-01T00:00:00Z")
        => $$$"""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","creationTimestamp":"{{{created}}}"},"spec":{"parentRefs":[{{{parentRefs}}}],"hostnames":[{{{hostnames}}}],"rules":[{"backendRefs":[{{{backendRefs}}}]}]}}""";

    public static string Service(string ns, string name, int port = 80)
        => $$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},"spec":{"ports":[{"port":{{{port}}}}]}}""";

    public static string Namespace(string name, string labels = "")
        => $$$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{{name}}}}","labels":{{{{{labels}}}}}}}""";

    public static Condition Condition(IEnumerable<Condition> conditions, string type) => Assert.Single(conditions, c => c.Type == type);

    public static void AssertCondition(IEnumerable<Condition> conditions, string type, string status, string reason)
    {
        var condition = Condition(conditions, type);
        Assert.True(condition.Status == status && condition.Reason == reason, $"{type}: expected {status}/{reason}, got {condition.Status}/{condition.Reason}: {condition.Message}");
    }

    public static ResourceKey RouteKey(string ns, string name) => new(Groups.Gateway, "HTTPRoute", ns, name);

    public static ResourceKey GatewayKey(string ns, string name) => new(Groups.Gateway, "Gateway", ns, name);
}
