using System.Formats.Asn1;
using System.Net;

namespace TlsEngine.X509.Tests;

public class NameTests
{
    [Theory]
    [InlineData("example.com", "example.com", true)]
    [InlineData("Example.COM", "example.com", true)]
    [InlineData("example.com", "EXAMPLE.com.", true)]          // absolute reference name
    [InlineData("example.com", "www.example.com", false)]
    [InlineData("www.example.com", "example.com", false)]
    [InlineData("*.example.com", "foo.example.com", true)]
    [InlineData("*.example.com", "FOO.Example.Com", true)]
    [InlineData("*.example.com", "example.com", false)]         // wildcard needs a label
    [InlineData("*.example.com", "a.b.example.com", false)]     // one label only
    [InlineData("*.example.com", ".example.com", false)]
    [InlineData("*.com", "example.com", false)]                 // public-suffix-like single label
    [InlineData("*", "example", false)]
    [InlineData("f*.example.com", "foo.example.com", false)]    // partial wildcard
    [InlineData("*oo.example.com", "foo.example.com", false)]
    [InlineData("foo.*.example.com", "foo.bar.example.com", false)]
    [InlineData("*.*.example.com", "a.b.example.com", false)]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example", true)]
    [InlineData("*.example.com", "xn--bcher-kva.example.com", true)]
    [InlineData("foo_bar.example.com", "foo_bar.example.com", false)] // not a host name
    [InlineData("-foo.example.com", "-foo.example.com", false)]
    [InlineData("example.com", "", false)]
    [InlineData("", "example.com", false)]
    [InlineData("exa mple.com", "exa mple.com", false)]
    [InlineData("example..com", "example..com", false)]
    public void DnsWildcardRules(string presented, string reference, bool expected) =>
        Assert.Equal(expected, NameMatching.MatchesDnsName(presented, reference));

    [Theory]
    [InlineData("spiffe://example.org", true)]
    [InlineData("spiffe://example.org/service/a-b_c.d", true)]
    [InlineData("SPIFFE://example.org/x", true)]
    [InlineData("spiffe://Example.org/x", false)]
    [InlineData("spiffe:///x", false)]
    [InlineData("spiffe://example.org/", false)]
    [InlineData("spiffe://example.org//x", false)]
    [InlineData("spiffe://example.org/./x", false)]
    [InlineData("spiffe://example.org/../x", false)]
    [InlineData("spiffe://example.org/x?q=1", false)]
    [InlineData("spiffe://example.org/x#f", false)]
    [InlineData("spiffe://example.org/%41", false)]
    [InlineData("spiffe://user@example.org/x", false)]
    [InlineData("spiffe://example.org:443/x", false)]
    [InlineData("https://example.org/x", false)]
    [InlineData("spiffe://[::1]/x", false)]
    public void SpiffeIdSyntax(string uri, bool valid) => Assert.Equal(valid, SpiffeIdentity.IsValid(uri));

    [Fact]
    public void SpiffeIdNeedsExactlyOneUriSan()
    {
        TestCert root = TestPki.Root();
        TestCert one = TestPki.Leaf(root, edit: s => new CertSpec { Uris = ["spiffe://example.org/web"], DnsNames = ["a.example"] });
        TestCert two = TestPki.Leaf(root, edit: s => new CertSpec { Uris = ["spiffe://example.org/web", "spiffe://example.org/db"] });
        TestCert other = TestPki.Leaf(root, edit: s => new CertSpec { Uris = ["https://example.org/web"] });
        TestCert invalid = TestPki.Leaf(root, edit: s => new CertSpec { Uris = ["spiffe://example.org/web/"] });
        Assert.Equal("spiffe://example.org/web", one.Parsed.SpiffeId);
        Assert.Null(two.Parsed.SpiffeId);
        Assert.Null(other.Parsed.SpiffeId);
        Assert.Null(invalid.Parsed.SpiffeId);
        Assert.Null(root.Parsed.SpiffeId);
    }

