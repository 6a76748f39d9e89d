using PolicyAttach.Collections;

namespace PolicyAttach.Model;

/// <summary>
/// A listener of a Gateway or an entry of a ListenerSet, with CRD defaults applied
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#listener">Listener</see>).
/// </summary>
public sealed record Listener
{
    /// <summary>The listener name, unique within its Gateway or ListenerSet.</summary>
    public required string Name { get; init; }

    /// <summary>The hostname, or null for every hostname.</summary>
    public string? Hostname { get; init; }

    /// <summary>The port, 1 to 65535.</summary>
    public required int Port { get; init; }

    /// <summary>The protocol as written: <c>HTTP</c>, <c>HTTPS</c>, <c>TLS</c>, <c>TCP</c>, <c>UDP</c> or a domain-prefixed custom value.</summary>
    public required string Protocol { get; init; }

    /// <summary>The TLS configuration, if any.</summary>
    public ListenerTls? Tls { get; init; }

    /// <summary>Which routes may attach (defaults to routes of the same namespace, of the kinds the protocol supports).</summary>
    public AllowedRoutes AllowedRoutes { get; init; } = AllowedRoutes.Default;
}

/// <summary>The TLS configuration of a listener (<c>tls</c>).</summary>
public sealed record ListenerTls
{
    /// <summary><c>Terminate</c> (the default) or <c>Passthrough</c>; other values are kept as written.</summary>
    public string Mode { get; init; } = TlsModes.Terminate;

    /// <summary>The certificate references (Secrets by default).</summary>
    public EquatableArray<ObjectReference> CertificateRefs { get; init; } = [];

    /// <summary>Implementation-specific options.</summary>
    public StringMap Options { get; init; } = StringMap.Empty;
}

/// <summary>The listener TLS modes.</summary>
public static class TlsModes
{
    /// <summary>The Gateway terminates TLS.</summary>
    public const string Terminate = "Terminate";

    /// <summary>The Gateway routes by SNI and passes TLS through.</summary>
    public const string Passthrough = "Passthrough";
}

/// <summary>The listener protocols of the standard channel.</summary>
public static class Protocols
{
    /// <summary>Plain HTTP.</summary>
    public const string Http = "HTTP";

    /// <summary>HTTP over TLS.</summary>
    public const string Https = "HTTPS";

    /// <summary>TLS (terminate or passthrough).</summary>
    public const string Tls = "TLS";

    /// <summary>TCP.</summary>
    public const string Tcp = "TCP";

    /// <summary>UDP.</summary>
    public const string Udp = "UDP";
}

/// <summary>Which routes may attach to a listener (<c>allowedRoutes</c>).</summary>
public sealed record AllowedRoutes
{
    /// <summary>The CRD default: routes of the same namespace, kinds derived from the protocol.</summary>
    public static AllowedRoutes Default { get; } = new();

    /// <summary><c>namespaces.from</c>: <c>Same</c> (default), <c>All</c> or <c>Selector</c>; other values are kept as written.</summary>
    public string NamespacesFrom { get; init; } = FromNamespaces.Same;

    /// <summary>The Namespace label selector used when <see cref="NamespacesFrom"/> is <c>Selector</c>.</summary>
    public LabelSelector? Selector { get; init; }

    /// <summary>The route kinds allowed; empty means the kinds the protocol supports.</summary>
    public EquatableArray<RouteGroupKind> Kinds { get; init; } = [];
}

/// <summary>A route group and kind (<c>allowedRoutes.kinds[]</c>, <c>supportedKinds[]</c>); group defaults to <c>gateway.networking.k8s.io</c>.</summary>
/// <param name="Group">The group.</param>
/// <param name="Kind">The kind.</param>
public sealed record RouteGroupKind(string Group, string Kind);

/// <summary>The values of <c>namespaces.from</c>.</summary>
public static class FromNamespaces
{
    /// <summary>Every namespace.</summary>
    public const string All = "All";

    /// <summary>The namespace of the Gateway (or ListenerSet).</summary>
    public const string Same = "Same";

    /// <summary>Namespaces whose labels match the selector.</summary>
    public const string Selector = "Selector";

    /// <summary>No namespace (only for <c>allowedListeners</c>).</summary>
    public const string None = "None";
}
