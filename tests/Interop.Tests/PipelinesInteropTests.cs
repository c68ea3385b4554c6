using System.IO.Pipelines;
using System.Security.Cryptography;
using TlsEngine.Interop.Tests.Infrastructure;

namespace TlsEngine.Interop.Tests;

/// <summary>
/// The Pipelines adapter (<see cref="TlsPipe.Create"/> over the socket) against openssl, both ways: 4 MiB each way at
/// the same time compared by SHA-256 on both ends, then close_notify. openssl runs with -quiet, so its stdout carries
/// exactly the application data it received and its stdin exactly what it sends.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class PipelinesInteropTests(PkiFixture pki)
{
    private const int Size = 4 * 1024 * 1024;
    private const int Chunk = 50_000; // not a multiple of the record size: records are cut from the pipe's segments

    [SkippableFact]
    public async Task OurPipeServerExchangesDataWithOpenSslClient()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Client(KeyType.P256);
        await using var h = new EngineServerHarness(pki.NewTraceFile("pipe-server"));
        var sClient = h.StartClient(["-CAfile", pki.Ca(KeyType.P256), "-verify_return_error", "-servername", "localhost", "-cert", cert, "-key", key],
            quiet: true, hashStdoutOnly: true);
        var pipe = await h.AcceptPipeAsync(EngineOptions.Server(pki, KeyType.P256, KeyType.P256), cts.Token);
        Assert.NotNull(pipe.Connection.PeerIdentity);

        await TransferAsync(pipe, sClient, cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));
    }

    [SkippableFact]
    public async Task OurPipeClientExchangesDataWithOpenSslServer()
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Server(KeyType.P256);
        await using var h = await OpenSslServerHarness.StartAsync(
            ["-cert", cert, "-key", key, "-CAfile", pki.Ca(KeyType.P256), "-Verify", "1", "-verify_return_error"],
            pki.NewTraceFile("pipe-client"), quiet: true, hashStdoutOnly: true);
        var pipe = await h.ConnectPipeAsync(EngineOptions.Client(pki, KeyType.P256, KeyType.P256), cts.Token);
        Assert.NotNull(pipe.Connection.PeerIdentity);

        await TransferAsync(pipe, h.Server, cts.Token);
        Assert.Equal(0, await h.Server.WaitForExitAsync(Timeouts.Step));
    }

    private static async Task TransferAsync(TlsPipe pipe, OpenSslProcess peer, CancellationToken ct)
    {
        var toPeer = RandomNumberGenerator.GetBytes(Size);
        var fromPeer = RandomNumberGenerator.GetBytes(Size);
        var sending = Task.Run(async () =>
        {
            for (int off = 0; off < Size; off += Chunk) await pipe.Output.WriteAsync(toPeer.AsMemory(off, Math.Min(Chunk, Size - off)), ct);
        }, ct);
        var receiving = Task.Run(() => ReadHashedAsync(pipe.Input, Size, ct), ct);
        var feeding = Task.Run(async () =>
        {
            for (int off = 0; off < Size; off += Chunk) await peer.WriteAsync(fromPeer.AsMemory(off, Math.Min(Chunk, Size - off)), ct);
        }, ct);
        await Task.WhenAll(sending, receiving, feeding, peer.WaitUntilAsync(p => p.StdoutBytes >= Size, $"{Size} bytes on stdout", Timeouts.Case));
        Assert.Equal(SHA256.HashData(fromPeer), await receiving);
        Assert.Equal((long)Size, peer.StdoutBytes);
        Assert.Equal(SHA256.HashData(toPeer), peer.StdoutSha256());

        // Completing Output sends close_notify; openssl answers with its own and exits, which ends Input.
        await pipe.Output.CompleteAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(Timeouts.Step);
        while (true)
        {
            var result = await pipe.Input.ReadAsync(cts.Token);
            pipe.Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) break;
        }
        Assert.True(pipe.Connection.PeerClosed, "openssl's close_notify did not arrive");
    }

    private static async Task<byte[]> ReadHashedAsync(PipeReader input, long size, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        while (total < size)
        {
            var result = await input.ReadAsync(ct);
            foreach (var segment in result.Buffer) hash.AppendData(segment.Span);
            total += result.Buffer.Length;
            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted && total < size) throw new IOException($"the peer closed after {total} of {size} bytes");
        }
        return hash.GetHashAndReset();
    }
}