    /// <summary>A DER Name; an OctetString "value" is hex, written as an OCTET STRING (a non-string attribute value).</summary>
    internal static byte[] Name(params (string Oid, UniversalTagNumber Type, string Value)[][] rdns)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            foreach (var rdn in rdns)
            {
                using (w.PushSetOf())
                {
                    foreach (var (oid, type, value) in rdn)
                    {
                        using (w.PushSequence())
                        {
                            w.WriteObjectIdentifier(oid);
                            if (type == UniversalTagNumber.OctetString)
                                w.WriteOctetString(Convert.FromHexString(value));
                            else
                                w.WriteCharacterString(type, value);
                        }
                    }
                }
            }
        }
        return w.Encode();
    }

    [Fact]
    public void NormalizedComparisonFoldsCaseWhitespaceAndStringType()
    {
        var a = DistinguishedName.Parse(Name([("2.5.4.6", UniversalTagNumber.PrintableString, "US")], [("2.5.4.10", UniversalTagNumber.PrintableString, "  Example   Org ")]));
        var b = DistinguishedName.Parse(Name([("2.5.4.6", UniversalTagNumber.UTF8String, "us")], [("2.5.4.10", UniversalTagNumber.UTF8String, "example org")]));
        var c = DistinguishedName.Parse(Name([("2.5.4.6", UniversalTagNumber.UTF8String, "us")], [("2.5.4.10", UniversalTagNumber.UTF8String, "example org2")]));
        var d = DistinguishedName.Parse(Name([("2.5.4.10", UniversalTagNumber.UTF8String, "example org")], [("2.5.4.6", UniversalTagNumber.UTF8String, "us")]));
        Assert.True(a.Matches(b));
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.False(a.ExactlyEquals(b));
        Assert.True(a.ExactlyEquals(DistinguishedName.Parse(a.RawData.ToArray())));
        Assert.False(a.Matches(c));
        Assert.False(b.Matches(d)); // RDN order matters
    }

    [Fact]
    public void ToStringIsRfc4514StyleWithEscaping()
    {
        var dn = DistinguishedName.Parse(Name(
            [("2.5.4.6", UniversalTagNumber.PrintableString, "US")],
            [("2.5.4.10", UniversalTagNumber.UTF8String, "Acme, Inc.")],
            [("2.5.4.11", UniversalTagNumber.UTF8String, "#ops "), ("2.5.4.3", UniversalTagNumber.UTF8String, "host")],
            [("1.2.3.4", UniversalTagNumber.UTF8String, "x+y")]));
        Assert.Equal(@"1.2.3.4=x\+y, CN=host+OU=\#ops\ , O=Acme\, Inc., C=US", dn.ToString());
        Assert.Equal(4, dn.RelativeNames.Count);
        Assert.Equal("host", dn.CommonName);
    }

    // One commonName attribute whose value has the given tag and contents octets.
    private static byte[] OneValueName(byte tag, byte[] value)
    {
        byte[] atv = [0x30, (byte)(7 + value.Length), 0x06, 0x03, 0x55, 0x04, 0x03, tag, (byte)value.Length, .. value];
        byte[] set = [0x31, (byte)atv.Length, .. atv];
        return [0x30, (byte)set.Length, .. set];
    }

    [Theory]
    [InlineData(0x0C, "C3A9", "\u00e9")]             // UTF8String é
    [InlineData(0x0C, "F09F9982", "\U0001F642")]     // UTF8String, a supplementary character
    [InlineData(0x13, "4142", "AB")]                  // PrintableString
    [InlineData(0x16, "612E62", "a.b")]               // IA5String
    [InlineData(0x14, "E9", "\u00e9")]               // TeletexString read as Latin-1
    [InlineData(0x1E, "00E9", "\u00e9")]             // BMPString
    [InlineData(0x1C, "0001F642", "\U0001F642")]     // UniversalString
    public void NameStringsDecodeWhenFirstRead(byte tag, string hex, string escaped)
    {
        string expected = System.Text.RegularExpressions.Regex.Unescape(escaped);
        var name = DistinguishedName.Parse(OneValueName(tag, Convert.FromHexString(hex)));
        Assert.Equal(expected, name.CommonName);
        Assert.Equal(tag, name.RelativeNames[0][0].ValueTag);
        Assert.False(name.IsEmpty);
    }

    [Theory]
    [InlineData(0x0C, "C080")]       // overlong NUL
    [InlineData(0x0C, "EDA080")]     // an encoded surrogate
    [InlineData(0x0C, "F4908080")]   // above U+10FFFF
    [InlineData(0x0C, "E282")]       // truncated
    [InlineData(0x13, "41C3A9")]     // 8-bit byte in PrintableString
    [InlineData(0x16, "80")]         // 8-bit byte in IA5String
    [InlineData(0x1E, "00E900")]     // BMPString of odd length
    [InlineData(0x1E, "D800")]       // BMPString with an unpaired surrogate
    [InlineData(0x1C, "00110000")]   // UniversalString above U+10FFFF
    public void BadlyEncodedNameStringsAreRefusedWhenTheNameIsRead(byte tag, string hex)
    {
        byte[] der = OneValueName(tag, Convert.FromHexString(hex));
        var e = Assert.Throws<X509FormatException>(() => DistinguishedName.Parse(der));
        Assert.Equal("Name.attribute.value", e.Field);
        Assert.True(DistinguishedName.Parse([0x30, 0x00]).IsEmpty);
    }

    [Fact]
    public void CertificateDnsMatchingReadsEachNameInPlace()
    {
        // Names longer than the stack buffer take a rented one; the text of every IA5 name is still there on demand.
        string longLabel = new('a', 63);
        string longName = string.Join('.', Enumerable.Repeat(longLabel, 5)) + ".example"; // 327 characters
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root, edit: s => new CertSpec { Subject = "CN=names", DnsNames = ["*.example.com", longName, "host.example.net"] });
        Certificate c = Certificate.Parse(leaf.Der);
        Assert.True(NameMatching.MatchesDnsName(c, "foo.example.com"));
        Assert.True(NameMatching.MatchesDnsName(c, "HOST.example.net."));
        Assert.False(NameMatching.MatchesDnsName(c, "example.com"));
        Assert.False(NameMatching.MatchesDnsName(c, longName)); // over 253 characters: not a host name
        Assert.Equal(["*.example.com", longName, "host.example.net"], c.DnsNames);
        Assert.Equal(longName, c.SubjectAlternativeNames[1].Text);
        Assert.Same(c.SubjectAlternativeNames[1].Text, c.SubjectAlternativeNames[1].Text);
    }

    [Fact]
    public void ACertificatesNamesAreCheckedWhenItIsParsed()
    {
        // The subject's attributes are decoded only when first used, but a bad one fails the certificate's parse.
        TestCert root = TestPki.Root();
        byte[] cert = (byte[])root.Der.Clone();
        int at = cert.AsSpan().LastIndexOf("Test Root"u8);
        Assert.True(at > cert.AsSpan().IndexOf("Test Root"u8)); // the subject's, after the issuer's
        cert[at] = 0x80; // not valid in a PrintableString or a UTF8String
        var e = Assert.Throws<X509FormatException>(() => Certificate.Parse(cert));
        Assert.Equal("tbsCertificate.subject.attribute.value", e.Field);
    }

    [Fact]
    public void RejectsEmptyRdnAndUnsortedSet()
    {
        Assert.Throws<X509FormatException>(() => DistinguishedName.Parse(Convert.FromHexString("30023100")));
        byte[] atvB = Name([("2.5.4.3", UniversalTagNumber.UTF8String, "b")])[4..];
        byte[] atvA = Name([("2.5.4.3", UniversalTagNumber.UTF8String, "a")])[4..];
        byte[] set = [0x31, (byte)(atvA.Length * 2), .. atvB, .. atvA];
        byte[] name = [0x30, (byte)set.Length, .. set];
        Assert.Throws<X509FormatException>(() => DistinguishedName.Parse(name));
        byte[] sortedSet = [0x31, (byte)(atvA.Length * 2), .. atvA, .. atvB];
        Assert.Equal("CN=a+CN=b", DistinguishedName.Parse([0x30, (byte)sortedSet.Length, .. sortedSet]).ToString());
    }

    [Fact]
    public void IpAddressMatchingIsByteExact()
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root, edit: s => new CertSpec { IpAddresses = [IPAddress.Parse("192.0.2.1"), IPAddress.Parse("2001:db8::1")] });
        Assert.True(NameMatching.MatchesIpAddress(leaf.Parsed, IPAddress.Parse("192.0.2.1")));
        Assert.True(NameMatching.MatchesIpAddress(leaf.Parsed, IPAddress.Parse("2001:0db8:0:0::1")));
        Assert.False(NameMatching.MatchesIpAddress(leaf.Parsed, IPAddress.Parse("192.0.2.2")));
        Assert.False(NameMatching.MatchesIpAddress(leaf.Parsed, IPAddress.Parse("::ffff:192.0.2.1")));
        Assert.False(NameMatching.MatchesIpAddress(leaf.Parsed, IPAddress.Parse("2001:db8::2")));
    }
}
