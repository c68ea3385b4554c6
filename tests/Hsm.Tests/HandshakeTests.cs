using TlsEngine.Crypto;
using TlsEngine.Hsm.Tests.Support;
using TlsEngine.X509;

namespace TlsEngine.Hsm.Tests;

/// <summary>Both roles sign CertificateVerify with token keys, in memory.</summary>
[Collection(SoftHsmCollection.Name)]
public sealed class HandshakeTests(SoftHsmFixture hsm)
{
    [SkippableTheory]
    [InlineData("ec-p256", "client-p256", SignatureScheme.EcdsaSecp256r1Sha256)]
    [InlineData("ec-p384", "client-p256", SignatureScheme.EcdsaSecp384r1Sha384)]
    [InlineData("rsa-2048", "client-p256", SignatureScheme.RsaPssRsaeSha256)]
    [InlineData("imported-p256", "rsa-2048", SignatureScheme.EcdsaSecp256r1Sha256)]
    [InlineData("ed25519", "client-p256", SignatureScheme.Ed25519)]
    public void BothRolesSignWithTokenKeys(string serverKey, string clientKey, SignatureScheme serverScheme)
    {
        hsm.Require();
        if (serverKey == "ed25519") hsm.RequireEd25519();
        var (client, server) = MemoryPair.Handshake(ClientOptions(clientKey), ServerOptions(serverKey));
        Assert.Equal(serverScheme, client.PeerSignatureScheme);
        Assert.Equal(serverScheme, server.LocalSignatureScheme);
        Assert.Equal(client.LocalSignatureScheme, server.PeerSignatureScheme);
        Assert.Equal("CN=" + clientKey, server.PeerIdentity!.Subject.ToString());
        client.Dispose();
        server.Dispose();
    }

    [SkippableFact]
    public void RsaKeyFollowsTheOfferedPssHash()
    {
        hsm.Require();
        var client = ClientOptions("client-p256");
        client.SignatureSchemes = [SignatureScheme.EcdsaSecp256r1Sha256, SignatureScheme.RsaPssRsaeSha512];
        var (c, s) = MemoryPair.Handshake(client, ServerOptions("rsa-2048"));
        Assert.Equal(SignatureScheme.RsaPssRsaeSha512, c.PeerSignatureScheme);
    }

    [SkippableFact]
    public void CertificateStoredOnTheTokenServesAHandshake()
    {
        hsm.Require();
        var key = hsm.OpenKey("ec-p256");
        var server = new TlsServerOptions
        {
            Certificate = new TlsCertificate([Certificate.Parse(key.ReadCertificate())], key),
            TrustAnchors = hsm.Anchors,
        };
        var (c, _) = MemoryPair.Handshake(ClientOptions("client-p256"), server);
        Assert.Equal("CN=ec-p256", c.PeerIdentity!.Subject.ToString());
    }

    [SkippableFact]
    public void KeyThatDoesNotMatchTheCertificateIsRefusedAtConstruction()
    {
        hsm.Require();
        var e = Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() =>
            new TlsCertificate([Certificate.Parse(hsm.CertificateFor("ec-p256"))], hsm.OpenKey("client-p256")));
        Assert.Contains("does not belong", e.Message);
    }

    private TlsClientOptions ClientOptions(string key) => new()
    {
        Certificate = hsm.TlsCertificateFor(key),
        TrustAnchors = hsm.Anchors,
        ServerName = "localhost",
    };

    private TlsServerOptions ServerOptions(string key) => new()
    {
        Certificate = hsm.TlsCertificateFor(key),
        TrustAnchors = hsm.Anchors,
        ClientAuthentication = ClientAuthenticationMode.Required,
    };
}
