using System.Net;
using System.Security.Cryptography.X509Certificates;
using BclExtension = System.Security.Cryptography.X509Certificates.X509Extension;

namespace TlsEngine.X509.Tests;

public class ChainValidatorTests
{
    private static readonly X509KeyUsageFlags CaUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign;

    private static void AssertError(ValidationResult result, CertificateErrorCode code, int depth)
    {
        Assert.False(result.IsValid, "expected failure " + code);
        Assert.Empty(result.Chain);
        Assert.Equal(code, result.Error!.Code);
        Assert.Equal(depth, result.Error.Depth);
        Assert.Contains("'", result.Error.Message);
    }

    private static void AssertValid(ValidationResult result, params TestCert[] chain)
    {
        Assert.True(result.IsValid, result.Error?.ToString());
        Assert.Null(result.Error);
        Assert.Equal(chain.Select(c => c.Parsed), result.Chain);
    }

    [Fact]
    public void ValidatesRootIntermediateLeaf()
    {
        TestCert root = TestPki.Root();
        TestCert inter = TestPki.Intermediate(root);
        TestCert leaf = TestPki.Leaf(inter);
        ValidationResult result = TestPki.Validator(root).Validate(TestPki.Chain(leaf, inter), TestPki.Options("leaf.example.com", KeyPurpose.ServerAuth));
        AssertValid(result, leaf, inter, root);
    }

    [Fact]
    public void IntermediatesMayComeInAnyOrderWithDuplicatesAndStrangers()
    {
        TestCert root = TestPki.Root();
        TestCert i1 = TestPki.Intermediate(root, "CN=I1");
        TestCert i2 = TestPki.Intermediate(i1, "CN=I2");
        TestCert leaf = TestPki.Leaf(i2);
        TestCert stranger = TestPki.Root("CN=Stranger");
        ValidationResult result = TestPki.Validator(root).Validate(TestPki.Chain(leaf, stranger, i1, i1, i2, leaf), TestPki.Options());
        AssertValid(result, leaf, i2, i1, root);
    }

    [Fact]
    public void MissingIntermediateIsUnknownIssuer()
    {
        TestCert root = TestPki.Root();
        TestCert inter = TestPki.Intermediate(root);
        TestCert leaf = TestPki.Leaf(inter);
        ValidationResult result = TestPki.Validator(root).Validate(TestPki.Chain(leaf), TestPki.Options());
        AssertError(result, CertificateErrorCode.UnknownIssuer, 0);
        Assert.Same(leaf.Parsed, result.Error!.Certificate);
        Assert.Contains("CN=leaf.example.com", result.Error.Message);
    }

    [Fact]
    public void UntrustedRootIsUnknownIssuer()
    {
        TestCert root = TestPki.Root();
        TestCert other = TestPki.Root("CN=Other Root");
        TestCert leaf = TestPki.Leaf(root);
        AssertError(TestPki.Validator(other).Validate(TestPki.Chain(leaf, root), TestPki.Options()), CertificateErrorCode.UnknownIssuer, 1);
    }

    [Fact]
    public void ValidityIsCheckedAtTheInjectedTime()
    {
        TestCert root = TestPki.Root();
        TestCert inter = TestPki.Intermediate(root);
        TestCert leaf = TestPki.Leaf(inter);
        ChainValidator v = TestPki.Validator(root);
        Certificate[] chain = TestPki.Chain(leaf, inter);
        Assert.True(v.Validate(chain, TestPki.Options(time: leaf.Parsed.NotBefore)).IsValid);
        Assert.True(v.Validate(chain, TestPki.Options(time: leaf.Parsed.NotAfter)).IsValid);
        AssertError(v.Validate(chain, TestPki.Options(time: leaf.Parsed.NotAfter.AddSeconds(1))), CertificateErrorCode.Expired, 0);
        AssertError(v.Validate(chain, TestPki.Options(time: leaf.Parsed.NotBefore.AddSeconds(-1))), CertificateErrorCode.NotYetValid, 0);
    }

