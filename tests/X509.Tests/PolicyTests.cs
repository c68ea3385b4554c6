using System.Security.Cryptography.X509Certificates;
using BclExtension = System.Security.Cryptography.X509Certificates.X509Extension;

namespace TlsEngine.X509.Tests;

public class PolicyTests
{
    private const string P1 = "1.3.6.1.4.1.55555.1";
    private const string P2 = "1.3.6.1.4.1.55555.2";
    private const string P3 = "1.3.6.1.4.1.55555.3";
    private const string AnyPolicy = "2.5.29.32.0";
    private static readonly X509KeyUsageFlags CaUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign;

    private static (TestCert Root, TestCert Inter, TestCert Leaf) Chain(BclExtension[] inter, BclExtension[] leaf)
    {
        TestCert root = TestPki.Root();
        TestCert i = TestPki.Intermediate(root, edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, Extra = [.. inter] });
        TestCert l = TestPki.Leaf(i, edit: s => new CertSpec { DnsNames = s.DnsNames, Extra = [.. leaf] });
        return (root, i, l);
    }

    private static ValidationResult Validate((TestCert Root, TestCert Inter, TestCert Leaf) c, string[]? userSet = null,
        bool explicitPolicy = false, bool inhibitMapping = false, bool inhibitAny = false, int maxNodes = 10_000) =>
        TestPki.Validator(c.Root).Validate(TestPki.Chain(c.Leaf, c.Inter), new ValidationOptions
        {
            Time = TestPki.Now,
            InitialPolicySet = userSet,
            InitialExplicitPolicy = explicitPolicy,
            InitialPolicyMappingInhibit = inhibitMapping,
            InitialAnyPolicyInhibit = inhibitAny,
            Budget = new ValidationBudget { MaxPolicyTreeNodes = maxNodes },
        });

    private static void AssertPolicyError(ValidationResult r)
    {
        Assert.False(r.IsValid);
        Assert.Equal(CertificateErrorCode.Policy, r.Error!.Code);
    }

    [Fact]
    public void ParsesPolicyExtensions()
    {
        var c = Chain([Ext.Policies(P1, AnyPolicy), Ext.Mappings((P1, P2)), Ext.PolicyConstraints(1, 2), Ext.InhibitAnyPolicy(0)], []);
        PolicyExtensions p = c.Inter.Parsed.PolicyExtensions;
        Assert.Equal([P1, AnyPolicy], p.Policies!);
        Assert.Equal([new PolicyMapping(P1, P2)], p.Mappings!);
        Assert.Equal(1, p.RequireExplicitPolicy);
        Assert.Equal(2, p.InhibitPolicyMapping);
        Assert.Equal(0, p.InhibitAnyPolicy);
        Assert.False(c.Inter.Parsed.HasUnknownCriticalExtension);
        Assert.False(c.Leaf.Parsed.PolicyExtensions.Any);
    }

    [Fact]
    public void MalformedPolicyExtensionsAreRejected()
    {
        TestCert root = TestPki.Root();
        Assert.Throws<X509FormatException>(() => TestPki.Intermediate(root, edit: s => new CertSpec { Subject = "CN=x", IsCa = true, Extra = [Ext.PolicyConstraints(0, null, critical: false)] }));
        Assert.Throws<X509FormatException>(() => TestPki.Intermediate(root, edit: s => new CertSpec { Subject = "CN=x", IsCa = true, Extra = [Ext.PolicyConstraints(null, null)] }));
        Assert.Throws<X509FormatException>(() => TestPki.Intermediate(root, edit: s => new CertSpec { Subject = "CN=x", IsCa = true, Extra = [Ext.Policies(P1, P1)] }));
    }

    [Fact]
    public void ExplicitPolicyMatchingTheUserSet()
    {
        var c = Chain([Ext.Policies(P1)], [Ext.Policies(P1)]);
        Assert.True(Validate(c, [P1], explicitPolicy: true).IsValid);
        Assert.True(Validate(c, null, explicitPolicy: true).IsValid);
        AssertPolicyError(Validate(c, [P2], explicitPolicy: true));
        Assert.True(Validate(c, [P2], explicitPolicy: false).IsValid); // without explicit policy the user set does not fail the path
    }

    [Fact]
    public void MissingPoliciesFailOnlyWhenExplicitPolicyIsRequired()
    {
        var c = Chain([Ext.Policies(P1)], []);
        Assert.True(Validate(c).IsValid);
        AssertPolicyError(Validate(c, explicitPolicy: true));
    }

    [Fact]
    public void RequireExplicitPolicyInACertificate()
    {
        var without = Chain([Ext.Policies(P1), Ext.PolicyConstraints(0, null)], []);
        AssertPolicyError(Validate(without));
        var with = Chain([Ext.Policies(P1), Ext.PolicyConstraints(0, null)], [Ext.Policies(P1)]);
        Assert.True(Validate(with).IsValid);
        var other = Chain([Ext.Policies(P1), Ext.PolicyConstraints(0, null)], [Ext.Policies(P2)]);
        AssertPolicyError(Validate(other));
    }

    [Fact]
    public void PolicyMappingAndItsInhibition()
    {
        var c = Chain([Ext.Policies(P1), Ext.Mappings((P1, P2))], [Ext.Policies(P2)]);
        Assert.True(Validate(c, [P1], explicitPolicy: true).IsValid);
        AssertPolicyError(Validate(c, [P1], explicitPolicy: true, inhibitMapping: true));

        // inhibitPolicyMapping applies to the certificates after the one that carries it (§6.1.4 (i) follows (b)).
        var ownMapping = Chain([Ext.Policies(P1), Ext.Mappings((P1, P2)), Ext.PolicyConstraints(null, 0)], [Ext.Policies(P2)]);
        Assert.True(Validate(ownMapping, [P1], explicitPolicy: true).IsValid);

        TestCert root = TestPki.Root();
        TestCert i1 = TestPki.Intermediate(root, "CN=I1", edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, Extra = [Ext.Policies(P1), Ext.PolicyConstraints(null, 0)] });
        TestCert i2 = TestPki.Intermediate(i1, "CN=I2", edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, Extra = [Ext.Policies(P1), Ext.Mappings((P1, P2))] });
        TestCert leaf = TestPki.Leaf(i2, edit: s => new CertSpec { Extra = [Ext.Policies(P2)] });
        var options = new ValidationOptions { Time = TestPki.Now, InitialPolicySet = [P1], InitialExplicitPolicy = true };
        AssertPolicyError(TestPki.Validator(root).Validate(TestPki.Chain(leaf, i2, i1), options));
        TestCert leafP1 = TestPki.Leaf(i2, edit: s => new CertSpec { Extra = [Ext.Policies(P1)] });
        AssertPolicyError(TestPki.Validator(root).Validate(TestPki.Chain(leafP1, i2, i1), options));
    }

    [Fact]
    public void MappingAnyPolicyIsAnError()
    {
        var c = Chain([Ext.Policies(P1), Ext.Mappings((AnyPolicy, P2))], [Ext.Policies(P2)]);
        AssertPolicyError(Validate(c));
    }

    [Fact]
    public void AnyPolicyAndItsInhibition()
    {
        var c = Chain([Ext.Policies(AnyPolicy)], [Ext.Policies(P3)]);
        Assert.True(Validate(c, [P3], explicitPolicy: true).IsValid);
        AssertPolicyError(Validate(c, [P3], explicitPolicy: true, inhibitAny: true));
        var inhibitedByCert = Chain([Ext.Policies(P1), Ext.InhibitAnyPolicy(0)], [Ext.Policies(AnyPolicy)]);
        AssertPolicyError(Validate(inhibitedByCert, [P1], explicitPolicy: true));
        var allowed = Chain([Ext.Policies(P1), Ext.InhibitAnyPolicy(1)], [Ext.Policies(AnyPolicy)]);
        Assert.True(Validate(allowed, [P1], explicitPolicy: true).IsValid);
    }

    [Fact]
    public void PolicyTreeSizeIsBounded()
    {
        var c = Chain([Ext.Policies(P1, P2, P3)], [Ext.Policies(P1, P2, P3)]);
        Assert.True(Validate(c, explicitPolicy: true).IsValid);
        AssertPolicyError(Validate(c, explicitPolicy: true, maxNodes: 3));
    }
}
