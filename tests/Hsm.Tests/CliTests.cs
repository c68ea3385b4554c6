using System.Net;
using System.Net.Sockets;
using TlsEngine.Cli;
using TlsEngine.Hsm.Tests.Support;
using TlsEngine.Testing;

namespace TlsEngine.Hsm.Tests;

/// <summary><c>tlsengine hsm list</c> and <c>--key pkcs11:…</c>, run in-process (the module is loaded once per process).</summary>
[Collection(SoftHsmCollection.Name)]
public sealed class CliTests(SoftHsmFixture hsm)
{
    [SkippableFact]
    public async Task HsmListShowsTokensKeysAndUris()
    {
        hsm.Require();
        var (code, output, _) = await RunAsync("hsm", "list", "--pin-source", "file:" + hsm.PinFile, "--token", SoftHsmFixture.Token);
        Assert.Equal(0, code);
        Assert.Contains("module /usr/lib/softhsm/libsofthsm2.so", output);
        Assert.Matches(@"token 'tls': serial [0-9a-f]+, slot \d+, SoftHSM project SoftHSM v2, logged in", output);
        Assert.Contains("private key  label 'ec-p256'  id 01  EC P-256", output);
        Assert.Contains("private key  label 'ec-p384'  id 02  EC P-384", output);
        Assert.Contains("private key  label 'rsa-2048'  id 03  RSA 2048", output);
        Assert.Contains("pkcs11:token=tls;object=ec-p256;id=%01;type=private", output);
        Assert.Contains("certificate  label 'ec-p256'  id 01  certificate CN=ec-p256", output);
        Assert.DoesNotContain("token 'login'", output);
        if (hsm.HasEd25519) Assert.Contains("label 'ed25519'  id 04  Ed25519", output);
    }

    [SkippableFact]
    public async Task HsmListWithoutPinShowsPublicObjectsOnly()
    {
        hsm.Require();
        var (code, output, _) = await RunAsync("hsm", "list", "--token", SoftHsmFixture.LoginToken);
        Assert.Equal(0, code);
        Assert.Contains("token 'login'", output);
        Assert.Contains("not logged in (give --pin-source to see private keys)", output);
        Assert.Contains("public key   label 'login-p256'", output);
        Assert.DoesNotContain("private key  label", output);
    }

    [SkippableFact]
    public async Task WrongPinIsReportedAtStartupWithoutThePin()
    {
        hsm.Require();
        const string pin = "4321-wrong-value";
        var (code, _, errors) = await RunAsync("server", "--port", "0",
            "--key", $"pkcs11:token={SoftHsmFixture.LoginToken};object=login-p256;type=private?pin-value={pin}");
        Assert.Equal(1, code);
        Assert.Contains("CKR_PIN_INCORRECT", errors);
        Assert.DoesNotContain(pin, errors);
    }

    [SkippableFact]
    public async Task CommandLinesPrintedBackHaveThePinRedacted()
    {
        hsm.Require();
        const string pin = "4321-secret";
        var (code, _, errors) = await RunAsync("demo", $"pkcs11:object=x?pin-value={pin}"); // a stray argument is echoed
        Assert.Equal(2, code);
        Assert.Contains("unexpected argument 'pkcs11:object=x?pin-value=***'", errors);
        Assert.DoesNotContain(pin, errors);
        var (passCode, _, passErrors) = await RunAsync("server", "--key", $"pkcs11:object=x?pin-value={pin}", "--pass", "x");
        Assert.Equal(2, passCode);
        Assert.Contains("--pass does not apply to a pkcs11: key", passErrors);
    }

    [SkippableFact]
    public async Task ServerWithKeyAndCertificateFromTheTokenServesOpenSslClient()
    {
        hsm.Require();
        ExternalTool.Require("openssl");
        var ca = hsm.WriteFile("ca.pem", hsm.Ca.CertificatePem);
        var (clientCert, clientKey) = hsm.Ca.IssueSoftware("cli-openssl-client");
        var clientCertFile = hsm.WriteFile("cli-client.pem", clientCert);
        var clientKeyFile = hsm.WriteFile("cli-client.key", clientKey);
        int port = FreePort();
        await using var server = await CliRun.StartAsync(["server", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--naccept", "1", "--echo", "--ca", ca,
            "--key", $"pkcs11:token={SoftHsmFixture.Token};object=ec-p256;type=private?pin-source=file:{hsm.PinFile}"]);
        await server.WaitForErrorTextAsync("listening on", TimeSpan.FromSeconds(30));
        using var client = OpenSslProcess.Start(hsm.Directory, "hello-token\n", "s_client", "-connect", $"127.0.0.1:{port}", "-servername", "localhost",
            "-CAfile", ca, "-verify_return_error", "-cert", clientCertFile, "-key", clientKeyFile);
        // Once the echo is back, end s_client's input: it sends close_notify and the server's one connection ends.
        // (Ending the input at once races the echo: see the report on ServerCommand writing after close_notify.)
        await client.WaitForOutputAsync("hello-token", TimeSpan.FromSeconds(30));
        client.CloseInput();
        var (code, _, errors) = await server.WaitAsync(TimeSpan.FromSeconds(30));
        await client.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, code);
        Assert.Contains("signed with ecdsa_secp256r1_sha256", errors);
        Assert.Contains("CN=cli-openssl-client", errors);
        Assert.Contains("Verification: OK", client.Output);
        Assert.Contains("subject=CN = ec-p256", client.Output); // the certificate stored on the token
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static async Task<(int Code, string Output, string Errors)> RunAsync(params string[] args)
    {
        await using var run = await CliRun.StartAsync(args);
        return await run.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>The CLI running in this process with stdout and stderr captured (one at a time: the console is global).</summary>
    private sealed class CliRun : IAsyncDisposable
    {
        private static readonly SemaphoreSlim ConsoleGate = new(1, 1);
        private readonly StringWriter _stdout = new();
        private readonly StringWriter _stderr = new();
        private readonly TextWriter _oldOut = Console.Out;
        private readonly TextWriter _oldErr = Console.Error;
        private Task<int>? _running;

        public static async Task<CliRun> StartAsync(string[] args)
        {
            await ConsoleGate.WaitAsync();
            var run = new CliRun();
            Console.SetOut(TextWriter.Synchronized(run._stdout));
            Console.SetError(TextWriter.Synchronized(run._stderr));
            run._running = Task.Run(() => CommandLine.RunAsync(args));
            return run;
        }

        public string Errors
        {
            get
            {
                lock (_stderr) return _stderr.ToString();
            }
        }

        public async Task WaitForErrorTextAsync(string text, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!Errors.Contains(text, StringComparison.Ordinal))
            {
                if (_running!.IsCompleted || DateTime.UtcNow > deadline)
                    throw new TimeoutException($"the CLI did not print '{text}': {Errors}");
                await Task.Delay(20);
            }
        }

        public async Task<(int Code, string Output, string Errors)> WaitAsync(TimeSpan timeout)
        {
            int code = await _running!.WaitAsync(timeout);
            return (code, _stdout.ToString(), Errors);
        }

        public async ValueTask DisposeAsync()
        {
            if (_running is not null)
            {
                try
                {
                    await _running.WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (TimeoutException)
                {
                }
            }
            Console.SetOut(_oldOut);
            Console.SetError(_oldErr);
            ConsoleGate.Release();
        }
    }
}
