using TlsEngine.Crypto;
using TlsEngine.Record;
using TlsEngine.Tests.Support;
using TlsEngine.X509;

namespace TlsEngine.Tests;

/// <summary>
/// Handshakes once the trust anchor's P-256 key verifies through its precomputed table (it is built on the thread
/// pool after a few handshakes): good chains still authenticate, and a certificate signature or a CertificateVerify
/// that does not verify still ends the handshake with the alert RFC 8446 §4.4.2.4 and §4.4.3 require.
/// </summary>
public class P256VerificationTableHandshakeTests
{
    [Fact]
    public void HandshakesThroughTheAnchorsTableAuthenticateAndRefuseForgeries()
    {
        // A CA of its own, so that the anchor's key starts without a table.
        var pki = new TestPki(KeyKind.EcdsaP256, "CN=Table Test CA");
        var anchorKey = (EcPublicKey)pki.Anchors.Anchors[0].PublicKey;
        TlsClientOptions Client(TlsCertificate? certificate = null) => new() { Certificate = certificate ?? pki.Client(), TrustAnchors = pki.Anchors, ServerName = "localhost" };
        TlsServerOptions Server(TlsCertificate? certificate = null) => new() { Certificate = certificate ?? pki.Server(), TrustAnchors = pki.Anchors, ClientAuthentication = ClientAuthenticationMode.Required };

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!anchorKey.HasVerificationTable && DateTime.UtcNow < deadline)
        {
            using var loop = new Loopback(Client(), Server());
            loop.Handshake();
            Thread.Sleep(5);
        }
        Assert.True(anchorKey.HasVerificationTable, "the anchor's key got no table");

        using (var loop = new Loopback(Client(), Server()))
        {
            loop.Handshake();
            Assert.Equal("spiffe://test.example/client", loop.Server.PeerIdentity!.SpiffeId);
            Assert.Contains("localhost", loop.Client.PeerIdentity!.DnsNames);
        }

        // A client leaf whose signature bytes were altered: the server refuses it (RFC 8446 §4.4.2.4: bad_certificate).
        var client = pki.Client();
        var forged = client.Leaf.RawData.ToArray();
        forged[^2] ^= 0x01;
        var e = Loopback.ExpectFailure(Client(new TlsCertificate([Certificate.Parse(forged)], client.Key)), Server(), out var failed);
        failed.Dispose();
        Assert.Equal(AlertDescription.BadCertificate, e.Alert);
        Assert.Contains("signature", e.Message);

        // The same for the server's leaf, refused by the client.
        var server = pki.Server();
        forged = server.Leaf.RawData.ToArray();
        forged[^2] ^= 0x01;
        e = Loopback.ExpectFailure(Client(), Server(new TlsCertificate([Certificate.Parse(forged)], server.Key)), out failed);
        failed.Dispose();
        Assert.Equal(AlertDescription.BadCertificate, e.Alert);

        // A leaf signed by another CA with the same name is not vouched for by the anchor's table either.
        var impostor = new TestPki(KeyKind.EcdsaP256, "CN=Table Test CA");
        e = Loopback.ExpectFailure(Client(impostor.Client()), Server(), out failed);
        failed.Dispose();
        Assert.Equal(AlertDescription.BadCertificate, e.Alert);
    }
}
