using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsEngine.Crypto;
using BclExtension = System.Security.Cryptography.X509Certificates.X509Extension;

namespace TlsEngine.X509.Tests;

public class CertificateParsingTests
{
    [Fact]
    public void ParsesAllFieldsOfAnEcdsaLeaf()
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root, "CN=leaf.example.com, O=Example Corp", edit: s => new CertSpec
        {
            Subject = s.Subject,
            IsCa = false,
            KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment,
            Eku = ["1.3.6.1.5.5.7.3.1"],
            DnsNames = ["leaf.example.com", "*.example.net"],
            IpAddresses = [IPAddress.Parse("192.0.2.7"), IPAddress.Parse("2001:db8::1")],
            Uris = ["spiffe://example.org/service/a"],
        });
        Certificate c = leaf.Parsed;
        using var bcl = X509CertificateLoader.LoadCertificate(leaf.Der);

        Assert.Equal(3, c.Version);
        Assert.Equal(bcl.SerialNumberBytes.ToArray(), c.SerialNumber.ToArray());
        Assert.Equal("CN=leaf.example.com, O=Example Corp", c.Subject.ToString());
        Assert.Equal("leaf.example.com", c.Subject.CommonName);
        Assert.Equal("CN=Test Root, O=Example", c.Issuer.ToString());
        Assert.True(c.Issuer.Matches(root.Parsed.Subject));
        Assert.Equal(bcl.NotBefore.ToUniversalTime(), c.NotBefore.UtcDateTime);
        Assert.Equal(bcl.NotAfter.ToUniversalTime(), c.NotAfter.UtcDateTime);
        Assert.Equal(SignatureKind.Ecdsa, c.SignatureAlgorithm!.Value.Kind);
        Assert.Equal(HashAlgorithmName.SHA256, c.SignatureAlgorithm!.Value.Hash);
        Assert.Equal("1.2.840.10045.4.3.2", c.SignatureAlgorithmOid);
        Assert.Equal("1.2.840.10045.2.1", c.PublicKeyAlgorithmOid);
        Assert.Equal(PublicKeyType.Ec, c.PublicKey.Type);
        Assert.Equal(EcCurve.P256, c.PublicKey.Curve);
        Assert.Same(c.PublicKey, c.PublicKey);
        Assert.False(c.BasicConstraints!.IsCa);
        Assert.Equal(KeyUsageFlags.DigitalSignature | KeyUsageFlags.KeyEncipherment, c.KeyUsage);
        Assert.Equal(["1.3.6.1.5.5.7.3.1"], c.ExtendedKeyUsage!);
        Assert.False(c.HasAnyExtendedKeyUsage);
        Assert.Equal(["leaf.example.com", "*.example.net"], c.DnsNames);
        Assert.Equal([IPAddress.Parse("192.0.2.7"), IPAddress.Parse("2001:db8::1")], c.IpAddresses);
        Assert.Equal(["spiffe://example.org/service/a"], c.Uris);
        Assert.Equal("spiffe://example.org/service/a", c.SpiffeId);
        Assert.Equal(leaf.SubjectKeyId, c.SubjectKeyIdentifier!.Value.ToArray());
        Assert.Equal(root.SubjectKeyId, c.AuthorityKeyIdentifier!.KeyIdentifier!.Value.ToArray());
        Assert.False(c.HasUnknownCriticalExtension);
        Assert.True(c.SignatureAlgorithmsMatch);
        Assert.Equal(bcl.RawData, c.RawData.ToArray());
        Assert.Equal(bcl.PublicKey.ExportSubjectPublicKeyInfo(), c.SubjectPublicKeyInfo.ToArray());
        Assert.True(c.PublicKey.Verify(c.SignatureAlgorithm!.Value, c.TbsCertificate.Span, c.Signature.Span) == false);
        Assert.True(root.Parsed.PublicKey.Verify(c.SignatureAlgorithm!.Value, c.TbsCertificate.Span, c.Signature.Span));
    }

    [Fact]
    public void ParsesRootBasicConstraintsWithPathLength()
    {
        TestCert root = TestPki.Root(edit: s => new CertSpec { Subject = s.Subject, IsCa = true, PathLength = 2, KeyUsage = s.KeyUsage });
        Assert.True(root.Parsed.BasicConstraints!.IsCa);
        Assert.Equal(2, root.Parsed.BasicConstraints.PathLengthConstraint);
        Assert.Equal(KeyUsageFlags.KeyCertSign | KeyUsageFlags.CrlSign, root.Parsed.KeyUsage);
        Assert.True(root.Parsed.IsSelfIssued);
        Assert.Null(root.Parsed.ExtendedKeyUsage);
        Assert.Empty(root.Parsed.DnsNames);
        Assert.False(root.Parsed.HasSubjectAlternativeName);
    }

    [Fact]
    public void MapsRsaPkcs1AndPssSignatureAlgorithms()
    {
        TestCert pkcs1 = TestPki.Root("CN=RSA PKCS1", TestKey.Rsa2048);
        Assert.Equal(SignatureAlgorithm.RsaPkcs1(HashAlgorithmName.SHA256), pkcs1.Parsed.SignatureAlgorithm);
        Assert.Equal(PublicKeyType.Rsa, pkcs1.Parsed.PublicKey.Type);
        Assert.Equal(2048, pkcs1.Parsed.PublicKey.KeySizeBits);

        TestCert pss = TestPki.Root("CN=RSA PSS", TestKey.Rsa2048Pss);
        Assert.Equal("1.2.840.113549.1.1.10", pss.Parsed.SignatureAlgorithmOid);
        Assert.Equal(SignatureAlgorithm.RsaPss(HashAlgorithmName.SHA256, 32), pss.Parsed.SignatureAlgorithm);
        Assert.True(pss.Parsed.PublicKey.Verify(pss.Parsed.SignatureAlgorithm!.Value, pss.Parsed.TbsCertificate.Span, pss.Parsed.Signature.Span));
    }

    [Fact]
    public void MapsEcdsaP384WithSha384()
    {
        TestCert root = TestPki.Root("CN=P384", TestKey.EcP384);
        Assert.Equal(SignatureAlgorithm.Ecdsa(HashAlgorithmName.SHA384), root.Parsed.SignatureAlgorithm);
        Assert.Equal(EcCurve.P384, root.Parsed.PublicKey.Curve);
    }

    [Fact]
    public void ParsesEd25519CertificatesMadeByOpenSsl()
    {
        (byte[] rootDer, byte[] leafDer) = OpenSsl.MakeChain(["-algorithm", "ED25519"], []);
        Certificate root = Certificate.Parse(rootDer);
        Certificate leaf = Certificate.Parse(leafDer);
        Assert.Equal(SignatureAlgorithm.Ed25519, leaf.SignatureAlgorithm);
        Assert.Equal(PublicKeyType.Ed25519, leaf.PublicKey.Type);
        Assert.True(root.PublicKey.Verify(SignatureAlgorithm.Ed25519, leaf.TbsCertificate.Span, leaf.Signature.Span));
    }

    [Fact]
    public void ParsesRsaPssKeysMadeByOpenSsl()
    {
        (byte[] rootDer, byte[] leafDer) = OpenSsl.MakeChain(
            ["-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048"],
            ["-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32", "-sigopt", "rsa_mgf1_md:sha256"]);
        Certificate root = Certificate.Parse(rootDer);
        Certificate leaf = Certificate.Parse(leafDer);
        Assert.Equal("1.2.840.113549.1.1.10", root.PublicKeyAlgorithmOid);
        Assert.Equal(PublicKeyType.RsaPss, root.PublicKey.Type);
        Assert.Equal(SignatureAlgorithm.RsaPss(HashAlgorithmName.SHA256, 32), leaf.SignatureAlgorithm);
        Assert.True(root.PublicKey.Verify(leaf.SignatureAlgorithm!.Value, leaf.TbsCertificate.Span, leaf.Signature.Span));
    }

    [Fact]
    public void UnknownSignatureAlgorithmStillParses()
    {
        TestCert root = TestPki.Root();
        TestCert odd = TestPki.Issue(new CertSpec { Subject = "CN=odd" }, root, new FixedGenerator("1.2.3.4.5", [1, 2, 3]));
        Assert.Null(odd.Parsed.SignatureAlgorithm);
        Assert.Equal("1.2.3.4.5", odd.Parsed.SignatureAlgorithmOid);
        Assert.Equal(new byte[] { 1, 2, 3 }, odd.Parsed.Signature.ToArray());
    }

    [Theory]
    [InlineData("sha-1 PSS defaults", "30 00")]
    [InlineData("mgf1 hash differs", "30 34 A0 0F 30 0D 06 09 608648016503040201 05 00 A1 1C 30 1A 06 09 2A864886F70D010108 30 0D 06 09 608648016503040202 05 00 A2 03 02 01 20")]
    [InlineData("trailer 2", "30 39 A0 0F 30 0D 06 09 608648016503040201 05 00 A1 1C 30 1A 06 09 2A864886F70D010108 30 0D 06 09 608648016503040201 05 00 A2 03 02 01 20 A3 03 02 01 02")]
    public void RejectsUnusablePssParameters(string what, string parametersHex)
    {
        byte[] parameters = Convert.FromHexString(parametersHex.Replace(" ", string.Empty));
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            w.WriteObjectIdentifier("1.2.840.113549.1.1.10");
            w.WriteEncodedValue(parameters);
        }
        TestCert root = TestPki.Root();
        TestCert odd = TestPki.Issue(new CertSpec { Subject = "CN=" + what }, root, new FixedGenerator(w.Encode(), [1]));
        Assert.Null(odd.Parsed.SignatureAlgorithm);
        Assert.NotNull(odd.Parsed.SignatureAlgorithmProblem);
    }

    [Fact]
    public void AcceptsValidPssParametersWithSha384()
    {
        string hex = "30 34 A0 0F 30 0D 06 09 608648016503040202 05 00 A1 1C 30 1A 06 09 2A864886F70D010108 30 0D 06 09 608648016503040202 05 00 A2 03 02 01 30";
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            w.WriteObjectIdentifier("1.2.840.113549.1.1.10");
            w.WriteEncodedValue(Convert.FromHexString(hex.Replace(" ", string.Empty)));
        }
        TestCert odd = TestPki.Issue(new CertSpec { Subject = "CN=pss384" }, TestPki.Root(), new FixedGenerator(w.Encode(), [1]));
        Assert.Equal(SignatureAlgorithm.RsaPss(HashAlgorithmName.SHA384, 48), odd.Parsed.SignatureAlgorithm);
    }

    [Fact]
    public void RejectsDuplicateExtensions()
    {
        TestCert root = TestPki.Root();
        TestCert c = TestPki.Leaf(root, edit: s => new CertSpec
        {
            Subject = "CN=dup",
            Extra = [new BclExtension("1.2.3.4.1", [0x05, 0x00], false), new BclExtension("1.2.3.4.2", [0x05, 0x00], false)],
        });
        byte[] der = (byte[])c.Der.Clone();
        byte[] second = [0x06, 0x04, 0x2A, 0x03, 0x04, 0x02];
        int at = der.AsSpan().IndexOf(second);
        Assert.True(at > 0);
        der[at + 5] = 0x01; // 1.2.3.4.2 -> 1.2.3.4.1
        var ex = Assert.Throws<X509FormatException>(() => Certificate.Parse(der));
        Assert.Contains("duplicate", ex.Message);
    }

    [Fact]
    public void ParseCopiesItsInputAndSlicesEveryFieldFromTheCopy()
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root, edit: s => new CertSpec { Subject = "CN=own copy", Eku = ["1.3.6.1.5.5.7.3.2"], Uris = ["spiffe://example.org/a"] });
        // A certificate inside a larger message, as the handshake hands it over (a buffer cleared after its handler).
        byte[] message = [0xAA, 0xBB, .. leaf.Der, 0xCC];
        Certificate c = Certificate.Parse(message.AsMemory(2, leaf.Der.Length));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(c.RawData, out var own));
        Assert.NotSame(message, own.Array);
        foreach (ReadOnlyMemory<byte> field in new[] { c.Subject.RawData, c.Issuer.RawData, c.SubjectKeyIdentifier!.Value,
            c.AuthorityKeyIdentifier!.KeyIdentifier!.Value, c.SubjectAlternativeNames[0].RawValue, c.TbsCertificate, c.SubjectPublicKeyInfo })
        {
            Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(field, out var slice));
            Assert.Same(own.Array, slice.Array);
        }

        message.AsSpan().Clear();
        Assert.Equal(leaf.Der, c.RawData.ToArray());
        Assert.Equal("CN=own copy", c.Subject.ToString());
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], c.ExtendedKeyUsage!);
        Assert.True(c.HasExtendedKeyUsage(Oids.ClientAuth));
        Assert.False(c.HasExtendedKeyUsage(Oids.ServerAuth));
        Assert.Equal("spiffe://example.org/a", c.SpiffeId);
        Assert.Equal(leaf.SubjectKeyId, c.SubjectKeyIdentifier!.Value.ToArray());
        Assert.Equal(root.SubjectKeyId, c.AuthorityKeyIdentifier!.KeyIdentifier!.Value.ToArray());
        Assert.True(root.Parsed.PublicKey.Verify(c.SignatureAlgorithm!.Value, c.TbsCertificate.Span, c.Signature.Span));

        // Memory that is not an array parses the same.
        using var opaque = new OpaqueMemory(leaf.Der);
        Assert.Equal(leaf.Der, Certificate.Parse(opaque.Memory).RawData.ToArray());
    }

    [Fact]
    public void ExtensionObjectsAreMadeOnceAndMatchTheEncoding()
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root, edit: s => new CertSpec
        {
            Subject = "CN=extensions",
            Eku = ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
            DnsNames = ["a.example"],
            Extra = [new BclExtension("1.2.3.4.9", [0x05, 0x00], false)],
        });
        Certificate c = leaf.Parsed;
        using var bcl = X509CertificateLoader.LoadCertificate(leaf.Der);
        Assert.Same(c.Extensions, c.Extensions);
        Assert.Equal(bcl.Extensions.Count, c.Extensions.Count);
        for (int i = 0; i < c.Extensions.Count; i++)
        {
            Assert.Equal(bcl.Extensions[i].Oid!.Value, c.Extensions[i].Oid);
            Assert.Equal(bcl.Extensions[i].Critical, c.Extensions[i].Critical);
            Assert.Equal(bcl.Extensions[i].RawData, c.Extensions[i].Value.ToArray());
            Assert.Same(c.Extensions[i], c.GetExtension(c.Extensions[i].Oid));
        }
        Assert.Null(c.GetExtension("1.2.3.4.10"));
        foreach (X509Extension e in c.Extensions)
            Assert.Equal(e.Critical, c.IsExtensionCritical(e.OidContent.ToArray()));
        Assert.Null(c.IsExtensionCritical(Oids.NameConstraints));
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], c.ExtendedKeyUsage!);
        Assert.Same(c.DnsNames, c.DnsNames);
        Assert.Null(TestPki.Leaf(root, edit: s => new CertSpec { Subject = "CN=no eku" }).Parsed.ExtendedKeyUsage);
    }

    // Memory whose array TryGetArray does not reveal (as for native memory).
    private sealed class OpaqueMemory(byte[] contents) : System.Buffers.MemoryManager<byte>
    {
        private readonly byte[] _contents = (byte[])contents.Clone();

        public override Span<byte> GetSpan() => _contents;

        public override System.Buffers.MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException("not pinned in these tests");

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }

    [Fact]
    public void RejectsTrailingDataAfterTheCertificate()
    {
        TestCert root = TestPki.Root();
        Assert.Throws<X509FormatException>(() => Certificate.Parse((byte[])[.. root.Der, 0x00]));
        Assert.Throws<X509FormatException>(() => Certificate.Parse(root.Der.AsMemory(0, root.Der.Length - 1)));
    }

    [Fact]
    public void UnknownCriticalExtensionIsFlaggedAndNonCriticalIsNot()
    {
        TestCert root = TestPki.Root();
        TestCert critical = TestPki.Leaf(root, edit: s => new CertSpec { Extra = [new BclExtension("1.2.3.4.9", [0x05, 0x00], true)] });
        TestCert plain = TestPki.Leaf(root, edit: s => new CertSpec { Extra = [new BclExtension("1.2.3.4.9", [0x05, 0x00], false)] });
        Assert.True(critical.Parsed.HasUnknownCriticalExtension);
        Assert.False(plain.Parsed.HasUnknownCriticalExtension);
        Assert.Contains(plain.Parsed.Extensions, e => e.Oid == "1.2.3.4.9" && !e.Critical);
    }

    [Fact]
    public void BadPublicKeyGivesTypedError()
    {
        // An EC point that is not on the curve.
        byte[] point = new byte[65];
        point[0] = 0x04;
        point[64] = 0x07;
        var w = new AsnWriter(AsnEncodingRules.DER);
        w.WriteObjectIdentifier("1.2.840.10045.3.1.7");
        var key = new System.Security.Cryptography.X509Certificates.PublicKey(new Oid("1.2.840.10045.2.1"), new AsnEncodedData(w.Encode()), new AsnEncodedData(point));
        var req = new CertificateRequest(new X500DistinguishedName("CN=bad key"), key, HashAlgorithmName.SHA256);
        TestCert root = TestPki.Root();
        using X509Certificate2 cert = req.Create(root.Name, root.Generator, TestPki.Now.AddDays(-1), TestPki.Now.AddDays(1), [9]);
        Certificate parsed = Certificate.Parse(cert.RawData);
        X509Exception ex = Assert.ThrowsAny<X509Exception>(() => parsed.PublicKey);
        Assert.Contains("CN=bad key", ex.Message);
        Assert.ThrowsAny<X509Exception>(() => parsed.PublicKey); // the failure is cached, still typed
    }

    [Fact]
    public void LoaderReadsPemBundlesAndDer()
    {
        TestCert a = TestPki.Root("CN=A");
        TestCert b = TestPki.Root("CN=B");
        string pem = Pem.Encode("CERTIFICATE", a.Der) + "junk between blocks\n" + Pem.Encode("PRIVATE KEY", [1, 2, 3]) + Pem.Encode("CERTIFICATE", b.Der);
        IReadOnlyList<Certificate> certs = CertificateLoader.Load(System.Text.Encoding.ASCII.GetBytes(pem));
        Assert.Equal(["CN=A", "CN=B"], certs.Select(c => c.Subject.ToString()));
        Assert.Single(CertificateLoader.Load(a.Der));

        string path = Path.Combine(Path.GetTempPath(), "x509-loader-" + Guid.NewGuid().ToString("N") + ".pem");
        File.WriteAllText(path, pem);
        try
        {
            Assert.Equal(2, CertificateLoader.LoadFile(path).Count);
            Assert.Equal(2, TrustStore.LoadFile(path).Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAQID\n-----END PRIVATE KEY-----\n")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n")]
    [InlineData("not a certificate")]
    public void LoaderRejectsGarbageWithTypedErrors(string text) =>
        Assert.ThrowsAny<X509Exception>(() => CertificateLoader.Load(System.Text.Encoding.ASCII.GetBytes(text)));

    /// <summary>Signs with a fixed AlgorithmIdentifier and signature value, to make odd certificates.</summary>
    internal sealed class FixedGenerator : X509SignatureGenerator
    {
        private readonly byte[] _algorithm;
        private readonly byte[] _signature;

        public FixedGenerator(string oid, byte[] signature)
        {
            var w = new AsnWriter(AsnEncodingRules.DER);
            using (w.PushSequence())
                w.WriteObjectIdentifier(oid);
            _algorithm = w.Encode();
            _signature = signature;
        }

        public FixedGenerator(byte[] algorithmIdentifier, byte[] signature)
        {
            _algorithm = algorithmIdentifier;
            _signature = signature;
        }

        public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) => _algorithm;

        public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) => _signature;

        protected override System.Security.Cryptography.X509Certificates.PublicKey BuildPublicKey() => throw new NotSupportedException();
    }
}
