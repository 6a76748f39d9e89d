using PolicyAttach.Matching;

namespace PolicyAttach;

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
/// matching is the raw path before <c>?</c>, without percent-decoding. On the hot path, build the view in a local and
/// pass it (<c>var view = new RequestView(...); table.Match(view, outcome);</c>): a <c>new</c> expression written as
/// the argument makes the JIT copy the whole view once more.
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
        var q = ShortSpan.IndexOf(pathAndQuery, '?');
        _pathLength = q < 0 ? pathAndQuery.Length : q;
        Headers = headers;
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

    /// <summary>
    /// The scheme, <c>http</c> or <c>https</c>; defaults from the protocol (gRPC with an SNI: set it to <c>https</c>).
    /// Any value other than <c>https</c> (ASCII case-insensitive) is taken as <c>http</c>.
    /// </summary>
    public ReadOnlySpan<char> Scheme
    {
        get => (_scheme == SchemeDefault ? Protocol is RequestProtocol.Https or RequestProtocol.Tls : _scheme == SchemeHttps) ? "https" : "http";
        init => _scheme = value.Equals("https", StringComparison.OrdinalIgnoreCase) ? SchemeHttps : SchemeHttp;
    }

    private const byte SchemeDefault = 0;
    private const byte SchemeHttp = 1;
    private const byte SchemeHttps = 2;

    // Set only through Scheme's init accessor; by default the protocol decides.
    private readonly byte _scheme;

    // Set when GrpcService or GrpcMethod is given; otherwise both are read from the path.
    private readonly bool _grpcGiven;
    private readonly ReadOnlySpan<char> _grpcService;
    private readonly ReadOnlySpan<char> _grpcMethod;

    /// <summary>The TLS ClientHello server name, for HTTPS, TLS and gRPC over TLS; empty when absent (the Host is used).</summary>
    public ReadOnlySpan<char> Sni { get; init; }

    /// <summary>
    /// The gRPC service; for gRPC requests by default the first element of the path <c>/{service}/{method}</c>.
    /// Setting it or <see cref="GrpcMethod"/> replaces both defaults.
    /// </summary>
    public ReadOnlySpan<char> GrpcService
    {
        get => _grpcGiven ? _grpcService : GrpcPart(method: false);
        init
        {
            _grpcService = value;
            if (!_grpcGiven)
            {
                _grpcMethod = GrpcPart(method: true);
                _grpcGiven = true;
            }
        }
    }

    /// <summary>The gRPC method; for gRPC requests by default the second element of the path.</summary>
    public ReadOnlySpan<char> GrpcMethod
    {
        get => _grpcGiven ? _grpcMethod : GrpcPart(method: true);
        init
        {
            _grpcMethod = value;
            if (!_grpcGiven)
            {
                _grpcService = GrpcPart(method: false);
                _grpcGiven = true;
            }
        }
    }

    /// <summary>The service or method element of a gRPC path <c>/{service}/{method}</c>; empty for other protocols.</summary>
    private ReadOnlySpan<char> GrpcPart(bool method)
    {
        if (Protocol != RequestProtocol.Grpc || _pathLength <= 1)
        {
            return default;
        }

        var rest = PathAndQuery[1.._pathLength];
        var slash = rest.IndexOf('/');
        return method ? (slash < 0 ? default : rest[(slash + 1)..]) : (slash < 0 ? rest : rest[..slash]);
    }

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
        // One pass over the (short) query: each '&'-separated pair, its key ending at the first '='.
        var query = Query;
        var start = 0;
        while (start < query.Length)
        {
            var end = start;
            var eq = -1;
            while (end < query.Length && query[end] != '&')
            {
                if (eq < 0 && query[end] == '=')
                {
                    eq = end;
                }

                end++;
            }

            var keyEnd = eq < 0 ? end : eq;
            if (keyEnd - start == name.Length && query[start..keyEnd].SequenceEqual(name))
            {
                value = eq < 0 ? default : query[(eq + 1)..end];
                return true;
            }

            start = end + 1;
        }

        value = default;
        return false;
    }

    /// <summary>
    /// <see cref="TryGetQueryParameter"/> for a non-empty name without <c>=</c> or <c>&amp;</c>: such a name is the key
    /// of a pair exactly when the pair starts with it and the name is followed by <c>=</c>, <c>&amp;</c> or the end, so
    /// each pair is checked where it starts, without splitting it.
    /// </summary>
    internal bool TryGetSimpleQueryParameter(string name, out ReadOnlySpan<char> value)
    {
        var rest = Query;
        var length = name.Length;
        while (true)
        {
            if (AsciiCase.StartsWithOrdinal(rest, name))
            {
                if (rest.Length == length || rest[length] == '&')
                {
                    value = default;
                    return true;
                }

                if (rest[length] == '=')
                {
                    var tail = rest[(length + 1)..];
                    var amp = ShortSpan.IndexOf(tail, '&');
                    value = amp < 0 ? tail : tail[..amp];
                    return true;
                }
            }

            var next = ShortSpan.IndexOf(rest, '&');
            if (next < 0)
            {
                value = default;
                return false;
            }

            rest = rest[(next + 1)..];
        }
    }

    /// <summary>The authority without a trailing <c>:port</c> (IPv6 literals in brackets are kept whole).</summary>
    /// <param name="authority">A Host header value.</param>
    /// <returns>The host part.</returns>
    internal static ReadOnlySpan<char> StripPort(ReadOnlySpan<char> authority)
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
        var first = ShortSpan.IndexOfAny(head, ':', ']');
        return first >= 0 && head[first] == ':' && !head[first..].Contains(']') ? authority : head;
    }
}
