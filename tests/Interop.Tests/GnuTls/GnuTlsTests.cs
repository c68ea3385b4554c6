using System.Net;
using System.Net.Sockets;
using System.Text;
using TlsEngine.Crypto;
using TlsEngine.Interop.Tests.Infrastructure;
using TlsEngine.Record;

namespace TlsEngine.Interop.Tests.GnuTls;

/// <summary>
/// Mutual TLS 1.3 with GnuTLS (gnutls-cli / gnutls-serv from Debian's gnutls-bin) in both directions: every certificate
/// key type, a HelloRetryRequest, ChaCha20-Poly1305, a client without a certificate, resumption, and exported keying
/// material.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class GnuTlsTests(PkiFixture pki)
{
    private const string Tls13 = "NORMAL:-VERS-ALL:+VERS-TLS1.3";

    private static string Cli() => ExternalTool.Require("gnutls-cli");

    private static string Serv() => ExternalTool.Require("gnutls-serv");

    /// <summary>
    /// gnutls-cli against our server; returns what it printed and our connection (or our failure).
    /// <paramref name="established"/> sees our connection after the exchange, before it is disposed.
    /// </summary>
    private async Task<(string Output, TlsConnection? Ours, TlsAlertException? Failure, string Received)> GnuTlsClientAsync(
        TlsServerOptions options, IEnumerable<string> args, Action<TlsConnection>? established = null)
    {
        using var cts = Timeouts.ForCase();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var all = new List<string> { "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--x509cafile", pki.Ca(KeyType.P256) };
        all.AddRange(args);
        all.Add("localhost");
        await using var client = OpenSslProcess.Start(Cli(), all);
        TlsConnection? ours = null;
        TlsAlertException? failure = null;
        string received = "";
        try
        {
            using var socket = await listener.AcceptSocketAsync(cts.Token);
            await using var tls = await TlsStream.AcceptAsync(new NetworkStream(socket, ownsSocket: false), options, cts.Token);
            ours = tls.Connection;
            await client.WriteAsync("hello-from-gnutls\n");
            received = await Exchange.ReadUntilAsync(tls, "hello-from-gnutls", cts.Token);
            await tls.WriteAsync(Encoding.ASCII.GetBytes("hello-from-tlsengine\n"), cts.Token);
            await client.WaitForTextAsync("hello-from-tlsengine", Timeouts.Step);
            established?.Invoke(tls.Connection);
        }
        catch (TlsAlertException e)
        {
            failure = e;
        }
        finally
        {
            listener.Stop();
        }
        if (failure is not null)
            await client.WaitForExitAsync(Timeouts.Step); // gnutls-cli reads the alert, prints it and exits
        return (client.Output, ours, failure, received);
    }

    [SkippableTheory]
    [InlineData(KeyType.P256)]
    [InlineData(KeyType.P384)]
    [InlineData(KeyType.Rsa2048)]
    [InlineData(KeyType.Ed25519)]
    public async Task GnuTlsClientCompletesMutualTlsWithOurServer(KeyType key)
    {
        var (cert, privateKey) = pki.Client(key);
        var options = EngineOptions.Server(pki, key, key);
        var (output, ours, failure, received) = await GnuTlsClientAsync(options,
            ["--x509cafile", pki.Ca(key), "--x509certfile", cert, "--x509keyfile", privateKey, "--priority", Tls13]);
        Assert.Null(failure);
        Assert.Contains("Handshake was completed", output, StringComparison.Ordinal);
        Assert.Contains("TLS1.3", output, StringComparison.Ordinal);
        Assert.Contains("hello-from-gnutls", received, StringComparison.Ordinal);
        Assert.Equal(key.ClientSpiffeId(), ours!.PeerIdentity!.SpiffeId);
        Assert.Contains(ours.PeerSignatureScheme!.Value, key.AllowedSchemes());
    }

    /// <summary>Keying material exporters (RFC 8446 §7.5): gnutls-cli prints what gnutls_prf_rfc5705 gives, and ours must match.</summary>
    [SkippableFact]
    public async Task GnuTlsClientExportsWhatOurServerExports()
    {
        var (cert, privateKey) = pki.Client(KeyType.P256);
        string ours = "";
        var (output, _, failure, _) = await GnuTlsClientAsync(EngineOptions.Server(pki, KeyType.P256, KeyType.P256),
            ["--x509certfile", cert, "--x509keyfile", privateKey, "--priority", Tls13,
                "--keymatexport=EXPORTER-Channel-Binding", "--keymatexportsize=48"],
            connection =>
            {
                var material = new byte[48];
                connection.ExportKeyingMaterial("EXPORTER-Channel-Binding"u8, [], material);
                ours = Convert.ToHexStringLower(material);
            });
        Assert.Null(failure);
        Assert.Equal(96, ours.Length);
        Assert.Contains($"- Key material: {ours}", output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task GnuTlsClientOfferingX25519AndP256GetsAHelloRetryRequestForP384()
    {
        var (cert, key) = pki.Client(KeyType.P256);
        var options = EngineOptions.Server(pki, KeyType.P256, KeyType.P256);
        options.Groups = [NamedGroup.Secp384r1];
        var (output, ours, failure, _) = await GnuTlsClientAsync(options,
            ["--x509certfile", cert, "--x509keyfile", key, "--priority", Tls13 + ":-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1"]);
        Assert.Null(failure);
        Assert.True(ours!.HelloRetried, output);
        Assert.Equal(NamedGroup.Secp384r1, ours.NamedGroup);
    }

    [SkippableFact]
    public async Task GnuTlsClientNegotiatesChaCha20Poly1305()
    {
        var (cert, key) = pki.Client(KeyType.P256);
        var (output, ours, failure, _) = await GnuTlsClientAsync(EngineOptions.Server(pki, KeyType.P256, KeyType.P256),
            ["--x509certfile", cert, "--x509keyfile", key, "--priority", Tls13 + ":-CIPHER-ALL:+CHACHA20-POLY1305"]);
        Assert.Null(failure);
        Assert.Equal(CipherSuite.TLS_CHACHA20_POLY1305_SHA256, ours!.CipherSuite);
        Assert.Contains("CHACHA20-POLY1305", output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task GnuTlsClientWithoutCertificateIsRefusedWithCertificateRequired()
    {
        var (output, _, failure, _) = await GnuTlsClientAsync(EngineOptions.Server(pki, KeyType.P256, KeyType.P256), ["--priority", Tls13]);
        AlertExpectations.RaisedLocally(AlertDescription.CertificateRequired, failure, output);
        Assert.Contains("Certificate is required", output, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Starts gnutls-serv requiring a client certificate, echoing, on a free loopback port.</summary>
    private static async Task<(OpenSslProcess Server, int Port)> StartGnuTlsServerAsync(string cert, string key, string clientCa, string priority,
        params string[] extra)
    {
        int port = Ports.Free();
        var server = OpenSslProcess.Start(Serv(),
        [
            "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--echo", "--x509certfile", cert, "--x509keyfile", key,
            "--x509cafile", clientCa, "--require-client-cert", "--verify-client-cert", "--priority", priority, .. extra,
        ]);
        var deadline = DateTime.UtcNow + Timeouts.Step;
        while (!Ports.IsListening(port))
        {
            if (server.ProcessHasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"gnutls-serv is not listening:\n{server.Output}");
            await Task.Delay(20);
        }
        return (server, port);
    }

    private static async Task<TlsStream> ConnectAsync(int port, TlsClientOptions options, CancellationToken ct)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, ct);
        return await TlsStream.ConnectAsync(tcp.GetStream(), options, ct);
    }

    [SkippableTheory]
    [InlineData(KeyType.P256)]
    [InlineData(KeyType.P384)]
    [InlineData(KeyType.Rsa2048)]
    [InlineData(KeyType.Ed25519)]
    public async Task OurClientCompletesMutualTlsWithGnuTlsServer(KeyType key)
    {
        using var cts = Timeouts.ForCase();
        var (cert, privateKey) = pki.Server(key);
        var (server, port) = await StartGnuTlsServerAsync(cert, privateKey, pki.Ca(key), Tls13);
        await using (server)
        {
            await using var tls = await ConnectAsync(port, EngineOptions.Client(pki, key, key), cts.Token);
            await tls.WriteAsync(Encoding.ASCII.GetBytes("echo-me\n"), cts.Token);
            var echoed = await Exchange.ReadUntilAsync(tls, "echo-me", cts.Token);
            Assert.Contains("echo-me", echoed, StringComparison.Ordinal);
            Assert.Contains(tls.Connection.PeerSignatureScheme!.Value, key.AllowedSchemes());
            Assert.Contains(tls.Connection.LocalSignatureScheme!.Value, key.AllowedSchemes());
            Assert.Contains("localhost", tls.Connection.PeerIdentity!.DnsNames);
        }
    }

    [SkippableFact]
    public async Task OurClientExportsWhatGnuTlsServerExports()
    {
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Server(KeyType.P256);
        var (server, port) = await StartGnuTlsServerAsync(cert, key, pki.Ca(KeyType.P256), Tls13,
            "--keymatexport=EXPORTER-Channel-Binding", "--keymatexportsize=48");
        await using (server)
        {
            await using var tls = await ConnectAsync(port, EngineOptions.Client(pki, KeyType.P256, KeyType.P256), cts.Token);
            await tls.WriteAsync(Encoding.ASCII.GetBytes("echo-me\n"), cts.Token);
            await Exchange.ReadUntilAsync(tls, "echo-me", cts.Token);
            var material = new byte[48];
            tls.Connection.ExportKeyingMaterial("EXPORTER-Channel-Binding"u8, [], material);
            await server.WaitForTextAsync($"- Key material: {Convert.ToHexStringLower(material)}", Timeouts.Step);
        }
    }

    [SkippableFact]
    public async Task OurClientResumesWithAGnuTlsTicket()
    {
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Server(KeyType.P256);
        var (server, port) = await StartGnuTlsServerAsync(cert, key, pki.Ca(KeyType.P256), Tls13);
        await using (server)
        {
            var options = EngineOptions.Client(pki, KeyType.P256, KeyType.P256);
            options.SessionTickets = new SessionTicketCache();
            await using (var first = await ConnectAsync(port, options, cts.Token))
            {
                // The ticket arrives after the handshake: an echo round trip makes sure it has been read.
                await first.WriteAsync(Encoding.ASCII.GetBytes("one\n"), cts.Token);
                await Exchange.ReadUntilAsync(first, "one", cts.Token);
                Assert.False(first.Connection.Resumed);
            }
            await using var second = await ConnectAsync(port, options, cts.Token);
            await second.WriteAsync(Encoding.ASCII.GetBytes("two\n"), cts.Token);
            await Exchange.ReadUntilAsync(second, "two", cts.Token);
            Assert.True(second.Connection.Resumed, server.Output);
        }
    }
}
