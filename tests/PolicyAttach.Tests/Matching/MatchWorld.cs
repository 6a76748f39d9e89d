using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Tests.Binding;

namespace PolicyAttach.Tests.Matching;

/// <summary>Small worlds for matching tests: one Gateway "infra/gw", routes in namespace "app".</summary>
internal static class MatchWorld
{
    public const string AllNs = """ "allowedRoutes":{"namespaces":{"from":"All"}} """;

    public static string L(string name, int port, string protocol, string? hostname = null, string extra = "")
        => $$"""{"name":"{{name}}","port":{{port}},"protocol":"{{protocol}}"{{(hostname is null ? "" : $",\"hostname\":\"{hostname}\"")}},{{AllNs}}{{extra}}}""";

    public static string Https(string name, string? hostname = null) => L(name, 443, "HTTPS", hostname, ""","tls":{"options":{"x":"y"}}""");

    public static string Http(string ns, string name, string rules, string hostnames = "", string created = "2020-01-01T00:00:00Z", string parentRefs = """{"name":"gw","namespace":"infra"}""", string kind = "HTTPRoute")
        => $$$"""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"{{{kind}}}","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","creationTimestamp":"{{{created}}}"},"spec":{"parentRefs":[{{{parentRefs}}}],"hostnames":[{{{hostnames}}}],"rules":[{{{rules}}}]}}""";

    public static string Stream(string kind, string ns, string name, string backend, string hostnames = "", string created = "2020-01-01T00:00:00Z", string version = "v1alpha2")
        => $$$"""{"apiVersion":"gateway.networking.k8s.io/{{{version}}}","kind":"{{{kind}}}","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","creationTimestamp":"{{{created}}}"},"spec":{"parentRefs":[{"name":"gw","namespace":"infra"}],{{{(hostnames.Length == 0 ? "" : $"\"hostnames\":[{hostnames}],")}}}"rules":[{"backendRefs":[{"name":"{{{backend}}}","port":80}]}]}}""";

    /// <summary>A rule forwarding to Service app/{backend}:80 with the given matches JSON.</summary>
    public static string Rule(string matches, string backend = "svc", string extra = "")
        => $$"""{"matches":[{{matches}}],"backendRefs":[{"name":"{{backend}}","port":80}]{{extra}}}""";

    public static RoutingTable Compile(string listeners, params string[] docs)
    {
        var all = new List<string>
        {
            World.GatewayClass(),
            World.Gateway("infra", "gw", listeners),
            World.Service("app", "svc"), World.Service("app", "a"), World.Service("app", "b"), World.Service("app", "c"),
        };
        all.AddRange(docs);
        return RoutingTable.Compile(World.Evaluate([.. all]));
    }

    public static GatewayRoutingTable Gw(RoutingTable table) => table.FindGateway(World.GatewayKey("infra", "gw"))!;

    public static MatchOutcome Get(RoutingTable table, string host, string path, RequestHeader[]? headers = null, string method = "GET", int port = 80, RequestProtocol protocol = RequestProtocol.Http, string sni = "")
        => Gw(table).Match(new RequestView(protocol, port, method, host, path, headers ?? []) { Sni = sni });

    public static string? RouteName(MatchOutcome o) => o.Route?.Name;

    public static ResourceKey Key(string kind, string ns, string name) => new(Groups.Gateway, kind, ns, name);

    /// <summary>The bytes one hundred runs of <paramref name="run"/> allocate on this thread, after a first run that warms it up.</summary>
    public static long AllocatedByHundredRuns(Action run)
    {
        run();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            run();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
