using TlsEngine.Interop.Tests.Infrastructure;
using TlsEngine.Record;

namespace TlsEngine.Interop.Tests;

/// <summary>ALPN (RFC 7301) with openssl on the other end: the server chooses; no overlap is no_application_protocol.</summary>
[Collection(InteropCollection.Name)]
public sealed class AlpnTests(PkiFixture pki)
{
    [SkippableFact]
    public async Task OurServerChoosesFromOpenSslClientsProtocols()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        await using var h = new EngineServerHarness(pki.NewTraceFile("alpn-server"));
        var sClient = StartClient(h, "h2,http/1.1");
        var options = EngineOptions.Server(pki, KeyType.P256, KeyType.P256);
        options.ApplicationProtocols = ["http/1.1", "h2"];
        var tls = await h.AcceptAsync(options, cts.Token);
        var protocol = tls.Connection.ApplicationProtocol;
        await Exchange.PingPongAsync(tls, sClient, "alpn-server", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));

        Assert.Equal("http/1.1", protocol); // our preference order wins among what the client offers
        Assert.Contains("ALPN protocol: http/1.1", sClient.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task OurClientAcceptsOpenSslServersChoice()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Server(KeyType.P256);
        await using var h = await OpenSslServerHarness.StartAsync(
            ["-cert", cert, "-key", key, "-CAfile", pki.Ca(KeyType.P256), "-Verify", "1", "-verify_return_error", "-alpn", "http/1.1"],
            pki.NewTraceFile("alpn-client"));
        var options = EngineOptions.Client(pki, KeyType.P256, KeyType.P256);
        options.ApplicationProtocols = ["h2", "http/1.1"];
        var tls = await h.ConnectAsync(options, cts.Token);
        var protocol = tls.Connection.ApplicationProtocol;
        await Exchange.PingPongAsync(tls, h.Server, "alpn-client", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await h.Server.WaitForExitAsync(Timeouts.Step));

        Assert.Equal("http/1.1", protocol);
        Assert.Contains("ALPN protocols selected: http/1.1", h.Server.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task NoCommonProtocolIsNoApplicationProtocol()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        await using var h = new EngineServerHarness(pki.NewTraceFile("alpn-none"));
        var sClient = StartClient(h, "h2");
        var options = EngineOptions.Server(pki, KeyType.P256, KeyType.P256);
        options.ApplicationProtocols = ["http/1.1"];
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

        AlertExpectations.RaisedLocally(AlertDescription.NoApplicationProtocol, ours, $"s_client output:\n{OpenSslProcess.Tail(sClient.Output)}");
        AlertExpectations.OpenSslReceived(AlertDescription.NoApplicationProtocol, new OpenSslOutput(sClient.Output));
    }

    private OpenSslProcess StartClient(EngineServerHarness h, string alpn)
    {
        var (cert, key) = pki.Client(KeyType.P256);
        return h.StartClient(["-CAfile", pki.Ca(KeyType.P256), "-verify_return_error", "-servername", "localhost", "-cert", cert, "-key", key, "-alpn", alpn]);
    }
}
