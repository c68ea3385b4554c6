using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsEngine.Record;
using TlsEngine.Tests.Support;
using TlsEngine.X509;

namespace TlsEngine.Tests;

/// <summary>CRLs in the handshake (RFC 5280 §6.3) and the validated-chain cache.</summary>
public class CrlTests
{
    private static byte[] Crl(TestPki pki, params TlsCertificate[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var r in revoked)
            builder.AddEntry(X509CertificateLoader.LoadCertificate(r.Leaf.RawData.Span), DateTimeOffset.UtcNow.AddHours(-1), X509RevocationReason.KeyCompromise);
        return builder.Build(pki.CaCertificate, BigInteger.One, DateTimeOffset.UtcNow.AddDays(1), HashAlgorithmName.SHA256);
    }

    [Fact]
    public void RevokedClientIsRefusedWithCertificateRevoked()
    {
        var (c, s) = Loopback.MutualOptions();
        s.Revocation.Crls = new StaticCrlSource([CertificateRevocationList.Parse(Crl(TestPki.Default, c.Certificate!))]);
        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.CertificateRevoked, e.Alert);
        Assert.Contains("revoked", e.Message);
    }

    [Fact]
    public void ClientNotOnTheCrlIsAcceptedAndTheChainIsCached()
    {
        var (c, s) = Loopback.MutualOptions();
        var other = TestPki.Default.Client();
        s.Revocation.Crls = new StaticCrlSource([CertificateRevocationList.Parse(Crl(TestPki.Default, other))]);
        var cache = s.ValidatedChains!;
        using (var first = new Loopback(c, s)) first.Handshake();
        long hits = cache.Hits;
        using (var second = new Loopback(c, s)) second.Handshake();
        Assert.Equal(hits + 1, cache.Hits);
    }

    [Fact]
    public void MissingCoverageUnderRequireCrlCoverageFailsWithCertificateUnknown()
    {
        var (c, s) = Loopback.MutualOptions();
        // A CRL from another CA: nothing covers the client's issuer.
        s.Revocation.Crls = new StaticCrlSource([CertificateRevocationList.Parse(Crl(TestPki.Other))]);
        s.Revocation.RequireCrlCoverage = true;
        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.CertificateUnknown, e.Alert);
    }

    [Fact]
    public async Task CrlCacheLoadsFilesAndKeepsThemCurrent()
    {
        var dir = Directory.CreateTempSubdirectory("tlsengine-crl-").FullName;
        try
        {
            var path = Path.Combine(dir, "ca.crl");
            var (c, s) = Loopback.MutualOptions();
            await File.WriteAllBytesAsync(path, Crl(TestPki.Default, c.Certificate!));
            await using var cache = new CrlCache().AddFile(path);
            await cache.StartAsync();
            var crl = Assert.Single(cache.Current);
            Assert.Equal(1, crl.Count);
            s.Revocation.Crls = cache;
            var e = Loopback.ExpectFailure(c, s, out var loop);
            loop.Dispose();
            Assert.Equal(AlertDescription.CertificateRevoked, e.Alert);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task CrlCacheRefusesToStartWithAMissingFile()
    {
        await using var cache = new CrlCache().AddFile("/nonexistent/ca.crl");
        await Assert.ThrowsAnyAsync<IOException>(() => cache.StartAsync());
    }
}
