using System.Text.RegularExpressions;

namespace PolicyAttach.Manifests;

/// <summary>The string patterns of the Gateway API CRDs (spec digest §2.1).</summary>
internal static partial class Patterns
{
    [GeneratedRegex(@"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex HostnameRegex();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SubdomainRegex();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelRegex();

    [GeneratedRegex(@"^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex KindRegex();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DomainPrefixedPathRegex();

    [GeneratedRegex(@"^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex TokenRegex();

    /// <summary>A listener <c>ProtocolType</c>: a simple token (a core protocol or one the controller may not support) or a domain-prefixed name.</summary>
    public static bool IsProtocol(string value) => value.Length is >= 1 and <= 255 && (TokenRegex().IsMatch(value) || IsDomainPrefixedPath(value));

    /// <summary>A Gateway API <c>Hostname</c>: lowercase DNS name, optional leading <c>*.</c>, 1..253.</summary>
    public static bool IsHostname(string value) => value.Length is >= 1 and <= 253 && HostnameRegex().IsMatch(value);

    /// <summary>A <c>PreciseHostname</c>: no wildcard.</summary>
    public static bool IsPreciseHostname(string value) => value.Length is >= 1 and <= 253 && SubdomainRegex().IsMatch(value);

    /// <summary>A DNS subdomain (<c>SectionName</c>, object names), 1..253.</summary>
    public static bool IsSubdomain(string value) => value.Length is >= 1 and <= 253 && SubdomainRegex().IsMatch(value);

    /// <summary>An RFC 1123 label (<c>Namespace</c>), 1..63.</summary>
    public static bool IsLabel(string value) => value.Length is >= 1 and <= 63 && LabelRegex().IsMatch(value);

    /// <summary>A <c>Kind</c>, 1..63.</summary>
    public static bool IsKind(string value) => value.Length is >= 1 and <= 63 && KindRegex().IsMatch(value);

    /// <summary>A <c>Group</c>: empty or a DNS subdomain, at most 253.</summary>
    public static bool IsGroup(string value) => value.Length == 0 || IsSubdomain(value);

    /// <summary>A domain-prefixed path such as <c>example.com/controller</c> (controller names, custom protocols).</summary>
    public static bool IsDomainPrefixedPath(string value) => DomainPrefixedPathRegex().IsMatch(value);
}
