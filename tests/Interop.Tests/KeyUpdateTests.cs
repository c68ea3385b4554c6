using TlsEngine.Interop.Tests.Infrastructure;

namespace TlsEngine.Interop.Tests;

/// <summary>
/// KeyUpdate (RFC 8446 §4.6.3) both ways. After an update_requested KeyUpdate the receiver must answer with its own
/// (update_not_requested) before sending more data; data must flow both ways under the new keys afterwards.
/// openssl's -trace shows which KeyUpdate messages crossed the wire.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class KeyUpdateTests(PkiFixture pki)
{
    [SkippableFact]
    public async Task OurServerUpdatesKeysAndOpenSslClientAnswers()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        await using var h = new EngineServerHarness(pki.NewTraceFile("ku-our-server"));
        var sClient = StartClient(h);
        var tls = await h.AcceptAsync(EngineOptions.Server(pki, KeyType.P256, KeyType.P256), cts.Token);

        await Exchange.PingPongAsync(tls, sClient, "before", cts.Token);
        await tls.UpdateKeysAsync(requestPeer: true, cts.Token);
        await Exchange.PingPongAsync(tls, sClient, "after", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));

        var trace = h.Trace();
        Assert.Equal([true], trace.KeyUpdates(sent: false));
        Assert.Equal([false], trace.KeyUpdates(sent: true));
    }

    [SkippableFact]
    public async Task OurClientUpdatesKeysAndOpenSslServerAnswers()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        await using var h = await StartServerAsync("ku-our-client");
        var tls = await h.ConnectAsync(EngineOptions.Client(pki, KeyType.P256, KeyType.P256), cts.Token);

        await Exchange.PingPongAsync(tls, h.Server, "before", cts.Token);
        await tls.UpdateKeysAsync(requestPeer: true, cts.Token);
        await Exchange.PingPongAsync(tls, h.Server, "after", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await h.Server.WaitForExitAsync(Timeouts.Step));

        var trace = h.Trace();
        Assert.Equal([true], trace.KeyUpdates(sent: false));
        Assert.Equal([false], trace.KeyUpdates(sent: true));
    }

    /// <summary>s_client's connected command 'K' sends update_requested, 'k' update_not_requested.</summary>
    [SkippableTheory]
    [InlineData("K")]
    [InlineData("k")]
    public async Task OpenSslClientUpdatesKeysAndOurServerFollows(string command)
    {
        ExternalTool.Require("openssl");
        bool requested = command == "K";
        using var cts = Timeouts.ForCase();
        await using var h = new EngineServerHarness(pki.NewTraceFile("ku-openssl-client"));
        var sClient = StartClient(h);
        var tls = await h.AcceptAsync(EngineOptions.Server(pki, KeyType.P256, KeyType.P256), cts.Token);

        await Exchange.PingPongAsync(tls, sClient, "before", cts.Token);
        await sClient.WriteAsync(command + "\n");
        await sClient.WaitForTextAsync("KEYUPDATE", Timeouts.Step);
        // s_client sends the KeyUpdate with its next record, so openssl writes first.
        await Exchange.PongPingAsync(tls, sClient, "after", cts.Token);
        await Exchange.PingPongAsync(tls, sClient, "again", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));

        var trace = h.Trace();
        Assert.Equal([requested], trace.KeyUpdates(sent: true));
        Assert.Equal(requested ? [false] : [], trace.KeyUpdates(sent: false));
    }

    /// <summary>s_server's connected command 'K' sends update_requested, 'k' update_not_requested.</summary>
    [SkippableTheory]
    [InlineData("K")]
    [InlineData("k")]
    public async Task OpenSslServerUpdatesKeysAndOurClientFollows(string command)
    {
        ExternalTool.Require("openssl");
        bool requested = command == "K";
        using var cts = Timeouts.ForCase();
        await using var h = await StartServerAsync("ku-openssl-server");
        var tls = await h.ConnectAsync(EngineOptions.Client(pki, KeyType.P256, KeyType.P256), cts.Token);

        await Exchange.PingPongAsync(tls, h.Server, "before", cts.Token);
        // s_server sends the KeyUpdate at once but reports it only through buffered stdio. Keep a read pending so our
        // client processes the record, and wait for its bytes on the socket before writing more to s_server's stdin
        // (a command and data in one read of stdin would be taken as one command).
        long mark = h.Transport!.BytesRead;
        var reading = Exchange.ReadUntilAsync(tls, "from-openssl-after", cts.Token);
        await h.Server.WriteAsync(command + "\n");
        await h.Transport.WaitForBytesBeyondAsync(mark, Timeouts.Step);
        await h.Server.WriteAsync("from-openssl-after\n");
        await reading;
        await tls.WriteAsync("from-tlsengine-after\n"u8.ToArray(), cts.Token);
        await h.Server.WaitForTextAsync("from-tlsengine-after", Timeouts.Step);
        await Exchange.PingPongAsync(tls, h.Server, "again", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await h.Server.WaitForExitAsync(Timeouts.Step));

        var trace = h.Trace();
        Assert.Equal([requested], trace.KeyUpdates(sent: true));
        Assert.Equal(requested ? [false] : [], trace.KeyUpdates(sent: false));
    }

    private OpenSslProcess StartClient(EngineServerHarness h)
    {
        var (cert, key) = pki.Client(KeyType.P256);
        return h.StartClient(["-CAfile", pki.Ca(KeyType.P256), "-verify_return_error", "-servername", "localhost", "-cert", cert, "-key", key]);
    }

    private Task<OpenSslServerHarness> StartServerAsync(string tag)
    {
        var (cert, key) = pki.Server(KeyType.P256);
        return OpenSslServerHarness.StartAsync(
            ["-cert", cert, "-key", key, "-CAfile", pki.Ca(KeyType.P256), "-Verify", "1", "-verify_return_error"], pki.NewTraceFile(tag));
    }
}
