using System.Text.RegularExpressions;
using PolicyAttach.Diagnostics;
using PolicyAttach.Re2;

namespace PolicyAttach.Manifests;

/// <summary>
/// The string formats and limits of the Gateway API CRDs that routes use
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/">reference</see>). Patterns end in <c>\z</c> because
/// the API server's RE2 <c>$</c> does not accept a trailing newline, while .NET's does.
/// </summary>
internal static partial class RouteSchema
{
    public const int MaxPortNumber = 65535;

    [GeneratedRegex(@"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostnamePattern();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex SubdomainPattern();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex LabelPattern();

    [GeneratedRegex(@"^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex KindPattern();

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+\-.^_`|~]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderNamePattern();

    [GeneratedRegex(@"^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+\z", RegexOptions.CultureInvariant)]
    private static partial Regex PathPattern();

    [GeneratedRegex(@"^([0-9]{1,5}(h|m|s|ms)){1,4}\z", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"(^\*\z)|(^(http(s)?)://(((\*\.)?([a-zA-Z0-9\-]+\.)*[a-zA-Z0-9-]+|\*)(:([0-9]{1,5}))?)\z)", RegexOptions.CultureInvariant)]
    private static partial Regex CorsOriginPattern();

    [GeneratedRegex(@"^\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*\z", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex GrpcServicePattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z_0-9]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex GrpcMethodPattern();

    /// <summary>Slots of <see cref="IsMatch"/>'s per-thread memory.</summary>
    private const int RecentMatchSlots = 512;

    /// <summary>
    /// The last strings found to match a pattern on this thread, by slot: strings read are shared
    /// (<see cref="RecentStrings"/>), so a manifest's repeated names, namespaces, kinds and groups are the same string
    /// again and again, and a match found once is not looked for again. Only matches are kept; a pattern is a function of
    /// the text, so the answer is the same either way.
    /// </summary>
    [ThreadStatic]
    private static (Regex? Pattern, string? Value)[]? t_recentMatches;

    /// <summary>Whether <paramref name="value"/> matches <paramref name="pattern"/> (the answer found last for the same string, if any).</summary>
    private static bool IsMatch(Regex pattern, string value)
    {
        var slots = t_recentMatches ??= new (Regex?, string?)[RecentMatchSlots];
        ref var slot = ref slots[(uint)(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(value) ^ System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(pattern)) % RecentMatchSlots];
        if (ReferenceEquals(slot.Value, value) && ReferenceEquals(slot.Pattern, pattern))
        {
            return true;
        }

        if (!pattern.IsMatch(value))
        {
            return false;
        }

        slot = (pattern, value);
        return true;
    }

    public const string PathCharacters = "^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$";

    public static bool IsHostname(string value) => value.Length is >= 1 and <= 253 && IsMatch(HostnamePattern(), value);

    public static bool IsPreciseHostname(string value) => value.Length is >= 1 and <= 253 && IsMatch(SubdomainPattern(), value);

    public static bool IsRfc1123Subdomain(string value) => IsMatch(SubdomainPattern(), value);

    public static bool IsPathCharacters(string value) => IsMatch(PathPattern(), value);

    public static bool IsDuration(string value) => IsMatch(DurationPattern(), value);

    public static bool IsCorsOrigin(string value) => IsMatch(CorsOriginPattern(), value);

    public static bool IsGrpcService(string value) => IsMatch(GrpcServicePattern(), value);

    public static bool IsGrpcMethod(string value) => IsMatch(GrpcMethodPattern(), value);

    /// <summary>CEL <c>isIP</c>: a canonical dotted-quad IPv4 address or an IPv6 address.</summary>
    public static bool IsIp(string value)
    {
        if (value.Contains(':', StringComparison.Ordinal))
        {
            return System.Net.IPAddress.TryParse(value, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }

        var parts = value.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0') || int.Parse(part, System.Globalization.CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return true;
    }

    public static void Hostname(Node node, string? value)
    {
        if (value is not null && !IsHostname(value))
        {
            node.Error(DiagnosticCodes.SchemaViolation, $"\"{value}\" is not a valid hostname: use lowercase RFC 1123 labels, optionally with one leading \"*.\" label, at most 253 characters (pattern ^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$).");
        }
    }

    public static void PreciseHostname(Node node, string? value)
    {
        if (value is not null && !IsPreciseHostname(value))
        {
            node.Error(DiagnosticCodes.SchemaViolation, $"\"{value}\" is not a valid precise hostname: use lowercase RFC 1123 labels without a wildcard, at most 253 characters.");
        }
    }

    public static void SectionName(Node node, string? value)
    {
        if (value is not null && (value.Length is 0 or > 253 || !IsMatch(SubdomainPattern(), value)))
        {
            node.Error(DiagnosticCodes.SchemaViolation, $"\"{value}\" is not a valid section name: use a lowercase DNS subdomain (RFC 1123) of 1 to 253 characters.");
        }
    }

    public static void Namespace(Node node, string? value)
    {
        if (value is not null && (value.Length is 0 or > 63 || !IsMatch(LabelPattern(), value)))
        {
            node.Error(DiagnosticCodes.SchemaViolation, $"\"{value}\" is not a valid namespace: use a lowercase RFC 1123 label of 1 to 63 characters.");
        }
    }

    public static void Kind(Node node, string? value)
    {
        if (value is not null && (value.Length is 0 or > 63 || !IsMatch(KindPattern(), value)))
        {
            node.Error(DiagnosticCodes.SchemaViolation, $"\"{value}\" is not a valid kind: start with a letter, then letters, digits or '-', 1 to 63 characters.");
        }
    }

    public static void Group(Node node, string? value)
    {
        if (value is not null && value.Length != 0 && (value.Length > 253 || !IsMatch(SubdomainPattern(), value)))
        {
            node.Error(DiagnosticCodes.SchemaViolation, $"\"{value}\" is not a valid API group: use \"\" for the core group or a lowercase DNS subdomain of at most 253 characters.");
        }
    }

    public static void ObjectName(Node node, string? value)
    {
        if (value is not null && value.Length is 0 or > 253)
        {
            node.Error(DiagnosticCodes.SchemaViolation, "a name must have 1 to 253 characters.");
        }
    }

    public static void HeaderName(Node node, string? value)
    {
        if (value is not null && (value.Length is 0 or > 256 || !IsMatch(HeaderNamePattern(), value)))
        {
            node.Error(DiagnosticCodes.SchemaViolation, $"\"{value}\" is not a valid header name: use 1 to 256 token characters (letters, digits and !#$%&'*+-.^_`|~; no ':' or spaces).");
        }
    }

    public static void Duration(Node node, string? value)
    {
        if (value is not null && !IsDuration(value))
        {
            node.Error(DiagnosticCodes.SchemaViolation, $"\"{value}\" is not a Gateway API duration: write one to four number-unit pairs with numbers of up to 5 digits and units h, m, s or ms, such as \"10s\" or \"1m30s\".");
        }
    }

    public static void Length(Node node, string? value, int min, int max)
    {
        if (value is not null && (value.Length < min || value.Length > max))
        {
            node.Error(DiagnosticCodes.SchemaViolation, min == max ? $"must have exactly {min} characters." : $"must have {min} to {max} characters; it has {value.Length}.");
        }
    }

    public static void Range(Node node, long? value, long min, long max)
    {
        if (value is not null && (value < min || value > max))
        {
            node.Error(DiagnosticCodes.SchemaViolation, $"{value} is out of range; use a value from {min} to {max}.");
        }
    }

    public static void MaxItems(Node list, int count, int max)
    {
        if (count > max)
        {
            list.Error(DiagnosticCodes.TooMany, $"has {count} items; at most {max} are allowed. Split the object or remove entries.");
        }
    }

    public static void MinItems(Node list, int count, int min)
    {
        if (list.Exists && count < min)
        {
            list.Error(DiagnosticCodes.SchemaViolation, $"has {count} items; at least {min} {(min == 1 ? "is" : "are")} required.");
        }
    }

    /// <summary>Reports values repeated in a <c>listType=set</c> or map-keyed list, which the API server refuses.</summary>
    public static void Unique(Node list, IEnumerable<string> keys, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (!seen.Add(key))
            {
                list.Error(DiagnosticCodes.SchemaViolation, $"{what} \"{key}\" appears more than once; each must be unique. Merge the duplicate entries.");
            }
        }
    }

