using System.Globalization;
using System.Text;
using PolicyAttach.Collections;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Conversion;

/// <summary>A backend an answer sends traffic to, with its share.</summary>
/// <param name="Backend">The backend as <c>namespace/name:port</c> (the port omitted when unknown).</param>
/// <param name="Weight">Its weight; shares are compared as weight over the total.</param>
public sealed record AnsweredBackend(string Backend, int Weight);

/// <summary>
/// What one side of a conversion does with a request, in the terms verification compares: the status, the
/// redirect, the backends and their shares, and the request as forwarded (path and query, Host, and the headers the
/// side sets).
/// </summary>
public sealed record RoutingAnswer
{
    /// <summary>The HTTP status: 200 when forwarded, the redirect code, 404 when nothing matched, and so on.</summary>
    public required int Status { get; init; }

    /// <summary>The redirect <c>Location</c>, for a redirect.</summary>
    public string? Location { get; init; }

    /// <summary>The backends, for a forwarded request (or one whose backend is missing).</summary>
    public EquatableArray<AnsweredBackend> Backends { get; init; } = [];

    /// <summary>The path and query as forwarded, for a forwarded request.</summary>
    public string? PathAndQuery { get; init; }

    /// <summary>The Host header as forwarded, for a forwarded request.</summary>
    public string? Host { get; init; }

    /// <summary>Request headers the side sets or changes (name and new value), sorted by name.</summary>
    public EquatableArray<HttpHeader> SetHeaders { get; init; } = [];

    /// <summary>What answered, for people (the rule, location or filter); never compared.</summary>
    public string Note { get; init; } = string.Empty;

    /// <summary>Whether the request is forwarded to a backend.</summary>
    public bool IsForwarded => Status is >= 200 and < 300 && Backends.Count > 0;

    /// <summary>The answer in one line: status, then the redirect or the backends and the forwarded request.</summary>
    /// <returns>The line.</returns>
    public override string ToString()
    {
        var text = new StringBuilder(Status.ToString(CultureInfo.InvariantCulture));
        if (Location is not null)
        {
            text.Append(" → ").Append(Location);
        }

        if (Backends.Count > 0)
        {
            text.Append(' ').Append(string.Join(" + ", Backends.Select(b => Backends.Count == 1 ? b.Backend : b.Backend + " (weight " + b.Weight.ToString(CultureInfo.InvariantCulture) + ")")));
        }

        if (IsForwarded)
        {
            text.Append(" path ").Append(PathAndQuery);
            if (Host is not null)
            {
                text.Append(" host ").Append(Host);
            }

            foreach (var header in SetHeaders)
            {
                text.Append(" [").Append(header.Name).Append(": ").Append(header.Value).Append(']');
            }
        }

        if (Note.Length > 0)
        {
            text.Append(" (").Append(Note).Append(')');
        }

        return text.ToString();
    }
}

/// <summary>A request both sides answer differently.</summary>
/// <param name="Probe">The request.</param>
/// <param name="Source">The source's answer.</param>
/// <param name="Converted">The converted objects' answer.</param>
/// <param name="Aspects">What differs: <c>status</c>, <c>redirect</c>, <c>backend</c>, <c>rewrite</c>, <c>host</c>, <c>headers</c>.</param>
public sealed record RoutingDifference(RequestProbe Probe, RoutingAnswer Source, RoutingAnswer Converted, EquatableArray<string> Aspects)
{
    /// <summary>The difference in one line.</summary>
    /// <returns>The line.</returns>
    public override string ToString() => $"{Probe}: {string.Join(", ", Aspects)} differ: source {Source}; converted {Converted}";
}

/// <summary>
/// The verification loop every converter shares: each probe is answered by the source's model and by the converted
/// objects, and every probe where the status, redirect, backends (with their shares), rewritten path, Host or set
/// headers differ is kept. Redirect locations are compared as URLs (scheme and host case-insensitively, the default
/// port and an empty path as the same as none and <c>/</c>).
/// </summary>
public static class ConversionVerifier
{
    /// <summary>Answers every probe on both sides and returns the differences, in probe order.</summary>
    /// <param name="probes">The requests.</param>
    /// <param name="source">The source's answer.</param>
    /// <param name="converted">The converted objects' answer.</param>
    /// <returns>The differences.</returns>
    public static EquatableArray<RoutingDifference> Compare(IEnumerable<RequestProbe> probes, Func<RequestProbe, RoutingAnswer> source, Func<RequestProbe, RoutingAnswer> converted)
    {
        Guard.NotNull(probes);
        Guard.NotNull(source);
        Guard.NotNull(converted);
        var differences = new List<RoutingDifference>();
        foreach (var probe in probes)
        {
            var a = source(probe);
            var b = converted(probe);
            var aspects = Differences(a, b);
            if (aspects.Count > 0)
            {
                differences.Add(new RoutingDifference(probe, a, b, aspects));
            }
        }

        return differences.ToEquatableArray();
    }

