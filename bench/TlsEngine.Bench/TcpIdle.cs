using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using TlsEngine.Bench.Support;

namespace TlsEngine.Bench;

/// <summary>
/// <c>tcpidle LIB N</c>: memory per idle established connection through the library's stream adapter over real loopback
/// sockets, the way a server holds them. N mutual-TLS connections are made on 127.0.0.1; on each the client sends 64
/// bytes, the server echoes them, and the server then parks a read (what an idle server connection does). The managed
/// heap after a full blocking GC grows by the figure per connection, minus the same measured for N plain TCP
/// connections with the same parked read (the sockets' own cost). Both ends live in this process, so the figure is
/// half of a client-and-server pair: one endpoint. Ours (TlsStream) and SslStream; BouncyCastle's blocking streams
/// would need a thread per connection (not measured).
/// </summary>
internal static class TcpIdle
{
    public static int Run(string lib, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count));
        if (lib is not ("ours" or "sslstream")) throw new ArgumentException($"tcpidle: ours or sslstream, not '{lib}'");
        var pki = BenchPki.Shared;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(count + 16);
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var held = new List<object>();
        // One set of options for all connections, as a server has.
        var serverOptions = EngineLink.ServerOptions(pki, chainCache: true);
        var clientOptions = EngineLink.ClientOptions(pki, chainCache: true);
        var sslServer = SslStreamLink.ServerOptions(pki);
        var sslClient = SslStreamLink.ClientOptions(pki);
        async Task<(Stream Server, Stream Client)> Connect(bool tls)
        {
            var accepted = listener.AcceptTcpClientAsync();
            var clientTcp = new TcpClient { NoDelay = true };
            await clientTcp.ConnectAsync(IPAddress.Loopback, port);
            var serverTcp = await accepted;
            held.Add(clientTcp);
            held.Add(serverTcp);
            Stream s = serverTcp.GetStream(), c = clientTcp.GetStream();
            if (!tls) return (s, c);
            if (lib == "ours")
            {
                var server = TlsStream.AcceptAsync(s, serverOptions);
                var client = await TlsStream.ConnectAsync(c, clientOptions);
                return (await server, client);
            }
            var ss = new SslStream(s);
            var cs = new SslStream(c);
            var sa = ss.AuthenticateAsServerAsync(sslServer);
            await cs.AuthenticateAsClientAsync(sslClient);
            await sa;
            return (ss, cs);
        }
        async Task Open(bool tls)
        {
            var (server, client) = await Connect(tls);
            var buffer = new byte[64];
            await client.WriteAsync(buffer);
            await server.ReadExactlyAsync(buffer);
            await server.WriteAsync(buffer);
            await client.ReadExactlyAsync(buffer);
            held.Add(server);
            held.Add(client);
            held.Add(server.ReadAsync(new byte[64]).AsTask()); // the parked read of an idle server connection
        }
        long Measure(bool tls)
        {
            for (int i = 0; i < 16; i++) Open(tls).GetAwaiter().GetResult(); // warm-up: JIT, pools, caches
            Thread.Sleep(1000); // and the P-256 verification tables of busy keys, built in the background: not per connection
            long before = Heap();
            for (int i = 0; i < count; i++) Open(tls).GetAwaiter().GetResult();
            Thread.Sleep(200);
            return Heap() - before;
        }
        long transport = Measure(tls: false);
        long withTls = Measure(tls: true);
        double perEndpoint = (withTls - transport) / 2.0 / count;
        Extra.Write($"tcpidle-{lib}", new Dictionary<string, double>
        {
            ["connections"] = count,
            ["managed_bytes_per_endpoint"] = perEndpoint,
            ["transport_bytes_per_pair_subtracted"] = (double)transport / count,
        });
        GC.KeepAlive(held);
        return 0;
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
