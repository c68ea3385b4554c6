using System.Net;
using System.Net.Sockets;
using System.Text;
using TlsEngine.Hsm.Tests.Support;
using TlsEngine.Testing;

namespace TlsEngine.Hsm.Tests;

/// <summary>Our endpoints with token keys against real OpenSSL peers on 127.0.0.1, with client certificates both ways.</summary>
[Collection(SoftHsmCollection.Name)]
public sealed class OpenSslInteropTests(SoftHsmFixture hsm)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [SkippableTheory]
    [InlineData("ec-p256", "ECDSA")]
    [InlineData("ec-p384", "ECDSA")]
    [InlineData("rsa-2048", "RSA-PSS")]
    [InlineData("ed25519", "ed25519")]
    public async Task OurServerWithTokenKeyAcceptsOpenSslClientWithCertificate(string key, string peerSignatureType)
    {
        hsm.Require();
        ExternalTool.Require("openssl");
        if (key == "ed25519") hsm.RequireEd25519();
        var (clientCert, clientKey) = Files("openssl-client");
        var ca = hsm.WriteFile("ca.pem", hsm.Ca.CertificatePem);
        var options = new TlsServerOptions
        {
            Certificate = hsm.TlsCertificateFor(key),
            TrustAnchors = hsm.Anchors,
            ClientAuthentication = ClientAuthenticationMode.Required,
        };
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var cts = new CancellationTokenSource(Limit);
        try
        {
            var serve = Task.Run(async () =>
            {
                using var socket = await listener.AcceptSocketAsync(cts.Token);
                await using var tls = await TlsStream.AcceptAsync(new NetworkStream(socket, ownsSocket: false), options, cts.Token);
                var buffer = new byte[64];
                int n = await tls.ReadAsync(buffer, cts.Token);
                await tls.WriteAsync(Encoding.ASCII.GetBytes("pong:" + Encoding.ASCII.GetString(buffer, 0, n)), cts.Token);
                await tls.ShutdownAsync(cts.Token);
                return tls.Connection.PeerIdentity;
            });
            using var client = OpenSslProcess.Start(hsm.Directory, "ping\n",
                "s_client", "-connect", $"127.0.0.1:{port}", "-tls1_3", "-servername", "localhost", "-verify_hostname", "localhost",
                "-CAfile", ca, "-verify_return_error", "-cert", clientCert, "-key", clientKey, "-ign_eof");
            var peer = await serve.WaitAsync(cts.Token);
            Assert.Equal(0, await client.WaitForExitAsync(Limit));
            Assert.Equal("CN=openssl-client", peer!.Subject.ToString());
            Assert.Contains("pong:ping", client.Output);
            Assert.Contains("Verification: OK", client.Output);
            Assert.Contains($"Peer signature type: {peerSignatureType}", client.Output);
        }
        finally
        {
            listener.Stop();
        }
    }

    [SkippableTheory]
    [InlineData("client-p256", "ECDSA")]
    [InlineData("rsa-2048", "RSA-PSS")]
    public async Task OurClientWithTokenKeyAuthenticatesToOpenSslServerThatRequiresIt(string key, string signatureType)
    {
        hsm.Require();
        ExternalTool.Require("openssl");
        var (serverCert, serverKey) = Files("openssl-server");
        var ca = hsm.WriteFile("ca.pem", hsm.Ca.CertificatePem);
        using var server = OpenSslProcess.Start(hsm.Directory, null,
            "s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-tls1_3", "-cert", serverCert, "-key", serverKey,
            "-CAfile", ca, "-Verify", "1", "-verify_return_error", "-www");
        int port = await server.AcceptPortAsync(Limit);
        var options = new TlsClientOptions
        {
            Certificate = hsm.TlsCertificateFor(key),
            TrustAnchors = hsm.Anchors,
            ServerName = "localhost",
        };
        using var cts = new CancellationTokenSource(Limit);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        string page;
        await using (var tls = await TlsStream.ConnectAsync(tcp.GetStream(), options, cts.Token))
        {
            await tls.WriteAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray(), cts.Token);
            var response = new MemoryStream();
            await tls.CopyToAsync(response, cts.Token);
            page = Encoding.ASCII.GetString(response.ToArray());
            Assert.Equal("CN=openssl-server", tls.Connection.PeerIdentity!.Subject.ToString());
        }
        Assert.Equal(0, await server.WaitForExitAsync(Limit));
        Assert.StartsWith("HTTP/1.0 200 ok", page);
        Assert.Contains("Client certificate", page);
        Assert.Contains($"Subject: CN={key}", page);
        Assert.Contains($"Peer signature type: {signatureType}", page);
    }

    private (string Certificate, string Key) Files(string name)
    {
        var (cert, key) = hsm.Ca.IssueSoftware(name);
        return (hsm.WriteFile(name + ".pem", cert), hsm.WriteFile(name + ".key", key));
    }
}
