using System.Text.Json.Nodes;
using PolicyAttach.Collections;
using PolicyAttach.Testing.Internal;

namespace PolicyAttach.Testing;

/// <summary>A Namespace; its labels are what <c>Selector</c> fields of listeners, Gateways and policies select.</summary>
public sealed record NamespaceBuilder : ObjectBuilder
{
    /// <summary>A Namespace.</summary>
    /// <param name="name">The namespace's name.</param>
    public NamespaceBuilder(string name)
        : base(string.Empty, name)
    {
    }

    /// <inheritdoc />
    public override string ApiVersion => "v1";

    /// <inheritdoc />
    public override string Kind => "Namespace";

    private protected override void RenderBody(JsonObject manifest)
    {
    }

    internal override IEnumerable<ObjectBuilder> ShrinkParts()
        => Labels.Select(l => this with { Labels = StringMap.Create(Labels.Where(x => x.Key != l.Key)) });
}

/// <summary>A Service port.</summary>
/// <param name="Port">The port number.</param>
public sealed record ServicePortBuilder(int Port)
{
    /// <summary>The port name (a policy or GAMMA <c>sectionName</c>), or null.</summary>
    public string? Name { get; init; }

    /// <summary><c>appProtocol</c>, such as <c>kubernetes.io/h2c</c>, or null.</summary>
    public string? AppProtocol { get; init; }

    /// <summary><c>TCP</c> (the default when null), <c>UDP</c> or <c>SCTP</c>.</summary>
    public string? Protocol { get; init; }
}

/// <summary>A Service: the usual backend, and the parent of GAMMA (mesh) routes.</summary>
public sealed record ServiceBuilder : ObjectBuilder
{
    /// <summary>A Service with the given ports (unnamed).</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <param name="ports">The port numbers.</param>
    public ServiceBuilder(string @namespace, string name, params int[] ports)
        : base(@namespace, name)
    {
        Ports = [.. (ports ?? []).Select(p => new ServicePortBuilder(p))];
    }

    /// <inheritdoc />
    public override string ApiVersion => "v1";

    /// <inheritdoc />
    public override string Kind => "Service";

    /// <summary>The ports.</summary>
    public EquatableArray<ServicePortBuilder> Ports { get; init; }

    /// <summary><c>spec.type</c>, or null for <c>ClusterIP</c>.</summary>
    public string? Type { get; init; }

    private protected override void RenderBody(JsonObject manifest)
        => manifest["spec"] = Json.Obj(
            ("type", Type),
            ("ports", Json.ArrayOrNull(Ports.Select(p => (JsonNode?)Json.Obj(
                ("name", p.Name), ("port", p.Port), ("protocol", p.Protocol), ("appProtocol", p.AppProtocol))))));

    internal override IEnumerable<string> Sections() => Ports.Select(p => p.Name).OfType<string>();

    internal override IEnumerable<int> PortNumbers() => Ports.Select(p => p.Port);

    internal override ObjectBuilder RenameSection(string from, string to)
        => this with { Ports = [.. Ports.Select(p => p.Name == from ? p with { Name = to } : p)] };

    internal override IEnumerable<ObjectBuilder> ShrinkParts()
    {
        if (Ports.Count > 1)
        {
            for (var i = Ports.Count - 1; i >= 0; i--)
            {
                yield return this with { Ports = Without(Ports, i) };
            }
        }

        foreach (var (p, i) in Ports.Select((p, i) => (p, i)).Where(x => x.p.AppProtocol is not null))
        {
            yield return this with { Ports = Replace(Ports, i, p with { AppProtocol = null }) };
        }
    }

    internal static EquatableArray<T> Without<T>(EquatableArray<T> items, int index) => [.. items.Where((_, i) => i != index)];

    internal static EquatableArray<T> Replace<T>(EquatableArray<T> items, int index, T item) => [.. items.Select((x, i) => i == index ? item : x)];
}

/// <summary>A Secret: a TLS certificate for listeners and Ingresses, valid or not.</summary>
public sealed record SecretBuilder : ObjectBuilder
{
    /// <summary>An empty Opaque Secret; see <see cref="Tls"/> and <see cref="InvalidTls"/>.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    public SecretBuilder(string @namespace, string name)
        : base(@namespace, name)
    {
    }

    /// <inheritdoc />
    public override string ApiVersion => "v1";

    /// <inheritdoc />
    public override string Kind => "Secret";

    /// <summary><c>type</c>, or null for <c>Opaque</c>.</summary>
    public string? Type { get; init; }

