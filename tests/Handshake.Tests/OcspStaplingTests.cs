using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsEngine.Record;
using TlsEngine.Testing;
using TlsEngine.Tests.Support;

namespace TlsEngine.Tests;

/// <summary>OCSP stapling both ways (RFC 6066 §8, RFC 8446 §4.4.2.1) with the revocation policies and must-staple (RFC 7633).</summary>
public class OcspStaplingTests
{
    private static readonly TestPki Pki = TestPki.Default;

    private static byte[] Response(TlsCertificate subject, string status = "good", bool wrongKey = false) => new OcspResponseBuilder
    {
        Certificate = X509CertificateLoader.LoadCertificate(subject.Leaf.RawData.Span),
        Issuer = Pki.CaCertificate,
        Signer = Pki.CaCertificate,
        SignerKey = wrongKey ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : Pki.CaKey,
        Status = status,
    }.Build();

    private static (TlsClientOptions, TlsServerOptions) Options(OcspPolicy clientPolicy, byte[]? serverStaple)
    {
        var (c, s) = Loopback.MutualOptions();
        c.Revocation.Ocsp = clientPolicy;
        s.Revocation.Ocsp = OcspPolicy.Off;
        if (serverStaple is not null) s.OcspStaple = OcspStaple.FromBytes(serverStaple);
        return (c, s);
    }

    [Theory]
    [InlineData(OcspPolicy.SoftFail)]
    [InlineData(OcspPolicy.Require)]
    public void GoodStapleIsAccepted(OcspPolicy policy)
    {
        var (c, s) = Options(policy, null);
        s.OcspStaple = OcspStaple.FromBytes(Response(s.Certificate!));
        using var loop = new Loopback(c, s);
        loop.Handshake();
    }

    [Fact]
    public void RevokedStapleFailsWithCertificateRevoked()
    {
        var (c, s) = Options(OcspPolicy.SoftFail, null);
        s.OcspStaple = OcspStaple.FromBytes(Response(s.Certificate!, "revoked"));
        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.CertificateRevoked, e.Alert);
    }

    [Fact]
    public void MissingStapleUnderRequireFailsWithBadCertificateStatusResponse()
    {
        var (c, s) = Options(OcspPolicy.Require, null);
        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.BadCertificateStatusResponse, e.Alert);
    }

    [Fact]
    public void MissingStapleUnderSoftFailIsAccepted()
    {
        var (c, s) = Options(OcspPolicy.SoftFail, null);
        using var loop = new Loopback(c, s);
        loop.Handshake();
    }

    [Fact]
    public void StapleSignedByTheWrongKeyFailsWithBadCertificateStatusResponse()
    {
        var (c, s) = Options(OcspPolicy.SoftFail, null);
        s.OcspStaple = OcspStaple.FromBytes(Response(s.Certificate!, wrongKey: true));
        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.BadCertificateStatusResponse, e.Alert);
        Assert.Contains("signature", e.Message);
    }

    [Fact]
    public void UnknownStatusIsRefusedOnlyWhenRequired()
    {
        var (c, s) = Options(OcspPolicy.SoftFail, null);
        s.OcspStaple = OcspStaple.FromBytes(Response(s.Certificate!, "unknown"));
        using (var loop = new Loopback(c, s)) loop.Handshake();
        c.Revocation.Ocsp = OcspPolicy.Require;
        var e = Loopback.ExpectFailure(c, s, out var failed);
        failed.Dispose();
        Assert.Equal(AlertDescription.BadCertificateStatusResponse, e.Alert);
    }

    [Fact]
    public void MustStapleCertificateWithoutStapleIsRefusedEvenUnderSoftFail()
    {
        var (c, s) = Options(OcspPolicy.SoftFail, null);
        s.Certificate = Pki.Issue("CN=localhost", KeyKind.EcdsaP256, TestPki.ServerAuth, san => san.AddDnsName("localhost"),
            customize: req => req.CertificateExtensions.Add(new X509Extension("1.3.6.1.5.5.7.1.24", [0x30, 0x03, 0x02, 0x01, 0x05], false)));
        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.BadCertificateStatusResponse, e.Alert);
        Assert.Contains("must-staple", e.Message);
        s.OcspStaple = OcspStaple.FromBytes(Response(s.Certificate));
        using var stapled = new Loopback(c, s);
        stapled.Handshake();
    }

    [Fact]
    public void ClientWithPolicyOffAsksForNoStaple()
    {
        var (c, s) = Options(OcspPolicy.Off, null);
        // A revoked staple would fail the handshake if it were sent and read.
        s.OcspStaple = OcspStaple.FromBytes(Response(s.Certificate!, "revoked"));
        using var loop = new Loopback(c, s);
        loop.Handshake();
    }

    [Fact]
    public void RevokedClientStapleIsRefusedByTheServerWithCertificateRevoked()
    {
        var (c, s) = Loopback.MutualOptions();
        s.Revocation.Ocsp = OcspPolicy.SoftFail;
        c.Revocation.Ocsp = OcspPolicy.Off;
        c.OcspStaple = OcspStaple.FromBytes(Response(c.Certificate!, "revoked"));
        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.CertificateRevoked, e.Alert);
        Assert.False(e.ReceivedFromPeer);
    }

    [Fact]
    public void ServerRequiringClientStaplesAcceptsAGoodOne()
    {
        var (c, s) = Loopback.MutualOptions();
        s.Revocation.Ocsp = OcspPolicy.Require;
        c.Revocation.Ocsp = OcspPolicy.Off;
        c.OcspStaple = OcspStaple.FromBytes(Response(c.Certificate!));
        using var loop = new Loopback(c, s);
        loop.Handshake();
        c.OcspStaple = null;
        var e = Loopback.ExpectFailure(c, s, out var failed);
        failed.Dispose();
        Assert.Equal(AlertDescription.BadCertificateStatusResponse, e.Alert);
    }
}

public class MalformedStapleTests
{
    [Fact]
    public void GarbageStapleFailsWithBadCertificateStatusResponse()
    {
        var (c, s) = Loopback.MutualOptions();
        s.OcspStaple = OcspStaple.FromBytes([0x30, 0x03, 0x0A, 0x01, 0x00]);
        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.BadCertificateStatusResponse, e.Alert);
        Assert.Contains("malformed", e.Message);
    }
}
