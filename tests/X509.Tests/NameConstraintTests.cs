using System.Net;
using System.Security.Cryptography.X509Certificates;
using BclExtension = System.Security.Cryptography.X509Certificates.X509Extension;

namespace TlsEngine.X509.Tests;

public class NameConstraintTests
{
    private static readonly X509KeyUsageFlags CaUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign;

    [Theory]
    [InlineData("example.com", "example.com", false, "Match")]
    [InlineData("a.b.example.com", "example.com", false, "Match")]
    [InlineData("EXAMPLE.com", "example.COM", false, "Match")]
    [InlineData("badexample.com", "example.com", false, "NoMatch")]
    [InlineData("example.com", "a.example.com", false, "NoMatch")]
    [InlineData("anything.org", "", false, "Match")]
    [InlineData("*.example.com", "example.com", false, "Match")]
    [InlineData("*.example.com", "a.example.com", false, "NoMatch")]  // permitted: the wildcard reaches outside a.example.com
    [InlineData("*.example.com", "a.example.com", true, "Match")]     // excluded: the wildcard may name a.example.com
    [InlineData("*.example.com", "example.org", true, "NoMatch")]
    [InlineData("foo.example.com", ".example.com", false, "Invalid")] // leading period is not a dNSName
    [InlineData("foo.example.com", "*.example.com", false, "Invalid")]
    [InlineData("foo_bar.example.com", "example.com", false, "Invalid")]
    public void DnsSubtrees(string name, string constraint, bool excluded, string expected) =>
        Assert.Equal(expected, NameConstraintChecker.CompareDns(name, constraint, excluded).ToString());

    [Theory]
    [InlineData("192.0.2.7", "192.0.2.0/24", "Match")]
    [InlineData("192.0.3.7", "192.0.2.0/24", "NoMatch")]
    [InlineData("2001:db8::1", "2001:db8::/32", "Match")]
    [InlineData("2001:db9::1", "2001:db8::/32", "NoMatch")]
    [InlineData("192.0.2.7", "2001:db8::/32", "NoMatch")]
    [InlineData("10.1.2.3", "0.0.0.0/0", "Match")]
    public void IpSubtrees(string address, string cidr, string expected)
    {
        byte[] constraint = Ext.IpRange(cidr)[2..];
        Assert.Equal(expected, NameConstraintChecker.CompareIp(IPAddress.Parse(address).GetAddressBytes(), constraint).ToString());
    }

    [Fact]
    public void NonContiguousIpMaskIsInvalid()
    {
        byte[] constraint = [192, 0, 2, 0, 255, 0, 255, 0];
        Assert.Equal(NameConstraintChecker.Outcome.Invalid, NameConstraintChecker.CompareIp([192, 0, 2, 1], constraint));
    }

    [Theory]
    [InlineData("user@example.com", "user@example.com", "Match")]
    [InlineData("user@EXAMPLE.com", "user@example.com", "Match")]
    [InlineData("User@example.com", "user@example.com", "NoMatch")]
    [InlineData("user@example.com", "example.com", "Match")]
    [InlineData("user@mail.example.com", "example.com", "NoMatch")]
    [InlineData("user@mail.example.com", ".example.com", "Match")]
    [InlineData("user@example.com", ".example.com", "NoMatch")]
    [InlineData("*@example.com", "*@example.com", "Match")]
    [InlineData("user@example.com", "*@example.com", "NoMatch")]
    [InlineData("not-a-mailbox", "example.com", "Invalid")]
    [InlineData("user@example.com", "a@b@example.com", "Invalid")]
    public void EmailSubtrees(string name, string constraint, string expected) =>
        Assert.Equal(expected, NameConstraintChecker.CompareEmailCore(name, constraint).ToString());

    [Theory]
    [InlineData("spiffe://example.org/web", "example.org", "Match")]
    [InlineData("spiffe://prod.example.org/web", "example.org", "NoMatch")]
    [InlineData("spiffe://prod.example.org/web", ".example.org", "Match")]
    [InlineData("https://user@example.org:8443/x?y", "example.org", "Match")]
    [InlineData("urn:uuid:1234", "example.org", "Invalid")]
    [InlineData("https://[::1]/x", "example.org", "Invalid")]
    public void UriSubtrees(string uri, string constraint, string expected) =>
        Assert.Equal(expected, NameConstraintChecker.CompareUri(uri, constraint).ToString());