    public static void Cel(Node node, string upstreamMessage, string fix)
        => node.Error(DiagnosticCodes.CelViolation, $"{upstreamMessage}. {fix}");

    /// <summary>
    /// A <c>RegularExpression</c> value that RE2, the linear-time dialect routes are read in (<see cref="Re2Syntax"/>),
    /// cannot run. The API server accepts it; a controller reports the route <c>Accepted=False/UnsupportedValue</c>
    /// (or <c>PartiallyInvalid</c> when other rules are valid), which binding computes from the same verdict.
    /// </summary>
    public static void Regex(Node node, string? value)
    {
        if (value is not null && Re2Syntax.Problem(value) is { } problem)
        {
            node.Warning(DiagnosticCodes.UnsupportedValue, $"the regular expression {UserText.Quote(value)} cannot be used: {problem}. A controller reports the route Accepted=False with reason UnsupportedValue (PartiallyInvalid when other rules are valid), and PolicyAttach computes the same; write it in RE2 syntax.");
        }
    }

    /// <summary>
    /// An enum value the CRD does not list but the spec tells controllers to report in status
    /// (<c>Accepted=False/UnsupportedValue</c>) rather than refuse, so the object is kept.
    /// </summary>
    public static void UnsupportedValue(Node node, string value, string what, string allowed)
        => node.Warning(DiagnosticCodes.UnsupportedValue, $"\"{value}\" is not a supported {what} (use one of {allowed}). The current CRD would refuse it; a controller reports the route Accepted=False with reason UnsupportedValue, which is what PolicyAttach will compute.");
}
