using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsEngine.Crypto;
using TlsEngine.X509;

namespace TlsEngine.Cli;

/// <summary>A throw-away PKI for the demo: an ECDSA P-256 CA, a server certificate for localhost, a SPIFFE client certificate.</summary>
internal sealed class DemoPki
{
    public const string ClientSpiffeId = "spiffe://demo.tlsengine.test/workload/client";

    private DemoPki(TrustStore anchors, TlsCertificate server, TlsCertificate client)
    {
        Anchors = anchors;
        Server = server;
        Client = client;
    }

    public TrustStore Anchors { get; }
    public TlsCertificate Server { get; }
    public TlsCertificate Client { get; }

    public static DemoPki Create()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=TlsEngine Demo CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));

        var serverSan = new SubjectAlternativeNameBuilder();
        serverSan.AddDnsName("localhost");
        serverSan.AddIpAddress(System.Net.IPAddress.Loopback);
        var server = Issue(ca, caKey, "CN=localhost", serverSan, "1.3.6.1.5.5.7.3.1", now);

        var clientSan = new SubjectAlternativeNameBuilder();
        clientSan.AddUri(new Uri(ClientSpiffeId));
        var client = Issue(ca, caKey, "CN=demo-client", clientSan, "1.3.6.1.5.5.7.3.2", now);

        var anchors = new TrustStore([Certificate.Parse(ca.RawData)]);
        return new DemoPki(anchors, server, client);
    }

    private static TlsCertificate Issue(X509Certificate2 ca, ECDsa caKey, string subject, SubjectAlternativeNameBuilder san, string eku, DateTimeOffset now)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], false));
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var cert = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now.AddMinutes(-5), now.AddHours(12), serial);
        return new TlsCertificate([Certificate.Parse(cert.RawData)], new EcdsaSigningKey(key));
    }
}
