using System.Globalization;
using System.Text;
using PolicyAttach.Collections;
using PolicyAttach.Matching;

namespace PolicyAttach.Conversion;

/// <summary>
/// A request that verification sends to both sides of a conversion: the source's model and the engine's matcher
/// on the converted objects. Plain strings, so probes can be generated, printed and kept.
/// </summary>
public sealed record RequestProbe
{
    /// <summary>The protocol (HTTP, HTTPS or gRPC).</summary>
    public RequestProtocol Protocol { get; init; } = RequestProtocol.Http;

    /// <summary>The destination port.</summary>
    public required int Port { get; init; }

    /// <summary>The method.</summary>
    public string Method { get; init; } = "GET";

    /// <summary>The Host header (or <c>:authority</c>), possibly with a port.</summary>
    public required string Authority { get; init; }

    /// <summary>The raw path and an optional <c>?query</c>.</summary>
    public required string PathAndQuery { get; init; }

    /// <summary>The request headers, in order.</summary>
    public EquatableArray<RequestHeader> Headers { get; init; } = [];

    /// <summary>The TLS server name, for HTTPS and gRPC over TLS; null to use the host.</summary>
    public string? Sni { get; init; }

    /// <summary>Why the probe exists: the source rule it exercises, or the near miss it tries.</summary>
    public string Purpose { get; init; } = string.Empty;

    /// <summary><c>https</c> for HTTPS and for gRPC with a server name, else <c>http</c>.</summary>
    public string Scheme => Protocol == RequestProtocol.Https || (Protocol == RequestProtocol.Grpc && Sni is not null) ? "https" : "http";

    /// <summary>The header's value (first occurrence, name case-insensitive), or null.</summary>
    /// <param name="name">The header name.</param>
    /// <returns>The value.</returns>
    public string? Header(string name)
    {
        foreach (var header in Headers)
        {
            if (string.Equals(header.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    /// <summary>Calls <paramref name="use"/> with the probe as the matcher's request view.</summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="use">What to do with the view.</param>
    /// <returns>Its result.</returns>
    public T WithView<T>(ViewFunc<T> use)
    {
        Guard.NotNull(use);
        var headers = Headers.ToArray();
        var view = new RequestView(Protocol, Port, Method, Authority, PathAndQuery, headers) { Sni = Sni, Scheme = Scheme };
        return use(view);
    }

    /// <summary>The request in one line: <c>GET https://host/path [Name: value]</c>, then the port when it is not the scheme's.</summary>
    /// <returns>The line.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Protocol == RequestProtocol.Grpc ? "gRPC" : Method).Append(' ').Append(Scheme).Append("://").Append(Authority).Append(PathAndQuery);
        var defaultPort = Scheme == "https" ? 443 : 80;
        if (Port != defaultPort)
        {
            text.Append(" (port ").Append(Port.ToString(CultureInfo.InvariantCulture)).Append(')');
        }

        foreach (var header in Headers)
        {
            text.Append(" [").Append(header.Name).Append(": ").Append(header.Value).Append(']');
        }

        return text.ToString();
    }
}

/// <summary>A function of a request view (which cannot be a type argument).</summary>
/// <typeparam name="T">The result.</typeparam>
/// <param name="view">The view.</param>
/// <returns>The result.</returns>
public delegate T ViewFunc<out T>(in RequestView view);
