using System.Globalization;
using System.Text.RegularExpressions;
using TlsEngine.Interop.Tests.Infrastructure;

namespace TlsEngine.Interop.Tests;

/// <summary>
/// The loopback load tool (<c>tlsengine bench server|client</c>) for a couple of seconds each: against
/// <c>openssl s_server -rev</c> with and without resumption, and against our own <c>bench server</c>. The figures it
/// prints are not asserted (they depend on the machine); what is asserted is that it did real mutual-TLS work,
/// reports it in the documented form and counts no error.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed partial class LoadToolTests(PkiFixture pki)
{
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BenchClientDrivesOpenSslServer(bool resume)
    {
        ExternalTool.Require("openssl");
        var (serverCert, serverKey) = pki.Server(KeyType.P256);
        var (clientCert, clientKey) = pki.Client(KeyType.P256);
        int port = Ports.Free();
        // -rev answers each line reversed; s_server serves one connection at a time, -naccept bounds it.
        await using var server = OpenSslProcess.StartOpenSsl(
        [
            "s_server", "-accept", $"127.0.0.1:{port}", "-tls1_3", "-cert", serverCert, "-key", serverKey,
            "-CAfile", pki.Ca(KeyType.P256), "-Verify", "1", "-verify_return_error", "-rev", "-naccept", "100000",
        ]);
        await server.WaitForTextAsync("ACCEPT", Timeouts.Step);

        await using var client = CliProcess.Start(
        [
            "bench", "client", "--connect", $"127.0.0.1:{port}", "--servername", "localhost", "--cert", clientCert,
            "--key", clientKey, "--ca", pki.Ca(KeyType.P256), "--connections", "2", "--duration", "2",
            .. resume ? new[] { "--resume" } : [],
        ]);
        Assert.Equal(0, await client.WaitForExitAsync(Timeouts.Case));

        var run = LoopLine(client.Stdout, loops: 2);
        // At least one handshake: how many fit in the run depends on the machine (a loaded CI host managed 3 in the
        // first second of a cold process), so counts are checked for consistency, not size.
        Assert.True(run.Handshakes >= 1, client.Output);
        Assert.Equal(0, run.Errors);
        // Each of the two connections starts with a full handshake (no ticket yet); most later ones resume.
        if (resume) Assert.True(run.Resumed >= (run.Handshakes - 2) / 2, client.Output);
        else Assert.Equal(0, run.Resumed);
    }

    [SkippableFact]
    public async Task BenchClientDrivesBenchServerWithResumption()
    {
        ExternalTool.Require("openssl"); // the fixture's PKI is made with openssl
        var (serverCert, serverKey) = pki.Server(KeyType.Ed25519);
        var (clientCert, clientKey) = pki.Client(KeyType.P384);
        await using var server = CliProcess.Start(
        [
            "bench", "server", "--port", "0", "--cert", serverCert, "--key", serverKey, "--ca", pki.Ca(KeyType.P384),
            "--duration", "10", "--report", "1",
        ]);
        await server.WaitUntilAsync(p => Listening().IsMatch(p.Stderr), "the 'listening on' line", Timeouts.Step);
        int port = int.Parse(Listening().Match(server.Stderr).Groups[1].Value, CultureInfo.InvariantCulture);

        await using var client = CliProcess.Start(
        [
            "bench", "client", "--connect", $"127.0.0.1:{port}", "--servername", "localhost", "--cert", clientCert,
            "--key", clientKey, "--ca", pki.Ca(KeyType.Ed25519), "--loops", "1,2", "--duration", "1", "--resume",
        ]);
        Assert.Equal(0, await client.WaitForExitAsync(Timeouts.Case));
        var one = LoopLine(client.Stdout, loops: 1);
        var two = LoopLine(client.Stdout, loops: 2);
        Assert.True(one.Handshakes >= 1 && two.Handshakes >= 1, client.Output);
        Assert.Equal(0, one.Errors + two.Errors);
        Assert.True(two.Resumed > 0, client.Output); // the ticket cache is shared between runs
        Assert.Matches(@"scaling: 2 loops = \d+\.\d\dx 1 loop", client.Stdout);

        Assert.Equal(0, await server.WaitForExitAsync(Timeouts.Case));
        var summary = ServerSummary().Match(server.Stdout);
        Assert.True(summary.Success, server.Output);
        Assert.Equal(one.Handshakes + two.Handshakes, long.Parse(summary.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal(one.Resumed + two.Resumed, long.Parse(summary.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.Equal("0", summary.Groups[3].Value);
    }

    private readonly record struct LoopResult(long Handshakes, long Resumed, long Errors);

    private static LoopResult LoopLine(string stdout, int loops)
    {
        var m = Regex.Match(stdout, $@"loops={loops}: (\d+) handshakes in [\d.]+ s = \d+ handshakes/s; latency p50 [\d.]+ ms, p99 [\d.]+ ms; resumed (\d+); errors (\d+)");
        Assert.True(m.Success, stdout);
        return new LoopResult(
            long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();

    [GeneratedRegex(@"server: (\d+) handshakes \((\d+) resumed\) in [\d.]+ s, \d+ /s; (\d+) failed handshakes")]
    private static partial Regex ServerSummary();
}
