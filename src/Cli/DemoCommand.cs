using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TlsEngine.Cli;

/// <summary>
/// <c>tlsengine demo</c>: generates a test PKI, runs our server and our client on 127.0.0.1 with mutual TLS 1.3,
/// exchanges a message, and prints what was negotiated and who each peer is.
/// </summary>
internal static class DemoCommand
{
    public static async Task<int> RunAsync(CliArgs args)
    {
        args.RejectUnknown();
        var pki = DemoPki.Create();
        Console.WriteLine("generated test PKI: ECDSA P-256 CA, server certificate for localhost/127.0.0.1, client certificate " + DemoPki.ClientSpiffeId);

        var serverOptions = new TlsServerOptions
        {
            Certificate = pki.Server,
            TrustAnchors = pki.Anchors,
            ClientAuthentication = ClientAuthenticationMode.Required,
            ApplicationProtocols = ["demo/1"],
            AuthorizePeer = peer => peer.SpiffeId == DemoPki.ClientSpiffeId,
        };
        var clientOptions = new TlsClientOptions
        {
            Certificate = pki.Client,
            TrustAnchors = pki.Anchors,
            ServerName = "localhost",
            ApplicationProtocols = ["demo/1"],
        };

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = (IPEndPoint)listener.LocalEndpoint;
        Console.WriteLine($"server listening on {endpoint}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var serverTask = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(timeout.Token);
            await using var tls = await TlsStream.AcceptAsync(new NetworkStream(socket, ownsSocket: false), serverOptions, timeout.Token);
            var buffer = new byte[256];
            int n = await tls.ReadAsync(buffer, timeout.Token);
            var request = Encoding.UTF8.GetString(buffer, 0, n);
            await tls.WriteAsync(Encoding.UTF8.GetBytes($"hello {tls.Connection.PeerIdentity!.SpiffeId}, you said '{request}'"), timeout.Token);
            return tls.Connection;
        });

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint, timeout.Token);
        TlsConnection client;
        string reply;
        await using (var tls = await TlsStream.ConnectAsync(tcp.GetStream(), clientOptions, timeout.Token))
        {
            await tls.WriteAsync("ping"u8.ToArray(), timeout.Token);
            var buffer = new byte[512];
            int n = await tls.ReadAsync(buffer, timeout.Token);
            reply = Encoding.UTF8.GetString(buffer, 0, n);
            client = tls.Connection;
        }
        var server = await serverTask;
        listener.Stop();

        Console.WriteLine();
        Console.WriteLine($"negotiated:       {OptionsBuilder.Describe(client)}");
        Console.WriteLine($"client sees:      {client.PeerIdentity}");
        Console.WriteLine($"server sees:      {server.PeerIdentity}");
        Console.WriteLine($"server replied:   {reply}");
        Console.WriteLine();
        Console.WriteLine("mutual TLS 1.3 handshake completed: both peers presented and verified X.509 certificates");
        return 0;
    }
}
