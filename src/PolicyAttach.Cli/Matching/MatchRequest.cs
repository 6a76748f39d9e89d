using System.Globalization;
using System.Text.Json;
using PolicyAttach.Matching;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Matching;

/// <summary>What a request is sent to: a Gateway, a mesh Service (GAMMA), or an Ingress class.</summary>
internal enum MatchTarget
{
    /// <summary>A Gateway, by namespace and name.</summary>
    Gateway,

    /// <summary>A Service in a mesh, called from a client namespace.</summary>
    Service,

    /// <summary>The Ingresses of a class.</summary>
    Ingress,
}

/// <summary>
/// One request of <c>policyattach match</c>: a JSON line of <c>--requests</c> or the flags of the one-request form
/// (see the CLI contract). Defaults: protocol <c>http</c>, method <c>GET</c> (<c>POST</c> for gRPC), path <c>/</c>,
/// port the protocol's well-known port (80, or 443 for https and tls; for a mesh request the port in the host).
/// </summary>
internal sealed record MatchRequest
{
    /// <summary>The caller's id, echoed as raw JSON (any JSON value), or null.</summary>
    public string? IdJson { get; init; }

    /// <summary>What the request is sent to.</summary>
    public MatchTarget Target { get; init; }

    /// <summary>The Gateway or Service namespace.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>The Gateway or Service name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>For a mesh request, the namespace of the calling client.</summary>
    public string? ClientNamespace { get; init; }

    /// <summary>For an Ingress request, the class.</summary>
    public string? IngressClass { get; init; }

    /// <summary>The protocol.</summary>
    public RequestProtocol Protocol { get; init; }

    /// <summary>The destination port.</summary>
    public int Port { get; init; }

    /// <summary>The TLS server name, or null.</summary>
    public string? Sni { get; init; }

    /// <summary>The method.</summary>
    public string Method { get; init; } = "GET";

    /// <summary>The Host header (may carry a port).</summary>
    public string Host { get; init; } = string.Empty;

    /// <summary>The path with an optional query.</summary>
    public string Path { get; init; } = "/";

    /// <summary>The headers in order.</summary>
    public RequestHeader[] Headers { get; init; } = [];

    /// <summary>The gRPC service, or null.</summary>
    public string? GrpcService { get; init; }

    /// <summary>The gRPC method, or null.</summary>
    public string? GrpcMethod { get; init; }

    /// <summary>The protocol names of the contract.</summary>
    public static IReadOnlyList<string> ProtocolNames { get; } = ["http", "https", "grpc", "tls", "tcp", "udp"];

    /// <summary>Whether the protocol is a connection rather than HTTP requests.</summary>
    public bool IsStream => Protocol is RequestProtocol.Tls or RequestProtocol.Tcp or RequestProtocol.Udp;

    /// <summary>The protocol of a name (case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <param name="protocol">The protocol.</param>
    /// <returns>Whether the name is known.</returns>
    public static bool TryParseProtocol(string name, out RequestProtocol protocol)
    {
        protocol = name.ToLowerInvariant() switch
        {
            "http" => RequestProtocol.Http,
            "https" => RequestProtocol.Https,
            "grpc" => RequestProtocol.Grpc,
            "tls" => RequestProtocol.Tls,
            "tcp" => RequestProtocol.Tcp,
            "udp" => RequestProtocol.Udp,
            _ => (RequestProtocol)(-1),
        };
        return (int)protocol >= 0;
    }

    /// <summary>The lowercase name of a protocol.</summary>
    /// <param name="protocol">The protocol.</param>
    /// <returns>Its name.</returns>
    public static string ProtocolName(RequestProtocol protocol) => ProtocolNames[(int)protocol];

    /// <summary>The port used when none is given: the host's port for a mesh request, else the protocol's.</summary>
    /// <param name="target">The target.</param>
    /// <param name="protocol">The protocol.</param>
    /// <param name="host">The Host header.</param>
    /// <returns>The port.</returns>
    public static int DefaultPort(MatchTarget target, RequestProtocol protocol, string host)
    {
        if (target == MatchTarget.Service)
        {
            // The view splits the authority as matching does: one owner for where the host ends.
            var stripped = new RequestView(protocol, 0, default, host, default).Host;
            if (stripped.Length < host.Length && int.TryParse(host.AsSpan(stripped.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                return port;
            }
        }

        return protocol is RequestProtocol.Https or RequestProtocol.Tls ? 443 : 80;
    }

    /// <summary>Parses one JSON line of <c>--requests</c>.</summary>
    /// <param name="line">The line.</param>
    /// <param name="request">The request; when parsing fails, its <see cref="IdJson"/> is set if the id could be read.</param>
    /// <param name="error">What is wrong.</param>
    /// <returns>Whether the line is a valid request.</returns>
    public static bool TryParse(string line, out MatchRequest request, out string? error)
    {
        request = new MatchRequest();
        error = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            var message = e.Message;
            var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            error = "not a JSON object: " + (at < 0 ? message : message[..at]);
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "a request is a JSON object";
                return false;
            }

            string? idJson = root.TryGetProperty("id", out var id) ? id.GetRawText() : null;
            request = new MatchRequest { IdJson = idJson };
            try
            {
                request = Read(root, idJson);
                return true;
            }
            catch (FormatException e)
            {
                error = e.Message;
                return false;
            }
            catch (InvalidOperationException)
            {
                // The JSON reader throws when a string holds a \u escape of a lone UTF-16 surrogate.
                error = "a string has a \\u escape of a lone UTF-16 surrogate (such as \\ud800 without the \\udc00-\\udfff that must follow it), which is not a character";
                return false;
            }
        }
    }

