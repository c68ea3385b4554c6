using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsEngine.X509.Tests;

/// <summary>CRL parsing (RFC 5280 §5) and CRL checks during validation (§6.3).</summary>
public class CrlTests
{
    private const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";

    /// <summary>One CRL extension (or entry extension) to encode.</summary>
    public sealed record Ext(string Oid, bool Critical, byte[] Value);

    /// <summary>A revoked entry to encode.</summary>
    public sealed record Entry(byte[] Serial, DateTimeOffset Date, int? Reason = null, Ext[]? Extra = null);

    /// <summary>What to put in a CRL; the defaults make a conforming v2 CRL current at <see cref="TestPki.Now"/>.</summary>
    public sealed class CrlSpec
    {
        public int? Version { get; init; } = 1;
        public DateTimeOffset ThisUpdate { get; init; } = TestPki.Now.AddDays(-1);
        public DateTimeOffset? NextUpdate { get; init; } = TestPki.Now.AddDays(6);
        public Entry[] Entries { get; init; } = [];
        public bool EmptyEntryList { get; init; }
        public bool CrlNumber { get; init; } = true;
        public bool CriticalCrlNumber { get; init; }
        public bool Aki { get; init; } = true;
        public Ext[] Extra { get; init; } = [];
        public ECDsa? SignWith { get; init; }
    }

