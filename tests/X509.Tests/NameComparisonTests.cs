using System.Formats.Asn1;

namespace TlsEngine.X509.Tests;

/// <summary>
/// The allocation-free paths of name handling agree with the normalised form they short-cut: in-place RDN comparison
/// (RFC 5280 §7.1), the folded string comparison, trust-anchor lookup by encoded subject, shared OID strings, and
/// field names of parse errors resolved against their caller's field.
/// </summary>
public class NameComparisonTests
{
    private const string Cn = "2.5.4.3", O = "2.5.4.10", Ou = "2.5.4.11";

    private static DistinguishedName Name(params (string Oid, UniversalTagNumber Type, string Value)[][] rdns) =>
        DistinguishedName.Parse(NameTests.Name(rdns));

    private static (string, UniversalTagNumber, string)[] Rdn(params (string, UniversalTagNumber, string)[] attributes) => attributes;

    private static (string, UniversalTagNumber, string) Utf8(string oid, string value) => (oid, UniversalTagNumber.UTF8String, value);

    private static (string, UniversalTagNumber, string) Printable(string oid, string value) => (oid, UniversalTagNumber.PrintableString, value);

    public static TheoryData<DistinguishedName, DistinguishedName, bool> Pairs => new()
    {
        { Name(Rdn(Utf8(Cn, "Example CA"))), Name(Rdn(Utf8(Cn, "Example CA"))), true },
        { Name(Rdn(Utf8(Cn, "Example CA"))), Name(Rdn(Printable(Cn, "example   ca "))), true },
        { Name(Rdn(Utf8(Cn, "  Example CA"))), Name(Rdn(Utf8(Cn, "EXAMPLE CA"))), true },
        { Name(Rdn(Utf8(Cn, "Example CA"))), Name(Rdn(Utf8(Cn, "ExampleCA"))), false },
        { Name(Rdn(Utf8(Cn, "Example CA"))), Name(Rdn(Utf8(O, "Example CA"))), false },
        { Name(Rdn(Utf8(Cn, "a")), Rdn(Utf8(O, "b"))), Name(Rdn(Utf8(Cn, "a"))), false },
        { Name(Rdn(Utf8(Cn, "a")), Rdn(Utf8(O, "b"))), Name(Rdn(Utf8(Cn, "A")), Rdn(Printable(O, "B"))), true },
        { Name(Rdn(Utf8(Cn, "a"), Utf8(O, "b"))), Name(Rdn(Printable(Cn, "A"), Utf8(O, "B "))), true },
        { Name(Rdn(Utf8(Cn, "a"), Utf8(O, "b"))), Name(Rdn(Utf8(Cn, "a"), Utf8(Ou, "b"))), false },
        { Name(Rdn(Utf8(Cn, "a"), Utf8(O, "b"))), Name(Rdn(Utf8(Cn, "a")), Rdn(Utf8(O, "b"))), false },
        { Name(Rdn((Cn, UniversalTagNumber.OctetString, "0102"))), Name(Rdn((Cn, UniversalTagNumber.OctetString, "0102"))), true },
        { Name(Rdn((Cn, UniversalTagNumber.OctetString, "0102"))), Name(Rdn((Cn, UniversalTagNumber.OctetString, "0103"))), false },
        { Name(Rdn((Cn, UniversalTagNumber.OctetString, "41"))), Name(Rdn(Utf8(Cn, "A"))), false },
        { Name(), Name(), true },
        { Name(), Name(Rdn(Utf8(Cn, "a"))), false },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void InPlaceComparisonAgreesWithNormalisedForm(DistinguishedName a, DistinguishedName b, bool expected)
    {
        Assert.Equal(expected, a.Matches(b));
        Assert.Equal(expected, b.Matches(a));
        Assert.Equal(expected, string.Equals(a.NormalizedKey, b.NormalizedKey, StringComparison.Ordinal) || a.ExactlyEquals(b));
        if (expected)
            Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void FoldedEqualsAgreesWithNormalize()
    {
        var random = new Random(5280);
        const string alphabet = "aAbB \t\nÉé.";
        string Next() => new([.. Enumerable.Range(0, random.Next(0, 7)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
        int equal = 0;
        for (int i = 0; i < 20000; i++)
        {
            string x = Next(), y = i % 2 == 0 ? Next() : x.ToUpperInvariant().Replace(" ", "  ");
            bool expected = DirectoryString.Normalize(x) == DirectoryString.Normalize(y);
            Assert.True(expected == DirectoryString.FoldedEquals(x, y), $"'{x}' vs '{y}'");
            equal += expected ? 1 : 0;
        }
        Assert.InRange(equal, 1000, 19000); // both outcomes exercised
    }

    [Fact]
    public void AnchorIsFoundByEncodedSubjectAndByNormalisedSubject()
    {
        TestCert root = TestPki.Root("CN=Lookup Root, O=Example");
        var store = new TrustStore([root.Parsed]);
        // The same name re-encoded with other string types and spacing is found through the §7.1 form.
        DistinguishedName reencoded = Name(Rdn(Printable(O, "example")), Rdn(Utf8(Cn, "lookup  ROOT")));
        Assert.False(reencoded.ExactlyEquals(root.Parsed.Subject));
        Assert.Same(root.Parsed, Assert.Single(store.FindBySubject(reencoded)));
        Assert.Same(root.Parsed, Assert.Single(store.FindBySubject(root.Parsed.Subject)));
        Assert.Empty(store.FindBySubject(Name(Rdn(Utf8(Cn, "Other")))));
    }

    [Fact]
    public void AnchorsSharingANormalisedSubjectAreAllFoundWhateverTheEncoding()
    {
        // Two anchors whose subjects match under §7.1 but are encoded differently: a byte-equal hit on either encoding
        // must still return both.
        TestCert first = TestPki.Root("CN=Shared Root");
        TestCert second = TestPki.Root("CN=shared   root");
        var store = new TrustStore([first.Parsed, second.Parsed]);
        Assert.Equal(2, store.FindBySubject(first.Parsed.Subject).Count);
        Assert.Equal(2, store.FindBySubject(second.Parsed.Subject).Count);
        Assert.Single(new TrustStore([first.Parsed]).FindByKeyIdentifier(first.SubjectKeyId!));
        Assert.Empty(new TrustStore([first.Parsed]).FindByKeyIdentifier([1, 2, 3]));
    }

    [Fact]
    public void ContainsExactlyFindsEachAnchorOfAGroupSharingANormalisedSubject()
    {
        TestCert first = TestPki.Root("CN=Shared Root");
        TestCert second = TestPki.Root("CN=shared   root");
        TestCert third = TestPki.Root("CN=Shared Root");
        var store = new TrustStore([first.Parsed, second.Parsed]);
        Assert.True(store.ContainsExactly(first.Parsed));
        Assert.True(store.ContainsExactly(second.Parsed));
        // Same subject bytes as an anchor, other certificate: not an anchor.
        Assert.True(third.Parsed.Subject.ExactlyEquals(first.Parsed.Subject));
        Assert.False(store.ContainsExactly(third.Parsed));
        Assert.False(store.ContainsExactly(TestPki.Root("CN=Elsewhere").Parsed));
    }

    [Theory]
    [InlineData("2.5.4.3")]
    [InlineData("1.2.840.10045.4.3.2")]
    [InlineData("1.3.6.1.5.5.7.3.2")]
    [InlineData("1.2.3.4.5")]
    [InlineData("2.999.1")]
    [InlineData("1.3.6.1.4.1.99999.85070591730234615865843651857942052863")] // the largest arc accepted: 2^126 - 1 (18 groups)
    [InlineData("0.39.18446744073709551616")]
    public void OidTextMatchesTheReference(string oid)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        w.WriteObjectIdentifier(oid);
        var reader = new DerReader(w.Encode());
        Assert.Equal(oid, DerReader.OidToString(reader.ReadOid("oid")));
    }

    [Fact]
    public void EveryKnownOidIsFoundByItsOwnEncodingAndNoOther()
    {
        var known = KnownOidStrings.All.ToList();
        Assert.True(known.Count > 60);
        Assert.Equal(known.Count, known.Distinct().Count());
        foreach (string oid in known)
        {
            var w = new AsnWriter(AsnEncodingRules.DER);
            w.WriteObjectIdentifier(oid);
            byte[] content = w.Encode()[2..];
            Assert.Equal(oid, KnownOidStrings.Find(content));
            // Same length, first and last octet, different middle: not in the table (or a different entry).
            if (content.Length > 2)
            {
                byte[] other = (byte[])content.Clone();
                other[1] ^= 0x01;
                string? found = KnownOidStrings.Find(other);
                Assert.NotEqual(oid, found);
                Assert.Equal(DerReader.OidToString(other), found ?? DerReader.OidToString(other));
            }
        }
        Assert.Null(KnownOidStrings.Find([]));
        Assert.Null(KnownOidStrings.Find([0x2A, 0x03, 0x04]));
    }

    [Fact]
    public void MultiValuedAndSingleRdnsParseInOrder()
    {
        var name = Name(Rdn(Utf8(Cn, "a"), Utf8(O, "b")), Rdn(Utf8(O, "c")), Rdn(Utf8(Cn, "d")));
        Assert.Equal([2, 1, 1], name.RelativeNames.Select(r => r.Count));
        Assert.Equal(["a", "b"], name.RelativeNames[0].Select(a => a.Value));
        Assert.Equal("c", name.RelativeNames[1][0].Value);
        Assert.Equal("d", name.CommonName);
        Assert.Equal("CN=d, O=c, CN=a+O=b", name.ToString());
    }

    [Fact]
    public void AMultiValuedRdnOutOfDerOrderIsRefused()
    {
        // SET { O=b, CN=a }: the O encoding (…55 04 0A…) sorts after the CN one (…55 04 03…), so DER puts CN first.
        byte[] o = [0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x0A, 0x0C, 0x01, 0x62];
        byte[] cn = [0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0C, 0x01, 0x61];
        byte[] Encode(byte[] first, byte[] second) => [0x30, 0x16, 0x31, 0x14, .. first, .. second];
        Assert.Equal(2, DistinguishedName.Parse(Encode(cn, o)).RelativeNames[0].Count);
        var e = Assert.Throws<X509FormatException>(() => DistinguishedName.Parse(Encode(o, cn)));
        Assert.Contains("not in DER order", e.Message);
    }

    [Fact]
    public void ACertificatesNamesAndExtensionIdsAreSlicesOfItsOwnBytes()
    {
        TestCert root = TestPki.Root();
        var certificate = Certificate.Parse(root.Der);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(certificate.RawData, out var own));
        foreach (var name in new[] { certificate.Subject, certificate.Issuer })
        {
            Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(name.RawData, out var slice));
            Assert.Same(own.Array, slice.Array);
            // The same name parsed on its own (a copy) reads the same.
            var alone = DistinguishedName.Parse(name.RawData.Span);
            Assert.True(alone.ExactlyEquals(name));
            Assert.Equal(name.ToString(), alone.ToString());
        }
        Assert.NotEmpty(certificate.Extensions);
        Assert.All(certificate.Extensions, e =>
        {
            Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(e.OidContent, out var slice));
            Assert.Same(own.Array, slice.Array);
            Assert.Equal(e.Oid, DerReader.OidToString(e.OidContent.Span));
        });
    }

    [Fact]
    public void KnownOidTextIsShared()
    {
        byte[] commonName = [0x55, 0x04, 0x03];
        Assert.Same(DerReader.OidToString(commonName), DerReader.OidToString(commonName));
        Assert.Same(Name(Rdn(Utf8(Cn, "x"))).RelativeNames[0][0].Oid, Name(Rdn(Utf8(Cn, "y"))).RelativeNames[0][0].Oid);
    }

    [Fact]
    public void ParseErrorsNameTheFullField()
    {
        // A Name whose only RDN is an empty SET.
        byte[] emptyRdnName = [0x30, 0x02, 0x31, 0x00];
        var e = Assert.Throws<X509FormatException>(() => DistinguishedName.Parse(emptyRdnName));
        Assert.Equal("Name.rdn", e.Field);
        Assert.StartsWith("Name.rdn: ", e.Message, StringComparison.Ordinal);

        TestCert root = TestPki.Root();
        var tampered = Tamper(root.Der, root.Parsed.Issuer.RawData.ToArray(), [0x30, 0x04, 0x31, 0x02, 0x30, 0x00]);
        e = Assert.Throws<X509FormatException>(() => Certificate.Parse(tampered));
        Assert.Equal("tbsCertificate.issuer.attribute.type", e.Field);

        var ex = Assert.Throws<X509FormatException>(() => CertificateWithExtensions([(0x30, [0x06, 0x03, 0x55, 0x1D, 0x13, 0x01, 0x01, 0x00, 0x04, 0x02, 0x30, 0x00])]));
        Assert.Equal("extensions.extension.critical", ex.Field);
        byte[] basic = [0x06, 0x03, 0x55, 0x1D, 0x13, 0x04, 0x02, 0x30, 0x00];
        ex = Assert.Throws<X509FormatException>(() => CertificateWithExtensions([(0x30, basic), (0x30, basic)]));
        Assert.Equal("extensions", ex.Field);
        Assert.Contains("duplicate extension 2.5.29.19", ex.Message, StringComparison.Ordinal);
    }

    // Rebuilds the certificate with every tbsCertificate element equal to find replaced (the signature no longer
    // verifies, which parsing does not check).
    private static byte[] Tamper(byte[] der, byte[] find, byte[] replacement)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var tbs = reader.ReadSequence();
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            using (w.PushSequence())
            {
                while (tbs.HasData)
                {
                    ReadOnlyMemory<byte> element = tbs.ReadEncodedValue();
                    w.WriteEncodedValue(element.Span.SequenceEqual(find) ? replacement : element.Span);
                }
            }
            while (reader.HasData)
                w.WriteEncodedValue(reader.ReadEncodedValue().Span);
        }
        return w.Encode();
    }

    private static Certificate CertificateWithExtensions((byte Tag, byte[] Content)[] extensions)
    {
        TestCert root = TestPki.Root();
        var reader = new AsnReader(root.Der, AsnEncodingRules.DER).ReadSequence();
        var tbs = reader.ReadSequence();
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            using (w.PushSequence())
            {
                while (tbs.HasData)
                {
                    if (tbs.PeekTag() == new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true))
                    {
                        tbs.ReadEncodedValue();
                        continue;
                    }
                    w.WriteEncodedValue(tbs.ReadEncodedValue().Span);
                }
                using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true)))
                using (w.PushSequence())
                {
                    foreach (var (tag, content) in extensions)
                        w.WriteEncodedValue([tag, (byte)content.Length, .. content]);
                }
            }
            while (reader.HasData)
                w.WriteEncodedValue(reader.ReadEncodedValue().Span);
        }
        return Certificate.Parse(w.Encode());
    }
}
