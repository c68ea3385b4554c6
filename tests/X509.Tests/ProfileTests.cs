using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsEngine.X509.Tests;

/// <summary>ValidationOptions.StrictProfile, the opt-in CN rule, MaxDepth counting, the leaf key and e-mail matching.</summary>
public class ProfileTests
{
    private static readonly X509KeyUsageFlags CaUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign;

    private static void AssertProfileError(ValidationResult result, int depth, string contains)
    {
        Assert.False(result.IsValid, "expected a profile error: " + contains);
        Assert.Equal(CertificateErrorCode.Profile, result.Error!.Code);
        Assert.Equal(depth, result.Error.Depth);
        Assert.Contains(contains, result.Error.Message);
    }

    private static void AssertOnlyStrictRejects(ChainValidator v, Certificate[] chain, int depth, string contains, ValidationOptions? options = null)
    {
        options ??= TestPki.Options();
        AssertProfileError(v.Validate(chain, options), depth, contains);
        ValidationResult lenient = v.Validate(chain, options with { StrictProfile = false });
        Assert.True(lenient.IsValid, lenient.Error?.ToString());
    }

    // A leaf under an issuer without SKI, with an AKI holding the key identifier the issuer would have had.
    private static TestCert LeafWithAkiFor(TestCert issuer)
    {
        byte[] keyId = new X509SubjectKeyIdentifierExtension(new PublicKey(issuer.Key), false).SubjectKeyIdentifierBytes.ToArray();
        return TestPki.Leaf(issuer, edit: s => new CertSpec
        {
            Subject = s.Subject,
            IsCa = false,
            KeyUsage = X509KeyUsageFlags.DigitalSignature,
            SkiAki = false,
            Extra = [X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(keyId)],
        });
    }

    [Fact]
    public void IntermediateWithoutSubjectKeyIdentifierIsRejected()
    {
        TestCert root = TestPki.Root();
        TestCert inter = TestPki.Intermediate(root, edit: s => new CertSpec
        {
            Subject = s.Subject,
            IsCa = true,
            KeyUsage = CaUsage,
            SkiAki = false,
            Extra = [X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(root.SubjectKeyId!)],
        });
        AssertOnlyStrictRejects(TestPki.Validator(root), TestPki.Chain(LeafWithAkiFor(inter), inter), 1, "subjectKeyIdentifier");
    }

