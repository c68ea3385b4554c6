using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsEngine.Testing;

namespace TlsEngine.X509.Tests.Ocsp;

/// <summary>OCSP responses (RFC 6960): parsing, responder authorization, times, CertID, nonce; and AIA / CDP / must-staple.</summary>
public sealed class OcspTests
{
    private sealed class Pki
    {
        public Pki()
        {
            CaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Ca = MakeCa("CN=OCSP Test CA", CaKey);
            OtherCaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            OtherCa = MakeCa("CN=Other CA", OtherCaKey);
            LeafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Leaf = Issue("CN=leaf", LeafKey, Ca, CaKey, ["1.3.6.1.5.5.7.3.1"], mustStaple: true, withUrls: true);
            ResponderKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Responder = Issue("CN=responder", ResponderKey, Ca, CaKey, ["1.3.6.1.5.5.7.3.9"]);
            NoEkuResponderKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            NoEkuResponder = Issue("CN=no-eku responder", NoEkuResponderKey, Ca, CaKey, ["1.3.6.1.5.5.7.3.1"]);
            ForeignResponderKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            ForeignResponder = Issue("CN=foreign responder", ForeignResponderKey, OtherCa, OtherCaKey, ["1.3.6.1.5.5.7.3.9"]);
        }

        public ECDsa CaKey { get; }
        public X509Certificate2 Ca { get; }
        public ECDsa OtherCaKey { get; }
        public X509Certificate2 OtherCa { get; }
        public ECDsa LeafKey { get; }
        public X509Certificate2 Leaf { get; }
        public ECDsa ResponderKey { get; }
        public X509Certificate2 Responder { get; }
        public ECDsa NoEkuResponderKey { get; }
        public X509Certificate2 NoEkuResponder { get; }
        public ECDsa ForeignResponderKey { get; }
        public X509Certificate2 ForeignResponder { get; }

        public Certificate OurLeaf => Certificate.Parse(Leaf.RawData);
        public Certificate OurCa => Certificate.Parse(Ca.RawData);

        private static X509Certificate2 MakeCa(string name, ECDsa key)
        {
            var req = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
            req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
            return req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(100));
        }

