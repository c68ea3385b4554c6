using System.Diagnostics;
using TlsEngine.Hsm.Tests.Support;
using TlsEngine.X509;

namespace TlsEngine.Hsm.Tests;

[Collection(SoftHsmCollection.Name)]
public sealed class ConcurrencyTests(SoftHsmFixture hsm)
{
    [SkippableFact]
    public async Task TwoHundredConcurrentHandshakesSignInParallelOnPooledSessions()
    {
        hsm.Require();
        var serverKey = hsm.OpenKey("ec-p256");
        var clientKey = hsm.OpenKey("client-p256");
        var serverProbe = new ConcurrencyProbe(serverKey);
        var clientProbe = new ConcurrencyProbe(clientKey);
        var server = new TlsServerOptions
        {
            Certificate = new TlsCertificate([Certificate.Parse(hsm.CertificateFor("ec-p256"))], serverProbe),
            TrustAnchors = hsm.Anchors,
        };
        var client = new TlsClientOptions
        {
            Certificate = new TlsCertificate([Certificate.Parse(hsm.CertificateFor("client-p256"))], clientProbe),
            TrustAnchors = hsm.Anchors,
            ServerName = "localhost",
        };
        var pool = serverKey.Pool;
        Assert.Same(pool, clientKey.Pool); // one pool per token, shared by its keys
        int openedBefore = pool.SessionsOpened, loginsBefore = pool.Logins;
        int signaturesBefore = serverProbe.Calls + clientProbe.Calls;

        var clock = Stopwatch.StartNew();
        using var start = new ManualResetEventSlim();
        var handshakes = Enumerable.Range(0, 200).Select(_ => Task.Run(() =>
        {
            start.Wait();
            var (c, s) = MemoryPair.Handshake(client, server);
            Assert.Equal("CN=client-p256", s.PeerIdentity!.Subject.ToString());
            c.Dispose();
            s.Dispose();
        })).ToArray();
        start.Set();
        await Task.WhenAll(handshakes).WaitAsync(TimeSpan.FromSeconds(120));
        clock.Stop();

        Assert.All(handshakes, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal(400, serverProbe.Calls + clientProbe.Calls - signaturesBefore);
        Assert.Equal(loginsBefore, pool.Logins); // logged in once, before this test
        int opened = pool.SessionsOpened - openedBefore;
        Assert.True(opened < 100, $"{opened} sessions opened for 400 signatures: sessions are not being reused");
        Assert.True(Math.Max(serverProbe.MaxConcurrent, clientProbe.MaxConcurrent) >= 2, "token signatures never overlapped");
        Console.WriteLine($"200 concurrent handshakes: {clock.ElapsedMilliseconds} ms, {opened} new sessions, " +
            $"max concurrent signatures server {serverProbe.MaxConcurrent} client {clientProbe.MaxConcurrent}, idle {pool.IdleCount}");
    }
}
