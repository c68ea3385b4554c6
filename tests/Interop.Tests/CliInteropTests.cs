using TlsEngine.Interop.Tests.Infrastructure;
using TlsEngine.Record;

namespace TlsEngine.Interop.Tests;

/// <summary>
/// Our CLI (<c>tlsengine server|client</c>, the build next to this project) against openssl, to prove that the program
/// people run works, not only the library: mutual TLS both ways, HelloRetryRequest, KeyUpdate, exported keying
/// material and a refusal.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class CliInteropTests(PkiFixture pki)
{
    [SkippableFact]
    public async Task CliServerCompletesMutualTlsWithOpenSslClient()
    {
        ExternalTool.Require("openssl");
        var (serverCert, serverKey) = pki.Server(KeyType.Rsa2048);
        var (clientCert, clientKey) = pki.Client(KeyType.Ed25519);
        var (cli, port) = await CliProcess.StartServerAsync(
            ["--cert", serverCert, "--key", serverKey, "--ca", pki.Ca(KeyType.Ed25519), "--require-client-cert",
                "--keymatexport", "EXPERIMENTAL-cli", "--keymatexportlen", "32"]);
        await using var _ = cli;
        await using var sClient = OpenSslProcess.StartOpenSsl(
        [
            "s_client", "-connect", $"127.0.0.1:{port}", "-tls1_3", "-CAfile", pki.Ca(KeyType.Rsa2048), "-verify_return_error",
            "-servername", "localhost", "-verify_hostname", "localhost", "-cert", clientCert, "-key", clientKey,
            "-keymatexport", "EXPERIMENTAL-cli", "-keymatexportlen", "32",
        ]);

        await TalkAsync(sClient, cli);
        sClient.CloseStdin(); // s_client sends close_notify at the end of its input; the CLI server then ends (--naccept 1)
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));
        Assert.Equal(0, await cli.WaitForExitAsync(Timeouts.Step));

        var theirs = new OpenSslOutput(sClient.Output);
        Assert.True(theirs.VerificationOk && theirs.VerifyReturnCodeZero, sClient.Output);
        Assert.Equal("rsa-pss", theirs.PeerSignatureType);
        Assert.Contains($"handshake: TLSv1.3, {theirs.Cipher}, ", cli.Stderr, StringComparison.Ordinal);
        Assert.Contains("peer signed with ed25519", cli.Stderr, StringComparison.Ordinal);
        Assert.Contains($"SPIFFE ID {KeyType.Ed25519.ClientSpiffeId()}", cli.Stderr, StringComparison.Ordinal);
        Assert.Contains($": {KeyingMaterial(sClient.Output)}", cli.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--keymatexportlen", "32")]
    [InlineData("--keymatexportlen", "20")]
    [InlineData("--keymatexport", "")]
    [InlineData("--keymatexportlen", "0")]
    public async Task CliRefusesAnUnusableKeyingMaterialRequest(string option, string value)
    {
        string[] exporter = option == "--keymatexportlen" && value == "0"
            ? ["--keymatexport", "EXPERIMENTAL-cli", option, value]
            : [option, value];
        await using var cli = CliProcess.Start(["client", "--connect", "127.0.0.1:9", "--ca", pki.Ca(KeyType.P256), .. exporter]);
        Assert.Equal(2, await cli.WaitForExitAsync(Timeouts.Step));
        Assert.Contains("keymatexport", cli.Stderr, StringComparison.Ordinal);
    }

    // The line openssl prints for -keymatexport (RFC 8446 §7.5), as our CLI prints it for --keymatexport.
    private static string KeyingMaterial(string opensslOutput)
    {
        var hex = new OpenSslOutput(opensslOutput).KeyingMaterial;
        Assert.True(hex is { Length: >= 40 }, opensslOutput);
        return $"Keying material: {hex}";
    }

    [SkippableFact]
    public async Task CliClientCompletesMutualTlsAndKeyUpdateWithOpenSslServer()
    {
        ExternalTool.Require("openssl");
        var (serverCert, serverKey) = pki.Server(KeyType.P384);
        var (clientCert, clientKey) = pki.Client(KeyType.Rsa2048);
        await using var h = await OpenSslServerHarness.StartAsync(
            ["-cert", serverCert, "-key", serverKey, "-CAfile", pki.Ca(KeyType.Rsa2048), "-Verify", "1", "-verify_return_error",
                "-keymatexport", "EXPERIMENTAL-cli"],
            pki.NewTraceFile("cli-client"));
        await using var cli = CliProcess.Start(
        [
            "client", "--connect", $"127.0.0.1:{h.Port}", "--servername", "localhost", "--cert", clientCert, "--key", clientKey,
            "--ca", pki.Ca(KeyType.P384), "--groups", "P-384", "--ciphersuites", "TLS_CHACHA20_POLY1305_SHA256", "--keyupdate",
            "--keymatexport", "EXPERIMENTAL-cli",
        ]);

        await TalkAsync(h.Server, cli);
        cli.CloseStdin(); // the CLI client sends close_notify at the end of its input
        Assert.Equal(0, await cli.WaitForExitAsync(Timeouts.Step));
        Assert.Equal(0, await h.Server.WaitForExitAsync(Timeouts.Step));

        var theirs = new OpenSslOutput(h.Server.Output);
        var trace = h.Trace();
        Assert.Contains("Verification: OK", cli.Stderr, StringComparison.Ordinal);
        Assert.Contains("handshake: TLSv1.3, TLS_CHACHA20_POLY1305_SHA256, P-384, signed with rsa_pss_rsae_", cli.Stderr, StringComparison.Ordinal);
        Assert.Contains("peer signed with ecdsa_secp384r1_sha384", cli.Stderr, StringComparison.Ordinal);
        Assert.True(Crypto.CipherSuite.TLS_CHACHA20_POLY1305_SHA256 == theirs.CipherSuite, h.Server.Output);
        Assert.Equal(Crypto.NamedGroup.Secp384r1, trace.ServerHelloGroup(sent: true));
        Assert.Equal("CN = client-rsa", theirs.Subject);
        Assert.Equal("rsa-pss", theirs.PeerSignatureType);
        Assert.Equal([true], trace.KeyUpdates(sent: false));
        Assert.Equal([false], trace.KeyUpdates(sent: true));
        Assert.Contains(KeyingMaterial(h.Server.Output), cli.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task CliServerSendsHelloRetryRequest()
    {
        ExternalTool.Require("openssl");
        var (serverCert, serverKey) = pki.Server(KeyType.P256);
        var (clientCert, clientKey) = pki.Client(KeyType.P256);
        var (cli, port) = await CliProcess.StartServerAsync(
            ["--cert", serverCert, "--key", serverKey, "--ca", pki.Ca(KeyType.P256), "--groups", "P-384"]);
        await using var _ = cli;
        await using var sClient = OpenSslProcess.StartOpenSsl(
        [
            "s_client", "-connect", $"127.0.0.1:{port}", "-tls1_3", "-CAfile", pki.Ca(KeyType.P256), "-verify_return_error",
            "-servername", "localhost", "-cert", clientCert, "-key", clientKey, "-groups", "X25519:P-384",
        ]);

        await TalkAsync(sClient, cli);
        sClient.CloseStdin();
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));
        Assert.Equal(0, await cli.WaitForExitAsync(Timeouts.Step));
        Assert.Equal(Crypto.NamedGroup.Secp384r1, new OpenSslOutput(sClient.Output).ServerTempKeyGroup);
        Assert.Contains("P-384", cli.Stderr, StringComparison.Ordinal);
        Assert.Contains("after HelloRetryRequest", cli.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task CliServerRefusesOpenSslClientWithoutCertificate()
    {
        ExternalTool.Require("openssl");
        var (serverCert, serverKey) = pki.Server(KeyType.P256);
        var (cli, port) = await CliProcess.StartServerAsync(
            ["--cert", serverCert, "--key", serverKey, "--ca", pki.Ca(KeyType.P256), "--require-client-cert"]);
        await using var _ = cli;
        await using var sClient = OpenSslProcess.StartOpenSsl(
            ["s_client", "-connect", $"127.0.0.1:{port}", "-tls1_3", "-CAfile", pki.Ca(KeyType.P256), "-verify_return_error", "-servername", "localhost"]);

        Assert.NotEqual(0, await sClient.WaitForExitAsync(Timeouts.Step));
        await cli.WaitForExitAsync(Timeouts.Step);
        AlertExpectations.OpenSslReceived(AlertDescription.CertificateRequired, new OpenSslOutput(sClient.Output));
        Assert.Contains("handshake failed: certificate_required", cli.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// One line each way between an openssl process and our CLI, both printing what they receive. The CLI speaks first,
    /// once its handshake is done: data on s_server's stdin before the handshake would make s_server complete the handshake
    /// inside SSL_write, and then it never prints the connection summary ("CIPHER is ...").
    /// </summary>
    private static async Task TalkAsync(OpenSslProcess openssl, OpenSslProcess cli)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        await cli.WaitForTextAsync("handshake: ", Timeouts.Step);
        await cli.WriteAsync($"from-cli-{tag}\n");
        await openssl.WaitForTextAsync($"from-cli-{tag}", Timeouts.Step);
        await openssl.WriteAsync($"from-openssl-{tag}\n");
        await cli.WaitForTextAsync($"from-openssl-{tag}", Timeouts.Step);
    }
}