        private static X509Certificate2 Issue(string name, ECDsa key, X509Certificate2 ca, ECDsa caKey, string[] eku, bool mustStaple = false, bool withUrls = false)
        {
            var req = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
            req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection().With(eku), false));
            req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
            if (withUrls)
            {
                req.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(["http://127.0.0.1:8888/ocsp"], ["http://127.0.0.1:8888/ca.der"]));
                req.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(["http://127.0.0.1:8888/ca.crl"]));
            }
            if (mustStaple)
            {
                // TLS Feature (RFC 7633): SEQUENCE { INTEGER 5 } — status_request.
                req.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509Extension("1.3.6.1.5.5.7.1.24", [0x30, 0x03, 0x02, 0x01, 0x05], false));
            }
            var serial = RandomNumberGenerator.GetBytes(10);
            serial[0] &= 0x7F;
            return req.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), serial);
        }
    }

    private static readonly Pki P = new();

    private static OcspResponseBuilder ByIssuer(string status = "good") =>
        new() { Certificate = P.Leaf, Issuer = P.Ca, Signer = P.Ca, SignerKey = P.CaKey, Status = status };

    private static OcspCheckResult Check(byte[] response, DateTimeOffset? at = null, byte[]? nonce = null) =>
        OcspValidator.Validate(response, P.OurLeaf, P.OurCa, new OcspValidationOptions { Time = at ?? DateTimeOffset.UtcNow, ExpectedNonce = nonce });

    [Fact]
    public void GoodResponseSignedByTheIssuerIsValid()
    {
        var result = Check(ByIssuer().Build());
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(OcspCertStatus.Good, result.Status);
        Assert.Equal("CN=OCSP Test CA", result.Responder);
    }

    [Fact]
    public void RevokedResponseCarriesTimeAndReason()
    {
        var when = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var result = Check(new OcspResponseBuilder
        {
            Certificate = P.Leaf,
            Issuer = P.Ca,
            Signer = P.Ca,
            SignerKey = P.CaKey,
            Status = "revoked",
            RevocationTime = when,
            RevocationReason = 1,
        }.Build());
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(OcspCertStatus.Revoked, result.Status);
        Assert.Equal(when, result.Single!.RevocationTime);
        Assert.Equal(CrlReason.KeyCompromise, result.Single.RevocationReason);
        Assert.Contains("revoked", result.Message);
    }

    [Fact]
    public void UnknownStatusIsReported()
    {
        var result = Check(ByIssuer("unknown").Build());
        Assert.True(result.IsValid);
        Assert.Equal(OcspCertStatus.Unknown, result.Status);
    }

    [Fact]
    public void DelegatedResponderWithOcspSigningIsAccepted()
    {
        var result = Check(new OcspResponseBuilder
        {
            Certificate = P.Leaf,
            Issuer = P.Ca,
            Signer = P.Responder,
            SignerKey = P.ResponderKey,
            IncludeSignerCertificate = true,
        }.Build());
        Assert.True(result.IsValid, result.Message);
        Assert.Equal("CN=responder", result.Responder);
    }

    [Fact]
    public void ResponderIdentifiedByKeyHashIsAccepted()
    {
        var result = Check(new OcspResponseBuilder
        {
            Certificate = P.Leaf,
            Issuer = P.Ca,
            Signer = P.Responder,
            SignerKey = P.ResponderKey,
            IncludeSignerCertificate = true,
            ResponderByKey = true,
        }.Build());
        Assert.True(result.IsValid, result.Message);
    }

    [Fact]
    public void ResponderWithoutOcspSigningIsRefused()
    {
        var result = Check(new OcspResponseBuilder
        {
            Certificate = P.Leaf,
            Issuer = P.Ca,
            Signer = P.NoEkuResponder,
            SignerKey = P.NoEkuResponderKey,
            IncludeSignerCertificate = true,
        }.Build());
        Assert.Equal(OcspErrorCode.UnauthorizedResponder, result.Error);
        Assert.Contains("OCSPSigning", result.Message);
    }

    [Fact]
    public void ResponderIssuedByAnotherCaIsRefused()
    {
        var result = Check(new OcspResponseBuilder
        {
            Certificate = P.Leaf,
            Issuer = P.Ca,
            Signer = P.ForeignResponder,
            SignerKey = P.ForeignResponderKey,
            IncludeSignerCertificate = true,
        }.Build());
        Assert.Equal(OcspErrorCode.UnauthorizedResponder, result.Error);
    }

    [Fact]
    public void ResponseSignedByAnUnrelatedKeyIsRefused()
    {
        // The responder claims to be the CA but signs with another key.
        var result = Check(new OcspResponseBuilder { Certificate = P.Leaf, Issuer = P.Ca, Signer = P.Ca, SignerKey = P.OtherCaKey }.Build());
        Assert.Equal(OcspErrorCode.BadSignature, result.Error);
    }

    [Fact]
    public void CorruptedSignatureIsRefused()
    {
        var result = Check(new OcspResponseBuilder { Certificate = P.Leaf, Issuer = P.Ca, Signer = P.Ca, SignerKey = P.CaKey, CorruptSignature = true }.Build());
        Assert.Equal(OcspErrorCode.BadSignature, result.Error);
    }

    [Fact]
    public void FutureThisUpdateIsRefused()
    {
        var result = Check(new OcspResponseBuilder
        {
            Certificate = P.Leaf,
            Issuer = P.Ca,
            Signer = P.Ca,
            SignerKey = P.CaKey,
            ThisUpdate = DateTimeOffset.UtcNow.AddHours(1),
            NextUpdate = DateTimeOffset.UtcNow.AddDays(2),
        }.Build());
        Assert.Equal(OcspErrorCode.NotYetValid, result.Error);
    }

    [Fact]
    public void PassedNextUpdateIsRefused()
    {
        var response = ByIssuer().Build();
        Assert.True(Check(response).IsValid);
        Assert.Equal(OcspErrorCode.Expired, Check(response, at: DateTimeOffset.UtcNow.AddDays(2)).Error);
    }

    [Fact]
    public void OldResponseWithoutNextUpdateIsRefused()
    {
        var result = Check(new OcspResponseBuilder
        {
            Certificate = P.Leaf,
            Issuer = P.Ca,
            Signer = P.Ca,
            SignerKey = P.CaKey,
            ThisUpdate = DateTimeOffset.UtcNow.AddDays(-3),
            NextUpdate = null,
        }.Build());
        Assert.Equal(OcspErrorCode.TooOld, result.Error);
    }

    [Fact]
    public void ResponseForAnotherSerialDoesNotMatch()
    {
        var result = Check(new OcspResponseBuilder { Certificate = P.Leaf, Issuer = P.Ca, Signer = P.Ca, SignerKey = P.CaKey, SerialOverride = [0x01, 0x02] }.Build());
        Assert.Equal(OcspErrorCode.NoMatchingResponse, result.Error);
    }

    [Fact]
    public void UnknownCriticalExtensionIsMalformed()
    {
        var result = Check(new OcspResponseBuilder { Certificate = P.Leaf, Issuer = P.Ca, Signer = P.Ca, SignerKey = P.CaKey, UnknownCriticalExtension = true }.Build());
        Assert.Equal(OcspErrorCode.Malformed, result.Error);
        Assert.Contains("critical", result.Message);
    }

    [Fact]
    public void UnsuccessfulResponseStatusIsReported()
    {
        var result = Check(new OcspResponseBuilder { Certificate = P.Leaf, Issuer = P.Ca, Signer = P.Ca, SignerKey = P.CaKey, ResponseStatus = 3 }.Build());
        Assert.Equal(OcspErrorCode.Unsuccessful, result.Error);
        Assert.Contains("TryLater", result.Message);
    }

    [Fact]
    public void NonceMustBeEchoedWhenExpected()
    {
        var nonce = new byte[] { 0x04, 0x04, 1, 2, 3, 4 };
        var echoed = new OcspResponseBuilder { Certificate = P.Leaf, Issuer = P.Ca, Signer = P.Ca, SignerKey = P.CaKey, Nonce = nonce }.Build();
        Assert.True(Check(echoed, nonce: nonce).IsValid);
        Assert.Equal(OcspErrorCode.NonceMismatch, Check(ByIssuer().Build(), nonce: nonce).Error);
    }

    [Fact]
    public void TruncatedResponsesAreMalformedNeverExceptions()
    {
        var response = ByIssuer().Build();
        for (int n = 0; n < response.Length; n += 3)
        {
            var result = Check(response[..n]);
            Assert.Equal(OcspErrorCode.Malformed, result.Error);
        }
    }

    [Fact]
    public void MutatedResponsesOnlyRaiseX509Exceptions()
    {
        var response = ByIssuer().Build();
        var rng = new Random(17);
        for (int i = 0; i < 3000; i++)
        {
            var copy = (byte[])response.Clone();
            for (int k = rng.Next(1, 4); k > 0; k--) copy[rng.Next(copy.Length)] = (byte)rng.Next(256);
            try
            {
                var parsed = OcspResponse.Parse(copy);
                OcspValidator.Validate(parsed, P.OurLeaf, P.OurCa, new OcspValidationOptions { Time = DateTimeOffset.UtcNow });
            }
            catch (X509Exception)
            {
            }
        }
    }

    [Fact]
    public void RequestCarriesTheCertIdAndANonce()
    {
        var request = OcspRequest.Create(P.OurLeaf, P.OurCa);
        var reader = new AsnReader(request.Encoded, AsnEncodingRules.DER).ReadSequence().ReadSequence();
        var certId = reader.ReadSequence().ReadSequence().ReadSequence();
        certId.ReadSequence();
        Assert.Equal(SHA1.HashData(P.Ca.SubjectName.RawData), certId.ReadOctetString());
        Assert.Equal(SHA1.HashData(P.Ca.PublicKey.EncodedKeyValue.RawData), certId.ReadOctetString());
        Assert.Equal(P.Leaf.SerialNumberBytes.ToArray(), certId.ReadIntegerBytes().ToArray());
        Assert.True(reader.HasData, "request extensions with the nonce");
        Assert.Equal(34, request.NonceExtensionValue.Length);
    }

    [Fact]
    public void RevocationInfoFindsUrlsAndMustStaple()
    {
        var leaf = P.OurLeaf;
        Assert.Equal("http://127.0.0.1:8888/ocsp", Assert.Single(RevocationInfo.OcspResponders(leaf)).AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8888/ca.der", Assert.Single(RevocationInfo.CaIssuers(leaf)).AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8888/ca.crl", Assert.Single(RevocationInfo.CrlDistributionPoints(leaf)).AbsoluteUri);
        Assert.True(RevocationInfo.MustStaple(leaf));
        Assert.False(RevocationInfo.MustStaple(P.OurCa));
        Assert.Empty(RevocationInfo.OcspResponders(P.OurCa));
    }
}

internal static class OidCollectionExtensions
{
    public static OidCollection With(this OidCollection c, IEnumerable<string> oids)
    {
        foreach (var o in oids) c.Add(new Oid(o));
        return c;
    }
}
