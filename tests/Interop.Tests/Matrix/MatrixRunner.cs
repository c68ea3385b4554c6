using TlsEngine.Crypto;
using TlsEngine.Interop.Tests.Infrastructure;

namespace TlsEngine.Interop.Tests.Matrix;

/// <summary>
/// Runs one matrix case against a real openssl process and compares what both ends say was negotiated: openssl's
/// summary lines, openssl's own -trace decode of the handshake, and our TlsConnection properties.
/// </summary>
public static class MatrixRunner
{
    public static async Task<Checks> RunAsync(PkiFixture pki, MatrixCase c)
    {
        var checks = new Checks(c.ToString());
        string evidence = "";
        try
        {
            evidence = c.Direction == Direction.EngineServer
                ? await EngineServerAsync(pki, c, checks)
                : await EngineClientAsync(pki, c, checks);
        }
        catch (Exception e)
        {
            checks.Fail($"{e.GetType().Name}: {e.Message}");
        }
        if (!checks.Passed && evidence.Length > 0) checks.Fail("openssl output:\n" + OpenSslProcess.Tail(evidence, 2500));
        return checks;
    }

    private static async Task<string> EngineServerAsync(PkiFixture pki, MatrixCase c, Checks checks)
    {
        using var cts = Timeouts.ForCase();
        var (clientCert, clientKey) = pki.Client(c.ClientKey);
        var options = EngineOptions.Server(pki, c.ServerKey, c.ClientKey);
        await using var h = new EngineServerHarness(pki.NewTraceFile(c.Tag));
        var sClient = h.StartClient(
        [
            "-CAfile", pki.Ca(c.ServerKey), "-verify_return_error", "-servername", "localhost", "-verify_hostname", "localhost",
            "-cert", clientCert, "-key", clientKey, "-groups", NamedGroups.Name(c.Group), "-ciphersuites", c.Suite.ToString(),
        ]);
        try
        {
            var tls = await h.AcceptAsync(options, cts.Token);
            var ours = EngineView.From(tls.Connection);
            await Exchange.PingPongAsync(tls, sClient, c.Tag, cts.Token);
            await Exchange.CloseAsync(tls, cts.Token);
            int exit = await sClient.WaitForExitAsync(Timeouts.Step);
            var theirs = new OpenSslOutput(sClient.Output);
            var trace = h.Trace();

            checks.Equal(0, exit, "s_client exit code");
            checks.Expect(theirs.VerificationOk && theirs.VerifyReturnCodeZero, "s_client did not print 'Verification: OK' and 'Verify return code: 0 (ok)'");
            checks.Equal(c.Suite, ours.Suite, "our CipherSuite");
            checks.Equal(c.Suite, theirs.CipherSuite, "s_client 'Cipher is'");
            checks.Equal(c.Suite, trace.ServerHelloSuite(sent: false), "ServerHello cipher_suite in s_client's trace");
            checks.Equal(c.Group, ours.Group, "our NamedGroup");
            checks.Equal(c.Group, theirs.ServerTempKeyGroup, $"s_client 'Server Temp Key' ({theirs.ServerTempKey})");
            checks.Equal(c.Group, trace.ServerHelloGroup(sent: false), "ServerHello key_share group in s_client's trace");
            checks.Expect(!ours.HelloRetried, "our server sent a HelloRetryRequest although s_client offered a share for the only group");
            checks.Equal(1, trace.ClientHelloCount(sent: true), "ClientHellos s_client sent");
            CheckSchemes(checks, ours, c, theirs, trace, weAreServer: true);
            checks.Equal(c.ClientKey.ClientSpiffeId(), ours.Peer?.SpiffeId, "our PeerIdentity.SpiffeId");
        }
        finally
        {
            sClient.Kill();
        }
        return sClient.Output;
    }

