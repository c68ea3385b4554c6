using System.Diagnostics;
using System.Security.Cryptography;
using TlsEngine.Interop.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TlsEngine.Interop.Tests;

/// <summary>
/// 10 MiB of random bytes each way at the same time, compared by SHA-256 on both ends. openssl runs with -quiet, so its
/// stdout carries exactly the application data it received and its stdin exactly what it sends.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class BulkTransferTests(PkiFixture pki, ITestOutputHelper output)
{
    private const int Size = 10 * 1024 * 1024;
    private const int Chunk = 64 * 1024;

    [SkippableFact]
    public async Task TenMegabytesEachWayBetweenOurServerAndOpenSslClient()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Client(KeyType.P256);
        await using var h = new EngineServerHarness(pki.NewTraceFile("bulk-server"));
        var sClient = h.StartClient(["-CAfile", pki.Ca(KeyType.P256), "-verify_return_error", "-servername", "localhost", "-cert", cert, "-key", key],
            quiet: true, hashStdoutOnly: true);
        var tls = await h.AcceptAsync(EngineOptions.Server(pki, KeyType.P256, KeyType.P256), cts.Token);

        await TransferAsync(tls, sClient, "our server <-> s_client", cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));
    }

    [SkippableFact]
    public async Task TenMegabytesEachWayBetweenOurClientAndOpenSslServer()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Server(KeyType.P256);
        await using var h = await OpenSslServerHarness.StartAsync(
            ["-cert", cert, "-key", key, "-CAfile", pki.Ca(KeyType.P256), "-Verify", "1", "-verify_return_error"],
            pki.NewTraceFile("bulk-client"), quiet: true, hashStdoutOnly: true);
        var tls = await h.ConnectAsync(EngineOptions.Client(pki, KeyType.P256, KeyType.P256), cts.Token);

        await TransferAsync(tls, h.Server, "our client <-> s_server", cts.Token);
        Assert.Equal(0, await h.Server.WaitForExitAsync(Timeouts.Step));
    }

    /// <summary>
    /// With KeyUpdateAfterRecords = 64 our server re-keys on its own every 64 records (RFC 8446 §5.5 usage limits,
    /// lowered): 9 KeyUpdates (update_not_requested) during the 10 MiB, which s_client must follow.
    /// </summary>
    [SkippableFact]
    public async Task OpenSslClientFollowsOurAutomaticKeyUpdatesDuringBulkTransfer()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Client(KeyType.P256);
        await using var h = new EngineServerHarness(pki.NewTraceFile("bulk-auto-ku"));
        var sClient = h.StartClient(["-CAfile", pki.Ca(KeyType.P256), "-verify_return_error", "-servername", "localhost", "-cert", cert, "-key", key],
            quiet: true, hashStdoutOnly: true);
        var options = EngineOptions.Server(pki, KeyType.P256, KeyType.P256);
        options.Limits = new TlsLimits { KeyUpdateAfterRecords = 64 };
        var tls = await h.AcceptAsync(options, cts.Token);

        await TransferAsync(tls, sClient, "our server (KeyUpdate every 64 records) <-> s_client", cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));
        var updates = h.Trace().KeyUpdates(sent: false);
        // 640 full records of data; each key carries 64 of them (then the KeyUpdate itself), so 9 updates.
        int expected = (Size / 16384 - 1) / 64;
        Assert.True(updates.Count >= expected, $"s_client saw {updates.Count} KeyUpdates from us, expected at least {expected}");
        Assert.All(updates, requested => Assert.False(requested));
    }

    /// <summary>
    /// s_server requests a KeyUpdate ('K') while our client is in the middle of a bulk write: our reader must answer
    /// between our writer's records without corrupting the stream, and both directions keep decrypting.
    /// </summary>
    [SkippableFact]
    public async Task OurClientAnswersKeyUpdateInTheMiddleOfABulkWrite()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Server(KeyType.P256);
        await using var h = await OpenSslServerHarness.StartAsync(
            ["-cert", cert, "-key", key, "-CAfile", pki.Ca(KeyType.P256), "-Verify", "1", "-verify_return_error"],
            pki.NewTraceFile("bulk-ku"), hashStdoutOnly: true);
        var tls = await h.ConnectAsync(EngineOptions.Client(pki, KeyType.P256, KeyType.P256), cts.Token);
        var payload = new byte[Chunk];
        Array.Fill(payload, (byte)'x');
        long written = 0;

        // Our writer keeps going until s_server's line (sent after its KeyUpdate) has arrived, so the KeyUpdate answer
        // is always produced while a write is in progress.
        var reading = Exchange.ReadUntilAsync(tls, "from-openssl-end", cts.Token);
        var writing = Task.Run(async () =>
        {
            while (!reading.IsCompleted || written < Size)
            {
                await tls.WriteAsync(payload, cts.Token);
                written += Chunk;
            }
            await tls.WriteAsync("\nfrom-tlsengine-end\n"u8.ToArray(), cts.Token);
        }, cts.Token);
        await h.Server.WaitUntilAsync(p => p.StdoutBytes >= Size / 4, "a quarter of the data", Timeouts.Step);
        long mark = h.Transport!.BytesRead;
        await h.Server.WriteAsync("K\n");
        await h.Transport.WaitForBytesBeyondAsync(mark, Timeouts.Step);
        await h.Server.WriteAsync("from-openssl-end\n");
        await Task.WhenAll(reading, writing);
        await h.Server.WaitUntilAsync(p => p.StdoutTail.Contains("from-tlsengine-end", StringComparison.Ordinal), "our end marker", Timeouts.Step);
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await h.Server.WaitForExitAsync(Timeouts.Step));

        Assert.True(h.Server.StdoutBytes >= written, $"s_server printed {h.Server.StdoutBytes} bytes of the {written} we wrote");
        var trace = h.Trace();
        Assert.Equal([true], trace.KeyUpdates(sent: true));
        Assert.Equal([false], trace.KeyUpdates(sent: false));
    }

    private async Task TransferAsync(TlsStream tls, OpenSslProcess peer, string what, CancellationToken ct)
    {
        var toPeer = RandomNumberGenerator.GetBytes(Size);
        var fromPeer = RandomNumberGenerator.GetBytes(Size);
        var sw = Stopwatch.StartNew();

        var sending = Task.Run(async () =>
        {
            for (int off = 0; off < Size; off += Chunk) await tls.WriteAsync(toPeer.AsMemory(off, Math.Min(Chunk, Size - off)), ct);
        }, ct);
        var receiving = Task.Run(() => ReadExactlyHashedAsync(tls, Size, ct), ct);
        var feeding = Task.Run(async () =>
        {
            for (int off = 0; off < Size; off += Chunk) await peer.WriteAsync(fromPeer.AsMemory(off, Math.Min(Chunk, Size - off)), ct);
        }, ct);
        var peerReceived = peer.WaitUntilAsync(p => p.StdoutBytes >= Size, $"{Size} bytes on stdout", Timeouts.Case);

        await Task.WhenAll(sending, receiving, feeding, peerReceived);
        sw.Stop();
        await Exchange.CloseAsync(tls, ct);

        double mb = 2.0 * Size / (1024 * 1024);
        output.WriteLine($"{what}: {mb:0} MiB moved in {sw.Elapsed.TotalSeconds:0.00} s ({mb / sw.Elapsed.TotalSeconds:0.0} MiB/s both directions together)");
        Assert.Equal(SHA256.HashData(fromPeer), await receiving);
        Assert.Equal((long)Size, peer.StdoutBytes);
        Assert.Equal(SHA256.HashData(toPeer), peer.StdoutSha256());
    }

    private static async Task<byte[]> ReadExactlyHashedAsync(Stream s, int size, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[Chunk];
        long total = 0;
        while (total < size)
        {
            int n = await s.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, size - total)), ct);
            if (n == 0) throw new IOException($"the peer closed after {total} of {size} bytes");
            hash.AppendData(buffer, 0, n);
            total += n;
        }
        return hash.GetHashAndReset();
    }
}
