using TlsEngine.Interop.Tests.Infrastructure;
using TlsEngine.Record;
using TlsEngine.X509;

namespace TlsEngine.Interop.Tests.Revocation;

/// <summary>
/// Revocation against real components: `openssl ocsp` answering our OCSP client (GET and POST, with a nonce), our
/// server stapling what it fetched to `openssl s_client -status`, our client refusing stale and wrongly signed staples
/// from `openssl s_server -status_file`, and our server refusing a revoked client certificate found on the CRL it
/// fetched from the distribution point.
/// </summary>
public sealed class OcspResponderTests(OcspResponderFixture ocsp) : IClassFixture<OcspResponderFixture>
{
    private static Certificate Load(string path) => CertificateLoader.LoadFile(path)[0];

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OcspClientGetsGoodFromOpenSslResponder(bool get)
    {
        await ocsp.EnsureStartedAsync();
        using var client = new OcspClient { PreferGet = get };
        var result = await client.FetchAsync(Load(ocsp.File("server-good.pem")), Load(ocsp.File("ca.pem")));
        Assert.Equal(OcspCertStatus.Good, result.Check.Status);
        Assert.Equal("CN=responder", result.Check.Responder);
        // The responder echoed our nonce (OcspClient refuses a response that does not).
        Assert.NotNull(result.Check.Response!.Nonce);
    }

    [SkippableFact]
    public async Task OcspClientGetsRevokedWithItsReason()
    {
        await ocsp.EnsureStartedAsync();
        using var client = new OcspClient();
        var result = await client.FetchAsync(Load(ocsp.File("server-revoked.pem")), Load(ocsp.File("ca.pem")));
        Assert.Equal(OcspCertStatus.Revoked, result.Check.Status);
        Assert.Equal(CrlReason.KeyCompromise, result.Check.Single!.RevocationReason);
    }

