using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PolicyAttach.ConformanceTests.GatewayApi;

/// <summary>
/// The Secrets and ConfigMaps the conformance suite creates at setup (<c>programmaticResources</c>), rendered as one
/// <c>kind: List</c> JSON document with real certificates, so they go through the manifest reader like any input.
/// A TLS Secret gets a certificate for its SANs and its private key; a CA ConfigMap gets a CA certificate under
/// <c>ca.crt</c>; a Secret whose note says it is signed by a CA is signed by the CA ConfigMap of the same name prefix
/// (<c>X-certificate</c> or <c>X-client-certificate</c> by <c>X-ca-certificate</c>).
/// </summary>
internal static class ProgrammaticResources
{
    public static string ToListJson(JsonArray resources)
    {
        var authorities = new Dictionary<string, CertificateAuthority>(StringComparer.Ordinal);
        var items = new JsonArray();
        try
        {
            foreach (var resource in resources.OfType<JsonObject>().Where(r => Str(r, "kind") == "ConfigMap"))
            {
                var ns = Str(resource, "namespace")!;
                var name = Str(resource, "name")!;
                var ca = CertificateAuthority.Create(name);
                authorities[ns + "/" + name] = ca;
                var data = new JsonObject();
                foreach (var key in resource["keys"]?.AsArray().Select(k => k!.GetValue<string>()) ?? ["ca.crt"])
                {
                    data[key] = ca.CertificatePem;
                }

                items.Add(new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "ConfigMap",
                    ["metadata"] = new JsonObject { ["namespace"] = ns, ["name"] = name },
                    ["data"] = data,
                });
            }

            foreach (var resource in resources.OfType<JsonObject>().Where(r => Str(r, "kind") == "Secret"))
            {
                var ns = Str(resource, "namespace")!;
                var name = Str(resource, "name")!;
                var sans = resource["sans"]?.AsArray().Select(s => s!.GetValue<string>()).ToList() ?? [];
                var signer = Str(resource, "note") is { } note && note.Contains("signed by", StringComparison.Ordinal)
                    ? FindAuthority(authorities, ns, name)
                    : null;
                var (certificate, key) = Issue(name, sans, signer);
                items.Add(new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Secret",
                    ["metadata"] = new JsonObject { ["namespace"] = ns, ["name"] = name },
                    ["type"] = Str(resource, "type") ?? "kubernetes.io/tls",
                    ["data"] = new JsonObject
                    {
                        ["tls.crt"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(certificate)),
                        ["tls.key"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(key)),
                    },
                });
            }
        }
        finally
        {
            foreach (var ca in authorities.Values)
            {
                ca.Dispose();
            }
        }

        var list = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = items };
        return list.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static string? Str(JsonObject obj, string name) => obj[name]?.GetValue<string>();

    private static CertificateAuthority? FindAuthority(Dictionary<string, CertificateAuthority> authorities, string ns, string secretName)
    {
        foreach (var suffix in new[] { "-client-certificate", "-certificate" })
        {
            if (secretName.EndsWith(suffix, StringComparison.Ordinal)
                && authorities.TryGetValue($"{ns}/{secretName[..^suffix.Length]}-ca-certificate", out var ca))
            {
                return ca;
            }
        }

        return null;
    }

    private static (string Certificate, string Key) Issue(string commonName, List<string> sans, CertificateAuthority? signer)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        if (sans.Count > 0)
        {
            var names = new SubjectAlternativeNameBuilder();
            foreach (var san in sans)
            {
                if (san.Contains("://", StringComparison.Ordinal))
                {
                    names.AddUri(new Uri(san));
                }
                else
                {
                    names.AddDnsName(san);
                }
            }

            request.CertificateExtensions.Add(names.Build());
        }

        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = notBefore.AddYears(1);
        if (signer is null)
        {
            using var selfSigned = request.CreateSelfSigned(notBefore, notAfter);
            return (selfSigned.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(signer.Certificate, notBefore, notAfter, serial);
        return (issued.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private sealed class CertificateAuthority : IDisposable
    {
        private CertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

        public X509Certificate2 Certificate { get; }

        public string CertificatePem => Certificate.ExportCertificatePem();

        public static CertificateAuthority Create(string name)
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
            return new CertificateAuthority(request.CreateSelfSigned(notBefore, notBefore.AddYears(2)));
        }

        public void Dispose() => Certificate.Dispose();
    }
}
