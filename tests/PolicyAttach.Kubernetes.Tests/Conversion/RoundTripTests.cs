using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using PolicyAttach.Kubernetes.Conversion;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.Model;

namespace PolicyAttach.Kubernetes.Tests.Conversion;

/// <summary>
/// For each kind: YAML → KubernetesClient object (KubernetesYaml) → our converter gives the same model object as
/// the YAML through our loader.
/// </summary>
public sealed class RoundTripTests
{
    private static KubeObject Loaded(string yaml)
    {
        var result = new ManifestLoader().LoadText(yaml, "roundtrip.yaml");
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return Assert.Single(result.Resources);
    }

    private static void AssertRoundTrip<T>(string yaml)
    {
        var client = KubernetesYaml.Deserialize<T>(yaml)!;
        Assert.IsType<T>(client);

        var converted = KubernetesObjectConverter.Convert(client);

        Assert.DoesNotContain(converted.Diagnostics, d => d.Severity == PolicyAttach.Diagnostics.DiagnosticSeverity.Error);
        Assert.Equal(Loaded(yaml), converted.Resource);
    }

    [Fact]
    public void Service_RoundTrip_EqualsLoadedManifest() => AssertRoundTrip<V1Service>("""
        apiVersion: v1
        kind: Service
        metadata:
          name: store
          namespace: shop
          labels: {app: store}
          creationTimestamp: "2024-05-01T10:02:30Z"
        spec:
          ports:
          - name: http
            port: 8080
            targetPort: 8080
            appProtocol: kubernetes.io/h2c
          - name: grpc
            port: 9090
            targetPort: grpc
        """);

    [Fact]
    public void Namespace_RoundTrip_EqualsLoadedManifest() => AssertRoundTrip<V1Namespace>("""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
          labels: {env: prod, kubernetes.io/metadata.name: shop}
        """);

    [Fact]
    public void ConfigMap_RoundTrip_EqualsLoadedManifest() => AssertRoundTrip<V1ConfigMap>("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: ca
          namespace: shop
        data:
          ca.crt: |
            not a certificate, just text
        """);

    [Fact]
    public void Secret_GeneratedCertificate_RoundTripEqualsLoadedManifest()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=store.example.com", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("store.example.com");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var crt = Convert.ToBase64String(Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()));
        var pem = Convert.ToBase64String(Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));

        AssertRoundTrip<V1Secret>($"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: store-tls
              namespace: shop
            type: kubernetes.io/tls
            data:
              tls.crt: {crt}
              tls.key: {pem}
            """);
    }

    [Fact]
    public void Ingress_RoundTrip_EqualsLoadedManifest() => AssertRoundTrip<V1Ingress>("""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: store
          namespace: shop
          annotations: {nginx.ingress.kubernetes.io/rewrite-target: /}
        spec:
          ingressClassName: nginx
          tls:
          - hosts: [store.example.com]
            secretName: store-tls
          rules:
          - host: store.example.com
            http:
              paths:
              - path: /
                pathType: Prefix
                backend:
                  service:
                    name: store
                    port: {number: 8080}
              - path: /api
                pathType: Exact
                backend:
                  service:
                    name: api
                    port: {name: http}
        """);

    [Fact]
    public void IngressClass_RoundTrip_EqualsLoadedManifest() => AssertRoundTrip<V1IngressClass>("""
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata:
          name: nginx
          annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
        spec:
          controller: k8s.io/ingress-nginx
        """);

    [Fact]
    public void CustomObject_AsJsonElement_RoundTripEqualsLoadedManifest()
    {
        // JSON is YAML: the same text goes through our loader and, as a JsonElement, through the converter.
        const string text = """
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute",
             "metadata":{"name":"store","namespace":"shop","generation":3},
             "spec":{"parentRefs":[{"name":"edge","namespace":"infra","sectionName":"http"}],
                     "hostnames":["store.example.com"],
                     "rules":[{"matches":[{"path":{"type":"PathPrefix","value":"/cart"},"headers":[{"name":"x-canary","value":"1"}]}],
                               "backendRefs":[{"name":"store","port":8080,"weight":90},{"name":"store-canary","port":8080,"weight":10}]}]}}
            """;
        using var document = JsonDocument.Parse(text);

        var converted = KubernetesObjectConverter.Convert(document.RootElement);

        Assert.Equal(Loaded(text), converted.Resource);
        Assert.Equal("HTTPRoute", converted.Resource!.Kind);
    }

    [Fact]
    public void UnknownCustomObject_ThroughUnstructuredObject_RoundTripEqualsLoadedManifest()
    {
        const string text = """
            {"apiVersion":"policies.example.com/v1","kind":"RetryPolicy","metadata":{"name":"r","namespace":"shop"},
             "spec":{"targetRefs":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","name":"store"}],"default":{"attempts":3}}}
            """;
        var unstructured = KubernetesJson.Deserialize<PolicyAttach.Kubernetes.Controllers.UnstructuredObject>(text);

        var converted = KubernetesObjectConverter.Convert(unstructured);

        Assert.Equal(Loaded(text), converted.Resource);
    }
}
