using TlsEngine.Interop.Tests.Infrastructure;

namespace TlsEngine.Interop.Tests;

/// <summary>
/// Record framing as openssl produces it and reads it: handshake messages split over many small records
/// (-max_send_frag 512, with RSA certificates so that Certificate is larger than one record), padded records
/// (-record_padding, RFC 8446 §5.4), and our own padding (PadRecordsTo) read by openssl.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class RecordLayerInteropTests(PkiFixture pki)
{
    private const int Fragment = 512;

    [SkippableFact]
    public async Task OurServerReassemblesFragmentedPaddedRecordsFromOpenSslClient()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Client(KeyType.Rsa2048);
        await using var h = new EngineServerHarness(pki.NewTraceFile("frag-server"));
        var sClient = h.StartClient(
        [
            "-CAfile", pki.Ca(KeyType.Rsa2048), "-verify_return_error", "-servername", "localhost", "-cert", cert, "-key", key,
            "-max_send_frag", $"{Fragment}", "-record_padding", "256",
        ]);
        var tls = await h.AcceptAsync(EngineOptions.Server(pki, KeyType.Rsa2048, KeyType.Rsa2048), cts.Token);
        var ours = EngineView.From(tls.Connection);
        await Exchange.PingPongAsync(tls, sClient, "frag-server", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));

        var trace = h.Trace();
        Assert.Equal(KeyType.Rsa2048.ClientSpiffeId(), ours.Peer?.SpiffeId);
        Assert.True(trace.MessageLength("Certificate", sent: true) > Fragment, "s_client's Certificate fits one record: the test proves nothing");
        Assert.All(trace.ProtectedRecords(sent: true), AssertPaddedOrFull);
    }

    [SkippableFact]
    public async Task OurClientReassemblesFragmentedPaddedRecordsFromOpenSslServer()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Server(KeyType.Rsa2048);
        await using var h = await OpenSslServerHarness.StartAsync(
        [
            "-cert", cert, "-key", key, "-CAfile", pki.Ca(KeyType.Rsa2048), "-Verify", "1", "-verify_return_error",
            "-max_send_frag", $"{Fragment}", "-record_padding", "256",
        ], pki.NewTraceFile("frag-client"));
        var tls = await h.ConnectAsync(EngineOptions.Client(pki, KeyType.Rsa2048, KeyType.Rsa2048), cts.Token);
        await Exchange.PingPongAsync(tls, h.Server, "frag-client", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await h.Server.WaitForExitAsync(Timeouts.Step));

        var trace = h.Trace();
        Assert.True(trace.MessageLength("Certificate", sent: true) > Fragment, "s_server's Certificate fits one record: the test proves nothing");
        Assert.All(trace.ProtectedRecords(sent: true), AssertPaddedOrFull);
    }

    /// <summary>openssl pads to a multiple of 256 but never beyond max_send_frag + the type byte (then the record is full).</summary>
    private static void AssertPaddedOrFull(OpenSslTrace.Record r)
    {
        int inner = r.Length - 16;
        Assert.True(inner % 256 == 0 || inner == Fragment + 1, $"openssl sent a protected record of {r.Length} bytes: neither padded nor full");
    }

    /// <summary>PadRecordsTo pads the inner plaintext (content + type byte + zeros) to a multiple: ciphertext = k·N + 16.</summary>
    [SkippableFact]
    public async Task OpenSslReadsOurPaddedRecords()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Client(KeyType.P256);
        await using var h = new EngineServerHarness(pki.NewTraceFile("pad-server"));
        var sClient = h.StartClient(["-CAfile", pki.Ca(KeyType.P256), "-verify_return_error", "-servername", "localhost", "-cert", cert, "-key", key]);
        var options = EngineOptions.Server(pki, KeyType.P256, KeyType.P256);
        options.PadRecordsTo = 512;
        var tls = await h.AcceptAsync(options, cts.Token);
        await Exchange.PingPongAsync(tls, sClient, "pad-server", cts.Token);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));

        var received = h.Trace().ProtectedRecords(sent: false).ToList();
        Assert.NotEmpty(received);
        Assert.All(received, r => Assert.True((r.Length - 16) % 512 == 0, $"a protected record of {r.Length} bytes is not padded to 512 (+16 tag)"));
    }
}
