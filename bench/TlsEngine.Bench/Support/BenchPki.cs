using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using TlsEngine.Crypto;
using TlsEngine.X509;
using BcX509Certificate = Org.BouncyCastle.X509.X509Certificate;

namespace TlsEngine.Bench.Support;

/// <summary>
/// The test PKI every benchmark uses: an ECDSA P-256 CA, a server leaf (localhost, 127.0.0.1, serverAuth) and a client
/// leaf (SPIFFE URI, clientAuth), all with SKI/AKI and SHA-256 signatures, made with .NET's CertificateRequest. The same
/// keys and certificates are handed to our engine, to SslStream and to BouncyCastle.
/// </summary>
internal sealed class BenchPki
{
    public const string ServerName = "localhost";
    private static readonly Lazy<BenchPki> Instance = new(() => new BenchPki());

    private BenchPki()
    {
        var now = DateTimeOffset.UtcNow;
        CaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caReq = new CertificateRequest("CN=Bench CA", CaKey, HashAlgorithmName.SHA256);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caReq.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caReq.PublicKey, false));
        CaCertificate = caReq.CreateSelfSigned(now.AddDays(-30), now.AddYears(2));

        ServerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        ServerCertificate = Issue("CN=localhost", ServerKey, "1.3.6.1.5.5.7.3.1", san =>
        {
            san.AddDnsName(ServerName);
            san.AddIpAddress(System.Net.IPAddress.Loopback);
        }, now, 1);
        ClientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        ClientCertificate = Issue("CN=bench-client", ClientKey, "1.3.6.1.5.5.7.3.2",
            san => san.AddUri(new Uri("spiffe://bench.example/client")), now, 2);

        Anchors = new TrustStore([Certificate.Parse(CaCertificate.RawData)]);
        EngineServer = new TlsCertificate([Certificate.Parse(ServerCertificate.RawData)], new EcdsaSigningKey(ServerKey));
        EngineClient = new TlsCertificate([Certificate.Parse(ClientCertificate.RawData)], new EcdsaSigningKey(ClientKey));

        BcCa = new BcX509Certificate(CaCertificate.RawData);
        BcServer = new BcX509Certificate(ServerCertificate.RawData);
        BcClient = new BcX509Certificate(ClientCertificate.RawData);
        BcServerKey = PrivateKeyFactory.CreateKey(ServerKey.ExportPkcs8PrivateKey());
        BcClientKey = PrivateKeyFactory.CreateKey(ClientKey.ExportPkcs8PrivateKey());
    }

    public static BenchPki Shared => Instance.Value;

    public ECDsa CaKey { get; }
    public ECDsa ServerKey { get; }
    public ECDsa ClientKey { get; }

    /// <summary>The CA (public part only) and the two leaves with their private keys, for SslStream.</summary>
    public X509Certificate2 CaCertificate { get; }
    public X509Certificate2 ServerCertificate { get; }
    public X509Certificate2 ClientCertificate { get; }

    public TrustStore Anchors { get; }
    public TlsCertificate EngineServer { get; }
    public TlsCertificate EngineClient { get; }

    public BcX509Certificate BcCa { get; }
    public BcX509Certificate BcServer { get; }
    public BcX509Certificate BcClient { get; }
    public AsymmetricKeyParameter BcServerKey { get; }
    public AsymmetricKeyParameter BcClientKey { get; }

    private X509Certificate2 Issue(string subject, ECDsa key, string eku, Action<SubjectAlternativeNameBuilder> names, DateTimeOffset now, byte serial)
    {
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], false));
        var san = new SubjectAlternativeNameBuilder();
        names(san);
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(CaCertificate, true, false));
        using var cert = req.Create(CaCertificate.SubjectName, X509SignatureGenerator.CreateForECDsa(CaKey),
            now.AddDays(-1), now.AddDays(60), [0x40, serial, 0x01]);
        return cert.CopyWithPrivateKey(key);
    }
}
