using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsEngine.X509;

namespace TlsEngine.Hsm.Tests.Support;

/// <summary>
/// A software ECDSA P-256 CA that issues certificates for public keys read from the token (the private keys stay there),
/// and software key pairs for the OpenSSL peers.
/// </summary>
public sealed class TestCa : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestCa()
    {
        var request = new CertificateRequest("CN=TlsEngine HSM Test CA", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        Certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        Anchors = new TrustStore([TlsEngine.X509.Certificate.Parse(Certificate.RawData)]);
    }

    public X509Certificate2 Certificate { get; }

    public TrustStore Anchors { get; }

    /// <summary>
    /// Issues an end-entity certificate for a DER SubjectPublicKeyInfo: SAN DNS:localhost and IP:127.0.0.1, EKU serverAuth
    /// and clientAuth, digitalSignature.
    /// </summary>
    public byte[] Issue(byte[] subjectPublicKeyInfo, string commonName)
    {
        var publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + commonName), publicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var now = DateTimeOffset.UtcNow;
        using var cert = request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), now.AddHours(-1), now.AddDays(7), serial);
        return cert.RawData;
    }

    /// <summary>A software ECDSA P-256 key and certificate for an OpenSSL peer: (certificate PEM, PKCS#8 key PEM).</summary>
    public (string CertificatePem, string KeyPem) IssueSoftware(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = Issue(key.ExportSubjectPublicKeyInfo(), commonName);
        return (PemEncoding.WriteString("CERTIFICATE", der), key.ExportPkcs8PrivateKeyPem());
    }

    public string CertificatePem => PemEncoding.WriteString("CERTIFICATE", Certificate.RawData);

    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
    }
}
