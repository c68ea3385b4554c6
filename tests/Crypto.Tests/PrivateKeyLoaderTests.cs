using System.Security.Cryptography;
using TlsEngine.Testing;

namespace TlsEngine.Crypto.Tests;

public sealed class PrivateKeyLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tlsengine-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Openssl(params string[] args) => ExternalTool.Run("openssl", args, _dir);

    private static void AssertSigns(ISigningKey key)
    {
        var sig = key.Sign(key.Schemes[0], "x"u8);
        Assert.NotEmpty(sig);
    }

    [SkippableTheory]
    [InlineData("EC", "ec_paramgen_curve:P-256", SignatureScheme.EcdsaSecp256r1Sha256)]
    [InlineData("EC", "ec_paramgen_curve:P-384", SignatureScheme.EcdsaSecp384r1Sha384)]
    [InlineData("RSA", "rsa_keygen_bits:2048", SignatureScheme.RsaPssRsaeSha256)]
    [InlineData("RSA-PSS", "rsa_keygen_bits:2048", SignatureScheme.RsaPssPssSha256)]
    [InlineData("ED25519", null, SignatureScheme.Ed25519)]
    public void LoadsPkcs8PemPlainAndEncrypted(string algorithm, string? option, SignatureScheme expected)
    {
        var args = new List<string> { "genpkey", "-algorithm", algorithm, "-out", "key.pem" };
        if (option is not null) args.AddRange(["-pkeyopt", option]);
        Openssl([.. args]);
        var key = PrivateKeyLoader.LoadFile(Path.Combine(_dir, "key.pem"));
        Assert.Equal(expected, key.Schemes[0]);
        AssertSigns(key);

        Openssl("pkcs8", "-topk8", "-in", "key.pem", "-out", "enc.pem", "-v2", "aes-256-cbc", "-passout", "pass:s3cret");
        Assert.Contains("ENCRYPTED PRIVATE KEY", File.ReadAllText(Path.Combine(_dir, "enc.pem")));
        var decrypted = PrivateKeyLoader.LoadFile(Path.Combine(_dir, "enc.pem"), "s3cret");
        Assert.Equal(expected, decrypted.Schemes[0]);
        AssertSigns(decrypted);
        var wrong = Assert.ThrowsAny<CryptographicException>(() => PrivateKeyLoader.LoadFile(Path.Combine(_dir, "enc.pem"), "wrong"));
        Assert.DoesNotContain("s3cret", wrong.Message);
        Assert.ThrowsAny<CryptographicException>(() => PrivateKeyLoader.LoadFile(Path.Combine(_dir, "enc.pem")));

        Openssl("pkcs8", "-topk8", "-nocrypt", "-in", "key.pem", "-outform", "DER", "-out", "key.der");
        Assert.Equal(expected, PrivateKeyLoader.LoadFile(Path.Combine(_dir, "key.der")).Schemes[0]);
        Openssl("pkey", "-in", "key.pem", "-outform", "DER", "-out", "native.der");
        Assert.Equal(expected, PrivateKeyLoader.LoadFile(Path.Combine(_dir, "native.der")).Schemes[0]);
    }

    [SkippableFact]
    public void LoadsTraditionalEcAndRsaPem()
    {
        Openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.pem");
        Assert.Contains("EC PRIVATE KEY", File.ReadAllText(Path.Combine(_dir, "ec.pem")));
        AssertSigns(PrivateKeyLoader.LoadFile(Path.Combine(_dir, "ec.pem")));
        Openssl("genrsa", "-traditional", "-out", "rsa.pem", "2048");
        Assert.Contains("RSA PRIVATE KEY", File.ReadAllText(Path.Combine(_dir, "rsa.pem")));
        AssertSigns(PrivateKeyLoader.LoadFile(Path.Combine(_dir, "rsa.pem")));
    }

    [SkippableTheory]
    [InlineData("EC", "ec_paramgen_curve:P-256")]
    [InlineData("ED25519", null)]
    public void LoadsPkcs12WithChain(string algorithm, string? option)
    {
        var args = new List<string> { "req", "-x509", "-newkey", algorithm == "EC" ? "ec" : "ed25519", "-keyout", "k.pem", "-out", "c.pem", "-nodes", "-subj", "/CN=p12", "-days", "2" };
        if (option is not null) args.InsertRange(4, ["-pkeyopt", option]);
        Openssl([.. args]);
        Openssl("pkcs12", "-export", "-inkey", "k.pem", "-in", "c.pem", "-out", "id.p12", "-passout", "pass:pw");
        var (key, chain) = PrivateKeyLoader.LoadPkcs12(File.ReadAllBytes(Path.Combine(_dir, "id.p12")), "pw");
        AssertSigns(key);
        Assert.Single(chain);
        Assert.Equal(Pem.Decode(File.ReadAllText(Path.Combine(_dir, "c.pem")))[0].Der, chain[0]);
        Assert.ThrowsAny<CryptographicException>(() => PrivateKeyLoader.LoadPkcs12(File.ReadAllBytes(Path.Combine(_dir, "id.p12")), "bad"));
    }

    [Fact]
    public void GarbageIsACryptographicException()
    {
        Assert.ThrowsAny<CryptographicException>(() => PrivateKeyLoader.Load("not a key"u8));
        Assert.ThrowsAny<CryptographicException>(() => PrivateKeyLoader.Load("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"u8));
    }
}
