using System.Globalization;
using System.Text;
using PolicyAttach.Model;

namespace PolicyAttach.Conversion;

/// <summary>
/// Names for output objects and sections: Kubernetes names (DNS-1123 subdomains, DNS-1035 labels for Services),
/// Gateway API section names, unique per kind and namespace.
/// </summary>
internal sealed class Names
{
    private readonly HashSet<(string Kind, string Namespace, string Name)> _taken = [];

    /// <summary>Marks a name as used (an input object the output must not collide with).</summary>
    public void Reserve(string kind, string ns, string name) => _taken.Add((kind, ns, name));

    /// <summary>A free name of the kind in the namespace, from <paramref name="wanted"/>, suffixed <c>-2</c>, <c>-3</c>... when taken.</summary>
    public string Take(string kind, string ns, string wanted, int maxLength = 253)
    {
        var label = kind == Kinds.Service.Kind ? Label(wanted, 63) : Subdomain(wanted, maxLength);
        var name = label;
        for (var n = 2; !_taken.Add((kind, ns, name)); n++)
        {
            var suffix = "-" + n.ToString(CultureInfo.InvariantCulture);
            name = label[..Math.Min(label.Length, (kind == Kinds.Service.Kind ? 63 : maxLength) - suffix.Length)].TrimEnd('-', '.') + suffix;
        }

        return name;
    }

    /// <summary>A DNS-1035 label (a Service name): lower case letters, digits and <c>-</c>, starting with a letter, at most 63 characters.</summary>
    public static string Label(string text, int max = 63)
    {
        var value = Clean(text, allowDots: false);
        if (value.Length == 0 || !char.IsAsciiLetterLower(value[0]))
        {
            value = "x-" + value;
        }

        value = value.Length > max ? value[..max] : value;
        return value.TrimEnd('-');
    }

    /// <summary>A DNS-1123 subdomain (most object names): lower case letters, digits, <c>-</c> and <c>.</c>, at most 253 characters.</summary>
    public static string Subdomain(string text, int max = 253)
    {
        var value = Clean(text, allowDots: true);
        if (value.Length == 0)
        {
            value = "x";
        }

        value = value.Length > max ? value[..max] : value;
        return value.Trim('-', '.');
    }

    /// <summary>A Gateway API section name (listener or rule name): a DNS-1123 subdomain of at most 253 characters.</summary>
    public static string Section(string text) => Subdomain(text, 253);

    /// <summary>Whether a text is already a valid section name (so that it can be carried as written).</summary>
    public static bool IsSection(string text)
        => text.Length is > 0 and <= 253 && string.Equals(Subdomain(text), text, StringComparison.Ordinal);

    /// <summary>A name fragment from a host: <c>*</c> becomes <c>wildcard</c>, other characters than letters and digits <c>-</c>.</summary>
    public static string HostSlug(string? host)
        => host is null or "*" ? "any" : Clean(host.Replace("*", "wildcard", StringComparison.Ordinal), allowDots: false);

    private static string Clean(string text, bool allowDots)
    {
        var value = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            var keep = char.IsAsciiLetterOrDigit(c) || (allowDots && c == '.');
            var ch = keep ? c : '-';
            if (ch == '-' && value.Length > 0 && value[^1] == '-')
            {
                continue;
            }

            value.Append(ch);
        }

        return value.ToString().Trim('-', '.');
    }
}

/// <summary>Durations as Istio writes them (Go/protobuf: <c>5s</c>, <c>1.5s</c>, <c>100ms</c>, <c>1h30m</c>) and as Gateway API writes them (GEP-2257).</summary>
internal static class Durations
{
    /// <summary>Parses a Go-style duration (a sequence of decimal numbers with units ns, us, µs, ms, s, m, h), or null.</summary>
    public static TimeSpan? ParseGo(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return null;
        }

        decimal totalMs = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (start == i || !decimal.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }

            var unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.')
            {
                i++;
            }

            decimal? factor = text[unitStart..i] switch
            {
                "h" => 3_600_000m,
                "m" => 60_000m,
                "s" => 1_000m,
                "ms" => 1m,
                "us" or "µs" => 0.001m,
                "ns" => 0.000001m,
                _ => null,
            };
            if (factor is null)
            {
                return null;
            }

            totalMs += number * factor.Value;
            if (totalMs > 100_000m * 3_600_000m)
            {
                return null;
            }
        }

        return TimeSpan.FromTicks((long)(totalMs * TimeSpan.TicksPerMillisecond));
    }

    /// <summary>
    /// The Gateway API duration for a time span rounded to whole milliseconds: hours, minutes, seconds and
    /// milliseconds, each at most 5 digits (<c>1m30s</c>, <c>1500ms</c> written as <c>1s500ms</c>); null when it does not fit.
    /// </summary>
    public static string? ToGateway(TimeSpan value, out bool rounded)
    {
        var ms = (long)Math.Round(value.TotalMilliseconds, MidpointRounding.AwayFromZero);
        rounded = ms * TimeSpan.TicksPerMillisecond != value.Ticks;
        if (ms < 0)
        {
            return null;
        }

        if (ms == 0)
        {
            return "0s";
        }

        var text = new StringBuilder();
        var hours = ms / 3_600_000;
        if (hours > 99_999)
        {
            return null;
        }

        Append(text, hours, "h");
        Append(text, ms / 60_000 % 60, "m");
        Append(text, ms / 1000 % 60, "s");
        Append(text, ms % 1000, "ms");
        return text.ToString();

        static void Append(StringBuilder text, long value, string unit)
        {
            if (value > 0)
            {
                text.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
            }
        }
    }

    /// <summary>A Go duration converted to a Gateway API duration, or null when it does not parse or fit.</summary>
    public static string? GoToGateway(string? text, out bool rounded)
    {
        rounded = false;
        return ParseGo(text) is { } value ? ToGateway(value, out rounded) : null;
    }
}

/// <summary>Kubernetes Service host names (<c>name.namespace.svc.cluster.local</c>) as Istio reads them.</summary>
internal static class ServiceHosts
{
    /// <summary>
    /// The Service a host names, as Istio documents hosts in Kubernetes: a short name (no dot) is a Service in the
    /// namespace of the object that wrote it, and <c>name.namespace.svc.DOMAIN</c> is a Service in that namespace.
    /// Null for other hosts (external names, wildcards, IP addresses): the documentation names no other form.
    /// </summary>
    public static ResourceKey? Resolve(string host, string localNamespace, string clusterDomain)
    {
        if (host.Length == 0 || host.Contains('*', StringComparison.Ordinal))
        {
            return null;
        }

        var parts = host.ToLowerInvariant().Split('.');
        if (parts.Length == 1)
        {
            return Key(parts[0], localNamespace);
        }

        var suffix = ".svc." + clusterDomain;
        return host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && parts.Length == 3 + clusterDomain.Split('.').Length
            ? Key(parts[0], parts[1])
            : null;

        static ResourceKey Key(string name, string ns) => new(Kinds.Service, ns, name);
    }

    /// <summary>The fully qualified host of a Service.</summary>
    public static string Fqdn(ResourceKey service, string clusterDomain) => $"{service.Name}.{service.Namespace}.svc.{clusterDomain}";
}