    private static async Task<string> EngineClientAsync(PkiFixture pki, MatrixCase c, Checks checks)
    {
        using var cts = Timeouts.ForCase();
        var (serverCert, serverKey) = pki.Server(c.ServerKey);
        await using var h = await OpenSslServerHarness.StartAsync(
            ["-cert", serverCert, "-key", serverKey, "-CAfile", pki.Ca(c.ClientKey), "-Verify", "1", "-verify_return_error"],
            pki.NewTraceFile(c.Tag));
        try
        {
            var options = EngineOptions.Client(pki, c.ClientKey, c.ServerKey);
            options.Groups = [c.Group];
            options.CipherSuites = [c.Suite];
            var tls = await h.ConnectAsync(options, cts.Token);
            var ours = EngineView.From(tls.Connection);
            await Exchange.PingPongAsync(tls, h.Server, c.Tag, cts.Token);
            await Exchange.CloseAsync(tls, cts.Token);
            int exit = await h.Server.WaitForExitAsync(Timeouts.Step);
            var theirs = new OpenSslOutput(h.Server.Output);
            var trace = h.Trace();

            checks.Equal(0, exit, "s_server exit code");
            checks.Equal(c.Suite, ours.Suite, "our CipherSuite");
            checks.Equal(c.Suite, theirs.CipherSuite, "s_server 'CIPHER is'");
            checks.Equal(c.Suite, trace.ServerHelloSuite(sent: true), "ServerHello cipher_suite in s_server's trace");
            checks.Equal(c.Group, ours.Group, "our NamedGroup");
            checks.Equal(c.Group, trace.ServerHelloGroup(sent: true), "ServerHello key_share group in s_server's trace");
            checks.Expect(!ours.HelloRetried, "HelloRetried although our client offered a share for its only group");
            checks.Equal(1, trace.ClientHelloCount(sent: false), "ClientHellos s_server received");
            CheckSchemes(checks, ours, c, theirs, trace, weAreServer: false);
            checks.Equal($"CN = client-{c.ClientKey.FilePart()}", theirs.Subject, "client certificate subject printed by s_server");
            checks.Expect(ours.Peer?.DnsNames.Contains("localhost") == true, $"our PeerIdentity.DnsNames lacks localhost: [{ours.Peer}]");
        }
        finally
        {
            h.Server.Kill();
        }
        return h.Server.Output;
    }

    /// <summary>Both CertificateVerify schemes: allowed for the key type, and the same on both ends.</summary>
    private static void CheckSchemes(Checks checks, EngineView ours, MatrixCase c, OpenSslOutput theirs, OpenSslTrace trace, bool weAreServer)
    {
        var localKey = weAreServer ? c.ServerKey : c.ClientKey;
        var peerKey = weAreServer ? c.ClientKey : c.ServerKey;
        checks.Expect(ours.LocalScheme is { } l && localKey.AllowedSchemes().Contains(l),
            $"we signed with {Name(ours.LocalScheme)}, not one of {string.Join("/", localKey.AllowedSchemes().Select(SignatureSchemes.Name))}");
        checks.Expect(ours.PeerScheme is { } p && peerKey.AllowedSchemes().Contains(p),
            $"we saw the peer sign with {Name(ours.PeerScheme)}, not one of {string.Join("/", peerKey.AllowedSchemes().Select(SignatureSchemes.Name))}");
        if (ours.LocalScheme is { } local)
        {
            var (type, digest) = OpenSslOutput.Describe(local);
            checks.Expect(theirs.PeerSignatureMatches(local),
                $"openssl 'Peer signature type/digest' = {theirs.PeerSignatureType}/{theirs.PeerSigningDigest}, we signed with {SignatureSchemes.Name(local)} ({type}/{digest})");
        }
        checks.Equal(ours.LocalScheme, trace.CertificateVerifyScheme(sent: false), "scheme of the CertificateVerify openssl received");
        checks.Equal(ours.PeerScheme, trace.CertificateVerifyScheme(sent: true), "scheme of the CertificateVerify openssl sent");
    }

    private static string Name(SignatureScheme? s) => s is { } x ? SignatureSchemes.Name(x) : "(none)";
}
