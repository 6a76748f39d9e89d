using PolicyAttach.Collections;

namespace PolicyAttach.Model;

/// <summary>
/// A core Service, the default backend and the GAMMA parent
/// (<see href="https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/">Service</see>).
/// </summary>
public sealed record Service : KubeObject
{
    /// <inheritdoc />
    public override string Kind => Kinds.Service.Kind;

    /// <summary><c>ClusterIP</c> (default), <c>NodePort</c>, <c>LoadBalancer</c> or <c>ExternalName</c>.</summary>
    public string Type { get; init; } = "ClusterIP";

    /// <summary>The cluster IP as written (<c>None</c> for headless Services), if any.</summary>
    public string? ClusterIP { get; init; }

    /// <summary>The external name of an ExternalName Service.</summary>
    public string? ExternalName { get; init; }

    /// <summary>The ports.</summary>
    public EquatableArray<ServicePort> Ports { get; init; } = [];

    /// <summary>The port with number <paramref name="port"/>, or null.</summary>
    /// <param name="port">A Service port number.</param>
    /// <returns>The port, or null when the Service has no such port.</returns>
    public ServicePort? FindPort(int port)
    {
        foreach (var p in Ports)
        {
            if (p.Port == port)
            {
                return p;
            }
        }

        return null;
    }
}

/// <summary>A Service port.</summary>
public sealed record ServicePort
{
    /// <summary>The port name; GAMMA and policies use it as a section name.</summary>
    public string? Name { get; init; }

    /// <summary>The port number.</summary>
    public required int Port { get; init; }

    /// <summary><c>TCP</c> (default), <c>UDP</c> or <c>SCTP</c>.</summary>
    public string Protocol { get; init; } = "TCP";

    /// <summary>The application protocol (<c>kubernetes.io/h2c</c>, <c>kubernetes.io/ws</c>, ...), if set.</summary>
    public string? AppProtocol { get; init; }

    /// <summary>The target port as written (a number or a name), if set.</summary>
    public string? TargetPort { get; init; }
}

/// <summary>
/// A Namespace; its labels select routes and ListenerSets. The API server's automatic
/// <c>kubernetes.io/metadata.name</c> label is added at load.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Named after the Kubernetes kind.")]
public sealed record Namespace : KubeObject
{
    /// <inheritdoc />
    public override string Kind => Kinds.Namespace.Kind;
}

/// <summary>
/// A Secret, without its values: its type, its keys, and for TLS Secrets whether the certificate and key parse
/// as a matching pair. PolicyAttach never keeps secret data.
/// </summary>
public sealed record Secret : KubeObject
{
    /// <inheritdoc />
    public override string Kind => Kinds.Secret.Kind;

    /// <summary>The Secret type, <c>Opaque</c> by default.</summary>
    public string Type { get; init; } = "Opaque";

    /// <summary>The data keys, in ordinal order.</summary>
    public EquatableArray<string> Keys { get; init; } = [];

    /// <summary>
    /// For a Secret with <c>tls.crt</c> and <c>tls.key</c>: whether they parse as a PEM certificate and its private
    /// key. Null when the keys are absent.
    /// </summary>
    public bool? TlsCertificateValid { get; init; }

    /// <summary>For a Secret with <c>ca.crt</c>: whether it parses as one or more PEM certificates; null when absent.</summary>
    public bool? CaCertificateValid { get; init; }
}

/// <summary>A ConfigMap, with its keys and, for <c>ca.crt</c>, whether it parses as PEM certificates.</summary>
public sealed record ConfigMap : KubeObject
{
    /// <inheritdoc />
    public override string Kind => Kinds.ConfigMap.Kind;

    /// <summary>The data and binaryData keys, in ordinal order.</summary>
    public EquatableArray<string> Keys { get; init; } = [];

    /// <summary>Whether <c>ca.crt</c> parses as one or more PEM certificates; null when absent.</summary>
    public bool? CaCertificateValid { get; init; }
}
