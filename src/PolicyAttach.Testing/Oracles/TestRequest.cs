using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using PolicyAttach.Collections;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Testing.Internal;

namespace PolicyAttach.Testing;

/// <summary>What a request is sent to.</summary>
public enum RequestTarget
{
    /// <summary>A Gateway (by namespace and name): its listeners take the request by port, protocol and host.</summary>
    Gateway = 0,

    /// <summary>A Service in a mesh (GAMMA), called from a client namespace.</summary>
    Service,

    /// <summary>The Ingresses of an IngressClass (<see cref="TestRequest.Name"/> is the class).</summary>
    Ingress,
}

/// <summary>How a generated request relates to the world it was aimed at.</summary>
public enum RequestAim
{
    /// <summary>Built from a rule's match: it should reach that rule (unless a rule of higher precedence takes it).</summary>
    Hit = 0,

    /// <summary>A hit changed in one detail (a path segment, a header value, the method, the host, the port).</summary>
    NearMiss,

    /// <summary>Nothing in the world was aimed at.</summary>
    Miss,
}

/// <summary>
/// A request or connection sent to a Gateway, a mesh Service or an IngressClass, as <c>policyattach match</c> takes
/// it. <see cref="ToMatchJson"/> is its JSON line for <c>policyattach match --requests</c>.
/// </summary>
public sealed record TestRequest
{
    /// <summary>What the request is sent to.</summary>
    public RequestTarget Target { get; init; }

    /// <summary>The Gateway's or Service's namespace (unused for an IngressClass).</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary>The Gateway's, Service's or IngressClass's name.</summary>
    public required string Name { get; init; }

    /// <summary>For a mesh request, the namespace of the calling client.</summary>
    public string? ClientNamespace { get; init; }

    /// <summary>The protocol.</summary>
    public RequestProtocol Protocol { get; init; }

    /// <summary>The destination port.</summary>
    public int Port { get; init; } = 80;

    /// <summary>The method (HTTP and gRPC).</summary>
    public string Method { get; init; } = "GET";

    /// <summary>The Host header (HTTP), possibly with a port.</summary>
    public string Host { get; init; } = string.Empty;

    /// <summary>The path with an optional <c>?query</c>.</summary>
    public string Path { get; init; } = "/";

    /// <summary>The headers, in order.</summary>
    public EquatableArray<RequestHeader> Headers { get; init; } = [];

    /// <summary>The TLS server name (HTTPS, TLS), or null.</summary>
    public string? Sni { get; init; }

    /// <summary>The gRPC service, or null.</summary>
    public string? GrpcService { get; init; }

    /// <summary>The gRPC method, or null.</summary>
    public string? GrpcMethod { get; init; }

    /// <summary>How the request was aimed (informative; not part of the request).</summary>
    public RequestAim Aim { get; init; }

    /// <summary>
    /// Why it was made, such as "hit of HTTPRoute/app/http-1 rule 0" (informative: it names objects as they were
    /// generated, before shrinking renamed them).
    /// </summary>
    public string? Note { get; init; }

    /// <summary>The Gateway's or Service's key.</summary>
    public ResourceKey TargetKey => Target == RequestTarget.Service
        ? new ResourceKey(Groups.Core, "Service", Namespace, Name)
        : new ResourceKey(Groups.Gateway, "Gateway", Namespace, Name);

    /// <summary>Whether the protocol is a connection (TLS, TCP, UDP) rather than HTTP requests.</summary>
    public bool IsStream => Protocol is RequestProtocol.Tls or RequestProtocol.Tcp or RequestProtocol.Udp;

    /// <summary>The request as the matcher sees it.</summary>
    /// <returns>A view over this request's strings.</returns>
    public RequestView ToView()
    {
        var view = new RequestView(Protocol, Port, IsStream ? string.Empty : Method, Host, IsStream ? string.Empty : Path, Headers.AsSpan())
        {
            Sni = Sni,
            ClientNamespace = ClientNamespace,
        };
        if (Protocol == RequestProtocol.Grpc && !string.IsNullOrEmpty(Sni))
        {
            view = view with { Scheme = "https" };
        }

        if (GrpcService is not null)
        {
            view = view with { GrpcService = GrpcService, GrpcMethod = GrpcMethod };
        }

        return view;
    }

    /// <summary>The protocol as <c>policyattach match</c> names it.</summary>
    public string ProtocolName => Protocol switch
    {
        RequestProtocol.Https => "https",
        RequestProtocol.Grpc => "grpc",
        RequestProtocol.Tls => "tls",
        RequestProtocol.Tcp => "tcp",
        RequestProtocol.Udp => "udp",
        _ => "http",
    };

    /// <summary>The request as one JSON line of <c>policyattach match --requests</c>.</summary>
    /// <returns>Compact JSON.</returns>
    public string ToMatchJson()
    {
        var target = Target switch
        {
            RequestTarget.Service => ("service", (JsonNode?)Json.Obj(("namespace", Namespace), ("name", Name))),
            RequestTarget.Ingress => ("ingressClass", (JsonNode?)Name),
            _ => ("gateway", (JsonNode?)Json.Obj(("namespace", Namespace), ("name", Name))),
        };
        return Json.Text(Json.Obj(
            target,
            ("clientNamespace", ClientNamespace),
            ("port", Port),
            ("protocol", ProtocolName),
            ("sni", Sni),
            ("method", IsStream ? null : Method),
            ("host", Host.Length == 0 ? null : Host),
            ("path", IsStream ? null : Path),
            ("headers", Json.ArrayOrNull(Headers.Select(h => (JsonNode?)new JsonArray(h.Name, h.Value)))),
            ("grpc", GrpcService is null && GrpcMethod is null ? null : Json.Obj(("service", GrpcService), ("method", GrpcMethod)))));
    }

    /// <summary>The command that answers this request for a world saved as <paramref name="file"/>.</summary>
    /// <param name="file">The world's YAML file.</param>
    /// <param name="controllerName">The controller the world is evaluated for.</param>
    /// <returns>A shell command line.</returns>
    public string ToCommandLine(string file, string controllerName)
        => $"echo '{ToMatchJson().Replace("'", "'\\''", StringComparison.Ordinal)}' | policyattach match {file} --controller-name {controllerName} --requests -";

    /// <summary>The request in one line, such as <c>http GET a.example.com/a to Gateway infra/gw:80</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder(ProtocolName);
        if (!IsStream)
        {
            text.Append(' ').Append(Method).Append(' ').Append(Host).Append(Path);
        }

        if (Sni is not null)
        {
            text.Append(" sni=").Append(Sni);
        }

        if (GrpcService is not null || GrpcMethod is not null)
        {
            text.Append(" grpc=").Append(GrpcService).Append('/').Append(GrpcMethod);
        }

        foreach (var header in Headers)
        {
            text.Append(' ').Append(header.Name).Append(": ").Append(header.Value);
        }

        text.Append(" to ").Append(Target switch
        {
            RequestTarget.Service => $"Service {Namespace}/{Name}",
            RequestTarget.Ingress => $"IngressClass {Name}",
            _ => $"Gateway {Namespace}/{Name}",
        }).Append(':').Append(Port.ToString(CultureInfo.InvariantCulture));
        if (ClientNamespace is not null)
        {
            text.Append(" from namespace ").Append(ClientNamespace);
        }

        return text.ToString();
    }
}
