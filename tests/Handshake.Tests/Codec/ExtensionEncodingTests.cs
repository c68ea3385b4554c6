using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsEngine.Crypto;
using TlsEngine.Extensions;
using TlsEngine.Messages;
using TlsEngine.Tests.Support;
using TlsEngine.X509;

namespace TlsEngine.Tests;

/// <summary>Extensions we send whose encodings are built from options or cached per trust store.</summary>
public class ExtensionEncodingTests
{
    private static Certificate SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new System.Security.Cryptography.X509Certificates.CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var now = DateTimeOffset.UtcNow;
        using var cert = req.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        return Certificate.Parse(cert.RawData);
    }

    [Fact]
    public void CertificateAuthoritiesNameEveryAnchorAndAreEncodedOncePerStore()
    {
        var store = new TrustStore([TestPki.Default.Anchor, TestPki.Other.Anchor]);
        var encoded = CertificateAuthoritiesExtension.ForAnchors(store);
        Assert.NotNull(encoded);
        var names = CertificateAuthoritiesExtension.Parse(encoded, "CertificateRequest.certificate_authorities");
        Assert.Equal(store.Anchors.Select(a => a.Subject.RawData.ToArray()), names);
        Assert.Same(encoded, CertificateAuthoritiesExtension.ForAnchors(store));
        // Another store with the same anchors is encoded on its own, to the same bytes.
        var again = CertificateAuthoritiesExtension.ForAnchors(new TrustStore(store.Anchors));
        Assert.NotSame(encoded, again);
        Assert.Equal(encoded, again);
    }

    [Fact]
    public void CertificateAuthoritiesAreLeftOutForAnEmptyStoreOrOver16KiBOfNames()
    {
        Assert.Null(CertificateAuthoritiesExtension.ForAnchors(new TrustStore([])));
        var big = Enumerable.Range(0, 3).Select(i => SelfSigned($"CN=CA {i}, OU={new string('x', 6000)}")).ToList();
        Assert.True(big.Sum(c => c.Subject.RawData.Length + 2) > 16 * 1024);
        Assert.Null(CertificateAuthoritiesExtension.ForAnchors(new TrustStore(big)));
        Assert.NotNull(CertificateAuthoritiesExtension.ForAnchors(new TrustStore(big.Take(2))));
    }

    [Fact]
    public void SignatureAlgorithmsCertAddsPkcs1AfterTheOptionsSchemes()
    {
        var (client, _) = Loopback.MutualOptions();
        client.SignatureSchemes = [SignatureScheme.EcdsaSecp256r1Sha256, SignatureScheme.RsaPssRsaeSha256];
        using var connection = TlsConnection.CreateClient(client);
        var records = new System.Buffers.ArrayBufferWriter<byte>();
        connection.Start(records);
        int length = (records.WrittenSpan[3] << 8) | records.WrittenSpan[4];
        byte[] message = records.WrittenSpan.Slice(5, length).ToArray();
        var hello = ClientHello.Parse(message.AsSpan(4), message);
        var certSchemes = U16ListExtension.Parse<SignatureScheme>(hello.Extensions.Find(ExtensionType.SignatureAlgorithmsCert)!.Value, "signature_algorithms_cert");
        Assert.Equal([SignatureScheme.EcdsaSecp256r1Sha256, SignatureScheme.RsaPssRsaeSha256,
            SignatureScheme.RsaPkcs1Sha256, SignatureScheme.RsaPkcs1Sha384, SignatureScheme.RsaPkcs1Sha512], certSchemes);
        var schemes = U16ListExtension.Parse<SignatureScheme>(hello.Extensions.Find(ExtensionType.SignatureAlgorithms)!.Value, "signature_algorithms");
        Assert.Equal([SignatureScheme.EcdsaSecp256r1Sha256, SignatureScheme.RsaPssRsaeSha256], schemes);
    }
}
