using TlsEngine.Crypto;
using TlsEngine.Interop.Tests.Infrastructure;

namespace TlsEngine.Interop.Tests;

/// <summary>
/// The CertificateVerify scheme follows what the peer offers in signature_algorithms (RFC 8446 §4.4.3). Restricting the
/// list also leaves the certificates' own signatures (ecdsa-with-SHA256, sha256WithRSAEncryption) outside it: RFC 8446
/// §4.4.2.2 says a server that cannot match signature_algorithms_cert SHOULD send its chain anyway.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class SignatureSchemeTests(PkiFixture pki)
{
    [SkippableTheory]
    [InlineData("rsa_pss_rsae_sha512", SignatureScheme.RsaPssRsaeSha512)]
    [InlineData("rsa_pss_rsae_sha384", SignatureScheme.RsaPssRsaeSha384)]
    public async Task OurRsaServerSignsWithTheSchemeOpenSslClientOffers(string sigalgs, SignatureScheme expected)
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Client(KeyType.P256);
        await using var h = new EngineServerHarness(pki.NewTraceFile("sigalg-server"));
        var sClient = h.StartClient(
        [
            "-CAfile", pki.Ca(KeyType.Rsa2048), "-verify_return_error", "-servername", "localhost", "-cert", cert, "-key", key,
            "-sigalgs", $"{sigalgs}:ecdsa_secp256r1_sha256",
        ]);
        var tls = await h.AcceptAsync(EngineOptions.Server(pki, KeyType.Rsa2048, KeyType.P256), cts.Token);
        var ours = EngineView.From(tls.Connection);
        await Exchange.PingPongAsync(tls, sClient, "sigalg-server", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));

        Assert.Equal(expected, ours.LocalScheme);
        Assert.Equal(expected, h.Trace().CertificateVerifyScheme(sent: false));
        Assert.True(new OpenSslOutput(sClient.Output).PeerSignatureMatches(expected), sClient.Output);
    }

    [SkippableFact]
    public async Task OurRsaClientSignsWithTheSchemeOpenSslServerRequests()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Server(KeyType.P256);
        await using var h = await OpenSslServerHarness.StartAsync(
        [
            "-cert", cert, "-key", key, "-CAfile", pki.Ca(KeyType.Rsa2048), "-Verify", "1", "-verify_return_error",
            "-client_sigalgs", "rsa_pss_rsae_sha384",
        ], pki.NewTraceFile("sigalg-client"));
        var tls = await h.ConnectAsync(EngineOptions.Client(pki, KeyType.Rsa2048, KeyType.P256), cts.Token);
        var ours = EngineView.From(tls.Connection);
        await Exchange.PingPongAsync(tls, h.Server, "sigalg-client", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await h.Server.WaitForExitAsync(Timeouts.Step));

        Assert.Equal(SignatureScheme.RsaPssRsaeSha384, ours.LocalScheme);
        Assert.Equal(SignatureScheme.RsaPssRsaeSha384, h.Trace().CertificateVerifyScheme(sent: false));
    }

    /// <summary>An id-RSASSA-PSS key signs with rsa_pss_pss_* (RFC 8446 §4.2.3): our server against openssl s_client.</summary>
    [SkippableFact]
    public async Task OurServerWithAnRsaPssKeySignsRsaPssPss()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Client(KeyType.P256);
        await using var h = new EngineServerHarness(pki.NewTraceFile("rsapss-server"));
        var sClient = h.StartClient(["-CAfile", pki.Ca(KeyType.Rsa2048), "-verify_return_error", "-servername", "localhost", "-cert", cert, "-key", key]);
        var (serverCert, serverKey) = pki.Named("server-rsapss");
        var tls = await h.AcceptAsync(EngineOptions.Server(serverCert, serverKey, pki.Ca(KeyType.P256)), cts.Token);
        var ours = EngineView.From(tls.Connection);
        await Exchange.PingPongAsync(tls, sClient, "rsapss-server", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));
        Assert.Equal(SignatureScheme.RsaPssPssSha256, ours.LocalScheme);
        Assert.Equal(SignatureScheme.RsaPssPssSha256, h.Trace().CertificateVerifyScheme(sent: false));
    }

    /// <summary>Our client with an id-RSASSA-PSS key against openssl s_server requiring a client certificate.</summary>
    [SkippableFact]
    public async Task OurClientWithAnRsaPssKeySignsRsaPssPss()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Server(KeyType.P256);
        await using var h = await OpenSslServerHarness.StartAsync(
            ["-cert", cert, "-key", key, "-CAfile", pki.Ca(KeyType.Rsa2048), "-Verify", "1", "-verify_return_error"], pki.NewTraceFile("rsapss-client"));
        var (clientCert, clientKey) = pki.Named("client-rsapss");
        var tls = await h.ConnectAsync(EngineOptions.Client(clientCert, clientKey, pki.Ca(KeyType.P256)), cts.Token);
        var ours = EngineView.From(tls.Connection);
        await Exchange.PingPongAsync(tls, h.Server, "rsapss-client", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await h.Server.WaitForExitAsync(Timeouts.Step));
        Assert.Equal(SignatureScheme.RsaPssPssSha256, ours.LocalScheme);
        Assert.Equal(SignatureScheme.RsaPssPssSha256, h.Trace().CertificateVerifyScheme(sent: false));
    }

    /// <summary>ECDSA schemes are bound to the curve in TLS 1.3: a P-256 key signs with ecdsa_secp256r1_sha256 even when the client prefers P-384's.</summary>
    [SkippableFact]
    public async Task OurP256ServerUsesTheCurveBoundSchemeWhateverTheOrder()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Client(KeyType.P256);
        await using var h = new EngineServerHarness(pki.NewTraceFile("sigalg-curve"));
        var sClient = h.StartClient(
        [
            "-CAfile", pki.Ca(KeyType.P256), "-verify_return_error", "-servername", "localhost", "-cert", cert, "-key", key,
            "-sigalgs", "ecdsa_secp384r1_sha384:ecdsa_secp256r1_sha256",
        ]);
        var tls = await h.AcceptAsync(EngineOptions.Server(pki, KeyType.P256, KeyType.P256), cts.Token);
        var ours = EngineView.From(tls.Connection);
        await Exchange.PingPongAsync(tls, sClient, "sigalg-curve", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));

        Assert.Equal(SignatureScheme.EcdsaSecp256r1Sha256, ours.LocalScheme);
        Assert.Equal(SignatureScheme.EcdsaSecp256r1Sha256, h.Trace().CertificateVerifyScheme(sent: false));
    }
}
