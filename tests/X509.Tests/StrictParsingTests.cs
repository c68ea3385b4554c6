using System.Formats.Asn1;
using System.Security.Cryptography;

namespace TlsEngine.X509.Tests;

/// <summary>Hand-built certificates with odd encodings: each must be rejected (or accepted) at parse time.</summary>
public class StrictParsingTests
{
    private static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly byte[] EcdsaSha256 = Convert.FromHexString("300A06082A8648CE3D040302");

    private sealed class Tbs
    {
        public Action<AsnWriter>? Version { get; init; } = w => Explicit(w, 0, x => x.WriteInteger(2));
        public byte[] Algorithm { get; init; } = EcdsaSha256;
        public Action<AsnWriter> Validity { get; init; } = w =>
        {
            w.WriteUtcTime(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
            w.WriteUtcTime(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        };
        public byte[]? SubjectPublicKeyInfo { get; init; }
        public Action<AsnWriter>? AfterSpki { get; init; }
        public List<(string Oid, bool? Critical, byte[] Value)> Extensions { get; init; } = [];
        public bool EmptyExtensions { get; init; }
        public byte[] Trailing { get; init; } = [];
    }

    private static void Explicit(AsnWriter w, int tag, Action<AsnWriter> inner)
    {
        using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, tag, isConstructed: true)))
            inner(w);
    }

    private static byte[] Build(Tbs t, byte[]? outerAlgorithm = null)
    {
        var tbs = new AsnWriter(AsnEncodingRules.DER);
        using (tbs.PushSequence())
        {
            t.Version?.Invoke(tbs);
            tbs.WriteInteger(7);
            tbs.WriteEncodedValue(t.Algorithm);
            tbs.WriteEncodedValue(new System.Security.Cryptography.X509Certificates.X500DistinguishedName("CN=raw").RawData);
            using (tbs.PushSequence())
                t.Validity(tbs);
            tbs.WriteEncodedValue(new System.Security.Cryptography.X509Certificates.X500DistinguishedName("CN=raw").RawData);
            tbs.WriteEncodedValue(t.SubjectPublicKeyInfo ?? Key.ExportSubjectPublicKeyInfo());
            t.AfterSpki?.Invoke(tbs);
            if (t.Extensions.Count > 0 || t.EmptyExtensions)
            {
                Explicit(tbs, 3, w =>
                {
                    using (w.PushSequence())
                    {
                        foreach (var (oid, critical, value) in t.Extensions)
                        {
                            using (w.PushSequence())
                            {
                                w.WriteObjectIdentifier(oid);
                                if (critical is bool c)
                                    w.WriteBoolean(c);
                                w.WriteOctetString(value);
                            }
                        }
                    }
                });
            }
        }
        byte[] tbsBytes = [.. tbs.Encode()];
        if (t.Trailing.Length > 0)
        {
            // Rebuild the TBS SEQUENCE with extra bytes after its last field.
            var r = new AsnReader(tbsBytes, AsnEncodingRules.DER).ReadSequence();
            var inner = new List<byte>();
            while (r.HasData)
                inner.AddRange(r.ReadEncodedValue().ToArray());
            inner.AddRange(t.Trailing);
            tbsBytes = [0x30, .. Length(inner.Count), .. inner];
        }
        byte[] signature = Key.SignData(tbsBytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var cert = new AsnWriter(AsnEncodingRules.DER);
        using (cert.PushSequence())
        {
            cert.WriteEncodedValue(tbsBytes);
            cert.WriteEncodedValue(outerAlgorithm ?? t.Algorithm);
            cert.WriteBitString(signature);
        }
        return cert.Encode();
    }

    private static byte[] Length(int n) => n < 0x80 ? [(byte)n] : n < 0x100 ? [0x81, (byte)n] : [0x82, (byte)(n >> 8), (byte)n];

    private static byte[] Der(Action<AsnWriter> write)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        write(w);
        return w.Encode();
    }

    private static void Rejected(Tbs t, string fieldFragment)
    {
        byte[] der = Build(t);
        var ex = Assert.Throws<X509FormatException>(() => Certificate.Parse(der));
        Assert.Contains(fieldFragment, ex.Message);
    }

    [Fact]
    public void BaselineParsesAndVerifies()
    {
        Certificate c = Certificate.Parse(Build(new Tbs { Extensions = [("2.5.29.19", true, Der(w => { using (w.PushSequence()) w.WriteBoolean(true); }))] }));
        Assert.Equal(3, c.Version);
        Assert.True(c.BasicConstraints!.IsCa);
        Assert.True(c.PublicKey.Verify(c.SignatureAlgorithm!.Value, c.TbsCertificate.Span, c.Signature.Span));
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), c.NotAfter);
    }

    [Fact]
    public void VersionRules()
    {
        Rejected(new Tbs { Version = w => Explicit(w, 0, x => x.WriteInteger(0)) }, "version");
        Rejected(new Tbs { Version = w => Explicit(w, 0, x => x.WriteInteger(3)) }, "version");
        Rejected(new Tbs { Version = null, Extensions = [("1.2.3.4", null, [0x05, 0x00])] }, "extensions");
        Rejected(new Tbs { Version = null, AfterSpki = w => w.WriteBitString([1], 0, new Asn1Tag(TagClass.ContextSpecific, 1)) }, "issuerUniqueID");
        Assert.Equal(1, Certificate.Parse(Build(new Tbs { Version = null })).Version);
        Assert.Equal(2, Certificate.Parse(Build(new Tbs { Version = w => Explicit(w, 0, x => x.WriteInteger(1)), AfterSpki = w => w.WriteBitString([1], 0, new Asn1Tag(TagClass.ContextSpecific, 2)) })).Version);
    }

    [Fact]
    public void ExtensionEncodingRules()
    {
        Rejected(new Tbs { Extensions = [("1.2.3.4", false, [0x05, 0x00])] }, "critical");
        Rejected(new Tbs { EmptyExtensions = true }, "extensions");
        Rejected(new Tbs { Extensions = [("2.5.29.19", null, Der(w => { using (w.PushSequence()) w.WriteBoolean(false); }))] }, "basicConstraints.cA");
        Rejected(new Tbs { Extensions = [("2.5.29.19", null, Der(w => { using (w.PushSequence()) { w.WriteBoolean(true); w.WriteInteger(-1); } }))] }, "pathLenConstraint");
        Rejected(new Tbs { Extensions = [("2.5.29.15", true, Der(w => w.WriteBitString([])))] }, "keyUsage");
        Rejected(new Tbs { Extensions = [("2.5.29.37", null, Der(w => { using (w.PushSequence()) { } }))] }, "extKeyUsage");
        Rejected(new Tbs { Extensions = [("2.5.29.17", null, Der(w => { using (w.PushSequence()) { } }))] }, "subjectAltName");
        Rejected(new Tbs { Extensions = [("2.5.29.17", null, Der(w => { using (w.PushSequence()) w.WriteOctetString([1, 2, 3, 4, 5], new Asn1Tag(TagClass.ContextSpecific, 7)); }))] }, "iPAddress");
        Rejected(new Tbs { Extensions = [("2.5.29.17", null, Der(w => { using (w.PushSequence()) w.WriteOctetString([0x61, 0xC3, 0xA9], new Asn1Tag(TagClass.ContextSpecific, 2)); }))] }, "subjectAltName");
        Rejected(new Tbs { Extensions = [("2.5.29.14", true, Der(w => w.WriteOctetString([1, 2, 3])))] }, "subjectKeyIdentifier");
        Rejected(new Tbs { Extensions = [("2.5.29.35", true, Der(w => { using (w.PushSequence()) w.WriteOctetString([1], new Asn1Tag(TagClass.ContextSpecific, 0)); }))] }, "authorityKeyIdentifier");
        Rejected(new Tbs { Extensions = [("2.5.29.19", true, [0x30, 0x03, 0x01, 0x01, 0xFF, 0x00])] }, "basicConstraints");
        Rejected(new Tbs { Extensions = [("1.3.6.1.5.5.7.1.1", null, Der(w => { using (w.PushSequence()) { } }))] }, "authorityInfoAccess");
    }

    [Fact]
    public void AuthorityKeyIdentifierWithAllFields()
    {
        byte[] aki = Der(w =>
        {
            using (w.PushSequence())
            {
                w.WriteOctetString([9, 8, 7], new Asn1Tag(TagClass.ContextSpecific, 0));
                using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                    w.WriteCharacterString(UniversalTagNumber.IA5String, "ca.example", new Asn1Tag(TagClass.ContextSpecific, 2));
                w.WriteInteger(42, new Asn1Tag(TagClass.ContextSpecific, 2));
            }
        });
        Certificate c = Certificate.Parse(Build(new Tbs { Extensions = [("2.5.29.35", null, aki)] }));
        Assert.Equal(new byte[] { 9, 8, 7 }, c.AuthorityKeyIdentifier!.KeyIdentifier!.Value.ToArray());
        Assert.Equal("DNS:ca.example", c.AuthorityKeyIdentifier.AuthorityCertIssuer![0].ToString());
        Assert.Equal(new byte[] { 42 }, c.AuthorityKeyIdentifier.AuthorityCertSerialNumber!.Value.ToArray());
        Assert.Null(c.SubjectKeyIdentifier);
        Assert.NotNull(c.GetExtension("2.5.29.35"));
        Assert.Null(c.GetExtension("2.5.29.14"));
    }

    [Fact]
    public void AbsentOptionalFieldsAreNull()
    {
        byte[] aki = Der(w =>
        {
            using (w.PushSequence())
                w.WriteInteger(42, new Asn1Tag(TagClass.ContextSpecific, 2));
        });
        Certificate c = Certificate.Parse(Build(new Tbs { Extensions = [("2.5.29.35", null, aki)] }));
        Assert.Null(c.AuthorityKeyIdentifier!.KeyIdentifier);
        Assert.Null(c.AuthorityKeyIdentifier.AuthorityCertIssuer);
        Assert.NotNull(c.AuthorityKeyIdentifier.AuthorityCertSerialNumber);
        Assert.Null(c.SubjectKeyIdentifier);
        Assert.Null(c.KeyUsage);
        Assert.Null(c.BasicConstraints);
        Assert.Null(c.NameConstraints);
    }

    [Fact]
    public void ValidityTimeForms()
    {
        Certificate general = Certificate.Parse(Build(new Tbs
        {
            Validity = w =>
            {
                w.WriteUtcTime(new DateTimeOffset(2049, 12, 31, 23, 59, 59, TimeSpan.Zero));
                w.WriteGeneralizedTime(new DateTimeOffset(2050, 1, 1, 0, 0, 0, TimeSpan.Zero));
            },
        }));
        Assert.Equal(2050, general.NotAfter.Year);
        Assert.Equal(2049, general.NotBefore.Year);
        byte[] fractional = Der(w => w.WriteEncodedValue([0x18, 0x13, .. "20500101000000.500Z"u8]));
        Rejected(new Tbs { Validity = w => { w.WriteEncodedValue(fractional); w.WriteEncodedValue(fractional); } }, "notBefore");
        byte[] noSeconds = [0x17, 0x0B, .. "5001010000Z"u8];
        Rejected(new Tbs { Validity = w => { w.WriteUtcTime(DateTimeOffset.UnixEpoch); w.WriteEncodedValue(noSeconds); } }, "notAfter");
    }

    [Fact]
    public void TrailingDataInsideTbsIsRejected() => Rejected(new Tbs { Trailing = [0x05, 0x00] }, "tbsCertificate");

    [Fact]
    public void EcdsaWithParametersIsUnsupportedButParses()
    {
        byte[] withNull = Convert.FromHexString("300C06082A8648CE3D0403020500");
        Certificate c = Certificate.Parse(Build(new Tbs { Algorithm = withNull }));
        Assert.Null(c.SignatureAlgorithm);
        Assert.Contains("parameters", c.SignatureAlgorithmProblem);
    }

    [Fact]
    public void UnsupportedPublicKeysGiveTypedErrors()
    {
        using var rsa1024 = RSA.Create(1024);
        foreach (byte[] spki in new[] { rsa1024.ExportSubjectPublicKeyInfo(), Der(w => { using (w.PushSequence()) { using (w.PushSequence()) w.WriteObjectIdentifier("1.2.3.4"); w.WriteBitString([1, 2]); } }) })
        {
            Certificate c = Certificate.Parse(Build(new Tbs { SubjectPublicKeyInfo = spki }));
            Assert.ThrowsAny<X509Exception>(() => c.PublicKey);
        }
    }

    [Fact]
    public void PublicKeyIsImportedOnceUnderConcurrency()
    {
        Certificate c = Certificate.Parse(Build(new Tbs()));
        var keys = new TlsEngine.Crypto.PublicKey[64];
        Parallel.For(0, keys.Length, i => keys[i] = c.PublicKey);
        Assert.All(keys, k => Assert.Same(keys[0], k));
    }
}
