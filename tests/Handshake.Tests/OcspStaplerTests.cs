using System.Net;
using System.Security.Cryptography.X509Certificates;
using TlsEngine.Testing;
using TlsEngine.Tests.Support;
using TlsEngine.X509;

namespace TlsEngine.Tests;

/// <summary>The server's staple source: fetch, cache, background refresh, and what happens when the responder fails.</summary>
public class OcspStaplerTests
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>An OCSP responder in memory: answers GETs with a fresh response, or fails when told to.</summary>
    private sealed class Responder(Func<byte[]> respond) : HttpMessageHandler
    {
        public int Requests;
        public bool Fail { get; set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            if (Fail) return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(respond()) });
        }
    }

    private static (TlsCertificate Server, Certificate Issuer) ServerWithResponderUrl()
    {
        var pki = TestPki.Default;
        var server = pki.Issue("CN=localhost", KeyKind.EcdsaP256, TestPki.ServerAuth, san => san.AddDnsName("localhost"),
            customize: req => req.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(["http://ocsp.test/"], null)));
        return (server, pki.Anchor);
    }

    [Fact]
    public async Task StaplerServesTheFetchedResponseAndKeepsItWhenRefreshFails()
    {
        var (server, issuer) = ServerWithResponderUrl();
        var clock = new Clock(DateTimeOffset.UtcNow);
        var pki = TestPki.Default;
        var responder = new Responder(() => new OcspResponseBuilder
        {
            Certificate = X509CertificateLoader.LoadCertificate(server.Leaf.RawData.Span),
            Issuer = pki.CaCertificate,
            Signer = pki.CaCertificate,
            SignerKey = pki.CaKey,
            ThisUpdate = clock.Now.AddMinutes(-1),
            NextUpdate = clock.Now.AddHours(4),
        }.Build());
        using var http = new HttpClient(responder);
        using var client = new OcspClient(http, clock) { UseNonce = false };
        await using var stapler = new OcspStapler(server, client, issuer, clock);
        await stapler.StartAsync();
        Assert.NotNull(stapler.Current);
        Assert.Equal(OcspCertStatus.Good, stapler.LastCheck!.Status);
        var first = stapler.Current!.Value.ToArray();

        // Before the refresh point the cached response is reused without asking the responder again.
        Assert.Same(client.Cached(server.Leaf, issuer), await client.FetchAsync(server.Leaf, issuer));
        Assert.Equal(1, responder.Requests);

        // The responder goes down; past the refresh point a refresh fails, and the last response is still served.
        responder.Fail = true;
        clock.Now += TimeSpan.FromHours(3);
        await Assert.ThrowsAsync<OcspFetchException>(() => client.FetchAsync(server.Leaf, issuer));
        Assert.Equal(first, stapler.Current!.Value.ToArray());

        // After nextUpdate the staple has expired and is no longer offered.
        clock.Now += TimeSpan.FromHours(2);
        Assert.Null(stapler.Current);
    }

    [Fact]
    public async Task BackgroundRefreshFailureIsReportedAndTheStapleKept()
    {
        var (server, issuer) = ServerWithResponderUrl();
        var pki = TestPki.Default;
        var responder = new Responder(() => new OcspResponseBuilder
        {
            Certificate = X509CertificateLoader.LoadCertificate(server.Leaf.RawData.Span),
            Issuer = pki.CaCertificate,
            Signer = pki.CaCertificate,
            SignerKey = pki.CaKey,
            ThisUpdate = DateTimeOffset.UtcNow.AddSeconds(-1),
            NextUpdate = DateTimeOffset.UtcNow.AddSeconds(20),
        }.Build());
        using var http = new HttpClient(responder);
        using var client = new OcspClient(http) { UseNonce = false };
        await using var stapler = new OcspStapler(server, client, issuer) { RetryDelay = TimeSpan.FromMilliseconds(200) };
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        stapler.RefreshFailed += e => failed.TrySetResult(e);
        await stapler.StartAsync();
        responder.Fail = true;
        // The refresh point is halfway to nextUpdate (about ten seconds away); the refresh fails.
        var error = await failed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Contains("HTTP 503", error.Message);
        Assert.NotNull(stapler.Current);
    }

    [Fact]
    public async Task StartFailsClearlyWhenTheCertificateNamesNoResponder()
    {
        var pki = TestPki.Default;
        var server = pki.Server();
        using var client = new OcspClient();
        await using var stapler = new OcspStapler(server, client, pki.Anchor);
        var e = await Assert.ThrowsAsync<OcspFetchException>(() => stapler.StartAsync());
        Assert.Contains("no OCSP responder", e.Message);
    }

    [Fact]
    public async Task ResponseForAnotherCertificateIsRejectedByTheClient()
    {
        var (server, issuer) = ServerWithResponderUrl();
        var pki = TestPki.Default;
        var other = pki.Server();
        var responder = new Responder(() => new OcspResponseBuilder
        {
            Certificate = X509CertificateLoader.LoadCertificate(other.Leaf.RawData.Span),
            Issuer = pki.CaCertificate,
            Signer = pki.CaCertificate,
            SignerKey = pki.CaKey,
        }.Build());
        using var http = new HttpClient(responder);
        using var client = new OcspClient(http) { UseNonce = false };
        var e = await Assert.ThrowsAsync<OcspFetchException>(() => client.FetchAsync(server.Leaf, issuer));
        Assert.Contains("no status", e.Message);
    }
}
