using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsEngine.Crypto;
using TlsEngine.X509;

namespace TlsEngine.Tests.Support;

public enum KeyKind
{
    EcdsaP256,
    EcdsaP384,
    Rsa2048,
}

/// <summary>Certificates for in-memory tests, made with the BCL's CertificateRequest: a CA and leaves of each kind.</summary>
public sealed class TestPki
{
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    private readonly X509Certificate2 _ca;
    private readonly AsymmetricAlgorithm _caKey;

    public TestPki(KeyKind caKind = KeyKind.EcdsaP256, string caName = "CN=Test CA")
    {
        _caKey = NewKey(caKind);
        var req = Request(caName, _caKey);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        _ca = req.CreateSelfSigned(now.AddDays(-30), now.AddDays(365));
        Anchor = Certificate.Parse(_ca.RawData);
        Anchors = new TrustStore([Anchor]);
    }

    /// <summary>Shared instances, so tests do not pay for key generation each time.</summary>
    public static TestPki Default { get; } = new();

    public static TestPki Other { get; } = new(KeyKind.EcdsaP256, "CN=Other CA");

    public Certificate Anchor { get; }
    public TrustStore Anchors { get; }

    /// <summary>The CA as the BCL sees it, and its key (to sign OCSP responses in tests).</summary>
    public X509Certificate2 CaCertificate => _ca;
    public ECDsa CaKey => (ECDsa)_caKey;

    public TlsCertificate Server(KeyKind kind = KeyKind.EcdsaP256, string dns = "localhost", DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null) =>
        Issue($"CN={dns}", kind, ServerAuth, san => { san.AddDnsName(dns); san.AddIpAddress(System.Net.IPAddress.Loopback); }, notBefore, notAfter);

    public TlsCertificate Client(KeyKind kind = KeyKind.EcdsaP256, string spiffeId = "spiffe://test.example/client", DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null) =>
        Issue("CN=test-client", kind, ClientAuth, san => san.AddUri(new Uri(spiffeId)), notBefore, notAfter);

    public TlsCertificate Issue(string subject, KeyKind kind, string eku, Action<SubjectAlternativeNameBuilder> names, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null,
        Action<CertificateRequest>? customize = null)
    {
        var key = NewKey(kind);
        var req = Request(subject, key);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], false));
        var san = new SubjectAlternativeNameBuilder();
        names(san);
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, true, false));
        customize?.Invoke(req);
        var now = DateTimeOffset.UtcNow;
        var serial = new byte[12];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        var generator = _caKey is ECDsa ec ? X509SignatureGenerator.CreateForECDsa(ec) : X509SignatureGenerator.CreateForRSA((RSA)_caKey, RSASignaturePadding.Pkcs1);
        using var cert = req.Create(_ca.SubjectName, generator, notBefore ?? now.AddDays(-1), notAfter ?? now.AddDays(30), serial);
        ISigningKey signer = key is ECDsa e ? new EcdsaSigningKey(e) : new RsaSigningKey((RSA)key);
        return new TlsCertificate([Certificate.Parse(cert.RawData)], signer);
    }

    private static CertificateRequest Request(string subject, AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => new CertificateRequest(subject, ec, ec.KeySize == 384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256),
        RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => throw new ArgumentException("unsupported key"),
    };

    private static AsymmetricAlgorithm NewKey(KeyKind kind) => kind switch
    {
        KeyKind.EcdsaP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        KeyKind.EcdsaP384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        _ => RSA.Create(2048),
    };
}
