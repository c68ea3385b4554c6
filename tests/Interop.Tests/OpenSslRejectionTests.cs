using TlsEngine.Interop.Tests.Infrastructure;
using TlsEngine.Record;

namespace TlsEngine.Interop.Tests;

/// <summary>
/// The other way round: openssl (with -verify_return_error) refusing our certificates. Our engine must surface the alert
/// openssl sent as a TlsAlertException with ReceivedFromPeer and the same description.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class OpenSslRejectionTests(PkiFixture pki)
{
    [SkippableFact]
    public async Task OpenSslClientRefusingOurServerCertificateReachesOurServerAsUnknownCa()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (clientCert, clientKey) = pki.Client(KeyType.P256);
        var (serverCert, serverKey) = pki.Named("server-untrusted");
        await using var h = new EngineServerHarness(pki.NewTraceFile("openssl-refuses-server"));
        var sClient = h.StartClient(["-CAfile", pki.Ca(KeyType.P256), "-verify_return_error", "-servername", "localhost", "-cert", clientCert, "-key", clientKey]);

        TlsAlertException? ours = null;
        try
        {
            await h.AcceptAsync(EngineOptions.Server(serverCert, serverKey, pki.Ca(KeyType.P256)), cts.Token);
        }
        catch (TlsAlertException e)
        {
            ours = e;
        }
        await sClient.WaitForExitAsync(Timeouts.Step);

        AlertExpectations.ReceivedFromPeer(AlertDescription.UnknownCa, ours, $"s_client output:\n{OpenSslProcess.Tail(sClient.Output)}");
        Assert.Contains("Verify return code: 20", sClient.Output, StringComparison.Ordinal); // unable to get local issuer certificate
    }

    [SkippableFact]
    public async Task OpenSslServerRefusingOurClientCertificateReachesOurClientAsUnknownCa()
    {
        ExternalTool.Require("openssl");
        var (cert, key) = pki.Named("client-untrusted");
        var (ours, server) = await OurClientAgainstStrictServerAsync(cert, key);
        AlertExpectations.ReceivedFromPeer(AlertDescription.UnknownCa, ours, $"s_server output:\n{OpenSslProcess.Tail(server)}");
    }

    [SkippableFact]
    public async Task OpenSslServerRequiringACertificateFromOurCertificatelessClientSendsCertificateRequired()
    {
        ExternalTool.Require("openssl");
        var (ours, server) = await OurClientAgainstStrictServerAsync(null, null);
        AlertExpectations.ReceivedFromPeer(AlertDescription.CertificateRequired, ours, $"s_server output:\n{OpenSslProcess.Tail(server)}");
    }

    /// <summary>
    /// In TLS 1.3 our client completes its handshake before s_server judges the client certificate, so the alert may
    /// arrive during ConnectAsync or at the first read: both count.
    /// </summary>
    private async Task<(TlsAlertException? Alert, string ServerOutput)> OurClientAgainstStrictServerAsync(string? cert, string? key)
    {
        using var cts = Timeouts.ForCase();
        var (serverCert, serverKey) = pki.Server(KeyType.P256);
        await using var h = await OpenSslServerHarness.StartAsync(
            ["-cert", serverCert, "-key", serverKey, "-CAfile", pki.Ca(KeyType.P256), "-Verify", "1", "-verify_return_error"],
            pki.NewTraceFile("openssl-refuses-client"));
        TlsAlertException? alert = null;
        try
        {
            var tls = await h.ConnectAsync(EngineOptions.Client(cert, key, pki.Ca(KeyType.P256)), cts.Token);
            await Exchange.ReadUntilAsync(tls, "never sent", cts.Token);
        }
        catch (TlsAlertException e)
        {
            alert = e;
        }
        await h.Server.WaitForExitAsync(Timeouts.Step);
        return (alert, h.Server.Output);
    }
}