    private static MatchRequest Read(JsonElement root, string? idJson)
    {
        var target = MatchTarget.Gateway;
        string ns = "default", name = string.Empty;
        string? ingressClass = null, clientNamespace = null;
        if (Object(root, "gateway") is { } gateway)
        {
            (ns, name) = NamespacedName(gateway, "gateway");
        }
        else if (Object(root, "service") is { } service)
        {
            target = MatchTarget.Service;
            (ns, name) = NamespacedName(service, "service");
            clientNamespace = String(root, "clientNamespace");
        }
        else if (String(root, "ingressClass") is { } cls)
        {
            target = MatchTarget.Ingress;
            ingressClass = cls;
        }
        else
        {
            throw new FormatException("a request needs \"gateway\", \"service\" (mesh) or \"ingressClass\"");
        }

        var protocolName = String(root, "protocol") ?? "http";
        if (!TryParseProtocol(protocolName, out var protocol))
        {
            throw new FormatException($"unknown protocol '{protocolName}'; use one of: {string.Join(", ", ProtocolNames)}");
        }

        string? grpcService = null, grpcMethod = null;
        if (Object(root, "grpc") is { } grpc)
        {
            grpcService = String(grpc, "service") ?? throw new FormatException("\"grpc\" needs \"service\"");
            grpcMethod = String(grpc, "method") ?? throw new FormatException("\"grpc\" needs \"method\"");
            if (String(root, "protocol") is null)
            {
                protocol = RequestProtocol.Grpc;
            }
        }

        var host = String(root, "host") ?? string.Empty;
        var path = String(root, "path") ?? (grpcService is not null ? $"/{grpcService}/{grpcMethod}" : "/");
        if (path.Length == 0)
        {
            path = "/";
        }

        int port;
        if (root.TryGetProperty("port", out var portElement) && portElement.ValueKind != JsonValueKind.Null)
        {
            if (portElement.ValueKind != JsonValueKind.Number || !portElement.TryGetInt32(out port) || port is < 1 or > 65535)
            {
                throw new FormatException("\"port\" must be a number from 1 to 65535");
            }
        }
        else
        {
            port = DefaultPort(target, protocol, host);
        }

        return new MatchRequest
        {
            IdJson = idJson,
            Target = target,
            Namespace = ns,
            Name = name,
            ClientNamespace = clientNamespace,
            IngressClass = ingressClass,
            Protocol = protocol,
            Port = port,
            Sni = String(root, "sni"),
            Method = String(root, "method") ?? (protocol == RequestProtocol.Grpc ? "POST" : "GET"),
            Host = host,
            Path = path,
            Headers = ReadHeaders(root),
            GrpcService = grpcService,
            GrpcMethod = grpcMethod,
        };
    }

    private static RequestHeader[] ReadHeaders(JsonElement root)
    {
        if (!root.TryGetProperty("headers", out var headers) || headers.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        var list = new List<RequestHeader>();
        switch (headers.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var pair in headers.EnumerateArray())
                {
                    if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2
                        || pair[0].ValueKind != JsonValueKind.String || pair[1].ValueKind != JsonValueKind.String)
                    {
                        throw new FormatException("\"headers\" must be a list of [name, value] string pairs");
                    }

                    list.Add(new RequestHeader(pair[0].GetString()!, pair[1].GetString()!));
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in headers.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.String)
                    {
                        throw new FormatException($"header '{property.Name}' must have a string value");
                    }

                    list.Add(new RequestHeader(property.Name, property.Value.GetString()!));
                }

                break;
            default:
                throw new FormatException("\"headers\" must be a list of [name, value] string pairs");
        }

        return [.. list];
    }

    private static (string Namespace, string Name) NamespacedName(JsonElement element, string what)
    {
        var name = String(element, "name") ?? throw new FormatException($"\"{what}\" needs \"name\"");
        return (String(element, "namespace") ?? "default", name);
    }

    private static JsonElement? Object(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw new FormatException($"\"{name}\" must be an object");
    }

    private static string? String(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new FormatException($"\"{name}\" must be a string");
    }

    /// <summary>The target as <c>Kind namespace/name</c>, for messages.</summary>
    /// <returns>A readable target.</returns>
    public string TargetText() => Target switch
    {
        MatchTarget.Gateway => $"Gateway {Namespace}/{Name}",
        MatchTarget.Service => $"Service {Namespace}/{Name}",
        _ => $"IngressClass {IngressClass}",
    };

    /// <summary>The key of the Gateway or Service.</summary>
    public ResourceKey TargetKey => Target == MatchTarget.Service
        ? new ResourceKey(Groups.Core, "Service", Namespace, Name)
        : new ResourceKey(Groups.Gateway, "Gateway", Namespace, Name);
}
