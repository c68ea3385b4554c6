using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using TlsEngine.Bench.Support;

namespace TlsEngine.Bench;

/// <summary>
/// <c>tcpbulk LIB MB</c>: bulk throughput over loopback TCP. One mutual-TLS connection on 127.0.0.1 (the suite's
/// profile: X25519, TLS_AES_128_GCM_SHA256, ECDSA P-256), the client writes MB megabytes (10^6 bytes) in 16 KiB writes
/// while the server reads them concurrently; the figure is wall-clock MB/s from the first write to the last byte read,
/// after a warm-up transfer of a tenth of that. Two threads and the kernel's loopback are in the loop, so this is wall
/// time (not one thread's CPU) and it moves with the machine's load: compare libraries within one run. Each library
/// uses its native I/O model — ours and SslStream async streams, BouncyCastle's blocking <c>TlsProtocol.Stream</c> on
/// dedicated threads; <c>ourspipe</c> is ours through the Pipelines adapter; <c>tcp</c> is the transfer without TLS. run.sh runs each library in its own
/// process, in five rounds that take turns (ours, SslStream, BouncyCastle, ours through pipes, ours, ...):
/// <c>tcpbulk LIB MB ROUND</c> with ROUND above 1 adds its figure to those of the earlier rounds in
/// <c>extra-tcpbulk-LIB.json</c> and reports their median, so one slow minute on a shared machine does not decide the
/// ratio.
/// </summary>
internal static class TcpBulk
{
    private const int WriteSize = 16384;

