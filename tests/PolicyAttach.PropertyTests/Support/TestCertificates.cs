using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PolicyAttach.PropertyTests.Support;

/// <summary>One self-signed certificate, made once per test run, so generated Secrets and ConfigMaps can be valid.</summary>
internal static class TestCertificates
{
    private static readonly Lazy<(string Certificate, string Key)> Pair = new(Create);

    /// <summary>The certificate as PEM.</summary>
    public static string CertificatePem => Pair.Value.Certificate;

    /// <summary>The private key as PEM.</summary>
    public static string KeyPem => Pair.Value.Key;

    private static (string Certificate, string Key) Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=example.com", key, HashAlgorithmName.SHA256);
        var notBefore = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var certificate = request.CreateSelfSigned(notBefore, notBefore.AddYears(50));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
