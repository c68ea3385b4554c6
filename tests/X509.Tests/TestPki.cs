using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BclExtension = System.Security.Cryptography.X509Certificates.X509Extension;

namespace TlsEngine.X509.Tests;

/// <summary>Key algorithms the test PKI can issue with.</summary>
public enum TestKey
{
    EcP256,
    EcP384,
    Rsa2048,
    Rsa2048Pss,
}

/// <summary>A certificate made by the test PKI, with its private key (for issuing) and its parsed form.</summary>
public sealed class TestCert
{
    public TestCert(byte[] der, AsymmetricAlgorithm key, TestKey keyKind, X500DistinguishedName name)
    {
        Der = der;
        Key = key;
        KeyKind = keyKind;
        Name = name;
        Parsed = Certificate.Parse(der);
    }

    public byte[] Der { get; }
    public AsymmetricAlgorithm Key { get; }
    public TestKey KeyKind { get; }
    public X500DistinguishedName Name { get; }
    public Certificate Parsed { get; }
    public byte[]? SubjectKeyId { get; init; }

    public X509SignatureGenerator Generator => Key switch
    {
        ECDsa ec => X509SignatureGenerator.CreateForECDsa(ec),
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, KeyKind == TestKey.Rsa2048Pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
        _ => throw new InvalidOperationException(),
    };
}

/// <summary>Options for one certificate of the test PKI.</summary>
public sealed class CertSpec
{
    public string Subject { get; init; } = "CN=test";
    public TestKey Key { get; init; } = TestKey.EcP256;
    public AsymmetricAlgorithm? ReuseKey { get; init; }
    public bool? IsCa { get; init; }
    public int? PathLength { get; init; }
    public X509KeyUsageFlags? KeyUsage { get; init; }
    public string[]? Eku { get; init; }
    public string[] DnsNames { get; init; } = [];
    public IPAddress[] IpAddresses { get; init; } = [];
    public string[] Uris { get; init; } = [];
    public DateTimeOffset NotBefore { get; init; } = TestPki.Now.AddDays(-30);
    public DateTimeOffset NotAfter { get; init; } = TestPki.Now.AddDays(365);
    public bool SkiAki { get; init; } = true;
    public bool Aki { get; init; } = true;
    public bool BasicConstraintsCritical { get; init; } = true;
    public bool SanCritical { get; init; }
    public List<BclExtension> Extra { get; init; } = [];
    public byte[]? Serial { get; init; }
}

/// <summary>Builds certificates with the BCL's CertificateRequest for the tests.</summary>
public static class TestPki
{
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static int s_serial = 1000;

    public static AsymmetricAlgorithm NewKey(TestKey kind) => kind switch
    {
        TestKey.EcP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        TestKey.EcP384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        _ => RSA.Create(2048),
    };

    public static TestCert Root(string subject = "CN=Test Root, O=Example", TestKey key = TestKey.EcP256, Func<CertSpec, CertSpec>? edit = null)
    {
        var spec = new CertSpec { Subject = subject, Key = key, IsCa = true, KeyUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign };
        spec = edit?.Invoke(spec) ?? spec;
        return Issue(spec, issuer: null);
    }

    public static TestCert Intermediate(TestCert issuer, string subject = "CN=Test Intermediate, O=Example", TestKey key = TestKey.EcP256, Func<CertSpec, CertSpec>? edit = null)
    {
        var spec = new CertSpec { Subject = subject, Key = key, IsCa = true, KeyUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign };
        spec = edit?.Invoke(spec) ?? spec;
        return Issue(spec, issuer);
    }

    public static TestCert Leaf(TestCert issuer, string subject = "CN=leaf.example.com", TestKey key = TestKey.EcP256, Func<CertSpec, CertSpec>? edit = null)
    {
        var spec = new CertSpec
        {
            Subject = subject,
            Key = key,
            IsCa = false,
            KeyUsage = X509KeyUsageFlags.DigitalSignature,
            Eku = ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
            DnsNames = ["leaf.example.com"],
        };
        spec = edit?.Invoke(spec) ?? spec;
        return Issue(spec, issuer);
    }