    [SkippableFact]
    public async Task OurServerStaplesWhatItFetchedToOpenSslClient()
    {
        await ocsp.EnsureStartedAsync();
        using var cts = Timeouts.ForCase();
        var options = EngineOptions.Server(ocsp.File("server-good-chain.pem"), ocsp.File("server-good.key"), ocsp.File("ca.pem"));
        options.ClientAuthentication = ClientAuthenticationMode.None;
        using var client = new OcspClient();
        await using var stapler = new OcspStapler(options.Certificate!, client);
        await stapler.StartAsync(cts.Token);
        options.OcspStaple = stapler;

        await using var h = new EngineServerHarness(Path.Combine(Path.GetTempPath(), $"ocsp-staple-{Guid.NewGuid():N}.trace"));
        var sClient = h.StartClient(["-CAfile", ocsp.File("ca.pem"), "-verify_return_error", "-servername", "localhost", "-status"]);
        var tls = await h.AcceptAsync(options, cts.Token);
        await Exchange.PingPongAsync(tls, sClient, "ocsp-fetch", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));
        Assert.Contains("OCSP Response Status: successful", sClient.Output, StringComparison.Ordinal);
        Assert.Contains("Cert Status: good", sClient.Output, StringComparison.Ordinal);
        Assert.Contains("Responder Id: CN = responder", sClient.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task OurClientRefusesAStapleThatHasExpired()
    {
        await ocsp.EnsureStartedAsync();
        var staple = FetchWithOpenSsl("server-good", "ca");
        // Two days on, the one-day response is past its nextUpdate.
        var (ours, theirs) = await OurClientAgainstStapleAsync(staple, DateTimeOffset.UtcNow.AddDays(2));
        AlertExpectations.RaisedLocally(AlertDescription.BadCertificateStatusResponse, ours, theirs);
        Assert.Contains("nextUpdate", ours!.Message);
        AlertExpectations.OpenSslReceived(AlertDescription.BadCertificateStatusResponse, new OpenSslOutput(theirs));
    }

    [SkippableFact]
    public async Task OurClientRefusesAStapleSignedByTheWrongKey()
    {
        await ocsp.EnsureStartedAsync();
        var staple = FetchWithOpenSsl("server-good", "other-ca");
        var (ours, theirs) = await OurClientAgainstStapleAsync(staple, null);
        AlertExpectations.RaisedLocally(AlertDescription.BadCertificateStatusResponse, ours, theirs);
        AlertExpectations.OpenSslReceived(AlertDescription.BadCertificateStatusResponse, new OpenSslOutput(theirs));
    }

    [SkippableFact]
    public async Task OurServerRefusesARevokedClientFoundOnTheFetchedCrl()
    {
        await ocsp.EnsureStartedAsync();
        using var cts = Timeouts.ForCase();
        await using var crls = new CrlCache().AddUrl(ocsp.CrlUrl);
        await crls.StartAsync(cts.Token);
        var options = EngineOptions.Server(ocsp.File("server-good-chain.pem"), ocsp.File("server-good.key"), ocsp.File("ca.pem"));
        options.Revocation.Crls = crls;

        await using var h = new EngineServerHarness(Path.Combine(Path.GetTempPath(), $"crl-{Guid.NewGuid():N}.trace"));
        var sClient = h.StartClient(["-CAfile", ocsp.File("ca.pem"), "-verify_return_error", "-servername", "localhost",
            "-cert", ocsp.File("client-revoked.pem"), "-key", ocsp.File("client-revoked.key")]);
        TlsAlertException? ours = null;
        try
        {
            await h.AcceptAsync(options, cts.Token);
        }
        catch (TlsAlertException e)
        {
            ours = e;
        }
        await sClient.WaitForExitAsync(Timeouts.Step);
        AlertExpectations.RaisedLocally(AlertDescription.CertificateRevoked, ours, sClient.Output);
        AlertExpectations.OpenSslReceived(AlertDescription.CertificateRevoked, new OpenSslOutput(sClient.Output));
    }

    /// <summary>Asks the responder with `openssl ocsp`, signing with <paramref name="signer"/> through an index of its own when it is not the real responder.</summary>
    private string FetchWithOpenSsl(string leaf, string signer)
    {
        var output = Path.Combine(Path.GetTempPath(), $"staple-{Guid.NewGuid():N}.der");
        if (signer == "ca")
        {
            var url = RevocationInfo.OcspResponders(Load(ocsp.File($"{leaf}.pem")))[0].AbsoluteUri;
            ExternalTool.Run("openssl", ["ocsp", "-issuer", ocsp.File("ca.pem"), "-cert", ocsp.File($"{leaf}.pem"), "-url", url, "-respout", output, "-noverify"]);
        }
        else
        {
            // A response for our certificate signed by an unrelated CA's key.
            ExternalTool.Run("openssl", ["ocsp", "-index", ocsp.File("index.txt"), "-rsigner", ocsp.File($"{signer}.pem"), "-rkey", ocsp.File($"{signer}.key"),
                "-CA", ocsp.File("ca.pem"), "-issuer", ocsp.File("ca.pem"), "-cert", ocsp.File($"{leaf}.pem"), "-ndays", "1", "-respout", output]);
        }
        return output;
    }

    private async Task<(TlsAlertException? Ours, string Theirs)> OurClientAgainstStapleAsync(string stapleFile, DateTimeOffset? now)
    {
        using var cts = Timeouts.ForCase();
        await using var h = await OpenSslServerHarness.StartAsync(
            ["-cert", ocsp.File("server-good.pem"), "-key", ocsp.File("server-good.key"), "-status_file", stapleFile],
            Path.Combine(Path.GetTempPath(), $"staple-client-{Guid.NewGuid():N}.trace"));
        var options = EngineOptions.Client(null, null, ocsp.File("ca.pem"));
        options.Revocation.Ocsp = OcspPolicy.SoftFail;
        if (now is { } at) options.TimeProvider = new FixedClock(at);
        TlsAlertException? ours = null;
        try
        {
            var tls = await h.ConnectAsync(options, cts.Token);
            await Exchange.CloseAsync(tls, cts.Token);
        }
        catch (TlsAlertException e)
        {
            ours = e;
        }
        await h.Server.WaitForExitAsync(Timeouts.Step);
        File.Delete(stapleFile);
        return (ours, h.Server.Output);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
