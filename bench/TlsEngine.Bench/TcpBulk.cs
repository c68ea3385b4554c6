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
/// dedicated threads. run.sh runs each library in its own process.
/// </summary>
internal static class TcpBulk
{
    private const int WriteSize = 16384;

    public static int Run(string lib, int megabytes)
    {
        if (megabytes < 1) throw new ArgumentOutOfRangeException(nameof(megabytes));
        var pki = BenchPki.Shared;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = listener.AcceptTcpClientAsync();
        using var clientTcp = new TcpClient { NoDelay = true };
        clientTcp.Connect(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var serverTcp = accepted.GetAwaiter().GetResult();
        serverTcp.NoDelay = true;

        var (server, client) = Connect(lib, pki, serverTcp.GetStream(), clientTcp.GetStream());
        try
        {
            long bytes = megabytes * 1_000_000L;
            Transfer(lib, server, client, Math.Max(WriteSize, bytes / 10));
            var elapsed = Transfer(lib, server, client, bytes);
            double mbps = bytes / 1e6 / elapsed.TotalSeconds;
            Extra.Write($"tcpbulk-{lib}", new Dictionary<string, double> { ["mbps"] = mbps, ["megabytes"] = megabytes });
            return 0;
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
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
            default:
                throw new ArgumentException($"tcpbulk: ours, sslstream or bouncycastle, not '{lib}'");
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
