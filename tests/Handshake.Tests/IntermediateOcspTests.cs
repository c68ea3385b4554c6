using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsEngine.Crypto;
using TlsEngine.Record;
using TlsEngine.Testing;
using TlsEngine.Tests.Support;
using TlsEngine.X509;

namespace TlsEngine.Tests;

/// <summary>
/// OCSP for the intermediate CAs of the server's path: looked up in the client's cache; a miss is fetched in the
/// background, so a revoked intermediate is refused from the next handshake on, and no handshake waits.
/// </summary>
public class IntermediateOcspTests
{
    private sealed class Responder(Func<byte[]> respond) : HttpMessageHandler
    {
        public int Requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(respond()) });
        }
    }

    [Fact]
    public async Task RevokedIntermediateIsRefusedOnceItsStatusIsCached()
    {
        var pki = TestPki.Default;
        // Root (the test CA) -> intermediate (naming an OCSP responder) -> server leaf.
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=Intermediate CA", intermediateKey, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(pki.CaCertificate, true, false));
        req.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(["http://ocsp.test/"], null));
        using var intermediate = req.Create(pki.CaCertificate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), [7, 7, 7]);
        using var intermediateWithKey = intermediate.CopyWithPrivateKey(intermediateKey);

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafReq = new CertificateRequest("CN=localhost", leafKey, HashAlgorithmName.SHA256);
        leafReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leafReq.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(TestPki.ServerAuth)], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        leafReq.CertificateExtensions.Add(san.Build());
        leafReq.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(intermediate, true, false));
        using var leaf = leafReq.Create(intermediateWithKey, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), [9, 9]);

        var responder = new Responder(() => new OcspResponseBuilder
        {
            Certificate = intermediate,
            Issuer = pki.CaCertificate,
            Signer = pki.CaCertificate,
            SignerKey = pki.CaKey,
            Status = "revoked",
        }.Build());
        using var http = new HttpClient(responder);
        using var ocsp = new OcspClient(http) { UseNonce = false };

        var (c, s) = Loopback.MutualOptions();
        s.Certificate = new TlsCertificate([Certificate.Parse(leaf.RawData), Certificate.Parse(intermediate.RawData)], new EcdsaSigningKey(ECDsa.Create(leafKey.ExportParameters(true))));
        c.Revocation.IntermediateOcsp = ocsp;

        // First handshake: nothing cached yet; it proceeds and a fetch starts in the background.
        using (var first = new Loopback(c, s)) first.Handshake();
        var interCert = Certificate.Parse(intermediate.RawData);
        for (int i = 0; i < 100 && ocsp.Cached(interCert, pki.Anchor) is null; i++) await Task.Delay(20);
        Assert.Equal(OcspCertStatus.Revoked, ocsp.Cached(interCert, pki.Anchor)!.Check.Status);

        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.CertificateRevoked, e.Alert);
        Assert.Contains("intermediate", e.Message);
        Assert.Equal(1, responder.Requests);
    }
}
