using TlsEngine.Interop.Tests.Infrastructure;
using TlsEngine.Record;

namespace TlsEngine.Interop.Tests;

/// <summary>
/// OCSP stapling in TLS 1.3 (RFC 8446 §4.4.2.1: the staple rides in the leaf's CertificateEntry) with openssl on the
/// other end: s_server -status_file staples the responses gen-certs.sh made with `openssl ocsp`; s_client -status shows ours.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class OcspStaplingTests(PkiFixture pki)
{
    [SkippableFact]
    public async Task GoodStapleFromOpenSslServerSatisfiesRequirePolicy()
    {
        ExternalTool.Require("openssl");
        var (ours, _) = await OurClientAsync("ocsp-server-p256-good.der");
        Assert.Null(ours);
    }

    [SkippableFact]
    public async Task RevokedStapleFromOpenSslServerIsCertificateRevoked()
    {
        ExternalTool.Require("openssl");
        var (ours, server) = await OurClientAsync("ocsp-server-p256-revoked.der");
        AlertExpectations.RaisedLocally(AlertDescription.CertificateRevoked, ours, $"s_server output:\n{OpenSslProcess.Tail(server)}");
        AlertExpectations.OpenSslReceived(AlertDescription.CertificateRevoked, new OpenSslOutput(server));
    }

    [SkippableFact]
    public async Task MissingStapleUnderRequirePolicyIsBadCertificateStatusResponse()
    {
        ExternalTool.Require("openssl");
        var (ours, server) = await OurClientAsync(null);
        AlertExpectations.RaisedLocally(AlertDescription.BadCertificateStatusResponse, ours, $"s_server output:\n{OpenSslProcess.Tail(server)}");
        AlertExpectations.OpenSslReceived(AlertDescription.BadCertificateStatusResponse, new OpenSslOutput(server));
    }

    [SkippableFact]
    public async Task OpenSslClientReceivesOurStaple()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Client(KeyType.P256);
        await using var h = new EngineServerHarness(pki.NewTraceFile("ocsp-our-server"));
        var sClient = h.StartClient(["-CAfile", pki.Ca(KeyType.P256), "-verify_return_error", "-servername", "localhost", "-cert", cert, "-key", key, "-status"]);
        var options = EngineOptions.Server(pki, KeyType.P256, KeyType.P256);
        options.OcspStaple = OcspStaple.FromFile(pki.File("ocsp-server-p256-good.der"));
        var tls = await h.AcceptAsync(options, cts.Token);
        await Exchange.PingPongAsync(tls, sClient, "ocsp", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));

        Assert.Contains("OCSP Response Status: successful", sClient.Output, StringComparison.Ordinal);
        Assert.Contains("Cert Status: good", sClient.Output, StringComparison.Ordinal);
    }

    private async Task<(TlsAlertException? Ours, string ServerOutput)> OurClientAsync(string? statusFile)
    {
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Server(KeyType.P256);
        var args = new List<string> { "-cert", cert, "-key", key, "-CAfile", pki.Ca(KeyType.P256), "-Verify", "1", "-verify_return_error" };
        if (statusFile is not null) args.AddRange(["-status_file", pki.File(statusFile)]);
        await using var h = await OpenSslServerHarness.StartAsync(args, pki.NewTraceFile("ocsp-our-client"));
        var options = EngineOptions.Client(pki, KeyType.P256, KeyType.P256);
        options.Revocation.Ocsp = OcspPolicy.Require;
        TlsAlertException? alert = null;
        try
        {
            var tls = await h.ConnectAsync(options, cts.Token);
            await Exchange.PingPongAsync(tls, h.Server, "ocsp", cts.Token);
            await Exchange.CloseAsync(tls, cts.Token);
        }
        catch (TlsAlertException e)
        {
            alert = e;
        }
        await h.Server.WaitForExitAsync(Timeouts.Step);
        return (alert, h.Server.Output);
    }
}
