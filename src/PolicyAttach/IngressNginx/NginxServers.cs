using System.Text.RegularExpressions;
using PolicyAttach.Collections;
using PolicyAttach.Model;

namespace PolicyAttach.IngressNginx;

/// <summary>How an NGINX location matches: <c>= path</c>, a prefix string, or <c>~* "^path"</c>.</summary>
internal enum NginxMatchKind
{
    Exact,
    Prefix,
    Regex,
}

/// <summary>What a host's certificate is, for HTTPS and <c>ssl-redirect</c>.</summary>
internal enum NginxCertificate
{
    /// <summary>No TLS entry names the host: NGINX serves HTTPS with its default certificate and never redirects.</summary>
    None = 0,

    /// <summary>A TLS entry names the host, but its Secret is missing, invalid or unnamed: the default certificate.</summary>
    Default,

    /// <summary>A TLS entry names the host and its Secret holds a certificate.</summary>
    Secret,
}

/// <summary>
/// An NGINX upstream: a Service port of a namespace (ingress-nginx names it <c>namespace-service-port</c>), or the
/// controller's default backend. Canary Ingresses add alternative upstreams to the upstream of the location they
/// match; the balancer consults the first one.
/// </summary>
internal sealed class NginxUpstream
{
    public required string Namespace { get; init; }

    public required string Service { get; init; }

    /// <summary>The Service port number (resolved from a name through the Service), or null when it cannot be.</summary>
    public int? Port { get; init; }

    /// <summary>The port as written (a number or a name), for upstream identity.</summary>
    public required string PortText { get; init; }

    /// <summary>Whether the Service and its port exist (otherwise NGINX finds no endpoints and answers 503).</summary>
    public bool IsValid { get; init; }

    /// <summary>The controller's default backend, which answers 404.</summary>
    public bool IsDefault { get; init; }

    /// <summary>The Service, when it exists.</summary>
    public Service? ServiceObject { get; init; }

    /// <summary>The canary Ingress this upstream belongs to (ingress-nginx marks such upstreams as serving no server).</summary>
    public Ingress? CanaryIngress { get; init; }

    /// <summary>The canary policy, for a canary upstream.</summary>
    public NginxCanaryPolicy? Policy { get; init; }

    /// <summary>Alternative (canary) upstreams merged into this one, in merge order.</summary>
    public List<NginxUpstream> Alternatives { get; } = [];

    /// <summary>The upstream's identity: <c>namespace-service-port</c>.</summary>
    public string Key => $"{Namespace}-{Service}-{PortText}";

    /// <summary><c>namespace/service:port</c>, the backend form of answers.</summary>
    public string Name => Port is { } p ? $"{Namespace}/{Service}:{p}" : $"{Namespace}/{Service}";

    public static NginxUpstream DefaultBackend { get; } = new() { Namespace = string.Empty, Service = "upstream-default-backend", PortText = "0", IsDefault = true };
}

/// <summary>One NGINX location of a server, in the order ingress-nginx writes it.</summary>
internal sealed class NginxLocation
{
    /// <summary>The path NGINX matches: a normalized prefix (<c>/foo/</c>), an exact path, or the regex body.</summary>
    public required string Path { get; set; }

    /// <summary>The path as the Ingress wrote it (<c>/</c> for the root location).</summary>
    public required string IngressPath { get; init; }

    /// <summary><c>Exact</c> or <c>Prefix</c> (ImplementationSpecific is read as Prefix by ingress-nginx).</summary>
    public required string PathType { get; set; }

    public NginxMatchKind Kind { get; set; }

    /// <summary>Whether this is the server's root location <c>/</c> that still serves the default backend.</summary>
    public bool IsDefBackend { get; set; }

    /// <summary>The exact copy ingress-nginx adds for a Prefix path (<c>= /foo</c> next to <c>/foo/</c>).</summary>
    public bool IsExactCopy { get; init; }

    /// <summary>The Ingress whose rule (or whose defaultBackend) made the location; null for the catch-all's default.</summary>
    public Ingress? Ingress { get; set; }

    /// <summary>The rule and path positions in the Ingress; −1 for a root location.</summary>
    public int RuleIndex { get; set; } = -1;

    public int PathIndex { get; set; } = -1;

    public required NginxUpstream Backend { get; set; }

    /// <summary>The annotations that apply (the Ingress's; defaults for the catch-all server's root).</summary>
    public required NginxSettings Settings { get; set; }

    /// <summary>In regex mode, <c>^path</c> compiled case-insensitively; null when it cannot run in linear time.</summary>
    public Regex? Pattern { get; set; }

    /// <summary>Whether the path is a regular expression the linear-time engine cannot run (the location then never matches).</summary>
    public bool Unsupported { get; set; }

    /// <summary>Whether <c>rewrite-target</c> rewrites requests here (a target other than the path).</summary>
    public bool Rewrites => Settings.RewriteTarget.Length > 0 && !string.Equals(Settings.RewriteTarget, Path, StringComparison.Ordinal);

    public NginxLocation Clone() => (NginxLocation)MemberwiseClone();

    /// <summary>The field of the Ingress the location came from.</summary>
    public string? Field => Ingress is null ? null : RuleIndex < 0 ? (Ingress.DefaultBackend is not null ? "spec.defaultBackend" : null) : $"spec.rules[{RuleIndex}].http.paths[{PathIndex}]";

    public override string ToString() => Kind switch
    {
        NginxMatchKind.Exact => "= " + Path,
        NginxMatchKind.Regex => "~* ^" + Path,
        _ => Path,
    };
}

/// <summary>An NGINX server: one host (or <c>_</c>, the catch-all) with its locations.</summary>
internal sealed class NginxServer
{
    public const string CatchAll = "_";

    public required string Name { get; init; }

    public bool IsCatchAll => Name == CatchAll;

    /// <summary>Whether the host is an Ingress wildcard (<c>*.suffix</c>, one DNS label).</summary>
    public bool IsWildcard => Name.StartsWith("*.", StringComparison.Ordinal);

    /// <summary>The Ingress that created the server (the oldest with a rule for the host).</summary>
    public Ingress? Creator { get; init; }

    /// <summary>The locations, in the order NGINX checks them.</summary>
    public List<NginxLocation> Locations { get; } = [];

    /// <summary>Whether every location is a case-insensitive regex (some Ingress of the host sets use-regex or rewrite-target).</summary>
    public bool RegexMode { get; set; }

    public NginxCertificate Certificate { get; set; }

    /// <summary>The TLS Secret, when <see cref="Certificate"/> is <see cref="NginxCertificate.Secret"/>.</summary>
    public ObjectReference? SecretRef { get; set; }

    /// <summary>The Ingress and TLS entry that gave the certificate.</summary>
    public (Ingress Ingress, int Index)? TlsSource { get; set; }

    public EquatableArray<string> Aliases { get; set; } = [];

    /// <summary>The app-root of the first location that sets one (a server-level redirect of <c>/</c>).</summary>
    public NginxLocation? AppRoot { get; set; }

    /// <summary>Whether a location asks for the from-to-www redirect.</summary>
    public bool FromToWww { get; set; }
}

/// <summary>A server ingress-nginx adds for <c>from-to-www-redirect</c>: requests to <see cref="From"/> go to <see cref="To"/>.</summary>
internal sealed record NginxRedirectServer(string From, string To, NginxServer Target);