    /// <summary>Issues a certificate; a null issuer makes it self-signed.</summary>
    public static TestCert Issue(CertSpec spec, TestCert? issuer, X509SignatureGenerator? generatorOverride = null)
    {
        AsymmetricAlgorithm key = spec.ReuseKey ?? NewKey(spec.Key);
        var name = new X500DistinguishedName(spec.Subject);
        CertificateRequest req = key switch
        {
            ECDsa ec => new CertificateRequest(name, ec, HashFor(ec)),
            RSA rsa => new CertificateRequest(name, rsa, HashAlgorithmName.SHA256, spec.Key == TestKey.Rsa2048Pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
            _ => throw new InvalidOperationException(),
        };
        if (spec.IsCa is bool ca)
            req.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, spec.PathLength is not null, spec.PathLength ?? 0, critical: spec.BasicConstraintsCritical));
        if (spec.KeyUsage is { } ku)
            req.CertificateExtensions.Add(new X509KeyUsageExtension(ku, critical: true));
        if (spec.Eku is { } eku)
        {
            var oids = new OidCollection();
            foreach (string e in eku)
                oids.Add(new Oid(e));
            req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, critical: false));
        }
        if (spec.DnsNames.Length + spec.IpAddresses.Length + spec.Uris.Length > 0)
            req.CertificateExtensions.Add(SubjectAltName(spec.DnsNames, spec.IpAddresses, spec.Uris, critical: spec.SanCritical));
        byte[]? ski = null;
        if (spec.SkiAki)
        {
            var skiExt = new X509SubjectKeyIdentifierExtension(req.PublicKey, critical: false);
            ski = skiExt.SubjectKeyIdentifierBytes.ToArray();
            req.CertificateExtensions.Add(skiExt);
            byte[]? issuerSki = issuer is null ? ski : issuer.SubjectKeyId;
            if (issuerSki is not null && spec.Aki)
                req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(issuerSki));
        }
        foreach (BclExtension e in spec.Extra)
            req.CertificateExtensions.Add(e);

        X509SignatureGenerator generator = generatorOverride ?? issuer?.Generator ?? SelfGenerator(key, spec.Key);
        X500DistinguishedName issuerName = issuer?.Name ?? name;
        byte[] serial = spec.Serial ?? BitConverter.GetBytes(Interlocked.Increment(ref s_serial)).Reverse().ToArray();
        using X509Certificate2 cert = req.Create(issuerName, generator, spec.NotBefore, spec.NotAfter, serial);
        return new TestCert(cert.RawData, key, spec.Key, name) { SubjectKeyId = ski };
    }

    private static HashAlgorithmName HashFor(ECDsa ec) => ec.KeySize > 256 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;

    private static X509SignatureGenerator SelfGenerator(AsymmetricAlgorithm key, TestKey kind) => key switch
    {
        ECDsa ec => X509SignatureGenerator.CreateForECDsa(ec),
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, kind == TestKey.Rsa2048Pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>A subjectAltName built with AsnWriter so that any string (wildcards, odd names) can be encoded.</summary>
    public static BclExtension SubjectAltName(string[] dns, IPAddress[] ips, string[] uris, string[]? emails = null, bool critical = false)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            foreach (string d in dns)
                w.WriteCharacterString(UniversalTagNumber.IA5String, d, new Asn1Tag(TagClass.ContextSpecific, 2));
            foreach (string e in emails ?? [])
                w.WriteCharacterString(UniversalTagNumber.IA5String, e, new Asn1Tag(TagClass.ContextSpecific, 1));
            foreach (string u in uris)
                w.WriteCharacterString(UniversalTagNumber.IA5String, u, new Asn1Tag(TagClass.ContextSpecific, 6));
            foreach (IPAddress ip in ips)
                w.WriteOctetString(ip.GetAddressBytes(), new Asn1Tag(TagClass.ContextSpecific, 7));
        }
        return new BclExtension("2.5.29.17", w.Encode(), critical);
    }

    public static ChainValidator Validator(params TestCert[] anchors) => new(new TrustStore(anchors.Select(a => a.Parsed)));

    public static ValidationOptions Options(string? dns = null, KeyPurpose purpose = KeyPurpose.Any, DateTimeOffset? time = null) =>
        new() { Time = time ?? Now, DnsName = dns, Purpose = purpose };

    public static Certificate[] Chain(params TestCert[] certs) => certs.Select(c => c.Parsed).ToArray();
}
