using System.Net;

namespace TlsEngine.X509.Tests;

/// <summary>ValidatedChainCache: hits skip all work, and every input or time change that could alter the outcome misses.</summary>
public class CacheTests
{
    /// <summary>A clock the test moves by hand (for the cache's time-to-live).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    private sealed class Pki
    {
        public Pki()
        {
            Root = TestPki.Root();
            Inter = TestPki.Intermediate(Root);
            Leaf = TestPki.Leaf(Inter);
            Store = new TrustStore([Root.Parsed]);
        }

        public TestCert Root { get; }
        public TestCert Inter { get; }
        public TestCert Leaf { get; }
        public TrustStore Store { get; }

        // Freshly parsed objects each time, as a server parsing the peer's Certificate message would have.
        public Certificate[] Presented() => [Certificate.Parse(Leaf.Der), Certificate.Parse(Inter.Der)];
    }

    [Fact]
    public void HitDoesNoSignatureChecksAndReturnsTheCallersCertificates()
    {
        var pki = new Pki();
        var cache = new ValidatedChainCache();
        var validator = new ChainValidator(pki.Store, cache);
        ValidationResult first = validator.Validate(pki.Presented(), TestPki.Options("leaf.example.com", KeyPurpose.ServerAuth));
        Assert.True(first.IsValid, first.Error?.ToString());
        long checks = validator.SignatureChecks;
        Assert.Equal(2, checks);

        Certificate[] again = pki.Presented();
        ValidationResult second = validator.Validate(again, TestPki.Options("leaf.example.com", KeyPurpose.ServerAuth));
        Assert.True(second.IsValid);
        Assert.Equal(checks, validator.SignatureChecks);
        Assert.Equal(1, cache.Hits);
        Assert.Same(again[0], second.Chain[0]);
        Assert.Same(again[1], second.Chain[1]);
        Assert.Same(pki.Store.Anchors[0], second.Chain[2]);
    }

    [Fact]
    public void WithoutACacheEveryValidationVerifiesAgain()
    {
        var pki = new Pki();
        var validator = new ChainValidator(pki.Store);
        validator.Validate(pki.Presented(), TestPki.Options());
        validator.Validate(pki.Presented(), TestPki.Options());
        Assert.Equal(4, validator.SignatureChecks);
    }

    [Fact]
    public void DifferentInputsMiss()
    {
        var pki = new Pki();
        var cache = new ValidatedChainCache();
        var validator = new ChainValidator(pki.Store, cache);
        ValidationOptions baseline = TestPki.Options("leaf.example.com", KeyPurpose.ServerAuth);
        Assert.True(validator.Validate(pki.Presented(), baseline).IsValid);
        var variants = new (string What, Func<ValidationResult> Run)[]
        {
            ("purpose", () => validator.Validate(pki.Presented(), baseline with { Purpose = KeyPurpose.ClientAuth })),
            ("DNS name", () => validator.Validate(pki.Presented(), baseline with { DnsName = "other.example.com" })),
            ("IP address", () => validator.Validate(pki.Presented(), baseline with { IpAddress = IPAddress.Loopback })),
            ("max depth", () => validator.Validate(pki.Presented(), baseline with { MaxDepth = 0 })),
            ("policy set", () => validator.Validate(pki.Presented(), baseline with { InitialPolicySet = ["1.2.3"] })),
            ("explicit policy", () => validator.Validate(pki.Presented(), baseline with { InitialExplicitPolicy = true })),
            ("profile", () => validator.Validate(pki.Presented(), baseline with { StrictProfile = false })),
            ("CRLs", () => validator.Validate(pki.Presented(), baseline with { RequireRevocationStatus = true })),
            ("leaf only", () => validator.Validate([Certificate.Parse(pki.Leaf.Der)], baseline)),
            ("extra certificate", () => validator.Validate([.. pki.Presented(), pki.Root.Parsed], baseline)),
            ("other trust store", () => new ChainValidator(new TrustStore([pki.Root.Parsed]), cache).Validate(pki.Presented(), baseline)),
        };
        foreach ((string what, Func<ValidationResult> run) in variants)
        {
            long misses = cache.Misses;
            run();
            Assert.True(cache.Misses == misses + 1, $"{what} should miss");
        }
        Assert.Equal(0, cache.Hits);
        Assert.True(validator.Validate(pki.Presented(), baseline).IsValid);
        Assert.Equal(1, cache.Hits);
    }

    [Fact]
    public void OtherCertificateBytesMiss()
    {
        var pki = new Pki();
        TestCert otherLeaf = TestPki.Leaf(pki.Inter);
        var cache = new ValidatedChainCache();
        var validator = new ChainValidator(pki.Store, cache);
        Assert.True(validator.Validate(pki.Presented(), TestPki.Options()).IsValid);
        Assert.True(validator.Validate([otherLeaf.Parsed, pki.Inter.Parsed], TestPki.Options()).IsValid);
        Assert.Equal(0, cache.Hits);
        Assert.Equal(4, validator.SignatureChecks);
    }