    private static byte[] Integer(BigInteger v)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        w.WriteInteger(v);
        return w.Encode();
    }

    private static void WriteExtension(AsnWriter w, Ext e)
    {
        using (w.PushSequence())
        {
            w.WriteObjectIdentifier(e.Oid);
            if (e.Critical)
                w.WriteBoolean(true);
            w.WriteOctetString(e.Value);
        }
    }

    private static byte[] MakeCrl(TestCert issuer, CrlSpec spec)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            if (spec.Version is int v)
                w.WriteInteger(v);
            using (w.PushSequence())
                w.WriteObjectIdentifier(EcdsaWithSha256);
            w.WriteEncodedValue(issuer.Name.RawData);
            w.WriteUtcTime(spec.ThisUpdate);
            if (spec.NextUpdate is { } next)
                w.WriteUtcTime(next);
            if (spec.Entries.Length > 0 || spec.EmptyEntryList)
            {
                using (w.PushSequence())
                {
                    foreach (Entry e in spec.Entries)
                    {
                        using (w.PushSequence())
                        {
                            w.WriteIntegerUnsigned(e.Serial);
                            w.WriteUtcTime(e.Date);
                            var exts = new List<Ext>();
                            if (e.Reason is int r)
                            {
                                var rw = new AsnWriter(AsnEncodingRules.DER);
                                rw.WriteEnumeratedValue((X509RevocationReason)r);
                                exts.Add(new Ext("2.5.29.21", false, rw.Encode()));
                            }
                            exts.AddRange(e.Extra ?? []);
                            if (exts.Count > 0)
                            {
                                using (w.PushSequence())
                                {
                                    foreach (Ext x in exts)
                                        WriteExtension(w, x);
                                }
                            }
                        }
                    }
                }
            }
            var crlExts = new List<Ext>();
            if (spec.Aki && issuer.SubjectKeyId is { } ski)
                crlExts.Add(new Ext("2.5.29.35", false, X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(ski).RawData));
            if (spec.CrlNumber)
                crlExts.Add(new Ext("2.5.29.20", spec.CriticalCrlNumber, Integer(42)));
            crlExts.AddRange(spec.Extra);
            if (crlExts.Count > 0)
            {
                using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                using (w.PushSequence())
                {
                    foreach (Ext x in crlExts)
                        WriteExtension(w, x);
                }
            }
        }
        byte[] tbs = w.Encode();
        ECDsa key = spec.SignWith ?? (ECDsa)issuer.Key;
        byte[] signature = key.SignData(tbs, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var outer = new AsnWriter(AsnEncodingRules.DER);
        using (outer.PushSequence())
        {
            outer.WriteEncodedValue(tbs);
            using (outer.PushSequence())
                outer.WriteObjectIdentifier(EcdsaWithSha256);
            outer.WriteBitString(signature);
        }
        return outer.Encode();
    }

    private static CertificateRevocationList Crl(TestCert issuer, CrlSpec spec) => CertificateRevocationList.Parse(MakeCrl(issuer, spec));

    private static byte[] Serial(TestCert cert) => cert.Parsed.SerialNumber.ToArray();

    private static Entry Revoke(TestCert cert, int? reason = 1) => new(Serial(cert), TestPki.Now.AddDays(-2), reason);

    private static ValidationResult Validate(TestCert root, Certificate[] chain, params CertificateRevocationList[] crls) =>
        TestPki.Validator(root).Validate(chain, TestPki.Options() with { Crls = crls });

    [Fact]
    public void RevokedLeafIsRejectedWithReasonAndDate()
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root);
        ValidationResult result = Validate(root, TestPki.Chain(leaf), Crl(root, new CrlSpec { Entries = [Revoke(leaf)] }));
        Assert.Equal(CertificateErrorCode.Revoked, result.Error!.Code);
        Assert.Equal(0, result.Error.Depth);
        Assert.Contains("KeyCompromise", result.Error.Message);
        Assert.Contains(TestPki.Now.AddDays(-2).ToString("u"), result.Error.Message);
        Assert.Contains(Convert.ToHexString(Serial(leaf)), result.Error.Message);
    }

    [Fact]
    public void RevokedIntermediateIsRejected()
    {
        TestCert root = TestPki.Root();
        TestCert inter = TestPki.Intermediate(root);
        TestCert leaf = TestPki.Leaf(inter);
        ValidationResult result = Validate(root, TestPki.Chain(leaf, inter), Crl(root, new CrlSpec { Entries = [Revoke(inter, reason: null)] }));
        Assert.Equal(CertificateErrorCode.Revoked, result.Error!.Code);
        Assert.Equal(1, result.Error.Depth);
        Assert.Contains("no reason code", result.Error.Message);
    }

    [Fact]
    public void UnlistedCertificatesAndOtherIssuersCrlsPass()
    {
        TestCert root = TestPki.Root();
        TestCert other = TestPki.Root("CN=Other Root");
        TestCert leaf = TestPki.Leaf(root);
        TestCert sibling = TestPki.Leaf(root, "CN=sibling");
        Assert.True(Validate(root, TestPki.Chain(leaf), Crl(root, new CrlSpec { Entries = [Revoke(sibling)] })).IsValid);
        Assert.True(Validate(root, TestPki.Chain(leaf), Crl(root, new CrlSpec())).IsValid);
        // Another CA's CRL listing the same serial number says nothing about this certificate.
        Assert.True(Validate(root, TestPki.Chain(leaf), Crl(other, new CrlSpec { Entries = [Revoke(leaf)] })).IsValid);
    }

    public static TheoryData<string, Func<TestCert, CrlSpec>, string> UnusableCrls() => new()
    {
        { "wrong key", _ => new CrlSpec { SignWith = ECDsa.Create(ECCurve.NamedCurves.nistP256) }, "does not verify" },
        { "stale", _ => new CrlSpec { ThisUpdate = TestPki.Now.AddDays(-10), NextUpdate = TestPki.Now.AddDays(-1) }, "stale" },
        { "future", _ => new CrlSpec { ThisUpdate = TestPki.Now.AddDays(1), NextUpdate = TestPki.Now.AddDays(8) }, "thisUpdate" },
        { "no nextUpdate", _ => new CrlSpec { NextUpdate = null }, "nextUpdate" },
        { "no cRLNumber", _ => new CrlSpec { CrlNumber = false }, "cRLNumber" },
        { "unknown critical", _ => new CrlSpec { Extra = [new Ext("1.2.3.4", true, [0x05, 0x00])] }, "1.2.3.4" },
        { "delta", _ => new CrlSpec { Extra = [new Ext("2.5.29.27", true, Integer(41))] }, "delta" },
        { "indirect", _ => new CrlSpec { Extra = [new Ext("2.5.29.28", true, [0x30, 0x03, 0x84, 0x01, 0xFF])] }, "indirect" },
        {
            "critical entry extension",
            _ => new CrlSpec { Entries = [new Entry([0x7F], TestPki.Now.AddDays(-3), Extra: [new Ext("1.2.3.5", true, [0x05, 0x00])])] },
            "entry extension"
        },
    };

    [Theory]
    [MemberData(nameof(UnusableCrls))]
    public void UnusableCrlFromTheIssuerFailsClosed(string what, Func<TestCert, CrlSpec> spec, string reason)
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root);
        ValidationResult result = Validate(root, TestPki.Chain(leaf), Crl(root, spec(root)));
        Assert.False(result.IsValid, what);
        Assert.Equal(CertificateErrorCode.RevocationStatusUnknown, result.Error!.Code);
        Assert.Contains(reason, result.Error.Message);
        // A good CRL from the same issuer next to the bad one decides.
        Assert.True(Validate(root, TestPki.Chain(leaf), Crl(root, spec(root)), Crl(root, new CrlSpec())).IsValid, what);
    }

    [Fact]
    public void IssuerWithoutCrlSignCannotSignCrls()
    {
        TestCert root = TestPki.Root(edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = X509KeyUsageFlags.KeyCertSign });
        TestCert leaf = TestPki.Leaf(root);
        ValidationResult result = Validate(root, TestPki.Chain(leaf), Crl(root, new CrlSpec()));
        Assert.Equal(CertificateErrorCode.RevocationStatusUnknown, result.Error!.Code);
        Assert.Contains("cRLSign", result.Error.Message);
        TestCert noKu = TestPki.Root("CN=No KU Root", edit: s => new CertSpec { Subject = s.Subject, IsCa = true });
        TestCert leaf2 = TestPki.Leaf(noKu);
        Assert.True(Validate(noKu, TestPki.Chain(leaf2), Crl(noKu, new CrlSpec { Entries = [Revoke(leaf)] })).IsValid);
    }

    [Fact]
    public void RequireRevocationStatusNeedsACrlForEveryCertificate()
    {
        TestCert root = TestPki.Root();
        TestCert inter = TestPki.Intermediate(root);
        TestCert leaf = TestPki.Leaf(inter);
        var options = TestPki.Options() with { RequireRevocationStatus = true, Crls = [Crl(inter, new CrlSpec())] };
        ValidationResult missing = TestPki.Validator(root).Validate(TestPki.Chain(leaf, inter), options);
        Assert.Equal(CertificateErrorCode.RevocationStatusUnknown, missing.Error!.Code);
        Assert.Equal(1, missing.Error.Depth);
        ValidationResult both = TestPki.Validator(root).Validate(TestPki.Chain(leaf, inter), options with { Crls = [Crl(inter, new CrlSpec()), Crl(root, new CrlSpec())] });
        Assert.True(both.IsValid, both.Error?.ToString());
    }

    [Fact]
    public void IssuingDistributionPointScopesTheCrl()
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root);
        // onlyContainsCACerts [2] TRUE: the leaf is outside the CRL's scope, so its entry does not apply.
        var caOnly = new CrlSpec { Entries = [Revoke(leaf)], Extra = [new Ext("2.5.29.28", true, [0x30, 0x03, 0x82, 0x01, 0xFF])] };
        Assert.True(Validate(root, TestPki.Chain(leaf), Crl(root, caOnly)).IsValid);
        // onlyContainsUserCerts [1] TRUE: in scope.
        var userOnly = new CrlSpec { Entries = [Revoke(leaf)], Extra = [new Ext("2.5.29.28", true, [0x30, 0x03, 0x81, 0x01, 0xFF])] };
        Assert.Equal(CertificateErrorCode.Revoked, Validate(root, TestPki.Chain(leaf), Crl(root, userOnly)).Error!.Code);
    }

    [Fact]
    public void PartitionedCrlCoversCertificatesNamingItsDistributionPoint()
    {
        const string Url = "http://crl.example.com/p1.crl";
        TestCert root = TestPki.Root();
        var dp = new System.Security.Cryptography.X509Certificates.X509Extension("2.5.29.31", CrlDistributionPoints(Url), false);
        TestCert inPartition = TestPki.Leaf(root, edit: s => new CertSpec { Subject = s.Subject, IsCa = false, KeyUsage = X509KeyUsageFlags.DigitalSignature, Extra = [dp] });
        TestCert elsewhere = TestPki.Leaf(root, "CN=elsewhere", edit: s => new CertSpec
        {
            Subject = s.Subject,
            IsCa = false,
            KeyUsage = X509KeyUsageFlags.DigitalSignature,
            Extra = [new System.Security.Cryptography.X509Certificates.X509Extension("2.5.29.31", CrlDistributionPoints("http://crl.example.com/p2.crl"), false)],
        });
        // IssuingDistributionPoint { distributionPoint [0] { fullName [0] { URI } } }
        var idp = new AsnWriter(AsnEncodingRules.DER);
        using (idp.PushSequence())
        using (idp.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
        using (idp.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
            idp.WriteCharacterString(UniversalTagNumber.IA5String, Url, new Asn1Tag(TagClass.ContextSpecific, 6));
        CertificateRevocationList crl = Crl(root, new CrlSpec
        {
            Entries = [Revoke(inPartition), Revoke(elsewhere)],
            Extra = [new Ext("2.5.29.28", true, idp.Encode())],
        });
        Assert.Equal(CertificateErrorCode.Revoked, Validate(root, TestPki.Chain(inPartition), crl).Error!.Code);
        Assert.True(Validate(root, TestPki.Chain(elsewhere), crl).IsValid);
    }

    private static byte[] CrlDistributionPoints(string url)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        using (w.PushSequence())
        using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
        using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
            w.WriteCharacterString(UniversalTagNumber.IA5String, url, new Asn1Tag(TagClass.ContextSpecific, 6));
        return w.Encode();
    }

    [Fact]
    public void ParsesTheBclBuilderOutput()
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root);
        var builder = new CertificateRevocationListBuilder();
        builder.AddEntry(Serial(leaf), TestPki.Now.AddHours(-5), X509RevocationReason.Superseded);
        byte[] der = builder.Build(root.Name, root.Generator, 7, TestPki.Now.AddDays(7), HashAlgorithmName.SHA256,
            X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(root.SubjectKeyId!), TestPki.Now.AddDays(-1));
        string pem = PemEncoding.WriteString("X509 CRL", der);
        CertificateRevocationList crl = Assert.Single(CertificateRevocationList.Load(System.Text.Encoding.ASCII.GetBytes("junk\n" + pem)));
        Assert.Equal(2, crl.Version);
        Assert.Equal(1, crl.Count);
        Assert.Equal([7], crl.CrlNumber!.Value.ToArray());
        Assert.Equal(CrlReason.Superseded, crl.Find(Serial(leaf))!.Reason);
        Assert.Null(crl.Find([0x01]));
        ValidationResult result = Validate(root, TestPki.Chain(leaf), crl);
        Assert.Equal(CertificateErrorCode.Revoked, result.Error!.Code);
        Assert.Contains("Superseded", result.Error.Message);
    }

    public static TheoryData<string, Func<TestCert, byte[]>> MalformedCrls() => new()
    {
        { "critical cRLNumber", r => MakeCrl(r, new CrlSpec { CriticalCrlNumber = true }) },
        { "empty revokedCertificates", r => MakeCrl(r, new CrlSpec { EmptyEntryList = true }) },
        { "v1 with extensions", r => MakeCrl(r, new CrlSpec { Version = null }) },
        { "version v3", r => MakeCrl(r, new CrlSpec { Version = 2 }) },
        { "reason code 7", r => MakeCrl(r, new CrlSpec { Entries = [new Entry([0x01], TestPki.Now, 7)] }) },
        { "trailing byte", r => [.. MakeCrl(r, new CrlSpec()), 0x00] },
        { "nextUpdate before thisUpdate", r => MakeCrl(r, new CrlSpec { NextUpdate = TestPki.Now.AddDays(-5) }) },
        { "duplicate extension", r => MakeCrl(r, new CrlSpec { Extra = [new Ext("2.5.29.20", false, Integer(1))] }) },
    };

    [Theory]
    [MemberData(nameof(MalformedCrls))]
    public void MalformedCrlsThrowTypedErrors(string what, Func<TestCert, byte[]> make)
    {
        byte[] der = make(TestPki.Root());
        X509FormatException e = Assert.Throws<X509FormatException>(() => CertificateRevocationList.Parse(der));
        Assert.False(string.IsNullOrEmpty(e.Field), what);
    }

    [Fact]
    public void V1CrlWithoutExtensionsParsesButIsNotUsable()
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root);
        CertificateRevocationList v1 = Crl(root, new CrlSpec { Version = null, CrlNumber = false, Aki = false, Entries = [new Entry(Serial(leaf), TestPki.Now)] });
        Assert.Equal(1, v1.Version);
        Assert.Equal(CertificateErrorCode.RevocationStatusUnknown, Validate(root, TestPki.Chain(leaf), v1).Error!.Code);
    }

    [Fact]
    public void EveryTruncationAndByteFlipIsATypedError()
    {
        TestCert root = TestPki.Root();
        byte[] der = MakeCrl(root, new CrlSpec { Entries = [new Entry([0x01, 0x02], TestPki.Now.AddDays(-1), 4)] });
        for (int n = 0; n < der.Length; n++)
            Assert.Throws<X509FormatException>(() => CertificateRevocationList.Parse(der.AsMemory(0, n)));
        var random = new Random(5280);
        for (int i = 0; i < 3000; i++)
        {
            byte[] mutated = (byte[])der.Clone();
            mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
            try
            {
                CertificateRevocationList.Parse(mutated);
            }
            catch (X509FormatException)
            {
            }
        }
    }
}