    [Fact]
    public void ExpiredIntermediateIsReportedAtItsDepth()
    {
        TestCert root = TestPki.Root();
        TestCert inter = TestPki.Intermediate(root, edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, NotAfter = TestPki.Now.AddDays(-1) });
        TestCert leaf = TestPki.Leaf(inter);
        ValidationResult result = TestPki.Validator(root).Validate(TestPki.Chain(leaf, inter), TestPki.Options());
        AssertError(result, CertificateErrorCode.Expired, 1);
        Assert.Same(inter.Parsed, result.Error!.Certificate);
    }

    [Fact]
    public void TrustAnchorValidityIsChecked()
    {
        TestCert expired = TestPki.Root(edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, NotAfter = TestPki.Now.AddDays(-1) });
        AssertError(TestPki.Validator(expired).Validate(TestPki.Chain(TestPki.Leaf(expired)), TestPki.Options()), CertificateErrorCode.Expired, 1);
        TestCert future = TestPki.Root(edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, NotBefore = TestPki.Now.AddDays(1) });
        AssertError(TestPki.Validator(future).Validate(TestPki.Chain(TestPki.Leaf(future)), TestPki.Options()), CertificateErrorCode.NotYetValid, 1);
    }

    [Fact]
    public void SignatureByAnotherKeyIsBadSignature()
    {
        TestCert root = TestPki.Root();
        TestCert impostor = TestPki.Root(); // same name, different key
        TestCert leaf = TestPki.Leaf(impostor);
        AssertError(TestPki.Validator(root).Validate(TestPki.Chain(leaf), TestPki.Options()), CertificateErrorCode.BadSignature, 0);
        AssertValid(TestPki.Validator(impostor).Validate(TestPki.Chain(leaf), TestPki.Options()), leaf, impostor);
    }

    [Fact]
    public void IssuerMustBeCa()
    {
        TestCert root = TestPki.Root();
        TestCert notCa = TestPki.Intermediate(root, edit: s => new CertSpec { Subject = s.Subject, IsCa = false });
        TestCert noBc = TestPki.Intermediate(root, "CN=NoBC", edit: s => new CertSpec { Subject = s.Subject });
        AssertError(TestPki.Validator(root).Validate(TestPki.Chain(TestPki.Leaf(notCa), notCa), TestPki.Options()), CertificateErrorCode.NotCa, 1);
        AssertError(TestPki.Validator(root).Validate(TestPki.Chain(TestPki.Leaf(noBc), noBc), TestPki.Options()), CertificateErrorCode.NotCa, 1);
    }

    [Fact]
    public void TrustAnchorMustBeCaWhenV3()
    {
        TestCert root = TestPki.Root(edit: s => new CertSpec { Subject = s.Subject, IsCa = false });
        AssertError(TestPki.Validator(root).Validate(TestPki.Chain(TestPki.Leaf(root)), TestPki.Options()), CertificateErrorCode.NotCa, 1);
    }

    [Fact]
    public void IssuerKeyUsageMustAllowKeyCertSign()
    {
        TestCert root = TestPki.Root();
        TestCert bad = TestPki.Intermediate(root, edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = X509KeyUsageFlags.CrlSign });
        TestCert noKu = TestPki.Intermediate(root, "CN=NoKU", edit: s => new CertSpec { Subject = s.Subject, IsCa = true });
        AssertError(TestPki.Validator(root).Validate(TestPki.Chain(TestPki.Leaf(bad), bad), TestPki.Options()), CertificateErrorCode.KeyUsage, 1);
        TestCert okLeaf = TestPki.Leaf(noKu);
        AssertValid(TestPki.Validator(root).Validate(TestPki.Chain(okLeaf, noKu), TestPki.Options()), okLeaf, noKu, root);
    }

    [Fact]
    public void LeafKeyUsageMustAllowDigitalSignatureForTls()
    {
        TestCert root = TestPki.Root();
        TestCert bad = TestPki.Leaf(root, edit: s => new CertSpec { KeyUsage = X509KeyUsageFlags.KeyEncipherment });
        TestCert none = TestPki.Leaf(root, edit: s => new CertSpec());
        ChainValidator v = TestPki.Validator(root);
        AssertError(v.Validate(TestPki.Chain(bad), TestPki.Options(purpose: KeyPurpose.ServerAuth)), CertificateErrorCode.KeyUsage, 0);
        AssertError(v.Validate(TestPki.Chain(bad), TestPki.Options(purpose: KeyPurpose.ClientAuth)), CertificateErrorCode.KeyUsage, 0);
        // Without a TLS purpose RFC 5280 path validation has no keyUsage requirement on the end entity.
        AssertValid(v.Validate(TestPki.Chain(bad), TestPki.Options(purpose: KeyPurpose.Any)), bad, root);
        AssertValid(v.Validate(TestPki.Chain(none), TestPki.Options(purpose: KeyPurpose.ServerAuth)), none, root);
    }

    [Theory]
    [InlineData(null, KeyPurpose.ServerAuth, true)]
    [InlineData("1.3.6.1.5.5.7.3.1", KeyPurpose.ServerAuth, true)]
    [InlineData("1.3.6.1.5.5.7.3.2", KeyPurpose.ServerAuth, false)]
    [InlineData("1.3.6.1.5.5.7.3.2", KeyPurpose.ClientAuth, true)]
    [InlineData("1.3.6.1.5.5.7.3.1", KeyPurpose.ClientAuth, false)]
    [InlineData("2.5.29.37.0", KeyPurpose.ClientAuth, true)]
    [InlineData("1.3.6.1.5.5.7.3.3", KeyPurpose.Any, true)]
    public void ExtendedKeyUsageOfTheLeaf(string? eku, KeyPurpose purpose, bool valid)
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root, edit: s => new CertSpec { KeyUsage = s.KeyUsage, Eku = eku is null ? null : [eku] });
        ValidationResult result = TestPki.Validator(root).Validate(TestPki.Chain(leaf), TestPki.Options(purpose: purpose));
        if (valid)
            AssertValid(result, leaf, root);
        else
            AssertError(result, CertificateErrorCode.ExtendedKeyUsage, 0);
    }

    [Fact]
    public void PathLengthConstraint()
    {
        TestCert root0 = TestPki.Root("CN=Root0", edit: s => new CertSpec { Subject = s.Subject, IsCa = true, PathLength = 0, KeyUsage = CaUsage });
        TestCert inter0 = TestPki.Intermediate(root0);
        TestCert leaf0 = TestPki.Leaf(inter0);
        AssertError(TestPki.Validator(root0).Validate(TestPki.Chain(leaf0, inter0), TestPki.Options()), CertificateErrorCode.PathLengthExceeded, 2);
        TestCert direct = TestPki.Leaf(root0);
        AssertValid(TestPki.Validator(root0).Validate(TestPki.Chain(direct), TestPki.Options()), direct, root0);

        TestCert root1 = TestPki.Root("CN=Root1", edit: s => new CertSpec { Subject = s.Subject, IsCa = true, PathLength = 1, KeyUsage = CaUsage });
        TestCert inter1 = TestPki.Intermediate(root1);
        TestCert leaf1 = TestPki.Leaf(inter1);
        AssertValid(TestPki.Validator(root1).Validate(TestPki.Chain(leaf1, inter1), TestPki.Options()), leaf1, inter1, root1);

        // A pathLenConstraint on an intermediate applies to the intermediates below it.
        TestCert i1 = TestPki.Intermediate(root1, "CN=I1", edit: s => new CertSpec { Subject = s.Subject, IsCa = true, PathLength = 0, KeyUsage = CaUsage });
        TestCert i2 = TestPki.Intermediate(i1, "CN=I2");
        AssertError(TestPki.Validator(TestPki.Root("CN=Unused"), root1).Validate(TestPki.Chain(TestPki.Leaf(i2), i2, i1), TestPki.Options()),
            CertificateErrorCode.PathLengthExceeded, 2);
    }

    [Fact]
    public void SelfIssuedIntermediatesDoNotCountTowardsPathLength()
    {
        TestCert root = TestPki.Root("CN=Root", edit: s => new CertSpec { Subject = s.Subject, IsCa = true, PathLength = 1, KeyUsage = CaUsage });
        TestCert inter = TestPki.Intermediate(root, "CN=Inter");
        // Key rollover: "CN=Inter" (new key) signed by "CN=Inter" (old key) is self-issued.
        TestCert rolled = TestPki.Intermediate(inter, "CN=Inter");
        TestCert leaf = TestPki.Leaf(rolled);
        Assert.True(rolled.Parsed.IsSelfIssued);
        AssertValid(TestPki.Validator(root).Validate(TestPki.Chain(leaf, rolled, inter), TestPki.Options()), leaf, rolled, inter, root);
    }

    [Fact]
    public void UnknownCriticalExtensionFailsButNonCriticalPasses()
    {
        TestCert root = TestPki.Root();
        TestCert critical = TestPki.Leaf(root, edit: s => new CertSpec { Extra = [new BclExtension("1.2.3.4.9", [0x05, 0x00], true)] });
        TestCert plain = TestPki.Leaf(root, edit: s => new CertSpec { Extra = [new BclExtension("1.2.3.4.9", [0x05, 0x00], false)] });
        AssertError(TestPki.Validator(root).Validate(TestPki.Chain(critical), TestPki.Options()), CertificateErrorCode.UnknownCriticalExtension, 0);
        AssertValid(TestPki.Validator(root).Validate(TestPki.Chain(plain), TestPki.Options()), plain, root);

        TestCert badInter = TestPki.Intermediate(root, edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, Extra = [new BclExtension("1.2.3.4.9", [0x05, 0x00], true)] });
        AssertError(TestPki.Validator(root).Validate(TestPki.Chain(TestPki.Leaf(badInter), badInter), TestPki.Options()), CertificateErrorCode.UnknownCriticalExtension, 1);
    }

    [Theory]
    [InlineData("leaf.example.com", true)]
    [InlineData("LEAF.example.com", true)]
    [InlineData("other.example.com", false)]
    [InlineData("a.wild.example.org", true)]
    [InlineData("wild.example.org", false)]
    [InlineData("x.a.wild.example.org", false)]
    public void LeafMustMatchTheDnsName(string name, bool valid)
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root, "CN=other.example.com", edit: s => new CertSpec { Subject = s.Subject, DnsNames = ["leaf.example.com", "*.wild.example.org"] });
        ValidationResult result = TestPki.Validator(root).Validate(TestPki.Chain(leaf), TestPki.Options(name));
        if (valid)
            AssertValid(result, leaf, root);
        else
            AssertError(result, CertificateErrorCode.NameMismatch, 0);
    }

    [Fact]
    public void CommonNameIsNeverUsedForNameMatching()
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root, "CN=cn-only.example.com", edit: s => new CertSpec { Subject = s.Subject });
        AssertError(TestPki.Validator(root).Validate(TestPki.Chain(leaf), TestPki.Options("cn-only.example.com")), CertificateErrorCode.NameMismatch, 0);
    }

    [Theory]
    [InlineData("192.0.2.10", true)]
    [InlineData("192.0.2.11", false)]
    [InlineData("2001:db8::10", true)]
    [InlineData("2001:db8::11", false)]
    [InlineData("::ffff:192.0.2.10", false)]
    public void LeafMustMatchTheIpAddress(string ip, bool valid)
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root, edit: s => new CertSpec { IpAddresses = [IPAddress.Parse("192.0.2.10"), IPAddress.Parse("2001:db8::10")], DnsNames = ["192.0.2.11"] });
        var options = new ValidationOptions { Time = TestPki.Now, IpAddress = IPAddress.Parse(ip) };
        ValidationResult result = TestPki.Validator(root).Validate(TestPki.Chain(leaf), options);
        if (valid)
            AssertValid(result, leaf, root);
        else
            AssertError(result, CertificateErrorCode.NameMismatch, 0);
    }

    [Fact]
    public void MismatchedSignatureAlgorithmsAreMalformed()
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root);
        byte[] der = (byte[])leaf.Der.Clone();
        // The outer AlgorithmIdentifier follows tbsCertificate: change ecdsa-with-SHA256 (…04 03 02) to SHA384 (…04 03 03).
        int tbsEnd = leaf.Parsed.TbsCertificate.Length + (der.Length - leaf.Parsed.RawData.Length) + HeaderLength(der);
        byte[] oid = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02];
        int at = der.AsSpan(tbsEnd).IndexOf(oid) + tbsEnd;
        der[at + 9] = 0x03;
        Certificate patched = Certificate.Parse(der);
        Assert.False(patched.SignatureAlgorithmsMatch);
        AssertError(TestPki.Validator(root).Validate([patched], TestPki.Options()), CertificateErrorCode.Malformed, 0);

        static int HeaderLength(byte[] d) => d[1] < 0x80 ? 2 : 2 + (d[1] & 0x7F);
    }

    [Fact]
    public void UnsupportedSignatureAlgorithm()
    {
        TestCert root = TestPki.Root();
        TestCert odd = TestPki.Issue(new CertSpec { Subject = "CN=odd" }, root, new CertificateParsingTests.FixedGenerator("1.2.3.4.5", [1, 2, 3]));
        AssertError(TestPki.Validator(root).Validate([odd.Parsed], TestPki.Options()), CertificateErrorCode.UnsupportedAlgorithm, 0);
    }

    [Theory]
    [InlineData(TestKey.Rsa2048)]
    [InlineData(TestKey.Rsa2048Pss)]
    [InlineData(TestKey.EcP384)]
    public void ValidatesOtherKeyTypes(TestKey key)
    {
        TestCert root = TestPki.Root("CN=Root " + key, key);
        TestCert inter = TestPki.Intermediate(root, key: key);
        TestCert leaf = TestPki.Leaf(inter, key: key);
        AssertValid(TestPki.Validator(root).Validate(TestPki.Chain(leaf, inter), TestPki.Options("leaf.example.com")), leaf, inter, root);
    }

    [Fact]
    public void ValidatesEd25519ChainFromOpenSsl()
    {
        (byte[] rootDer, byte[] leafDer) = OpenSsl.MakeChain(["-algorithm", "ED25519"], []);
        Certificate root = Certificate.Parse(rootDer);
        Certificate leaf = Certificate.Parse(leafDer);
        var validator = new ChainValidator(new TrustStore([root]));
        var options = new ValidationOptions { Time = leaf.NotBefore.AddHours(1), DnsName = "leaf.example.com", Purpose = KeyPurpose.ClientAuth };
        ValidationResult result = validator.Validate([leaf], options);
        Assert.True(result.IsValid, result.Error?.ToString());
        Assert.Equal([leaf, root], result.Chain);
        ValidationResult wrongName = validator.Validate([leaf], new ValidationOptions { Time = options.Time, DnsName = "other.example.com" });
        Assert.Equal(CertificateErrorCode.NameMismatch, wrongName.Error!.Code);
    }

    [Fact]
    public void CrossSignedFirstCandidateFailsSecondSucceeds()
    {
        TestCert oldRoot = TestPki.Root("CN=Old Root");
        TestCert newRoot = TestPki.Root("CN=New Root");
        var interKey = TestPki.NewKey(TestKey.EcP256);
        // The same intermediate (subject and key) issued twice: once by an untrusted root, expired; once by the trusted root.
        TestCert viaOld = TestPki.Intermediate(oldRoot, "CN=Shared Inter", edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, ReuseKey = interKey, NotAfter = TestPki.Now.AddDays(-2) });
        TestCert viaNew = TestPki.Intermediate(newRoot, "CN=Shared Inter", edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, ReuseKey = interKey });
        TestCert leaf = TestPki.Leaf(viaNew);
        ValidationResult result = TestPki.Validator(newRoot).Validate(TestPki.Chain(leaf, viaOld, oldRoot, viaNew), TestPki.Options());
        AssertValid(result, leaf, viaNew, newRoot);

        // Without the good candidate, the most specific failure (the expired intermediate) is reported.
        ValidationResult failed = TestPki.Validator(newRoot).Validate(TestPki.Chain(leaf, viaOld, oldRoot), TestPki.Options());
        AssertError(failed, CertificateErrorCode.Expired, 1);
    }

    [Fact]
    public void PrefersTheIssuerWhoseSkiMatchesTheAki()
    {
        TestCert root = TestPki.Root();
        TestCert inter = TestPki.Intermediate(root);
        TestCert decoy = TestPki.Intermediate(root); // same subject, other key
        TestCert leaf = TestPki.Leaf(inter);
        var options = new ValidationOptions { Time = TestPki.Now, Budget = new ValidationBudget { MaxSignatureChecks = 2 } };
        AssertValid(TestPki.Validator(root).Validate(TestPki.Chain(leaf, decoy, inter), options), leaf, inter, root);
    }

    [Fact]
    public void CrossSigningLoopTerminates()
    {
        TestCert root = TestPki.Root();
        var keyX = TestPki.NewKey(TestKey.EcP256);
        var keyY = TestPki.NewKey(TestKey.EcP256);
        TestCert xSelf = TestPki.Root("CN=X", edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, ReuseKey = keyX });
        TestCert ySelf = TestPki.Root("CN=Y", edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, ReuseKey = keyY });
        TestCert xByY = TestPki.Intermediate(ySelf, "CN=X", edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, ReuseKey = keyX, SkiAki = false });
        TestCert yByX = TestPki.Intermediate(xSelf, "CN=Y", edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, ReuseKey = keyY, SkiAki = false });
        TestCert leaf = TestPki.Leaf(xByY, edit: s => new CertSpec { SkiAki = false });
        var sw = System.Diagnostics.Stopwatch.StartNew();
        // The cross-certificates have no SKI/AKI (the search must not depend on them), so the strict profile is off.
        ValidationResult result = TestPki.Validator(root).Validate(TestPki.Chain(leaf, xByY, yByX), TestPki.Options() with { StrictProfile = false });
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10));
        Assert.False(result.IsValid);
        Assert.Contains(result.Error!.Code, new[] { CertificateErrorCode.UnknownIssuer, CertificateErrorCode.BudgetExhausted });
    }

    [Fact]
    public void ChainLongerThanMaxDepthIsRejected()
    {
        TestCert root = TestPki.Root();
        TestCert i1 = TestPki.Intermediate(root, "CN=I1");
        TestCert i2 = TestPki.Intermediate(i1, "CN=I2");
        TestCert i3 = TestPki.Intermediate(i2, "CN=I3");
        TestCert leaf = TestPki.Leaf(i3);
        Certificate[] chain = TestPki.Chain(leaf, i1, i2, i3);
        ValidationResult tooLong = TestPki.Validator(root).Validate(chain, new ValidationOptions { Time = TestPki.Now, MaxDepth = 2 });
        AssertError(tooLong, CertificateErrorCode.ChainTooLong, 3);
        AssertValid(TestPki.Validator(root).Validate(chain, new ValidationOptions { Time = TestPki.Now, MaxDepth = 3 }), leaf, i3, i2, i1, root);
    }

    [Fact]
    public void EachValidationStartsAfresh()
    {
        // Path building reuses per-thread state: nothing of one validation may show in the next.
        TestCert root = TestPki.Root();
        TestCert other = TestPki.Root("CN=Other Root");
        TestCert i1 = TestPki.Intermediate(root, "CN=I1");
        TestCert leaf = TestPki.Leaf(i1);
        TestCert stranger = TestPki.Leaf(other, "CN=stranger.example");
        ChainValidator validator = TestPki.Validator(root);
        var later = new ValidationOptions { Time = TestPki.Now.AddYears(30) };
        Assert.Equal(CertificateErrorCode.Expired, validator.Validate(TestPki.Chain(leaf, i1), later).Error!.Code);
        AssertError(validator.Validate(TestPki.Chain(stranger), TestPki.Options()), CertificateErrorCode.UnknownIssuer, 0);
        AssertValid(validator.Validate(TestPki.Chain(leaf, i1), TestPki.Options()), leaf, i1, root);

        // Many threads at once, each with its own kept state.
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (int n = 0; n < 25; n++)
            {
                ValidationResult good = validator.Validate(TestPki.Chain(leaf, i1), TestPki.Options());
                ValidationResult bad = validator.Validate(TestPki.Chain(stranger), TestPki.Options());
                if (!good.IsValid || good.Chain.Count != 3 || bad.IsValid || bad.Error!.Code != CertificateErrorCode.UnknownIssuer)
                    failures.Add($"{good.Error?.Message} / {bad.Error?.Code}");
            }
        });
        Assert.Empty(failures);
    }

    [Fact]
    public void BudgetExhaustionEndsTheSearch()
    {
        TestCert root = TestPki.Root();
        TestCert i1 = TestPki.Intermediate(root, "CN=I1");
        TestCert leaf = TestPki.Leaf(i1);
        var tight = new ValidationOptions { Time = TestPki.Now, Budget = new ValidationBudget { MaxSignatureChecks = 1 } };
        AssertError(TestPki.Validator(root).Validate(TestPki.Chain(leaf, i1), tight), CertificateErrorCode.BudgetExhausted, 0);
        var fewCalls = new ValidationOptions { Time = TestPki.Now, Budget = new ValidationBudget { MaxBuildCalls = 1 } };
        AssertError(TestPki.Validator(root).Validate(TestPki.Chain(leaf, i1), fewCalls), CertificateErrorCode.BudgetExhausted, 0);
        AssertValid(TestPki.Validator(root).Validate(TestPki.Chain(leaf, i1), TestPki.Options()), leaf, i1, root);
    }

    [Fact]
    public void ManySameNamedIntermediatesHitTheBudgetQuickly()
    {
        TestCert root = TestPki.Root();
        // 12 CAs all named "CN=Mesh", each signed by another mesh key: many paths, none reaching the root.
        var keys = Enumerable.Range(0, 12).Select(_ => TestPki.NewKey(TestKey.EcP256)).ToArray();
        var issuers = keys.Select(k => new TestCert(TestPki.Root("CN=Mesh", edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, ReuseKey = k }).Der, k, TestKey.EcP256, new X500DistinguishedName("CN=Mesh"))).ToArray();
        var mesh = new List<Certificate>();
        for (int i = 0; i < keys.Length; i++)
        {
            for (int j = 0; j < keys.Length; j++)
            {
                if (i != j)
                    mesh.Add(TestPki.Intermediate(issuers[j], "CN=Mesh", edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, ReuseKey = keys[i], SkiAki = false }).Parsed);
            }
        }
        TestCert leaf = TestPki.Leaf(issuers[0], edit: s => new CertSpec { SkiAki = false });
        var sw = System.Diagnostics.Stopwatch.StartNew();
        ValidationResult result = TestPki.Validator(root).Validate([leaf.Parsed, .. mesh], TestPki.Options() with { StrictProfile = false });
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), sw.Elapsed.ToString());
        Assert.Equal(CertificateErrorCode.BudgetExhausted, result.Error!.Code);
    }

    [Fact]
    public void AnchorAsLeafOnlyWhenExactlyTheAnchor()
    {
        TestCert self = TestPki.Root("CN=self.example.com", edit: s => new CertSpec { Subject = s.Subject, IsCa = false, DnsNames = ["self.example.com"] });
        AssertValid(TestPki.Validator(self).Validate([self.Parsed], TestPki.Options("self.example.com")), self);
        TestCert other = TestPki.Root("CN=self.example.com", edit: s => new CertSpec { Subject = s.Subject, IsCa = false, DnsNames = ["self.example.com"] });
        ValidationResult result = TestPki.Validator(self).Validate([other.Parsed], TestPki.Options("self.example.com"));
        Assert.False(result.IsValid);
    }

    [Fact]
    public void EmptyPresentedListIsMalformed()
    {
        ValidationResult result = TestPki.Validator(TestPki.Root()).Validate([], TestPki.Options());
        Assert.Equal(CertificateErrorCode.Malformed, result.Error!.Code);
    }

    [Fact]
    public void V1TrustAnchorMayIssue()
    {
        using var dir = new OpenSsl.TempDir();
        OpenSsl.Run(dir.Path, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "root.key", "-subj", "/CN=V1 Root", "-out", "root.csr");
        // Without -extfile, "openssl x509 -req" makes a v1 certificate.
        OpenSsl.Run(dir.Path, "x509", "-req", "-in", "root.csr", "-signkey", "root.key", "-days", "3650", "-set_serial", "5", "-outform", "DER", "-out", "root.der");
        File.WriteAllText(dir.File("leaf.ext"), "basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:v1.example.com\n");
        OpenSsl.Run(dir.Path, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key", "-subj", "/CN=v1 leaf", "-out", "leaf.csr");
        OpenSsl.Run(dir.Path, "x509", "-req", "-in", "leaf.csr", "-CA", "root.der", "-CAform", "DER", "-CAkey", "root.key", "-days", "365", "-extfile", "leaf.ext", "-set_serial", "6", "-outform", "DER", "-out", "leaf.der");
        Certificate root = Certificate.Parse(File.ReadAllBytes(dir.File("root.der")));
        Certificate leaf = Certificate.Parse(File.ReadAllBytes(dir.File("leaf.der")));
        Assert.Equal(1, root.Version);
        var validator = new ChainValidator(new TrustStore([root]));
        // A v1 root has no subjectKeyIdentifier, so its leaves carry no authorityKeyIdentifier keyIdentifier: such a
        // legacy PKI needs the strict profile off.
        var options = new ValidationOptions { Time = leaf.NotBefore.AddMinutes(1), DnsName = "v1.example.com" };
        Assert.Equal(CertificateErrorCode.Profile, validator.Validate([leaf], options).Error?.Code);
        ValidationResult ok = validator.Validate([leaf], options with { StrictProfile = false });
        Assert.True(ok.IsValid, ok.Error?.ToString());
    }

    [Fact]
    public void IntermediateExtendedKeyUsageRestrictsThePurpose()
    {
        TestCert root = TestPki.Root();
        TestCert inter = TestPki.Intermediate(root, edit: s => new CertSpec { Subject = s.Subject, IsCa = true, KeyUsage = CaUsage, Eku = ["1.3.6.1.5.5.7.3.2"] });
        TestCert leaf = TestPki.Leaf(inter);
        ChainValidator v = TestPki.Validator(root);
        AssertError(v.Validate(TestPki.Chain(leaf, inter), TestPki.Options(purpose: KeyPurpose.ServerAuth)), CertificateErrorCode.ExtendedKeyUsage, 1);
        AssertValid(v.Validate(TestPki.Chain(leaf, inter), TestPki.Options(purpose: KeyPurpose.ClientAuth)), leaf, inter, root);
        AssertValid(v.Validate(TestPki.Chain(leaf, inter), TestPki.Options()), leaf, inter, root);
    }

    [Fact]
    public void KeyCertSignWithoutCaInTheLeafIsRejected()
    {
        TestCert root = TestPki.Root();
        TestCert bad = TestPki.Leaf(root, edit: s => new CertSpec { IsCa = false, KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign });
        TestCert ok = TestPki.Leaf(root, edit: s => new CertSpec { IsCa = true, KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign });
        AssertError(TestPki.Validator(root).Validate([bad.Parsed], TestPki.Options()), CertificateErrorCode.KeyUsage, 0);
        // A CA in the end-entity position is refused by the strict profile (CA/B BR 7.1.2.7.8), allowed by RFC 5280.
        AssertError(TestPki.Validator(root).Validate([ok.Parsed], TestPki.Options()), CertificateErrorCode.Profile, 0);
        AssertValid(TestPki.Validator(root).Validate([ok.Parsed], TestPki.Options() with { StrictProfile = false }), ok, root);
    }

    [Fact]
    public void EmptySubjectNeedsACriticalSubjectAltName()
    {
        TestCert root = TestPki.Root();
        TestCert nonCritical = TestPki.Issue(new CertSpec { Subject = "", Extra = [TestPki.SubjectAltName(["a.example.com"], [], [], critical: false)] }, root);
        TestCert critical = TestPki.Issue(new CertSpec { Subject = "", Extra = [TestPki.SubjectAltName(["a.example.com"], [], [], critical: true)] }, root);
        Assert.True(critical.Parsed.Subject.IsEmpty);
        AssertError(TestPki.Validator(root).Validate([nonCritical.Parsed], TestPki.Options()), CertificateErrorCode.Malformed, 0);
        AssertValid(TestPki.Validator(root).Validate([critical.Parsed], TestPki.Options("a.example.com")), critical, root);
    }

    [Fact]
    public void ValidityIsComparedAtOneSecondGranularity()
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root);
        ChainValidator v = TestPki.Validator(root);
        AssertValid(v.Validate([leaf.Parsed], TestPki.Options(time: leaf.Parsed.NotAfter.AddMilliseconds(999))), leaf, root);
        AssertError(v.Validate([leaf.Parsed], TestPki.Options(time: leaf.Parsed.NotAfter.AddSeconds(1))), CertificateErrorCode.Expired, 0);
    }
}