    [Fact]
    public void EntriesAreUsedOnlyInsideTheValidityWindow()
    {
        var pki = new Pki();
        var cache = new ValidatedChainCache();
        var validator = new ChainValidator(pki.Store, cache);
        Assert.True(validator.Validate(pki.Presented(), TestPki.Options()).IsValid);
        DateTimeOffset notAfter = pki.Leaf.Parsed.NotAfter;
        Assert.True(validator.Validate(pki.Presented(), TestPki.Options(time: notAfter)).IsValid);
        Assert.Equal(1, cache.Hits);
        ValidationResult expired = validator.Validate(pki.Presented(), TestPki.Options(time: notAfter.AddSeconds(1)));
        Assert.Equal(CertificateErrorCode.Expired, expired.Error!.Code);
        ValidationResult early = validator.Validate(pki.Presented(), TestPki.Options(time: pki.Leaf.Parsed.NotBefore.AddSeconds(-1)));
        Assert.Equal(CertificateErrorCode.NotYetValid, early.Error!.Code);
        Assert.Equal(1, cache.Hits);
    }

    [Fact]
    public void EntriesExpireAfterTheTimeToLive()
    {
        var pki = new Pki();
        var clock = new ManualClock();
        var cache = new ValidatedChainCache(timeToLive: TimeSpan.FromMinutes(5), clock: clock);
        var validator = new ChainValidator(pki.Store, cache);
        validator.Validate(pki.Presented(), TestPki.Options());
        clock.Advance(TimeSpan.FromMinutes(4));
        validator.Validate(pki.Presented(), TestPki.Options());
        Assert.Equal(1, cache.Hits);
        clock.Advance(TimeSpan.FromMinutes(2));
        validator.Validate(pki.Presented(), TestPki.Options());
        Assert.Equal(1, cache.Hits);
        Assert.Equal(4, validator.SignatureChecks);
    }

    [Fact]
    public void FailuresAreNotCached()
    {
        var pki = new Pki();
        var cache = new ValidatedChainCache();
        var validator = new ChainValidator(pki.Store, cache);
        validator.Validate(pki.Presented(), TestPki.Options("wrong.example.com"));
        validator.Validate(pki.Presented(), TestPki.Options("wrong.example.com"));
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Hits);
    }

    [Fact]
    public void LeastRecentlyUsedEntryIsEvicted()
    {
        var pki = new Pki();
        TestCert[] leaves = [pki.Leaf, TestPki.Leaf(pki.Inter), TestPki.Leaf(pki.Inter)];
        var cache = new ValidatedChainCache(capacity: 2);
        var validator = new ChainValidator(pki.Store, cache);
        ValidationResult Run(int i) => validator.Validate([leaves[i].Parsed, pki.Inter.Parsed], TestPki.Options());
        Run(0);
        Run(1);
        Run(0); // hit: 0 becomes most recent
        Run(2); // evicts 1
        Assert.Equal(2, cache.Count);
        Assert.Equal(1, cache.Hits);
        Run(0);
        Assert.Equal(2, cache.Hits);
        Run(1);
        Assert.Equal(2, cache.Hits);
    }

    [Fact]
    public void CrlsAreAnInputAndBoundTheWindow()
    {
        var pki = new Pki();
        var cache = new ValidatedChainCache();
        var validator = new ChainValidator(pki.Store, cache);
        var builder = new System.Security.Cryptography.X509Certificates.CertificateRevocationListBuilder();
        byte[] der = builder.Build(pki.Inter.Name, pki.Inter.Generator, 1, TestPki.Now.AddDays(1), System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.X509Certificates.X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(pki.Inter.SubjectKeyId!),
            TestPki.Now.AddDays(-1));
        CertificateRevocationList crl = CertificateRevocationList.Parse(der);
        ValidationOptions options = TestPki.Options() with { Crls = [crl] };
        Assert.True(validator.Validate(pki.Presented(), options).IsValid);
        Assert.Equal(3, validator.SignatureChecks);
        Assert.True(validator.Validate(pki.Presented(), options).IsValid);
        Assert.Equal(1, cache.Hits);
        // After the CRL's nextUpdate the entry is not used, and the stale CRL now fails the validation.
        ValidationResult stale = validator.Validate(pki.Presented(), options with { Time = TestPki.Now.AddDays(2) });
        Assert.Equal(CertificateErrorCode.RevocationStatusUnknown, stale.Error!.Code);
        Assert.Equal(1, cache.Hits);
    }

    [Fact]
    public void ConcurrentUseIsSafe()
    {
        var pki = new Pki();
        TestCert[] leaves = Enumerable.Range(0, 8).Select(_ => TestPki.Leaf(pki.Inter)).ToArray();
        var cache = new ValidatedChainCache(capacity: 4);
        var validator = new ChainValidator(pki.Store, cache);
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            ValidationResult r = validator.Validate([Certificate.Parse(leaves[i % leaves.Length].Der), pki.Inter.Parsed], TestPki.Options());
            Assert.True(r.IsValid, r.Error?.ToString());
        });
        Assert.InRange(cache.Count, 1, 4);
        Assert.Equal(400, cache.Hits + cache.Misses);
    }
}
