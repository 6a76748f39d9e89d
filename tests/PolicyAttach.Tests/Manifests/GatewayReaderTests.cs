using PolicyAttach.Diagnostics;
using PolicyAttach.Model;
using static PolicyAttach.Tests.Manifests.Documents;

namespace PolicyAttach.Tests.Manifests;

public class GatewayReaderTests
{
    private const string MinimalGateway = """
        {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"g","namespace":"infra"},
         "spec":{"gatewayClassName":"c","listeners":[{"name":"http","port":80,"protocol":"HTTP"}]}}
        """;

    [Fact]
    public void Gateway_MinimalListener_AppliesCrdDefaults()
    {
        var gateway = ReadValid<Gateway>(MinimalGateway);

        var listener = Assert.Single(gateway.Listeners);
        Assert.Equal(FromNamespaces.Same, listener.AllowedRoutes.NamespacesFrom);
        Assert.True(listener.AllowedRoutes.Kinds.IsEmpty);
        Assert.Null(listener.Hostname);
        Assert.Equal(FromNamespaces.None, gateway.AllowedListeners.NamespacesFrom);
        Assert.Equal(1, gateway.Metadata.Generation);
        Assert.Equal(new ResourceKey(Groups.Gateway, "Gateway", "infra", "g"), gateway.Key);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v1beta1")]
    public void Gateway_ServedVersion_IsRead(string version)
    {
        var gateway = ReadValid<Gateway>(MinimalGateway.Replace("/v1\"", "/" + version + "\"", StringComparison.Ordinal));
        Assert.Equal(version, gateway.Version);
    }

    [Fact]
    public void Gateway_UnservedVersion_IsDroppedWithDiagnostic()
    {
        var diagnostic = ReadInvalid(MinimalGateway.Replace("/v1\"", "/v9\"", StringComparison.Ordinal), DiagnosticCodes.UnservedVersion);
        Assert.Equal("apiVersion", diagnostic.Path);
        Assert.Contains("gateway.networking.k8s.io/v1", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gateway_TlsListenerWithoutCertificates_BreaksCelRule()
    {
        var diagnostic = ReadInvalid("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"g","namespace":"n"},
             "spec":{"gatewayClassName":"c","listeners":[{"name":"https","port":443,"protocol":"HTTPS","tls":{"mode":"Terminate"}}]}}
            """, DiagnosticCodes.CelViolation);
        Assert.Equal("spec.listeners[0].tls", diagnostic.Path);
        Assert.Contains("certificateRefs or options must be specified when mode is Terminate", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gateway_TlsOnHttpListener_BreaksCelRule()
    {
        var diagnostic = ReadInvalid("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"g","namespace":"n"},
             "spec":{"gatewayClassName":"c","listeners":[{"name":"http","port":80,"protocol":"HTTP","tls":{"certificateRefs":[{"name":"s"}]}}]}}
            """, DiagnosticCodes.CelViolation);
        Assert.Contains("tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gateway_TlsListenerWithoutTls_BreaksCelRule()
    {
        var diagnostic = ReadInvalid("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"g","namespace":"n"},
             "spec":{"gatewayClassName":"c","listeners":[{"name":"tls","port":443,"protocol":"TLS"}]}}
            """, DiagnosticCodes.CelViolation);
        Assert.Contains("tls mode must be set for protocol TLS", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gateway_HostnameOnTcpListener_BreaksCelRule()
    {
        var diagnostic = ReadInvalid("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"g","namespace":"n"},
             "spec":{"gatewayClassName":"c","listeners":[{"name":"tcp","port":9000,"protocol":"TCP","hostname":"a.example.com"}]}}
            """, DiagnosticCodes.CelViolation);
        Assert.Contains("hostname must not be specified for protocols ['TCP', 'UDP']", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gateway_DuplicateListenerNames_BreakCelRule()
    {
        var result = Read("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"g","namespace":"n"},
             "spec":{"gatewayClassName":"c","listeners":[{"name":"a","port":80,"protocol":"HTTP"},{"name":"a","port":81,"protocol":"HTTP"}]}}
            """);
        Assert.Null(result.Resource);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("Listener name must be unique within the Gateway", StringComparison.Ordinal));
    }

    [Fact]
    public void Gateway_SamePortProtocolHostname_BreaksCelRule()
    {
        var result = Read("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"g","namespace":"n"},
             "spec":{"gatewayClassName":"c","listeners":[{"name":"a","port":80,"protocol":"HTTP"},{"name":"b","port":80,"protocol":"HTTP"}]}}
            """);
        Assert.Null(result.Resource);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("Combination of port, protocol and hostname must be unique", StringComparison.Ordinal));
    }

    [Fact]
    public void Gateway_UnknownSimpleProtocol_IsKeptForStatus()
    {
        // An unsupported protocol is the controller's to report (UnsupportedProtocol), not the API server's to refuse.
        var gateway = ReadValid<Gateway>(MinimalGateway.Replace("\"HTTP\"", "\"INVALID\"", StringComparison.Ordinal));
        Assert.Equal("INVALID", gateway.Listeners[0].Protocol);
    }

    [Fact]
    public void Gateway_UppercaseHostname_IsRefused()
    {
        var diagnostic = ReadInvalid(MinimalGateway.Replace("\"port\":80", "\"hostname\":\"Foo.example.com\",\"port\":80", StringComparison.Ordinal), DiagnosticCodes.SchemaViolation);
        Assert.Equal("spec.listeners[0].hostname", diagnostic.Path);
    }

    [Fact]
    public void Gateway_TlsDefaultsAndReferences_AreResolved()
    {
        var gateway = ReadValid<Gateway>("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"g","namespace":"n"},
             "spec":{"gatewayClassName":"c",
               "listeners":[{"name":"https","port":443,"protocol":"HTTPS","hostname":"*.example.com",
                 "tls":{"certificateRefs":[{"name":"cert"},{"name":"other","namespace":"certs"}]},
                 "allowedRoutes":{"namespaces":{"from":"Selector","selector":{"matchLabels":{"team":"a"}}},"kinds":[{"kind":"HTTPRoute"}]}}],
               "tls":{"frontend":{"default":{"validation":{"caCertificateRefs":[{"group":"","kind":"ConfigMap","name":"ca"}]}}},
                      "backend":{"clientCertificateRef":{"name":"client"}}},
               "allowedListeners":{"namespaces":{"from":"All"}}}}
            """);
        var listener = gateway.Listeners[0];
        Assert.Equal(TlsModes.Terminate, listener.Tls!.Mode);
        Assert.Equal(new ResourceKey("", "Secret", "n", "cert"), listener.Tls.CertificateRefs[0].TargetKey);
        Assert.Equal("certs", listener.Tls.CertificateRefs[1].Namespace);
        Assert.Equal(new RouteGroupKind(Groups.Gateway, "HTTPRoute"), listener.AllowedRoutes.Kinds[0]);
        Assert.Equal("a", listener.AllowedRoutes.Selector!.MatchLabels["team"]);
        Assert.Equal("AllowValidOnly", gateway.Tls!.DefaultValidation!.Mode);
        Assert.Equal("n", gateway.Tls.BackendClientCertificateRef!.Namespace);
        Assert.Equal(FromNamespaces.All, gateway.AllowedListeners.NamespacesFrom);
    }

    [Fact]
    public void Gateway_TwoReadsOfSameDocument_AreEqual()
    {
        Assert.Equal(ReadValid<Gateway>(MinimalGateway), ReadValid<Gateway>(MinimalGateway));
        Assert.Equal(ReadValid<Gateway>(MinimalGateway).GetHashCode(), ReadValid<Gateway>(MinimalGateway).GetHashCode());
    }

    [Fact]
    public void GatewayClass_ControllerNameNotDomainPrefixed_IsRefused()
    {
        ReadInvalid("""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"c"},"spec":{"controllerName":"nodomain"}}""", DiagnosticCodes.SchemaViolation);
    }

    [Fact]
    public void GatewayClass_IsClusterScoped_NamespaceIgnored()
    {
        var cls = ReadValid<GatewayClass>("""{"apiVersion":"gateway.networking.k8s.io/v1beta1","kind":"GatewayClass","metadata":{"name":"c","namespace":"x"},"spec":{"controllerName":"example.com/gw"}}""");
        Assert.Equal(string.Empty, cls.Namespace);
        Assert.Equal("example.com/gw", cls.ControllerName);
    }

    [Fact]
    public void ListenerSet_ParentRef_DefaultsToGatewayInOwnNamespace()
    {
        var set = ReadValid<ListenerSet>("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"ListenerSet","metadata":{"name":"ls","namespace":"apps"},
             "spec":{"parentRef":{"name":"g"},"listeners":[{"name":"x","port":80,"protocol":"HTTP","hostname":"x.example.com"}]}}
            """);
        Assert.Equal(new ResourceKey(Groups.Gateway, "Gateway", "apps", "g"), set.ParentRef.TargetKey);
        Assert.Single(set.Listeners);
    }

    [Fact]
    public void ReferenceGrant_ToWithoutName_AllowsEveryName()
    {
        var grant = ReadValid<ReferenceGrant>("""
            {"apiVersion":"gateway.networking.k8s.io/v1beta1","kind":"ReferenceGrant","metadata":{"name":"rg","namespace":"bar"},
             "spec":{"from":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","namespace":"foo"}],"to":[{"group":"","kind":"Service"}]}}
            """);
        Assert.Null(grant.To[0].Name);
        Assert.Equal("foo", grant.From[0].Namespace);
    }

    [Fact]
    public void ReferenceGrant_EmptyFrom_IsRefused()
    {
        ReadInvalid("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"ReferenceGrant","metadata":{"name":"rg","namespace":"bar"},
             "spec":{"from":[],"to":[{"group":"","kind":"Service"}]}}
            """, DiagnosticCodes.RequiredField);
    }
}
