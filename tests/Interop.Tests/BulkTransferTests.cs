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