    /// <summary>What differs between two answers to the same request; empty when they agree.</summary>
    /// <param name="a">One answer.</param>
    /// <param name="b">The other.</param>
    /// <returns>The aspects that differ.</returns>
    public static EquatableArray<string> Differences(RoutingAnswer a, RoutingAnswer b)
    {
        Guard.NotNull(a);
        Guard.NotNull(b);
        var aspects = new List<string>();
        if (a.Status != b.Status)
        {
            aspects.Add("status");
        }

        if ((a.Location is not null || b.Location is not null) && !SameUrl(a.Location, b.Location))
        {
            aspects.Add("redirect");
        }

        if ((a.IsForwarded || b.IsForwarded) && !SameShares(a.Backends, b.Backends))
        {
            aspects.Add("backend");
        }

        if (a.IsForwarded && b.IsForwarded)
        {
            if (!string.Equals(a.PathAndQuery, b.PathAndQuery, StringComparison.Ordinal))
            {
                aspects.Add("rewrite");
            }

            if (!string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase))
            {
                aspects.Add("host");
            }

            if (!a.SetHeaders.SequenceEqual(b.SetHeaders, HeaderComparer.Instance))
            {
                aspects.Add("headers");
            }
        }

        return aspects.ToEquatableArray();
    }

    /// <summary>Whether two backend lists send the same share of traffic to each backend (weights compared as fractions).</summary>
    private static bool SameShares(EquatableArray<AnsweredBackend> a, EquatableArray<AnsweredBackend> b)
    {
        static Dictionary<string, long> Sum(EquatableArray<AnsweredBackend> list)
        {
            var sums = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var backend in list.Where(x => x.Weight > 0))
            {
                sums[backend.Backend] = sums.GetValueOrDefault(backend.Backend) + backend.Weight;
            }

            return sums;
        }

        var x = Sum(a);
        var y = Sum(b);
        var totalX = x.Values.Sum();
        var totalY = y.Values.Sum();
        if (x.Count != y.Count || (totalX == 0) != (totalY == 0))
        {
            return false;
        }

        foreach (var (name, weight) in x)
        {
            if (!y.TryGetValue(name, out var other) || weight * totalY != other * totalX)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether two absolute URLs name the same resource (RFC 3986 §6.2.3 normalization of scheme, host, port and empty path).</summary>
    internal static bool SameUrl(string? a, string? b)
        => a is not null && b is not null && string.Equals(NormalizeUrl(a), NormalizeUrl(b), StringComparison.Ordinal);

    internal static string NormalizeUrl(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return url;
        }

        var scheme = url[..schemeEnd].ToLowerInvariant();
        var rest = url[(schemeEnd + 3)..];
        var pathStart = rest.IndexOfAny(['/', '?', '#']);
        var authority = (pathStart < 0 ? rest : rest[..pathStart]).ToLowerInvariant();
        var tail = pathStart < 0 ? string.Empty : rest[pathStart..];
        if ((scheme == "http" && authority.EndsWith(":80", StringComparison.Ordinal)) || (scheme == "https" && authority.EndsWith(":443", StringComparison.Ordinal)))
        {
            authority = authority[..authority.LastIndexOf(':')];
        }

        if (tail.Length == 0 || tail[0] != '/')
        {
            tail = "/" + tail;
        }

        return scheme + "://" + authority + tail;
    }

    private sealed class HeaderComparer : IEqualityComparer<HttpHeader>
    {
        public static HeaderComparer Instance { get; } = new();

        public bool Equals(HttpHeader? x, HttpHeader? y)
            => x is not null && y is not null && string.Equals(x.Name, y.Name, StringComparison.OrdinalIgnoreCase) && string.Equals(x.Value, y.Value, StringComparison.Ordinal);

        public int GetHashCode(HttpHeader obj) => StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Name);
    }
}
