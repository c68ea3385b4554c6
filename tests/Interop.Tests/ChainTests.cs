using TlsEngine.Interop.Tests.Infrastructure;

namespace TlsEngine.Interop.Tests;

/// <summary>Certificate chains with an intermediate CA, sent and validated in both directions.</summary>
[Collection(InteropCollection.Name)]
public sealed class ChainTests(PkiFixture pki)
{
    [SkippableFact]
    public async Task IntermediatesFlowBothWaysBetweenOurServerAndOpenSslClient()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (serverChain, serverKey) = pki.Named("server-chained");
        var (clientChain, clientKey) = pki.Named("client-chained");
        await using var h = new EngineServerHarness(pki.NewTraceFile("chain-server"));
        var sClient = h.StartClient(
        [
            "-CAfile", pki.Ca(KeyType.P256), "-verify_return_error", "-servername", "localhost", "-verify_hostname", "localhost",
            "-cert", clientChain, "-key", clientKey, "-cert_chain", pki.File("intermediate-ca.pem"),
        ]);
        var tls = await h.AcceptAsync(EngineOptions.Server(serverChain, serverKey, pki.Ca(KeyType.P256)), cts.Token);
        var ours = EngineView.From(tls.Connection);
        await Exchange.PingPongAsync(tls, sClient, "chain-server", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));

        var theirs = new OpenSslOutput(sClient.Output);
        Assert.True(theirs.VerificationOk && theirs.VerifyReturnCodeZero, sClient.Output);
        Assert.Contains(" 1 s:CN = Interop Intermediate CA", sClient.Output, StringComparison.Ordinal); // we sent the intermediate
        Assert.Equal("spiffe://interop.test/client-chained", ours.Peer?.SpiffeId);
        Assert.Equal(3, ours.Peer?.Chain.Count); // leaf, intermediate, anchor
    }

    [SkippableFact]
    public async Task IntermediatesFlowBothWaysBetweenOurClientAndOpenSslServer()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (serverChain, serverKey) = pki.Named("server-chained");
        var (clientChain, clientKey) = pki.Named("client-chained");
        await using var h = await OpenSslServerHarness.StartAsync(
        [
            "-cert", serverChain, "-key", serverKey, "-cert_chain", pki.File("intermediate-ca.pem"),
            "-CAfile", pki.Ca(KeyType.P256), "-Verify", "2", "-verify_return_error",
        ], pki.NewTraceFile("chain-client"));
        var tls = await h.ConnectAsync(EngineOptions.Client(clientChain, clientKey, pki.Ca(KeyType.P256)), cts.Token);
        var ours = EngineView.From(tls.Connection);
        await Exchange.PingPongAsync(tls, h.Server, "chain-client", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await h.Server.WaitForExitAsync(Timeouts.Step));

        Assert.Equal("CN = client-chained", new OpenSslOutput(h.Server.Output).Subject);
        Assert.Contains("depth=1 CN = Interop Intermediate CA", h.Server.Output, StringComparison.Ordinal);
        Assert.Equal(3, ours.Peer?.Chain.Count);
        Assert.Contains("localhost", ours.Peer!.DnsNames);
    }
}
