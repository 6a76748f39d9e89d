using System.Text.Json.Nodes;

namespace PolicyAttach.ConformanceTests.GatewayApi;

/// <summary>
/// Turns a corpus <c>requests[]</c> expectation into the request JSON line of <c>policyattach match</c> (the CLI
/// contract), following the corpus conventions: <c>via.kind gateway</c> sends to the Gateway under test on
/// <c>via.port</c> with the scheme as protocol and the SNI of the request or <c>via</c>; <c>meshClient</c> sends to
/// the Service the host names (a short name resolves in the client namespace) from the client namespace.
/// </summary>
internal static class RequestLines
{
    /// <summary>The Host a client sends when the test gives none: the Gateway's address, which no hostname matches.</summary>
    public const string GatewayAddress = "192.0.2.10";

    public static JsonObject Build(JsonObject expectation)
    {
        var via = expectation["via"]!.AsObject();
        var request = expectation["request"]?.AsObject() ?? [];
        var protocol = Str(expectation, "protocol") ?? "http";
        var line = new JsonObject { ["id"] = Str(expectation, "id") };
        var grpc = protocol == "grpc";
        var headers = new JsonArray();
        foreach (var source in new[] { "headers", "metadata" })
        {
            if (request[source] is JsonObject map)
            {
                foreach (var (name, value) in map)
                {
                    headers.Add(new JsonArray(name, value!.GetValue<string>()));
                }
            }
        }

        string host;
        if (Str(via, "kind") == "meshClient")
        {
            var clientNamespace = Str(via, "clientNamespace")!;
            host = Str(request, "host") ?? string.Empty;
            var (service, ns, port) = MeshService(host, clientNamespace);
            line["service"] = new JsonObject { ["namespace"] = ns, ["name"] = service };
            line["clientNamespace"] = clientNamespace;
            if (port is { } p)
            {
                line["port"] = p;
            }
        }
        else
        {
            line["gateway"] = via["gateway"]!.DeepClone();
            line["port"] = via["port"]!.GetValue<int>();
            host = Str(request, "host") ?? Str(request, "authority") ?? GatewayAddress;
            protocol = protocol switch
            {
                "https-over-tls-passthrough" => "tls",
                "websocket" => "http",
                "grpc" => "grpc",
                _ => Str(via, "scheme") ?? protocol,
            };
            if ((Str(request, "sni") ?? Str(via, "sni")) is { } sni)
            {
                line["sni"] = sni;
            }
        }

        line["protocol"] = grpc ? "grpc" : protocol;
        line["host"] = host;
        if (grpc && Str(request, "service") is { } grpcService)
        {
            line["grpc"] = new JsonObject { ["service"] = grpcService, ["method"] = Str(request, "method") };
        }
        else
        {
            line["method"] = Str(request, "method") ?? "GET";
            var path = Str(request, "path") ?? "/";
            line["path"] = path.Length == 0 ? "/" : path;
        }

        line["headers"] = headers;
        return line;
    }

    /// <summary>The Service a mesh client reaches by a host name: <c>name</c>, <c>name.ns</c> or <c>name.ns.svc…</c>, with an optional port.</summary>
    public static (string Name, string Namespace, int? Port) MeshService(string host, string clientNamespace)
    {
        int? port = null;
        var colon = host.LastIndexOf(':');
        if (colon >= 0 && int.TryParse(host.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out var p))
        {
            port = p;
            host = host[..colon];
        }

        var labels = host.Split('.');
        return (labels[0], labels.Length > 1 ? labels[1] : clientNamespace, port);
    }

    private static string? Str(JsonObject obj, string name) => obj[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
