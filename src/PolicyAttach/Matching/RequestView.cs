namespace PolicyAttach.Matching;

/// <summary>
/// The protocol a request or connection arrives with; it selects the listeners of the port by protocol
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#protocoltype">ProtocolType</see>).
/// </summary>
public enum RequestProtocol
{
    /// <summary>Plain HTTP: <c>HTTP</c> listeners, HTTPRoutes.</summary>
    Http = 0,

    /// <summary>HTTP over TLS: <c>HTTPS</c> listeners selected by SNI, HTTPRoutes; misdirected requests get 421.</summary>
    Https,

    /// <summary>gRPC: <c>HTTP</c> listeners (h2c), or <c>HTTPS</c> listeners when an SNI is given; GRPCRoutes.</summary>
    Grpc,

    /// <summary>A TLS connection: <c>TLS</c> listeners and TLSRoutes, both selected by SNI.</summary>
    Tls,

    /// <summary>A TCP connection: <c>TCP</c> listeners; the oldest TCPRoute carries the traffic.</summary>
    Tcp,

    /// <summary>A UDP stream: <c>UDP</c> listeners; the oldest UDPRoute carries the traffic.</summary>
    Udp,
}

/// <summary>One request header as received. Names compare case-insensitively; values exactly.</summary>
/// <param name="Name">The header name.</param>
/// <param name="Value">The header value, unmodified (a repeated header is one entry per occurrence).</param>
public readonly record struct RequestHeader(string Name, string Value);

