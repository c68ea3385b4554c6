using TlsEngine.Interop.Tests.Infrastructure;

namespace TlsEngine.Interop.Tests;

/// <summary>
/// Our server does not resume sessions. An openssl client that offers a ticket from another (openssl) server, with 0-RTT
/// data, must get a full handshake with certificates: the PSK ignored (RFC 8446 §4.2.11), early data rejected and its
/// records skipped (§4.2.10), none of it delivered to the application.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class ResumptionAttemptTests(PkiFixture pki)
{
    [SkippableFact]
    public async Task OurServerIgnoresForeignTicketAndSkipsEarlyData()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var session = await ObtainOpenSslSessionAsync();
        var earlyFile = pki.NewTraceFile("early-data");
        await File.WriteAllTextAsync(earlyFile, "early-data-must-not-arrive\n", cts.Token);

        var (cert, key) = pki.Client(KeyType.P256);
        await using var h = new EngineServerHarness(pki.NewTraceFile("resume"));
        var sClient = h.StartClient(
        [
            "-CAfile", pki.Ca(KeyType.P256), "-verify_return_error", "-servername", "localhost", "-cert", cert, "-key", key,
            "-sess_in", session, "-early_data", earlyFile,
        ]);
        var tls = await h.AcceptAsync(EngineOptions.Server(pki, KeyType.P256, KeyType.P256), cts.Token);
        var ours = EngineView.From(tls.Connection);
        await tls.WriteAsync("from-tlsengine-resume\n"u8.ToArray(), cts.Token);
        await sClient.WaitForTextAsync("from-tlsengine-resume", Timeouts.Step);
        await sClient.WriteAsync("from-openssl-resume\n");
        var received = await Exchange.ReadUntilAsync(tls, "from-openssl-resume", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));

        var trace = h.Trace();
        Assert.True(trace.ClientHelloHasExtension(sent: true, 0, "psk"), "s_client did not offer the ticket: the test proves nothing");
        Assert.True(trace.ClientHelloHasExtension(sent: true, 0, "early_data"), "s_client did not announce early data: the test proves nothing");
        Assert.Contains("Early data was rejected", sClient.Output, StringComparison.Ordinal);
        Assert.Contains("New, TLSv1.3", sClient.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("early-data-must-not-arrive", received, StringComparison.Ordinal);
        Assert.Equal(KeyType.P256.ClientSpiffeId(), ours.Peer?.SpiffeId);
    }

    /// <summary>A session (with max_early_data) from openssl s_server -early_data, saved by s_client -sess_out.</summary>
    private async Task<string> ObtainOpenSslSessionAsync()
    {
        var sessionFile = pki.NewTraceFile("session") + ".pem";
        var (cert, key) = pki.Server(KeyType.P256);
        await using var issuer = await OpenSslServerHarness.StartAsync(["-cert", cert, "-key", key, "-early_data"], pki.NewTraceFile("issuer"));
        await using var first = OpenSslProcess.StartOpenSsl(
        [
            "s_client", "-connect", $"127.0.0.1:{issuer.Port}", "-tls1_3", "-CAfile", pki.Ca(KeyType.P256), "-servername", "localhost",
            "-sess_out", sessionFile,
        ]);
        // s_client reports the ticket through buffered stdio; data from s_server (written unbuffered) arrives after it.
        await issuer.Server.WriteAsync("ticket-sync\n");
        await first.WaitForTextAsync("ticket-sync", Timeouts.Step);
        first.CloseStdin();
        await first.WaitForExitAsync(Timeouts.Step);
        Assert.True(File.Exists(sessionFile), $"s_client saved no session:\n{OpenSslProcess.Tail(first.Output)}");
        return sessionFile;
    }
}