    private static TestCert ConstrainedRoot(BclExtension nc) =>
        TestPki.Root("CN=Constrained Root, O=Example", edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, Extra = [nc] });

    private static ValidationResult Validate(TestCert root, params TestCert[] chain) =>
        TestPki.Validator(root).Validate(TestPki.Chain(chain), TestPki.Options());

    private static TestCert LeafWith(TestCert issuer, string subject = "CN=leaf, O=Example", string[]? dns = null, IPAddress[]? ips = null, string[]? uris = null, string[]? emails = null)
    {
        var extra = new List<BclExtension>();
        if (dns is not null || ips is not null || uris is not null || emails is not null)
            extra.Add(TestPki.SubjectAltName(dns ?? [], ips ?? [], uris ?? [], emails));
        return TestPki.Issue(new CertSpec { Subject = subject, IsCa = false, Extra = extra }, issuer);
    }

    [Fact]
    public void PermittedDnsSubtree()
    {
        TestCert root = ConstrainedRoot(Ext.NameConstraints(permitted: [Ext.Dns("example.com")]));
        TestCert inside = LeafWith(root, dns: ["www.example.com", "example.com"]);
        TestCert outside = LeafWith(root, dns: ["www.example.com", "www.example.org"]);
        Assert.True(Validate(root, inside).IsValid);
        ValidationResult result = Validate(root, outside);
        Assert.Equal(CertificateErrorCode.NameConstraints, result.Error!.Code);
        Assert.Equal(0, result.Error.Depth);
        Assert.Contains("www.example.org", result.Error.Message);
    }

    [Fact]
    public void ExcludedDnsSubtreeInAnIntermediate()
    {
        TestCert root = TestPki.Root();
        TestCert inter = TestPki.Intermediate(root, edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, Extra = [Ext.NameConstraints(excluded: [Ext.Dns("bad.example.com")])] });
        TestCert good = LeafWith(inter, dns: ["ok.example.com"]);
        TestCert bad = LeafWith(inter, dns: ["ok.example.com", "x.bad.example.com"]);
        TestCert wildcard = LeafWith(inter, dns: ["*.bad.example.com"]);
        Assert.True(TestPki.Validator(root).Validate(TestPki.Chain(good, inter), TestPki.Options()).IsValid);
        Assert.Equal(CertificateErrorCode.NameConstraints, TestPki.Validator(root).Validate(TestPki.Chain(bad, inter), TestPki.Options()).Error!.Code);
        Assert.Equal(CertificateErrorCode.NameConstraints, TestPki.Validator(root).Validate(TestPki.Chain(wildcard, inter), TestPki.Options()).Error!.Code);
    }

    [Fact]
    public void IpSubtreesV4AndV6()
    {
        TestCert root = ConstrainedRoot(Ext.NameConstraints(permitted: [Ext.IpRange("192.0.2.0/24"), Ext.IpRange("2001:db8::/32")], excluded: [Ext.IpRange("192.0.2.128/25")]));
        Assert.True(Validate(root, LeafWith(root, ips: [IPAddress.Parse("192.0.2.5"), IPAddress.Parse("2001:db8::5")])).IsValid);
        Assert.Equal(CertificateErrorCode.NameConstraints, Validate(root, LeafWith(root, ips: [IPAddress.Parse("198.51.100.1")])).Error!.Code);
        Assert.Equal(CertificateErrorCode.NameConstraints, Validate(root, LeafWith(root, ips: [IPAddress.Parse("192.0.2.200")])).Error!.Code);
        Assert.Equal(CertificateErrorCode.NameConstraints, Validate(root, LeafWith(root, ips: [IPAddress.Parse("2001:db9::1")])).Error!.Code);
        // A DNS-only constraint type does not restrict IP names, and vice versa.
        Assert.True(Validate(root, LeafWith(root, dns: ["anything.example.net"])).IsValid);
    }

    [Fact]
    public void EmailAndUriSubtrees()
    {
        TestCert root = ConstrainedRoot(Ext.NameConstraints(permitted: [Ext.Email(".example.com"), Ext.Uri("example.org")]));
        Assert.True(Validate(root, LeafWith(root, emails: ["a@mail.example.com"], uris: ["spiffe://example.org/web"])).IsValid);
        Assert.Equal(CertificateErrorCode.NameConstraints, Validate(root, LeafWith(root, emails: ["a@example.com"])).Error!.Code);
        Assert.Equal(CertificateErrorCode.NameConstraints, Validate(root, LeafWith(root, uris: ["spiffe://evil.org/web"])).Error!.Code);
    }

    [Fact]
    public void SubjectEmailAddressIsCheckedWhenThereIsNoSan()
    {
        TestCert root = ConstrainedRoot(Ext.NameConstraints(permitted: [Ext.Email("example.com")]));
        Assert.True(Validate(root, LeafWith(root, "E=a@example.com, CN=leaf")).IsValid);
        ValidationResult result = Validate(root, LeafWith(root, "E=a@other.com, CN=leaf"));
        Assert.Equal(CertificateErrorCode.NameConstraints, result.Error!.Code);
        // With a SAN, the subject's emailAddress is not an rfc822 name to check.
        Assert.True(Validate(root, LeafWith(root, "E=a@other.com, CN=leaf", dns: ["x.example.net"])).IsValid);
    }

    [Fact]
    public void DirectoryNameSubtrees()
    {
        TestCert root = ConstrainedRoot(Ext.NameConstraints(permitted: [Ext.Dir("O=Example")], excluded: [Ext.Dir("OU=Blocked, O=Example")]));
        Assert.True(Validate(root, LeafWith(root, "CN=leaf, O=Example")).IsValid);
        Assert.True(Validate(root, LeafWith(root, "CN=leaf, OU=Open, O=example")).IsValid); // §7.1 comparison
        Assert.Equal(CertificateErrorCode.NameConstraints, Validate(root, LeafWith(root, "CN=leaf, O=Other")).Error!.Code);
        Assert.Equal(CertificateErrorCode.NameConstraints, Validate(root, LeafWith(root, "CN=leaf, OU=Blocked, O=Example")).Error!.Code);
    }

    [Fact]
    public void SelfIssuedIntermediatesAreNotConstrainedButTheLeafIs()
    {
        TestCert root = ConstrainedRoot(Ext.NameConstraints(permitted: [Ext.Dns("example.com")]));
        TestCert inter = TestPki.Intermediate(root, "CN=Inter");
        TestCert rolled = TestPki.Intermediate(inter, "CN=Inter", edit: s => new CertSpec
        {
            Subject = s.Subject,
            IsCa = true,
            KeyUsage = CaUsage,
            Extra = [TestPki.SubjectAltName(["outside.org"], [], [])],
        });
        TestCert leaf = LeafWith(rolled, dns: ["leaf.example.com"]);
        Assert.True(rolled.Parsed.IsSelfIssued);
        ValidationResult ok = TestPki.Validator(root).Validate(TestPki.Chain(leaf, rolled, inter), TestPki.Options());
        Assert.True(ok.IsValid, ok.Error?.ToString());

        TestCert nonSelfIssued = TestPki.Intermediate(inter, "CN=Other Inter", edit: s => new CertSpec
        {
            Subject = s.Subject,
            IsCa = true,
            KeyUsage = CaUsage,
            Extra = [TestPki.SubjectAltName(["outside.org"], [], [])],
        });
        TestCert leaf2 = LeafWith(nonSelfIssued, dns: ["leaf.example.com"]);
        ValidationResult bad = TestPki.Validator(root).Validate(TestPki.Chain(leaf2, nonSelfIssued, inter), TestPki.Options());
        Assert.Equal(CertificateErrorCode.NameConstraints, bad.Error!.Code);
        Assert.Equal(1, bad.Error.Depth);
    }

    [Fact]
    public void NameConstraintComparisonsAreBudgeted()
    {
        TestCert root = ConstrainedRoot(Ext.NameConstraints(permitted: [Ext.Dns("example.com")], excluded: [Ext.Dns("a.example.com"), Ext.Dns("b.example.com")]));
        TestCert leaf = LeafWith(root, dns: ["x.example.com", "y.example.com", "z.example.com"]);
        var tight = new ValidationOptions { Time = TestPki.Now, Budget = new ValidationBudget { MaxNameConstraintComparisons = 4 } };
        Assert.Equal(CertificateErrorCode.BudgetExhausted, TestPki.Validator(root).Validate([leaf.Parsed], tight).Error!.Code);
        Assert.True(TestPki.Validator(root).Validate([leaf.Parsed], TestPki.Options()).IsValid);
    }

    [Fact]
    public void NameConstraintsInALeafAreMalformed()
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root, edit: s => new CertSpec { DnsNames = s.DnsNames, Extra = [Ext.NameConstraints(permitted: [Ext.Dns("example.com")])] });
        Assert.Equal(CertificateErrorCode.Malformed, TestPki.Validator(root).Validate([leaf.Parsed], TestPki.Options()).Error!.Code);
    }

    [Fact]
    public void EmptyNameConstraintsAreRejectedAtParse()
    {
        TestCert root = TestPki.Root();
        Assert.Throws<X509FormatException>(() => TestPki.Issue(new CertSpec { Subject = "CN=x", IsCa = true, Extra = [Ext.NameConstraints()] }, root));
    }
}