/// <summary>
/// A request or connection as the matcher sees it: spans over caller-owned text, so building one allocates
/// nothing. The Host used for matching is the authority with any port stripped (spec digest §4.3,
/// <see href="https://gateway-api.sigs.k8s.io/reference/spec/#hostname">Hostname</see>); the path used for
/// matching is the raw path before <c>?</c>, without percent-decoding.
/// </summary>
public readonly ref struct RequestView
{
    /// <summary>Describes a request.</summary>
    /// <param name="protocol">The protocol, which selects the listeners.</param>
    /// <param name="port">The destination port (the Gateway listener port, or the Service port in a mesh).</param>
    /// <param name="method">The HTTP method, such as <c>GET</c>; empty for TLS, TCP and UDP.</param>
    /// <param name="authority">The Host header or <c>:authority</c>, possibly with a port.</param>
    /// <param name="pathAndQuery">The request target: the raw path and an optional <c>?query</c>.</param>
    /// <param name="headers">The request headers; of repeated headers the first occurrence is matched.</param>
    public RequestView(RequestProtocol protocol, int port, ReadOnlySpan<char> method, ReadOnlySpan<char> authority,
        ReadOnlySpan<char> pathAndQuery, ReadOnlySpan<RequestHeader> headers = default)
    {
        Protocol = protocol;
        Port = port;
        Method = method;
        Authority = authority;
        _hostLength = StripPort(authority).Length;
        PathAndQuery = pathAndQuery;
        var q = pathAndQuery.IndexOf('?');
        _pathLength = q < 0 ? pathAndQuery.Length : q;
        Headers = headers;
        Scheme = protocol is RequestProtocol.Https or RequestProtocol.Tls ? "https" : "http";
        if (protocol == RequestProtocol.Grpc && _pathLength > 1)
        {
            var rest = pathAndQuery[1.._pathLength];
            var slash = rest.IndexOf('/');
            GrpcService = slash < 0 ? rest : rest[..slash];
            GrpcMethod = slash < 0 ? default : rest[(slash + 1)..];
        }
    }

    /// <summary>The protocol.</summary>
    public RequestProtocol Protocol { get; }

    /// <summary>The destination port.</summary>
    public int Port { get; }

    /// <summary>The HTTP method.</summary>
    public ReadOnlySpan<char> Method { get; }

    /// <summary>The Host header as received (forwarded unmodified unless a filter rewrites it).</summary>
    public ReadOnlySpan<char> Authority { get; }

    /// <summary>The authority without its port: what hostnames are matched against.</summary>
    public ReadOnlySpan<char> Host => Authority[.._hostLength];

    // Host, Path and Query are slices of the text given, kept as lengths so that building a view writes less.
    private readonly int _hostLength;
    private readonly int _pathLength;

    /// <summary>The request target as received.</summary>
    public ReadOnlySpan<char> PathAndQuery { get; }

    /// <summary>The raw path, without the query.</summary>
    public ReadOnlySpan<char> Path => PathAndQuery[.._pathLength];

    /// <summary>The raw query, without the <c>?</c>; empty when absent.</summary>
    public ReadOnlySpan<char> Query => _pathLength < PathAndQuery.Length ? PathAndQuery[(_pathLength + 1)..] : default;

    /// <summary>The request headers.</summary>
    public ReadOnlySpan<RequestHeader> Headers { get; }

    /// <summary>The scheme, <c>http</c> or <c>https</c>; defaults from the protocol (gRPC with an SNI: set it to <c>https</c>).</summary>
    public ReadOnlySpan<char> Scheme { get; init; }

    /// <summary>The TLS ClientHello server name, for HTTPS, TLS and gRPC over TLS; empty when absent (the Host is used).</summary>
    public ReadOnlySpan<char> Sni { get; init; }

    /// <summary>The gRPC service; by default the first element of the path <c>/{service}/{method}</c>.</summary>
    public ReadOnlySpan<char> GrpcService { get; init; }

    /// <summary>The gRPC method; by default the second element of the path.</summary>
    public ReadOnlySpan<char> GrpcMethod { get; init; }

    /// <summary>For mesh (GAMMA) requests, the namespace of the calling client; it selects consumer routes.</summary>
    public ReadOnlySpan<char> ClientNamespace { get; init; }

    /// <summary>The first header named <paramref name="name"/> (case-insensitively).</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">Its value when found.</param>
    /// <returns>Whether the header is present.</returns>
    public bool TryGetHeader(ReadOnlySpan<char> name, out ReadOnlySpan<char> value)
    {
        foreach (ref readonly var header in Headers)
        {
            var headerName = header.Name.AsSpan();
            if (name.Length == headerName.Length && name.Equals(headerName, StringComparison.OrdinalIgnoreCase))
            {
                value = header.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary><see cref="TryGetHeader"/> for a name given in ASCII lower case.</summary>
    internal bool TryGetHeaderAsciiLower(string lowerName, out ReadOnlySpan<char> value)
    {
        foreach (ref readonly var header in Headers)
        {
            if (AsciiCase.EqualsIgnoreCase(header.Name, lowerName))
            {
                value = header.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>
    /// The value of the first query parameter named exactly <paramref name="name"/> (raw, not percent-decoded).
    /// A parameter without <c>=</c> has an empty value.
    /// </summary>
    /// <param name="name">The parameter name, case-sensitive.</param>
    /// <param name="value">Its value when found.</param>
    /// <returns>Whether the parameter is present.</returns>
    public bool TryGetQueryParameter(ReadOnlySpan<char> name, out ReadOnlySpan<char> value)
    {
        var rest = Query;
        while (!rest.IsEmpty)
        {
            var amp = rest.IndexOf('&');
            var pair = amp < 0 ? rest : rest[..amp];
            rest = amp < 0 ? default : rest[(amp + 1)..];
            var eq = pair.IndexOf('=');
            var key = eq < 0 ? pair : pair[..eq];
            if (key.SequenceEqual(name))
            {
                value = eq < 0 ? default : pair[(eq + 1)..];
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The authority without a trailing <c>:port</c> (IPv6 literals in brackets are kept whole).</summary>
    /// <param name="authority">A Host header value.</param>
    /// <returns>The host part.</returns>
    public static ReadOnlySpan<char> StripPort(ReadOnlySpan<char> authority)
    {
        // The last ':' followed only by digits: walk back over the trailing digits (most hosts end in a letter).
        var colon = authority.Length - 1;
        while (colon >= 0 && char.IsAsciiDigit(authority[colon]))
        {
            colon--;
        }

        if (colon < 0 || authority[colon] != ':')
        {
            return authority;
        }

        // Only digits follow the colon, so a ']' can only precede it: a colon before it without a ']' is an
        // unbracketed IPv6 literal, kept whole. One scan finds either (most hosts have neither).
        var head = authority[..colon];
        var first = head.IndexOfAny(':', ']');
        if (first >= 0 && head[first] == ':' && !head[first..].Contains(']'))
        {
            return authority;
        }

        return authority[..colon];
    }
}
