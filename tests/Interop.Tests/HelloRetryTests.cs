using TlsEngine.Crypto;
using TlsEngine.Interop.Tests.Infrastructure;

namespace TlsEngine.Interop.Tests;

/// <summary>HelloRetryRequest (RFC 8446 §4.1.4) in both directions: the first key share is for a group the server refuses.</summary>
[Collection(InteropCollection.Name)]
public sealed class HelloRetryTests(PkiFixture pki)
{
    [SkippableFact]
    public async Task OurClientRetriesWithP384WhenOpenSslServerRefusesX25519()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Server(KeyType.P256);
        await using var h = await OpenSslServerHarness.StartAsync(
            ["-cert", cert, "-key", key, "-CAfile", pki.Ca(KeyType.P256), "-Verify", "1", "-verify_return_error", "-groups", "P-384"],
            pki.NewTraceFile("hrr-client"));
        var options = EngineOptions.Client(pki, KeyType.P256, KeyType.P256);
        options.Groups = [NamedGroup.X25519, NamedGroup.Secp256r1, NamedGroup.Secp384r1];
        options.KeyShareGroups = [NamedGroup.X25519];

        var tls = await h.ConnectAsync(options, cts.Token);
        var ours = EngineView.From(tls.Connection);
        await Exchange.PingPongAsync(tls, h.Server, "hrr-client", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await h.Server.WaitForExitAsync(Timeouts.Step));
        var trace = h.Trace();

        Assert.True(ours.HelloRetried, $"our client did not record a HelloRetryRequest: {ours}");
        Assert.Equal(NamedGroup.Secp384r1, ours.Group);
        Assert.Equal(2, trace.ClientHelloCount(sent: false));
        Assert.Equal([NamedGroup.X25519], trace.KeyShareGroups(sent: false, 0));
        Assert.Equal([NamedGroup.Secp384r1], trace.KeyShareGroups(sent: false, 1));
        Assert.Equal(NamedGroup.Secp384r1, trace.ServerHelloGroup(sent: true));
    }

    [SkippableFact]
    public async Task OurServerSendsHelloRetryRequestWhenOpenSslClientOffersX25519First()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var options = EngineOptions.Server(pki, KeyType.P256, KeyType.P256);
        options.Groups = [NamedGroup.Secp384r1];
        var (cert, key) = pki.Client(KeyType.P256);
        await using var h = new EngineServerHarness(pki.NewTraceFile("hrr-server"));
        var sClient = h.StartClient(
        [
            "-CAfile", pki.Ca(KeyType.P256), "-verify_return_error", "-servername", "localhost",
            "-cert", cert, "-key", key, "-groups", "X25519:P-384",
        ]);

        var tls = await h.AcceptAsync(options, cts.Token);
        var ours = EngineView.From(tls.Connection);
        await Exchange.PingPongAsync(tls, sClient, "hrr-server", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));
        var theirs = new OpenSslOutput(sClient.Output);
        var trace = h.Trace();

        Assert.True(ours.HelloRetried, $"our server did not record a HelloRetryRequest: {ours}");
        Assert.Equal(NamedGroup.Secp384r1, ours.Group);
        Assert.Equal(NamedGroup.Secp384r1, theirs.ServerTempKeyGroup);
        Assert.True(theirs.VerificationOk, "s_client did not verify our server");
        Assert.Equal(2, trace.ClientHelloCount(sent: true));
        Assert.Equal([NamedGroup.X25519], trace.KeyShareGroups(sent: true, 0));
        Assert.Equal([NamedGroup.Secp384r1], trace.KeyShareGroups(sent: true, 1));
        // Our HelloRetryRequest carries a cookie (TlsServerOptions.HelloRetryCookie) that s_client must echo.
        Assert.True(trace.ClientHelloHasExtension(sent: true, 1, "cookie_ext"), "the second ClientHello does not echo a cookie");
        Assert.Equal(NamedGroup.Secp384r1, trace.ServerHelloGroup(sent: false));
    }
}