    [Fact]
    public void RootWithoutSubjectKeyIdentifierIsRejected()
    {
        TestCert root = TestPki.Root(edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, SkiAki = false });
        AssertOnlyStrictRejects(TestPki.Validator(root), TestPki.Chain(LeafWithAkiFor(root)), 1, "subjectKeyIdentifier");
    }

    [Fact]
    public void CertificatesBelowTheAnchorNeedAnAuthorityKeyIdentifier()
    {
        TestCert root = TestPki.Root();
        TestCert inter = TestPki.Intermediate(root, edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, Aki = false });
        TestCert leaf = TestPki.Leaf(inter);
        AssertOnlyStrictRejects(TestPki.Validator(root), TestPki.Chain(leaf, inter), 1, "authorityKeyIdentifier");
        TestCert bareLeaf = TestPki.Leaf(root, edit: s => new CertSpec { Subject = s.Subject, IsCa = false, KeyUsage = X509KeyUsageFlags.DigitalSignature, Aki = false });
        AssertOnlyStrictRejects(TestPki.Validator(root), TestPki.Chain(bareLeaf), 0, "authorityKeyIdentifier");
    }

    [Fact]
    public void CaBasicConstraintsMustBeCritical()
    {
        TestCert root = TestPki.Root(edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, BasicConstraintsCritical = false });
        AssertOnlyStrictRejects(TestPki.Validator(root), TestPki.Chain(TestPki.Leaf(root)), 1, "non-critical basicConstraints");
        TestCert goodRoot = TestPki.Root();
        TestCert inter = TestPki.Intermediate(goodRoot, edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, BasicConstraintsCritical = false });
        AssertOnlyStrictRejects(TestPki.Validator(goodRoot), TestPki.Chain(TestPki.Leaf(inter), inter), 1, "non-critical basicConstraints");
    }

    [Fact]
    public void SelfIssuedAnchorAuthorityKeyIdentifierMustBeItsOwn()
    {
        var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] otherSki = new X509SubjectKeyIdentifierExtension(new PublicKey(other), false).SubjectKeyIdentifierBytes.ToArray();
        // SkiAki off, then an AKI naming another key and our own SKI added by hand.
        TestCert root = TestPki.Root(edit: s => new CertSpec
        {
            Subject = s.Subject,
            IsCa = true,
            KeyUsage = CaUsage,
            SkiAki = false,
            Extra = [X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(otherSki)],
        });
        TestCert leaf = TestPki.Leaf(root, edit: s => new CertSpec { Subject = s.Subject, IsCa = false, KeyUsage = X509KeyUsageFlags.DigitalSignature, SkiAki = false });
        ValidationResult result = TestPki.Validator(root).Validate(TestPki.Chain(leaf), TestPki.Options());
        Assert.Equal(CertificateErrorCode.Profile, result.Error!.Code);
        Assert.True(TestPki.Validator(root).Validate(TestPki.Chain(leaf), TestPki.Options() with { StrictProfile = false }).IsValid);
    }

    [Fact]
    public void CaAsEndEntityIsRejectedUnlessItIsTheTrustAnchor()
    {
        TestCert root = TestPki.Root();
        TestCert caLeaf = TestPki.Leaf(root, edit: s => new CertSpec
        {
            Subject = s.Subject,
            IsCa = true,
            KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign,
            DnsNames = ["leaf.example.com"],
        });
        AssertOnlyStrictRejects(TestPki.Validator(root), TestPki.Chain(caLeaf), 0, "end-entity certificate is a CA", TestPki.Options("leaf.example.com", KeyPurpose.ServerAuth));
        // A self-signed CA certificate trusted directly (what "openssl req -x509" makes) is accepted as the peer.
        TestCert selfSigned = TestPki.Root("CN=direct.example.com", edit: s => new CertSpec
        {
            Subject = s.Subject,
            IsCa = true,
            KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign,
            DnsNames = ["direct.example.com"],
        });
        ValidationResult direct = TestPki.Validator(selfSigned).Validate([selfSigned.Parsed], TestPki.Options("direct.example.com", KeyPurpose.ServerAuth));
        Assert.True(direct.IsValid, direct.Error?.ToString());
    }

    [Fact]
    public void CriticalSubjectAltNameNeedsAnEmptySubject()
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root, edit: s => new CertSpec
        {
            Subject = s.Subject,
            IsCa = false,
            KeyUsage = X509KeyUsageFlags.DigitalSignature,
            DnsNames = ["leaf.example.com"],
            SanCritical = true,
        });
        AssertOnlyStrictRejects(TestPki.Validator(root), TestPki.Chain(leaf), 0, "subjectAltName is critical", TestPki.Options("leaf.example.com"));
    }

    [Fact]
    public void MaxDepthDoesNotCountSelfIssuedIntermediates()
    {
        TestCert root = TestPki.Root();
        TestCert oldCa = TestPki.Intermediate(root, "CN=Rollover CA");
        // Key rollover: the same name with a new key, signed by the old key (RFC 5280 §6.1 "self-issued").
        TestCert newCa = TestPki.Intermediate(oldCa, "CN=Rollover CA");
        Assert.True(newCa.Parsed.IsSelfIssued);
        TestCert leaf = TestPki.Leaf(newCa);
        ChainValidator v = TestPki.Validator(root);
        ValidationResult ok = v.Validate(TestPki.Chain(leaf, newCa, oldCa), TestPki.Options() with { MaxDepth = 1 });
        Assert.True(ok.IsValid, ok.Error?.ToString());
        Assert.Equal(4, ok.Chain.Count);
        ValidationResult tooLong = v.Validate(TestPki.Chain(leaf, newCa, oldCa), TestPki.Options() with { MaxDepth = 0 });
        Assert.Equal(CertificateErrorCode.ChainTooLong, tooLong.Error!.Code);
    }

    [Fact]
    public void LeafKeyMustBeUsable()
    {
        TestCert root = TestPki.Root();
        using var weak = RSA.Create(1024);
        TestCert leaf = TestPki.Leaf(root, edit: s => new CertSpec
        {
            Subject = s.Subject,
            IsCa = false,
            KeyUsage = X509KeyUsageFlags.DigitalSignature,
            ReuseKey = weak,
            Key = TestKey.Rsa2048,
        });
        ValidationResult result = TestPki.Validator(root).Validate(TestPki.Chain(leaf), TestPki.Options());
        Assert.Equal(CertificateErrorCode.UnsupportedAlgorithm, result.Error!.Code);
        Assert.Contains("1024", result.Error.Message);
    }

    [Theory]
    [InlineData("CN=leaf.example.com", true)]
    [InlineData("CN=Leaf.Example.com", false)]
    [InlineData("CN=other.example.com", false)]
    [InlineData("CN=192.0.2.1", true)]
    [InlineData("CN=192.000.002.001", false)]
    [InlineData("CN=2001:db8::1", true)]
    [InlineData("CN=2001:DB8::1", false)]
    [InlineData("CN=2001:db8:0:0:0:0:0:1", false)]
    [InlineData("O=No CN", true)]
    public void CommonNameRuleIsOptIn(string subject, bool validWithRule)
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root, subject, edit: s => new CertSpec
        {
            Subject = s.Subject,
            IsCa = false,
            KeyUsage = X509KeyUsageFlags.DigitalSignature,
            DnsNames = ["leaf.example.com"],
            IpAddresses = [IPAddress.Parse("192.0.2.1"), IPAddress.Parse("2001:db8::1")],
        });
        ChainValidator v = TestPki.Validator(root);
        Assert.True(v.Validate(TestPki.Chain(leaf), TestPki.Options()).IsValid);
        ValidationResult withRule = v.Validate(TestPki.Chain(leaf), TestPki.Options() with { RequireCommonNameInSubjectAltName = true });
        Assert.Equal(validWithRule, withRule.IsValid);
        if (!validWithRule)
            Assert.Equal(CertificateErrorCode.Profile, withRule.Error!.Code);
    }

    [Theory]
    [InlineData("user@example.com", true)]
    [InlineData("user@EXAMPLE.com", true)]
    [InlineData("User@example.com", false)]
    [InlineData("other@example.com", false)]
    [InlineData("user@example.org", false)]
    [InlineData("example.com", false)]
    public void EmailAddressMatching(string reference, bool matches)
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root, edit: s => new CertSpec
        {
            Subject = s.Subject,
            IsCa = false,
            KeyUsage = X509KeyUsageFlags.DigitalSignature,
            Extra = [TestPki.SubjectAltName([], [], [], emails: ["user@example.com"])],
        });
        Assert.Equal(matches, NameMatching.MatchesEmailAddress(leaf.Parsed, reference));
    }
}
