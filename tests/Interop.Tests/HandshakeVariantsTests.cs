using TlsEngine.Crypto;
using TlsEngine.Interop.Tests.Infrastructure;

namespace TlsEngine.Interop.Tests;

/// <summary>Handshake shapes openssl produces or accepts besides the default one.</summary>
[Collection(InteropCollection.Name)]
public sealed class HandshakeVariantsTests(PkiFixture pki)
{
    /// <summary>s_client -no_middlebox: empty legacy_session_id and no ChangeCipherSpec.</summary>
    [SkippableFact]
    public async Task OurServerAcceptsOpenSslClientWithoutMiddleboxCompatibility()
    {
        ExternalTool.Require("openssl");
        var (ours, trace, output) = await OurServerAsync("no-middlebox", ["-no_middlebox"]);
        Assert.Equal(KeyType.P256.ClientSpiffeId(), ours.Peer?.SpiffeId);
        Assert.DoesNotContain(trace.Records, r => r.Sent && r.ContentType == 20);
        Assert.True(new OpenSslOutput(output).VerificationOk);
    }

    [SkippableFact]
    public async Task OurClientWithoutMiddleboxCompatibilityIsAcceptedByOpenSslServer()
    {
        ExternalTool.Require("openssl");
        var (ours, trace, _) = await OurClientAsync("client-no-middlebox", [], o => o.MiddleboxCompatibility = false);
        Assert.Contains("localhost", ours.Peer!.DnsNames);
        Assert.DoesNotContain(trace.Records, r => !r.Sent && r.ContentType == 20);
    }

    /// <summary>s_client's only key share is for P-521, which we do not implement: we must ask again for one we do.</summary>
    [SkippableFact]
    public async Task OurServerRetriesWhenTheOnlyKeyShareIsForAnUnsupportedGroup()
    {
        ExternalTool.Require("openssl");
        var (ours, trace, output) = await OurServerAsync("p521-share", ["-groups", "P-521:P-256"]);
        Assert.True(ours.HelloRetried);
        Assert.Equal(NamedGroup.Secp256r1, ours.Group);
        Assert.Equal([NamedGroup.Secp521r1], trace.KeyShareGroups(sent: true, 0));
        Assert.Equal(NamedGroup.Secp256r1, new OpenSslOutput(output).ServerTempKeyGroup);
    }

    /// <summary>Two key shares in the first ClientHello: s_server takes the one for its group, no HelloRetryRequest.</summary>
    [SkippableFact]
    public async Task OurClientOfferingTwoKeySharesAvoidsHelloRetry()
    {
        ExternalTool.Require("openssl");
        var (ours, trace, _) = await OurClientAsync("two-shares", ["-groups", "P-256"], o =>
        {
            o.Groups = [NamedGroup.X25519, NamedGroup.Secp256r1];
            o.KeyShareGroups = [NamedGroup.X25519, NamedGroup.Secp256r1];
        });
        Assert.False(ours.HelloRetried);
        Assert.Equal(NamedGroup.Secp256r1, ours.Group);
        Assert.Equal(1, trace.ClientHelloCount(sent: false));
        Assert.Equal([NamedGroup.X25519, NamedGroup.Secp256r1], trace.KeyShareGroups(sent: false, 0));
    }

    /// <summary>An IP address as the expected server name: no SNI (RFC 6066 §3), matched against the iPAddress SAN.</summary>
    [SkippableFact]
    public async Task OurClientVerifiesAnIpAddressWithoutSendingSni()
    {
        ExternalTool.Require("openssl");
        var (ours, trace, _) = await OurClientAsync("ip-name", [], o => o.ServerName = "127.0.0.1");
        Assert.Contains(System.Net.IPAddress.Loopback, ours.Peer!.IpAddresses);
        Assert.False(trace.ClientHelloHasExtension(sent: false, 0, "server_name"), "our ClientHello carried SNI for an IP address");
    }

    /// <summary>s_client ends first (close_notify at the end of its input): our read ends cleanly and we answer.</summary>
    [SkippableFact]
    public async Task OpenSslClientClosingFirstEndsOurStreamCleanly()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Client(KeyType.P256);
        await using var h = new EngineServerHarness(pki.NewTraceFile("peer-closes"));
        var sClient = h.StartClient(["-CAfile", pki.Ca(KeyType.P256), "-verify_return_error", "-servername", "localhost", "-cert", cert, "-key", key]);
        var tls = await h.AcceptAsync(EngineOptions.Server(pki, KeyType.P256, KeyType.P256), cts.Token);
        await Exchange.PingPongAsync(tls, sClient, "peer-closes", cts.Token);

        sClient.CloseStdin();
        var buffer = new byte[256];
        Assert.Equal(0, await tls.ReadAsync(buffer, cts.Token));
        Assert.True(tls.Connection.PeerClosed, "the stream ended without the peer's close_notify being recorded");
        Assert.False(tls.ClosedWithoutCloseNotify);
        // AnswerCloseNotify (default true): we answered at once. (s_client drains our answer from the raw socket, so
        // its trace cannot show it.)
        Assert.True(tls.Connection.LocalClosed, "our side did not answer close_notify");
        await tls.DisposeAsync();
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));
        Assert.Contains(h.Trace().ProtectedRecords(sent: true), r => r.InnerContentType == 21); // s_client's close_notify
    }

    private async Task<(EngineView Ours, OpenSslTrace Trace, string Output)> OurServerAsync(string tag, string[] clientArgs)
    {
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Client(KeyType.P256);
        await using var h = new EngineServerHarness(pki.NewTraceFile(tag));
        var sClient = h.StartClient(["-CAfile", pki.Ca(KeyType.P256), "-verify_return_error", "-servername", "localhost", "-cert", cert, "-key", key, .. clientArgs]);
        var tls = await h.AcceptAsync(EngineOptions.Server(pki, KeyType.P256, KeyType.P256), cts.Token);
        var ours = EngineView.From(tls.Connection);
        await Exchange.PingPongAsync(tls, sClient, tag, cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));
        return (ours, h.Trace(), sClient.Output);
    }

    private async Task<(EngineView Ours, OpenSslTrace Trace, string Output)> OurClientAsync(string tag, string[] serverArgs, Action<TlsClientOptions> configure)
    {
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Server(KeyType.P256);
        await using var h = await OpenSslServerHarness.StartAsync(
            ["-cert", cert, "-key", key, "-CAfile", pki.Ca(KeyType.P256), "-Verify", "1", "-verify_return_error", .. serverArgs], pki.NewTraceFile(tag));
        var options = EngineOptions.Client(pki, KeyType.P256, KeyType.P256);
        configure(options);
        var tls = await h.ConnectAsync(options, cts.Token);
        var ours = EngineView.From(tls.Connection);
        await Exchange.PingPongAsync(tls, h.Server, tag, cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await h.Server.WaitForExitAsync(Timeouts.Step));
        return (ours, h.Trace(), h.Server.Output);
    }
}
