using System.Text.Json;
using PolicyAttach.Binding;
using PolicyAttach.Manifests;
using PolicyAttach.Matching;
using PolicyAttach.Model;

namespace PolicyAttach.Benchmarks.Matching;

/// <summary>One benchmark request.</summary>
public sealed record BenchRequest(string Method, string Host, string PathAndQuery, RequestHeader[] Headers, string? ExpectedRoute);

/// <summary>
/// The table of dotnet-ecosystem.md §5: N/5 hosts, every 5th a wildcard <c>*.w{n}.example.com</c> (20%); five
/// routes per host: prefix <c>/api/v1</c>; the same with header <c>x-canary: true</c>; the same with query
/// <c>version=2</c>; Exact <c>/login</c> with method POST; RegularExpression <c>/users/[0-9]+</c>.
/// </summary>
public static class MatchTables
{
    public static readonly ResourceKey GatewayKey = new(Groups.Gateway, "Gateway", "bench", "gw");

    public static bool IsWildcard(int host) => host % 5 == 4;

    public static string HostPattern(int host) => IsWildcard(host) ? $"*.w{host}.example.com" : $"h{host}.example.com";

    public static string RequestHost(int host) => IsWildcard(host) ? $"x.w{host}.example.com" : $"h{host}.example.com";

    public static string RouteName(int host, int kind) => $"h{host}-r{kind}";

    public static EvaluationResult Evaluate(int routes)
    {
        var objects = new List<KubeObject>
        {
            Read("""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"gc"},"spec":{"controllerName":"example.com/bench"}}"""),
            Read("""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"gw","namespace":"bench"},"spec":{"gatewayClassName":"gc","listeners":[{"name":"http","port":80,"protocol":"HTTP"}]}}"""),
            Read("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","namespace":"bench"},"spec":{"ports":[{"port":80}]}}"""),
        };
        for (var i = 0; i < routes; i++)
        {
            var host = i / 5;
            var kind = i % 5;
            var match = kind switch
            {
                0 => """{"path":{"type":"PathPrefix","value":"/api/v1"}}""",
                1 => """{"path":{"type":"PathPrefix","value":"/api/v1"},"headers":[{"name":"x-canary","value":"true"}]}""",
                2 => """{"path":{"type":"PathPrefix","value":"/api/v1"},"queryParams":[{"name":"version","value":"2"}]}""",
                3 => """{"path":{"type":"Exact","value":"/login"},"method":"POST"}""",
                _ => """{"path":{"type":"RegularExpression","value":"/users/[0-9]+"}}""",
            };
            objects.Add(Read($$$"""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"{{{RouteName(host, kind)}}}","namespace":"bench"},"spec":{"parentRefs":[{"name":"gw"}],"hostnames":["{{{HostPattern(host)}}}"],"rules":[{"matches":[{{{match}}}],"backendRefs":[{"name":"svc","port":80}]}]}}"""));
        }

        return Evaluator.Evaluate(Snapshot.Create(objects), new EvaluationOptions { ControllerNames = ["example.com/bench"] });
    }

    /// <summary>1,024 deterministic requests: every route kind, wildcard hosts, a host with a port, misses.</summary>
    public static BenchRequest[] Requests(int routes, int count = 1024)
    {
        var hosts = routes / 5;
        var result = new BenchRequest[count];
        var canary = new[] { new RequestHeader("x-canary", "true"), new RequestHeader("accept", "*/*") };
        var plain = new[] { new RequestHeader("accept", "*/*") };
        for (var i = 0; i < count; i++)
        {
            var h = (int)((uint)(i * 2654435761u) % (uint)hosts);
            var host = RequestHost(h);
            result[i] = (i % 8) switch
            {
                0 => new BenchRequest("GET", host, "/api/v1/users/7", plain, RouteName(h, 0)),
                1 => new BenchRequest("GET", host, "/api/v1/users", canary, RouteName(h, 1)),
                2 => new BenchRequest("GET", host + ":80", "/api/v1?version=2", plain, RouteName(h, 2)),
                3 => new BenchRequest("POST", host, "/login", plain, RouteName(h, 3)),
                4 => new BenchRequest("GET", host, "/users/42", plain, RouteName(h, 4)),
                5 => new BenchRequest("GET", host, "/api/v1x", plain, null),
                6 => new BenchRequest("GET", $"unknown{h}.example.org", "/api/v1", plain, null),
                _ => new BenchRequest("GET", host, "/api/v1/items?version=3", canary, RouteName(h, 1)),
            };
        }

        return result;
    }

    private static KubeObject Read(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return ManifestReader.Read(doc.RootElement).Resource ?? throw new InvalidOperationException(json);
    }
}
