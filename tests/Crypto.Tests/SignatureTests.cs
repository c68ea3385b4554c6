using System.Security.Cryptography;

namespace TlsEngine.Crypto.Tests;

public class SignatureTests
{
    private static readonly byte[] Message = "content to sign"u8.ToArray();

    [Theory]
    [InlineData("P256", SignatureScheme.EcdsaSecp256r1Sha256)]
    [InlineData("P384", SignatureScheme.EcdsaSecp384r1Sha384)]
    public void EcdsaSignatureVerifiesOnlyWithItsCurveScheme(string curve, SignatureScheme scheme)
    {
        var ecdsa = ECDsa.Create(curve == "P256" ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384);
        var p = ecdsa.ExportParameters(false);
        using var key = new EcdsaSigningKey(ecdsa);
        Assert.Equal([scheme], key.Schemes);
        var sig = key.Sign(scheme, Message);
        using var pub = PublicKey.CreateEc(curve == "P256" ? EcCurve.P256 : EcCurve.P384, [0x04, .. p.Q.X!, .. p.Q.Y!]);
        Assert.True(pub.Verify(SignatureSchemes.ToAlgorithm(scheme), Message, sig));
        Assert.False(pub.Verify(SignatureSchemes.ToAlgorithm(scheme), "other"u8, sig));
        var other = scheme == SignatureScheme.EcdsaSecp256r1Sha256 ? SignatureScheme.EcdsaSecp384r1Sha384 : SignatureScheme.EcdsaSecp256r1Sha256;
        Assert.False(pub.IsCompatible(other));
        Assert.True(pub.IsCompatible(scheme));
        Assert.Throws<SigningException>(() => key.Sign(other, Message));
    }