    /// <summary><c>stringData</c>: keys and plain-text values.</summary>
    public StringMap StringData { get; init; } = StringMap.Empty;

    /// <summary>A <c>kubernetes.io/tls</c> Secret holding a valid certificate and its key (<see cref="TestCertificates"/>).</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <returns>The Secret.</returns>
    public static SecretBuilder Tls(string @namespace, string name) => new(@namespace, name)
    {
        Type = "kubernetes.io/tls",
        StringData = StringMap.Of(("tls.crt", TestCertificates.CertificatePem), ("tls.key", TestCertificates.KeyPem)),
    };

    /// <summary>A <c>kubernetes.io/tls</c> Secret whose certificate and key do not parse.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <returns>The Secret.</returns>
    public static SecretBuilder InvalidTls(string @namespace, string name) => new(@namespace, name)
    {
        Type = "kubernetes.io/tls",
        StringData = StringMap.Of(("tls.crt", "not a certificate"), ("tls.key", "not a key")),
    };

    private protected override void RenderBody(JsonObject manifest)
    {
        if (Type is not null)
        {
            manifest["type"] = Type;
        }

        if (Json.Map(StringData) is { } data)
        {
            manifest["stringData"] = data;
        }
    }
}

/// <summary>A ConfigMap: a CA bundle (<c>ca.crt</c>) for frontend or backend TLS validation.</summary>
public sealed record ConfigMapBuilder : ObjectBuilder
{
    /// <summary>An empty ConfigMap; see <see cref="CaBundle"/>.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    public ConfigMapBuilder(string @namespace, string name)
        : base(@namespace, name)
    {
    }

    /// <inheritdoc />
    public override string ApiVersion => "v1";

    /// <inheritdoc />
    public override string Kind => "ConfigMap";

    /// <summary><c>data</c>.</summary>
    public StringMap Data { get; init; } = StringMap.Empty;

    /// <summary>A ConfigMap whose <c>ca.crt</c> is a valid certificate (<see cref="TestCertificates"/>).</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <returns>The ConfigMap.</returns>
    public static ConfigMapBuilder CaBundle(string @namespace, string name)
        => new(@namespace, name) { Data = StringMap.Of(("ca.crt", TestCertificates.CertificatePem)) };

    private protected override void RenderBody(JsonObject manifest)
    {
        if (Json.Map(Data) is { } data)
        {
            manifest["data"] = data;
        }
    }
}

/// <summary>
/// A self-signed certificate (CN=example.com, EC P-256, valid for a century) and its private key, fixed so that
/// generated manifests are byte-identical on every run. A test fixture: never use it to protect anything.
/// </summary>
public static class TestCertificates
{
    /// <summary>The certificate as PEM.</summary>
    public const string CertificatePem = """
        -----BEGIN CERTIFICATE-----
        MIIBbzCCARagAwIBAgIBATAKBggqhkjOPQQDAjAWMRQwEgYDVQQDDAtleGFtcGxl
        LmNvbTAgFw0yNjEyMDYxODA1MzRaGA8yMTI2MTExMjE4MDUzNFowFjEUMBIGA1UE
        AwwLZXhhbXBsZS5jb20wWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASSYsxKqBzX
        6Wf14RStupWK1xFdrwH2Hc6QbeE7eOaFbdNnD0edYpumZ6EjL2KvyRIgBsbG2uvr
        8P/YDIQ+7sxHo1MwUTAdBgNVHQ4EFgQU4nty6+F7IVgSv5wYk+70LcLjdt4wHwYD
        VR0jBBgwFoAU4nty6+F7IVgSv5wYk+70LcLjdt4wDwYDVR0TAQH/BAUwAwEB/zAK
        BggqhkjOPQQDAgNHADBEAiA4aP4II5NjnpfQe1+DvXPR37jwb9pXqv5wvQTsDrnv
        pgIgXs2hBgQdUwOPNfAYv3YuPh8YUKYrWiJyYdc2vtU8quY=
        -----END CERTIFICATE-----

        """;

    /// <summary>The private key as PKCS#8 PEM.</summary>
    public const string KeyPem = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgOHPYQApJihpaZq7/
        bGqz8EQi1qKKO0tbawZV/kuPlTahRANCAASSYsxKqBzX6Wf14RStupWK1xFdrwH2
        Hc6QbeE7eOaFbdNnD0edYpumZ6EjL2KvyRIgBsbG2uvr8P/YDIQ+7sxH
        -----END PRIVATE KEY-----

        """;
}
