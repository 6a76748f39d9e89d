using System.Globalization;
using System.Text;
using PolicyAttach.Collections;
using PolicyAttach.Matching;
using PolicyAttach.Model;

namespace PolicyAttach.Migration;

/// <summary>
/// A request used to verify a migration: sent to a source gateway (an Istio Gateway) or to a Service in the mesh,
/// answered by the source's model and by the converted objects' routing tables.
/// </summary>
internal sealed record Probe
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

    /// <summary>One line: <c>GET http://host/path [h: v] (purpose)</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var where = Gateway is { } g ? $"gateway {g.Namespace}/{g.Name}" : Service is { } s ? $"service {s.Namespace}/{s.Name}" + (ClientNamespace.Length > 0 ? $" from {ClientNamespace}" : string.Empty) : "?";
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

/// <summary>A backend in an answer: <c>namespace/name:port</c> (the output's Service names), its weight, whether it resolves.</summary>
internal sealed record AnswerBackend(string Name, long Weight, bool Valid);

/// <summary>
/// What happened to a probe, in terms both sides share: outcome and status, the weighted backends, the redirect,
/// the forwarded host, path and header edits, and mirrors. Compared field by field by <see cref="Differences"/>.
/// </summary>
internal sealed record RoutingAnswer
{
    public const string Routed = "routed";
    public const string NotFound = "not found";
    public const string Redirect = "redirect";
    public const string Fixed = "fixed response";
    public const string NoBackend = "no backend";
    public const string Rejected = "rejected";

    public required string Outcome { get; init; }

    public int Status { get; init; }

    public EquatableArray<AnswerBackend> Backends { get; init; } = [];

    public string? Location { get; init; }

    public string? ForwardedHost { get; init; }

    public string? ForwardedPath { get; init; }

    public EquatableArray<string> RequestHeaders { get; init; } = [];

    public EquatableArray<string> ResponseHeaderEdits { get; init; } = [];

    public EquatableArray<string> Mirrors { get; init; } = [];

    /// <summary>The source rule that decided (source side), or the source rule the matched output rule carries.</summary>
    public RuleOrigin? Origin { get; init; }

    /// <summary>
    /// Backends with weight 0 left out, weights divided by their greatest common divisor, sorted. Backends that do
    /// not resolve are named <c>(invalid)</c>: only their share matters (it fails), not what each side calls them.
    /// </summary>
    public static EquatableArray<AnswerBackend> Normalize(IEnumerable<AnswerBackend> backends)
    {
        var list = backends.Where(b => b.Weight > 0).Select(b => b.Valid ? b : b with { Name = "(invalid)" })
            .GroupBy(b => (b.Name, b.Valid)).Select(g => new AnswerBackend(g.Key.Name, g.Sum(b => b.Weight), g.Key.Valid)).ToList();
        var gcd = list.Aggregate(0L, (a, b) => Gcd(a, b.Weight));
        return list.Select(b => b with { Weight = gcd == 0 ? b.Weight : b.Weight / gcd })
            .OrderBy(b => b.Name, StringComparer.Ordinal).ThenBy(b => b.Valid).ToEquatableArray();

        static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
    }

    /// <summary>The fields in which two answers differ, each as <c>field: source → converted</c>.</summary>
    public static IReadOnlyList<string> Differences(RoutingAnswer source, RoutingAnswer converted)
    {
        var result = new List<string>();
        void Compare(string field, string? a, string? b)
        {
            if (!string.Equals(a, b, StringComparison.Ordinal))
            {
                result.Add($"{field}: {a ?? "-"} → {b ?? "-"}");
            }
        }

        Compare("outcome", source.Describe(), converted.Describe());
        if (source.Outcome == converted.Outcome && source.Outcome is Routed or NoBackend)
        {
            Compare("backends", string.Join(", ", source.Backends.Select(Text)), string.Join(", ", converted.Backends.Select(Text)));
        }

        if (source.Outcome == converted.Outcome && source.Outcome == Redirect)
        {
            Compare("location", source.Location, converted.Location);
        }

        if (source.Outcome == converted.Outcome && source.Outcome == Routed)
        {
            Compare("forwarded host", source.ForwardedHost, converted.ForwardedHost);
            Compare("forwarded path", source.ForwardedPath, converted.ForwardedPath);
            Compare("request headers", string.Join("; ", source.RequestHeaders), string.Join("; ", converted.RequestHeaders));
            Compare("response headers", string.Join("; ", source.ResponseHeaderEdits), string.Join("; ", converted.ResponseHeaderEdits));
            Compare("mirrors", string.Join(", ", source.Mirrors), string.Join(", ", converted.Mirrors));
        }

        return result;

        static string Text(AnswerBackend b) => $"{b.Name}×{b.Weight.ToString(CultureInfo.InvariantCulture)}{(b.Valid ? string.Empty : " (invalid)")}";
    }

    /// <summary>The outcome with its status: <c>routed</c>, <c>not found 404</c>, <c>redirect 301</c>, <c>no backend</c>.</summary>
    public string Describe() => Outcome switch
    {
        Routed or Rejected => Outcome,
        NoBackend => "no backend (5xx)",
        _ => Outcome + " " + Status.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A one-line summary.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Describe());
        if (Backends.Count > 0)
        {
            text.Append(" → ").AppendJoin(", ", Backends.Select(b => $"{b.Name}×{b.Weight.ToString(CultureInfo.InvariantCulture)}"));
        }

        if (Location is not null)
        {
            text.Append(" → ").Append(Location);
        }

        return text.ToString();
    }
}