    [Fact]
    public void EcdsaKeySignsIntoABufferWithRoomAndRefusesASmallOneWithoutSigning()
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ecdsa.ExportParameters(false);
        using var key = new EcdsaSigningKey(ecdsa);
        ISigningKey signer = key;
        Span<byte> buffer = stackalloc byte[256];
        Assert.True(signer.TrySign(SignatureScheme.EcdsaSecp256r1Sha256, Message, buffer, out int written));
        using var pub = PublicKey.CreateEc(EcCurve.P256, [0x04, .. p.Q.X!, .. p.Q.Y!]);
        Assert.True(pub.Verify(SignatureSchemes.ToAlgorithm(SignatureScheme.EcdsaSecp256r1Sha256), Message, buffer[..written]));
        Assert.False(signer.TrySign(SignatureScheme.EcdsaSecp256r1Sha256, Message, buffer[..64], out written));
        Assert.Equal(0, written);
        Assert.Throws<SigningException>(() => signer.TrySign(SignatureScheme.EcdsaSecp384r1Sha384, Message, new byte[256], out _));
    }

    [Fact]
    public void KeysWithoutBufferSigningFallBackToArrays()
    {
        // The interface's default: no signature, so the caller signs with Sign.
        using var rsa = new RsaSigningKey(RSA.Create(2048));
        ISigningKey signer = rsa;
        Assert.False(signer.TrySign(SignatureScheme.RsaPssRsaeSha256, Message, new byte[512], out int written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void RsaKeySignsPssAndVerifiesPssAndPkcs1()
    {
        var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(false);
        using var key = new RsaSigningKey(rsa);
        using var pub = PublicKey.CreateRsa(p.Modulus, p.Exponent, pssOnly: false);
        foreach (var scheme in key.Schemes)
        {
            var sig = key.Sign(scheme, Message);
            Assert.True(pub.Verify(SignatureSchemes.ToAlgorithm(scheme), Message, sig), scheme.ToString());
        }
        var pkcs1 = rsa.SignData(Message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Assert.True(pub.Verify(SignatureAlgorithm.RsaPkcs1(HashAlgorithmName.SHA256), Message, pkcs1));
        Assert.False(pub.IsCompatible(SignatureScheme.RsaPssPssSha256));
        using var pssOnly = PublicKey.CreateRsa(p.Modulus, p.Exponent, pssOnly: true);
        Assert.False(pssOnly.Verify(SignatureAlgorithm.RsaPkcs1(HashAlgorithmName.SHA256), Message, pkcs1));
        Assert.True(pssOnly.IsCompatible(SignatureScheme.RsaPssPssSha256));
        Assert.False(pssOnly.IsCompatible(SignatureScheme.RsaPssRsaeSha256));
    }

    [Fact]
    public void RsaPssWithAnotherSaltLengthVerifiesThroughTheGeneralPath()
    {
        var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(true);
        var signer = new Org.BouncyCastle.Crypto.Signers.PssSigner(new Org.BouncyCastle.Crypto.Engines.RsaEngine(), new Org.BouncyCastle.Crypto.Digests.Sha256Digest(), 20);
        var priv = new Org.BouncyCastle.Crypto.Parameters.RsaPrivateCrtKeyParameters(
            new(1, p.Modulus), new(1, p.Exponent), new(1, p.D), new(1, p.P), new(1, p.Q), new(1, p.DP), new(1, p.DQ), new(1, p.InverseQ));
        signer.Init(true, priv);
        signer.BlockUpdate(Message, 0, Message.Length);
        var sig = signer.GenerateSignature();
        using var pub = PublicKey.CreateRsa(p.Modulus, p.Exponent, pssOnly: false);
        Assert.True(pub.Verify(SignatureAlgorithm.RsaPss(HashAlgorithmName.SHA256, 20), Message, sig));
        Assert.False(pub.Verify(SignatureAlgorithm.RsaPss(HashAlgorithmName.SHA256, 32), Message, sig));
    }

    [Fact]
    public void Ed25519MatchesRfc8032Test1()
    {
        // RFC 8032 §7.1, TEST 1 (empty message).
        var seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        using var key = new Ed25519SigningKey(seed);
        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", Convert.ToHexStringLower(key.PublicKey));
        var sig = key.Sign(SignatureScheme.Ed25519, []);
        Assert.Equal("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b", Convert.ToHexStringLower(sig));
        using var pub = PublicKey.CreateEd25519(key.PublicKey);
        Assert.True(pub.Verify(SignatureAlgorithm.Ed25519, [], sig));
        sig[0] ^= 1;
        Assert.False(pub.Verify(SignatureAlgorithm.Ed25519, [], sig));
    }

    [Fact]
    public void MalformedSignaturesAreFalseNotExceptions()
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ecdsa.ExportParameters(false);
        using var pub = PublicKey.CreateEc(EcCurve.P256, [0x04, .. p.Q.X!, .. p.Q.Y!]);
        Assert.False(pub.Verify(SignatureAlgorithm.Ecdsa(HashAlgorithmName.SHA256), Message, [0x30, 0x99]));
        Assert.False(pub.Verify(SignatureAlgorithm.Ecdsa(HashAlgorithmName.SHA256), Message, []));
        Assert.False(pub.Verify(SignatureAlgorithm.Ed25519, Message, new byte[64]));
    }

    [Fact]
    public void InvalidEcPointIsRefusedAtImport()
    {
        var bytes = new byte[65];
        bytes[0] = 4;
        bytes[1] = 1;
        Assert.ThrowsAny<CryptographicException>(() => PublicKey.CreateEc(EcCurve.P256, bytes));
        Assert.ThrowsAny<CryptographicException>(() => PublicKey.CreateEc(EcCurve.P256, new byte[64]));
    }
}

public class EcdsaBackendTests
{
    [Fact]
    public void LibCryptoEcdsaIsUsedOnLinuxAndAgreesWithTheBcl()
    {
        if (OperatingSystem.IsLinux())
            Assert.True(LibCryptoEcdsa.IsAvailable, "libcrypto.so.3 should be loadable where the BCL runs on OpenSSL 3");
        foreach (var (curve, bcl, hash) in new[] { (EcCurve.P256, ECCurve.NamedCurves.nistP256, HashAlgorithmName.SHA256), (EcCurve.P384, ECCurve.NamedCurves.nistP384, HashAlgorithmName.SHA384) })
        {
            using var ec = ECDsa.Create(bcl);
            var p = ec.ExportParameters(false);
            using var key = PublicKey.CreateEc(curve, [0x04, .. p.Q.X!, .. p.Q.Y!]);
            for (int i = 0; i < 20; i++)
            {
                var data = new byte[i * 7];
                var sig = ec.SignData(data, hash, DSASignatureFormat.Rfc3279DerSequence);
                Assert.True(key.Verify(SignatureAlgorithm.Ecdsa(hash), data, sig));
                Assert.False(key.Verify(SignatureAlgorithm.Ecdsa(hash), [.. data, 1], sig));
                // Trailing garbage after the DER signature is refused.
                Assert.False(key.Verify(SignatureAlgorithm.Ecdsa(hash), data, [.. sig, 0]));
            }
        }
    }

    [Theory]
    [InlineData(EcCurve.P256)]
    [InlineData(EcCurve.P384)]
    [InlineData(EcCurve.P521)]
    public void NativeEcdsaSigningProducesSignaturesTheBclVerifies(EcCurve curve)
    {
        Assert.True(LibCryptoEcdsa.IsAvailable, "libcrypto.so.3 should be loadable where the BCL runs on OpenSSL 3");
        var (bcl, scheme, hash) = curve switch
        {
            EcCurve.P256 => (ECCurve.NamedCurves.nistP256, SignatureScheme.EcdsaSecp256r1Sha256, HashAlgorithmName.SHA256),
            EcCurve.P384 => (ECCurve.NamedCurves.nistP384, SignatureScheme.EcdsaSecp384r1Sha384, HashAlgorithmName.SHA384),
            _ => (ECCurve.NamedCurves.nistP521, SignatureScheme.EcdsaSecp521r1Sha512, HashAlgorithmName.SHA512),
        };
        using var ec = ECDsa.Create(bcl);
        using var verifier = ECDsa.Create(ec.ExportParameters(false));
        using var key = new EcdsaSigningKey(ECDsa.Create(ec.ExportParameters(true)));
        var seen = new HashSet<string>();
        for (int i = 0; i < 20; i++)
        {
            var data = new byte[i * 13];
            var sig = key.Sign(scheme, data);
            Assert.True(verifier.VerifyData(data, sig, hash, DSASignatureFormat.Rfc3279DerSequence));
            byte[] other = [.. data, 1];
            Assert.False(verifier.VerifyData(other, sig, hash, DSASignatureFormat.Rfc3279DerSequence));
            Assert.True(seen.Add(Convert.ToHexString(sig)), "each signature uses a fresh nonce");
        }
    }

    [Fact]
    public void NativeImportRefusesAScalarThatDoesNotMatchThePoint()
    {
        Assert.True(LibCryptoEcdsa.IsAvailable, "libcrypto.so.3 should be loadable where the BCL runs on OpenSSL 3");
        using var a = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var b = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pa = a.ExportParameters(false);
        var pb = b.ExportParameters(true);
        using var matching = LibCryptoEcdsa.ImportPrivate(EcCurve.P256, [0x04, .. pb.Q.X!, .. pb.Q.Y!], pb.D!);
        Assert.NotNull(matching);
        Assert.Null(LibCryptoEcdsa.ImportPrivate(EcCurve.P256, [0x04, .. pa.Q.X!, .. pa.Q.Y!], pb.D!));
    }
}
