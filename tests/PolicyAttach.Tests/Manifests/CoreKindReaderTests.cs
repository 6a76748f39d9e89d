using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;
using static PolicyAttach.Tests.Manifests.Documents;

namespace PolicyAttach.Tests.Manifests;

public class CoreKindReaderTests
{
    [Fact]
    public void Read_NotAMapping_ReportsNotAnObject()
    {
        ReadInvalid("[1,2]", DiagnosticCodes.NotAnObject);
    }

    [Fact]
    public void Read_MissingName_ReportsMissingName()
    {
        var diagnostic = ReadInvalid("""{"apiVersion":"v1","kind":"Service","metadata":{}}""", DiagnosticCodes.MissingName);
        Assert.Equal("metadata.name", diagnostic.Path);
    }

    [Fact]
    public void Read_WrongTypeForField_DropsObjectWithPositionedPath()
    {
        var diagnostic = ReadInvalid("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"n"},"spec":{"ports":[{"port":{"x":1}}]}}""", DiagnosticCodes.WrongType);
        Assert.Equal("spec.ports[0].port", diagnostic.Path);
    }

    [Fact]
    public void Read_ListItemsOfWrongTypes_ReportEachItemByIndexInOrder()
    {
        // Lists are read item by item (Node.AsList): an item that reads as absent is left out, and every problem is
        // reported at its own index, in input order.
        var result = Read("""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r","namespace":"n"},"spec":{"rules":[5,{"matches":"x"},{"backendRefs":[{"name":"s","port":80},true]}]}}""");
        Assert.Null(result.Resource);
        Assert.Equal(
            [(DiagnosticCodes.WrongType, "spec.rules[0]"), (DiagnosticCodes.WrongType, "spec.rules[1].matches"), (DiagnosticCodes.WrongType, "spec.rules[2].backendRefs[1]")],
            result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => (d.Code, d.Path)));
    }

    [Fact]
    public void Read_QuotedNumber_IsReadWithWarning()
    {
        var result = Read("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"n"},"spec":{"ports":[{"port":"80"}]}}""");
        var service = Assert.IsType<Service>(result.Resource);
        Assert.Equal(80, service.Ports[0].Port);
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Code == DiagnosticCodes.WrongType);
    }

    [Fact]
    public void Read_MissingNamespace_DefaultsWithInfo()
    {
        var result = Read("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"}}""");
        Assert.Equal("default", result.Resource!.Namespace);
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.DefaultNamespace && d.Severity == DiagnosticSeverity.Info);
    }

    [Fact]
    public void Read_MetadataTimestampsAndGeneration_AreKept()
    {
        var service = ReadValid<Service>("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"n","generation":7,"uid":"u-1","creationTimestamp":"2024-05-06T07:08:09Z","labels":{"a":"b"}}}""");
        Assert.Equal(7, service.Metadata.Generation);
        Assert.Equal("u-1", service.Metadata.Uid);
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero), service.Metadata.CreationTimestamp);
        Assert.Equal("b", service.Metadata.Labels["a"]);
    }

    [Fact]
    public void Service_Ports_KeepNameAppProtocolAndDefaults()
    {
        var service = ReadValid<Service>("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"n"},"spec":{"ports":[{"name":"h2","port":8080,"appProtocol":"kubernetes.io/h2c","targetPort":9090}]}}""");
        Assert.Equal("ClusterIP", service.Type);
        var port = service.FindPort(8080)!;
        Assert.Equal("h2", port.Name);
        Assert.Equal("TCP", port.Protocol);
        Assert.Equal("kubernetes.io/h2c", port.AppProtocol);
        Assert.Equal("9090", port.TargetPort);
        Assert.Null(service.FindPort(1));
    }

    [Fact]
    public void Namespace_Read_GetsAutomaticNameLabel()
    {
        var ns = ReadValid<Namespace>("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"foo","labels":{"team":"x"}}}""");
        Assert.Equal("foo", ns.Metadata.Labels["kubernetes.io/metadata.name"]);
        Assert.Equal("x", ns.Metadata.Labels["team"]);
    }

    [Fact]
    public void Secret_ValidTlsPair_IsValidAndValuesAreNotKept()
    {
        var (cert, key) = CreateCertificate();
        var json = $$$"""{"apiVersion":"v1","kind":"Secret","type":"kubernetes.io/tls","metadata":{"name":"s","namespace":"n"},"data":{"tls.crt":"{{{B64(cert)}}}","tls.key":"{{{B64(key)}}}"}}""";
        var secret = ReadValid<Secret>(json);
        Assert.True(secret.TlsCertificateValid);
        Assert.Equal(EquatableArray.Create("tls.crt", "tls.key"), secret.Keys);
        Assert.DoesNotContain(B64(cert), secret.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Secret_MalformedCertificate_IsInvalid()
    {
        var secret = ReadValid<Secret>($$$"""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"n"},"data":{"tls.crt":"{{{B64("not a cert")}}}","tls.key":"{{{B64("nope")}}}"}}""");
        Assert.False(secret.TlsCertificateValid);
    }

    [Fact]
    public void Secret_BadBase64_IsRefused()
    {
        ReadInvalid("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"n"},"data":{"tls.crt":"***"}}""", DiagnosticCodes.SchemaViolation);
    }

    [Fact]
    public void ConfigMap_CaCertificate_IsChecked()
    {
        var (cert, _) = CreateCertificate();
        var good = ReadValid<ConfigMap>($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"n"},"data":{"ca.crt":{{{System.Text.Json.JsonSerializer.Serialize(cert)}}}}}""");
        var bad = ReadValid<ConfigMap>("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"n"},"data":{"ca.crt":"garbage"}}""");
        var none = ReadValid<ConfigMap>("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"n"},"data":{"x":"y"}}""");
        Assert.True(good.CaCertificateValid);
        Assert.False(bad.CaCertificateValid);
        Assert.Null(none.CaCertificateValid);
    }

    [Fact]
    public void Ingress_RulesBackendsAndTls_AreRead()
    {
        var ingress = ReadValid<Ingress>("""
            {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"i","namespace":"default"},
             "spec":{"ingressClassName":"istio","defaultBackend":{"service":{"name":"d","port":{"name":"http"}}},
               "tls":[{"hosts":["a.example.com"],"secretName":"cert"}],
               "rules":[{"host":"httpbin.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"httpbin","port":{"number":8000}}}}]}}]}}
            """);
        Assert.Equal("istio", ingress.IngressClassName);
        Assert.Equal("http", ingress.DefaultBackend!.ServicePortName);
        var path = ingress.Rules[0].Paths[0];
        Assert.Equal(("Prefix", "httpbin", 8000), (path.PathType, path.Backend.ServiceName, path.Backend.ServicePortNumber));
        Assert.Equal("cert", ingress.Tls[0].SecretName);
    }

    [Fact]
    public void IngressClass_DefaultAnnotation_IsRecognised()
    {
        var cls = ReadValid<IngressClass>("""{"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"istio","annotations":{"ingressclass.kubernetes.io/is-default-class":"true"}},"spec":{"controller":"istio.io/ingress-controller"}}""");
        Assert.True(cls.IsDefaultClass);
        Assert.Equal("istio.io/ingress-controller", cls.Controller);
    }

    [Fact]
    public void UnknownKind_Read_IsKeptAsGenericObject()
    {
        var obj = ReadValid<GenericObject>("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"n"},"spec":{"size":3}}""");
        Assert.Equal("Widget", obj.Kind);
        Assert.Equal("example.com", obj.Group);
        Assert.Equal("""{"size":3}""", obj.Spec!.ToCanonicalString());
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static (string Cert, string Key) CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=example.com", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
        return (certificate.ExportCertificatePem(), rsa.ExportPkcs8PrivateKeyPem());
    }
}