    public static int Run(string lib, int megabytes, int round = 1)
    {
        if (megabytes < 1) throw new ArgumentOutOfRangeException(nameof(megabytes));
        if (round < 1) throw new ArgumentOutOfRangeException(nameof(round));
        var pki = BenchPki.Shared;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = listener.AcceptTcpClientAsync();
        using var clientTcp = new TcpClient { NoDelay = true };
        clientTcp.Connect(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var serverTcp = accepted.GetAwaiter().GetResult();
        serverTcp.NoDelay = true;

        if (lib == "ourspipe") return RunPipe(pki, serverTcp.GetStream(), clientTcp.GetStream(), megabytes, round);
        var (server, client) = Connect(lib, pki, serverTcp.GetStream(), clientTcp.GetStream());
        try
        {
            long bytes = megabytes * 1_000_000L;
            Transfer(lib, server, client, Math.Max(WriteSize, bytes / 10));
            var elapsed = Transfer(lib, server, client, bytes);
            double mbps = bytes / 1e6 / elapsed.TotalSeconds;
            Extra.Write($"tcpbulk-{lib}", Rounds($"tcpbulk-{lib}", round, mbps, megabytes));
            return 0;
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }

    /// <summary>
    /// <c>ourspipe</c>: the same transfer through <see cref="TlsPipe"/> on both ends (<see cref="TlsPipe.Create"/> on the
    /// sockets' NetworkStreams); the client writes 16 KiB to <see cref="TlsPipe.Output"/> and flushes, the server
    /// consumes <see cref="TlsPipe.Input"/>.
    /// </summary>
    private static int RunPipe(BenchPki pki, Stream serverTransport, Stream clientTransport, int megabytes, int round)
    {
        var server = TlsPipe.Create(serverTransport, TlsConnection.CreateServer(EngineLink.ServerOptions(pki, chainCache: false)));
        var client = TlsPipe.Create(clientTransport, TlsConnection.CreateClient(EngineLink.ClientOptions(pki, chainCache: false)));
        try
        {
            var handshakes = Task.WhenAll(server.HandshakeAsync(TimeSpan.FromSeconds(10)), client.HandshakeAsync(TimeSpan.FromSeconds(10)));
            handshakes.GetAwaiter().GetResult();
            long bytes = megabytes * 1_000_000L;
            TransferPipe(server, client, Math.Max(WriteSize, bytes / 10));
            var elapsed = TransferPipe(server, client, bytes);
            Extra.Write("tcpbulk-ourspipe", Rounds("tcpbulk-ourspipe", round, bytes / 1e6 / elapsed.TotalSeconds, megabytes));
            return 0;
        }
        finally
        {
            client.DisposeAsync().AsTask().GetAwaiter().GetResult();
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static TimeSpan TransferPipe(TlsPipe server, TlsPipe client, long bytes)
    {
        var data = new byte[WriteSize];
        RandomNumberGenerator.Fill(data);
        long writes = (bytes + WriteSize - 1) / WriteSize;
        long expected = writes * WriteSize;
        var clock = Stopwatch.StartNew();
        var reader = Task.Run(async () =>
        {
            long got = 0;
            while (got < expected)
            {
                var result = await server.Input.ReadAsync();
                got += result.Buffer.Length;
                server.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted && got < expected) throw new IOException($"the connection ended after {got} of {expected} bytes");
            }
        });
        var writer = Task.Run(async () =>
        {
            for (long i = 0; i < writes; i++)
                await client.Output.WriteAsync(data);
        });
        if (!Task.WhenAll(reader, writer).Wait(TimeSpan.FromMinutes(2))) throw new TimeoutException("the server did not receive everything");
        return clock.Elapsed;
    }

    /// <summary>
    /// This round's figure with those of rounds 1..round-1 read back from the file the earlier rounds wrote
    /// (<c>mbps.1</c>, <c>mbps.2</c>, ...); <c>mbps</c> is their median (the mean of the middle two for an even count).
    /// </summary>
    private static Dictionary<string, double> Rounds(string name, int round, double mbps, int megabytes)
    {
        var values = new Dictionary<string, double>();
        if (round > 1 && Extra.TryRead(name) is { } earlier)
        {
            for (int r = 1; r < round; r++)
                if (earlier.TryGetValue($"mbps.{r}", out double v)) values[$"mbps.{r}"] = v;
        }
        values[$"mbps.{round}"] = mbps;
        var all = values.Values.Order().ToArray();
        values["mbps"] = all.Length % 2 == 1 ? all[all.Length / 2] : (all[all.Length / 2 - 1] + all[all.Length / 2]) / 2;
        values["rounds"] = all.Length;
        values["megabytes"] = megabytes;
        return values;
    }

    private static (Stream Server, Stream Client) Connect(string lib, BenchPki pki, Stream serverTransport, Stream clientTransport)
    {
        switch (lib)
        {
            case "ours":
                {
                    var s = TlsStream.AcceptAsync(serverTransport, EngineLink.ServerOptions(pki, chainCache: false));
                    var c = TlsStream.ConnectAsync(clientTransport, EngineLink.ClientOptions(pki, chainCache: false));
                    return (s.GetAwaiter().GetResult(), c.GetAwaiter().GetResult());
                }
            case "sslstream":
                {
                    var s = new SslStream(serverTransport);
                    var c = new SslStream(clientTransport);
                    var sa = s.AuthenticateAsServerAsync(SslStreamLink.ServerOptions(pki));
                    c.AuthenticateAsClientAsync(SslStreamLink.ClientOptions(pki)).GetAwaiter().GetResult();
                    sa.GetAwaiter().GetResult();
                    return (s, c);
                }
            case "bouncycastle":
                {
                    var (s, c) = new BouncyCastleLink(pki).ConnectBlocking(serverTransport, clientTransport);
                    return (s, c);
                }
            case "tcp":
                // No TLS: the same transfer on the sockets themselves, for comparison.
                return (serverTransport, clientTransport);
            default:
                throw new ArgumentException($"tcpbulk: ours, ourspipe, sslstream, bouncycastle or tcp, not '{lib}'");
        }
    }

    private static TimeSpan Transfer(string lib, Stream server, Stream client, long bytes)
    {
        var data = new byte[WriteSize];
        RandomNumberGenerator.Fill(data);
        long writes = (bytes + WriteSize - 1) / WriteSize;
        long expected = writes * WriteSize;
        var clock = Stopwatch.StartNew();
        if (lib == "bouncycastle")
        {
            Exception? failure = null;
            var reader = new Thread(() =>
            {
                try
                {
                    ReadBlocking(server, expected);
                }
                catch (Exception e) when (e is IOException or Org.BouncyCastle.Tls.TlsException)
                {
                    failure = e;
                }
            })
            { IsBackground = true };
            reader.Start();
            for (long i = 0; i < writes; i++)
                client.Write(data, 0, WriteSize);
            client.Flush();
            if (!reader.Join(TimeSpan.FromMinutes(2))) throw new TimeoutException("the server did not receive everything");
            if (failure is not null) throw new IOException("the server's read failed", failure);
        }
        else
        {
            var reader = Task.Run(() => ReadAsync(server, expected));
            var writer = Task.Run(async () =>
            {
                for (long i = 0; i < writes; i++)
                    await client.WriteAsync(data);
                await client.FlushAsync();
            });
            if (!Task.WhenAll(reader, writer).Wait(TimeSpan.FromMinutes(2))) throw new TimeoutException("the server did not receive everything");
        }
        return clock.Elapsed;
    }

    private static async Task ReadAsync(Stream server, long expected)
    {
        var buffer = new byte[65536];
        long got = 0;
        while (got < expected)
        {
            int n = await server.ReadAsync(buffer);
            if (n == 0) throw new IOException($"the connection ended after {got} of {expected} bytes");
            got += n;
        }
    }

    private static void ReadBlocking(Stream server, long expected)
    {
        var buffer = new byte[65536];
        long got = 0;
        while (got < expected)
        {
            int n = server.Read(buffer, 0, buffer.Length);
            if (n <= 0) throw new IOException($"the connection ended after {got} of {expected} bytes");
            got += n;
        }
    }
}
