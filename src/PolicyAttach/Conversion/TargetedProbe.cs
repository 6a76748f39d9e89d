using System.Globalization;
using System.Text;
using PolicyAttach.Collections;
using PolicyAttach.Matching;
using PolicyAttach.Model;

namespace PolicyAttach.Conversion;

/// <summary>
/// A request used to verify a mesh-API conversion: sent to a source gateway (an Istio Gateway) or to a Service in
/// the mesh (from a client namespace), as HTTP, HTTPS, or a TLS or TCP connection; answered by the source's model
/// and by the converted objects' routing tables. <see cref="Request"/> is the request itself in the shared terms.
/// </summary>
internal sealed record TargetedProbe
{
    /// <summary>The source gateway the request arrives at, or null for a mesh request.</summary>
    public ResourceKey? Gateway { get; init; }

    /// <summary>The Service a mesh request is addressed to, or null for a gateway request.</summary>
    public ResourceKey? Service { get; init; }

    /// <summary>The namespace of the calling workload (mesh requests).</summary>
    public string ClientNamespace { get; init; } = string.Empty;

    /// <summary>The protocol.</summary>
    public RequestProtocol Protocol { get; init; } = RequestProtocol.Http;

    /// <summary>The destination port.</summary>
    public required int Port { get; init; }

    /// <summary>The method.</summary>
    public string Method { get; init; } = "GET";

    /// <summary>The Host header (and <c>:authority</c>), possibly with a port.</summary>
    public string Authority { get; init; } = string.Empty;

    /// <summary>The path and query.</summary>
    public string PathAndQuery { get; init; } = "/";

    /// <summary>Request headers other than Host.</summary>
    public EquatableArray<RequestHeader> Headers { get; init; } = [];

    /// <summary>The TLS server name, for TLS connections.</summary>
    public string? Sni { get; init; }

    /// <summary>What the request exercises (a match of the source, or a near miss of one).</summary>
    public string Purpose { get; init; } = string.Empty;

    /// <summary>The path, without the query.</summary>
    public string Path => PathAndQuery.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? PathAndQuery[..q] : PathAndQuery;

    /// <summary>The authority without its port, in lower case.</summary>
    public string Host => RequestView.StripPort(Authority).ToString().ToLowerInvariant();

    /// <summary>Every header the request carries: Host first (HTTP/1.1 clients send it; Envoy reads it as <c>:authority</c>), then the others.</summary>
    public RequestHeader[] AllHeaders()
        => Protocol is RequestProtocol.Tls or RequestProtocol.Tcp ? [] : [new RequestHeader("host", Authority), .. Headers];

    /// <summary>The first header of a name (case-insensitive), or null.</summary>
    public string? Header(string name)
        => string.Equals(name, "host", StringComparison.OrdinalIgnoreCase) ? Authority
            : Headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    /// <summary>The first value of a query parameter (raw; empty for a name without <c>=</c>), or null when absent.</summary>
    public string? Query(string name)
    {
        var q = PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        if (q < 0)
        {
            return null;
        }

        foreach (var pair in PathAndQuery[(q + 1)..].Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (string.Equals(eq < 0 ? pair : pair[..eq], name, StringComparison.Ordinal))
            {
                return eq < 0 ? string.Empty : pair[(eq + 1)..];
            }
        }

        return null;
    }

    /// <summary>The request in the shared terms of verification (the Host header first, as <see cref="AllHeaders"/>).</summary>
    public RequestProbe Request => new()
    {
        Protocol = Protocol,
        Port = Port,
        Method = Method,
        Authority = Authority,
        PathAndQuery = PathAndQuery,
        Headers = AllHeaders().ToEquatableArray(),
        Sni = Protocol is RequestProtocol.Https or RequestProtocol.Tls ? Sni ?? Host : null,
        Purpose = Purpose,
    };

    /// <summary>Where the request goes: <c>gateway ns/name</c>, or <c>service ns/name from ns</c>.</summary>
    public string Target => Gateway is { } g ? $"gateway {g.Namespace}/{g.Name}"
        : Service is { } s ? $"service {s.Namespace}/{s.Name}" + (ClientNamespace.Length > 0 ? $" from {ClientNamespace}" : string.Empty) : "?";

    /// <summary>One line: <c>GET http://host/path [h: v] (purpose)</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var where = Target;
        switch (Protocol)
        {
            case RequestProtocol.Tls:
                text.Append(CultureInfo.InvariantCulture, $"TLS :{Port} sni={Sni}");
                break;
            case RequestProtocol.Tcp:
                text.Append(CultureInfo.InvariantCulture, $"TCP :{Port}");
                break;
            default:
                var scheme = Protocol == RequestProtocol.Https ? "https" : "http";
                text.Append(CultureInfo.InvariantCulture, $"{Method} {scheme}://{Authority}{PathAndQuery} (port {Port})");
                foreach (var h in Headers)
                {
                    text.Append(CultureInfo.InvariantCulture, $" [{h.Name}: {h.Value}]");
                }

                break;
        }

        text.Append(" at ").Append(where);
        if (Purpose.Length > 0)
        {
            text.Append(" (").Append(Purpose).Append(')');
        }

        return text.ToString();
    }
}
