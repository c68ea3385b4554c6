using System.Buffers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using TlsEngine.Crypto;
using TlsEngine.Hsm;
using TlsEngine.X509;

namespace TlsEngine.Bench;

/// <summary>
/// One mutual-auth TLS 1.3 handshake in memory (client and server <see cref="TlsConnection"/> in this process, client key
/// ECDSA P-256 in software), the server's CertificateVerify signed by a key on a SoftHSM2 token (CKM_ECDSA /
/// CKM_RSA_PKCS_PSS through TlsEngine.Hsm's session pool) versus the same key loaded in software. The Ratio column is
/// SoftHSM time / software time; handshakes/s = 1 s / Mean.
/// </summary>
[MemoryDiagnoser]
public class HsmHandshakeBenchmarks
{
    public enum ServerKey
    {
        EcdsaP256,
        Rsa2048,
    }

    [Params(ServerKey.EcdsaP256, ServerKey.Rsa2048)]
    public ServerKey Key { get; set; }

    private SoftHsmBenchToken? _token;
    private TlsClientOptions _client = null!;
    private TlsServerOptions _software = null!;
    private TlsServerOptions _softHsm = null!;

    [GlobalSetup]
    public void Setup()
    {
        _token = new SoftHsmBenchToken();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Bench HSM CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));
        var anchors = new TrustStore([Certificate.Parse(ca.RawData)]);

        ISigningKey softwareKey;
        byte[] spki;
        if (Key == ServerKey.EcdsaP256)
        {
            var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            _token.Import(ec.ExportPkcs8PrivateKeyPem(), "server", "01");
            (softwareKey, spki) = (new EcdsaSigningKey(ec), ec.ExportSubjectPublicKeyInfo());
        }
        else
        {
            var rsa = RSA.Create(2048);
            _token.Import(rsa.ExportPkcs8PrivateKeyPem(), "server", "01");
            (softwareKey, spki) = (new RsaSigningKey(rsa), rsa.ExportSubjectPublicKeyInfo());
        }
        var hsmKey = Pkcs11SigningKey.Open(SoftHsmBenchToken.KeyUri("server"));
        var serverLeaf = Certificate.Parse(Issue(ca, caKey, spki, "localhost"));
        _software = new TlsServerOptions { Certificate = new TlsCertificate([serverLeaf], softwareKey), TrustAnchors = anchors };
        _softHsm = new TlsServerOptions { Certificate = new TlsCertificate([serverLeaf], hsmKey), TrustAnchors = anchors };

        var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientLeaf = Certificate.Parse(Issue(ca, caKey, clientKey.ExportSubjectPublicKeyInfo(), "bench-client"));
        _client = new TlsClientOptions
        {
            Certificate = new TlsCertificate([clientLeaf], new EcdsaSigningKey(clientKey)),
            TrustAnchors = anchors,
            ServerName = "localhost",
        };
        Handshake(_software);
        Handshake(_softHsm);
    }

    [GlobalCleanup]
    public void Cleanup() => _token?.Dispose();

    [Benchmark(Baseline = true)]
    public bool SoftwareKey() => Handshake(_software);

    [Benchmark]
    public bool SoftHsmKey() => Handshake(_softHsm);

    private bool Handshake(TlsServerOptions server)
    {
        using var client = TlsConnection.CreateClient(_client);
        using var srv = TlsConnection.CreateServer(server);
        var first = new ArrayBufferWriter<byte>();
        client.Start(first);
        byte[] pending = first.WrittenSpan.ToArray();
        bool towardsServer = true;
        while (pending.Length > 0)
        {
            var target = towardsServer ? srv : client;
            var transmit = new ArrayBufferWriter<byte>();
            var plaintext = new ArrayBufferWriter<byte>();
            int offset = 0;
            while (offset < pending.Length)
            {
                target.Process(pending.AsMemory(offset), transmit, plaintext, out int consumed);
                if (consumed == 0) break;
                offset += consumed;
            }
            pending = transmit.WrittenSpan.ToArray();
            towardsServer = !towardsServer;
        }
        if (!srv.IsHandshakeComplete || !client.IsHandshakeComplete)
            throw new InvalidOperationException("the benchmark handshake did not complete");
        return true;
    }

    private static byte[] Issue(X509Certificate2 ca, ECDsa caKey, byte[] spki, string name)
    {
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + name),
            System.Security.Cryptography.X509Certificates.PublicKey.CreateFromSubjectPublicKeyInfo(spki, out _), HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var cert = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey),
            DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(2), RandomNumberGenerator.GetBytes(8));
        return cert.RawData;
    }
}
