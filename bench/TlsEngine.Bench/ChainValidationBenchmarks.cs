using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using TlsEngine.X509;

namespace TlsEngine.Bench;

/// <summary>
/// Validating a 3-certificate ECDSA P-256 chain (root → intermediate → leaf, SHA-256 signatures) as a server does for a
/// client's Certificate message: every iteration starts from the DER bytes of leaf and intermediate. Compared in the same
/// run with .NET's X509Chain (CustomRootTrust, the intermediate in ExtraStore, no revocation, no downloads).
/// </summary>
[MemoryDiagnoser]
public class ChainValidationBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private byte[] _leafDer = [];
    private byte[] _interDer = [];
    private ValidationOptions _options = null!;
    private ChainValidator _cold = null!;
    private ChainValidator _cached = null!;
    private X509Certificate2 _bclRoot = null!;
    private Certificate[] _parsed = [];

    [GlobalSetup]
    public void Setup()
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var interKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 root = Ca("CN=Bench Root", rootKey, null, null);
        using X509Certificate2 inter = Ca("CN=Bench Intermediate", interKey, root, rootKey);

        var leafReq = new CertificateRequest("CN=client.bench.example", leafKey, HashAlgorithmName.SHA256);
        leafReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leafReq.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri("spiffe://bench.example/workload"));
        leafReq.CertificateExtensions.Add(san.Build());
        leafReq.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(leafReq.PublicKey, false));
        leafReq.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(inter, true, false));
        using X509Certificate2 leaf = leafReq.Create(inter.SubjectName, X509SignatureGenerator.CreateForECDsa(interKey),
            Now.AddDays(-1), Now.AddDays(30), [0x01, 0x23, 0x45]);

        _leafDer = leaf.RawData;
        _interDer = inter.RawData;
        var store = new TrustStore([Certificate.Parse(root.RawData)]);
        _options = new ValidationOptions { Time = Now, Purpose = KeyPurpose.ClientAuth };
        _cold = new ChainValidator(store);
        _cached = new ChainValidator(store, new ValidatedChainCache());
        _bclRoot = X509CertificateLoader.LoadCertificate(root.RawData);
        _parsed = [Certificate.Parse(_leafDer), Certificate.Parse(_interDer)];

        if (!TlsEngineCold() || !TlsEngineCached() || !TlsEngineCachedPreParsed() || !DotNetX509Chain())
            throw new InvalidOperationException("the benchmark chain does not validate");
    }

    private static X509Certificate2 Ca(string name, ECDsa key, X509Certificate2? issuer, ECDsa? issuerKey)
    {
        var req = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        if (issuer is null)
            return req.CreateSelfSigned(Now.AddYears(-1), Now.AddYears(10));
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        return req.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey!), Now.AddYears(-1), Now.AddYears(5), [0x10]);
    }

    /// <summary>Parse both certificates, import the intermediate's key, build and verify the path: two ECDSA verifications.</summary>
    [Benchmark]
    public bool TlsEngineCold() =>
        _cold.Validate([Certificate.Parse(_leafDer), Certificate.Parse(_interDer)], _options).IsValid;

    /// <summary>Parse both certificates, then a cache hit: no signature is verified.</summary>
    [Benchmark]
    public bool TlsEngineCached() =>
        _cached.Validate([Certificate.Parse(_leafDer), Certificate.Parse(_interDer)], _options).IsValid;

    /// <summary>A cache hit on certificates already parsed: the cost of the lookup alone (key build, byte comparison).</summary>
    [Benchmark]
    public bool TlsEngineCachedPreParsed() => _cached.Validate(_parsed, _options).IsValid;

    /// <summary>.NET's X509Chain on the same bytes.</summary>
    [Benchmark(Baseline = true)]
    public bool DotNetX509Chain()
    {
        using X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(_leafDer);
        using X509Certificate2 inter = X509CertificateLoader.LoadCertificate(_interDer);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_bclRoot);
        chain.ChainPolicy.ExtraStore.Add(inter);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = Now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        return chain.Build(leaf);
    }
}
