using TlsEngine.Crypto;
using TlsEngine.Hsm.Tests.Support;
using TlsEngine.X509;

namespace TlsEngine.Hsm.Tests;

[Collection(SoftHsmCollection.Name)]
public sealed class SigningKeyTests(SoftHsmFixture hsm)
{
    [SkippableTheory]
    [InlineData("ec-p256", SignatureScheme.EcdsaSecp256r1Sha256)]
    [InlineData("ec-p384", SignatureScheme.EcdsaSecp384r1Sha384)]
    [InlineData("rsa-2048", SignatureScheme.RsaPssRsaeSha256)]
    [InlineData("rsa-2048", SignatureScheme.RsaPssRsaeSha384)]
    [InlineData("rsa-2048", SignatureScheme.RsaPssRsaeSha512)]
    [InlineData("imported-p256", SignatureScheme.EcdsaSecp256r1Sha256)]
    [InlineData("ed25519", SignatureScheme.Ed25519)]
    public void TokenSignatureVerifiesWithTheCertificateKey(string label, SignatureScheme scheme)
    {
        hsm.Require();
        if (label == "ed25519") hsm.RequireEd25519();
        var key = hsm.OpenKey(label);
        Assert.Contains(scheme, key.Schemes);
        var leaf = Certificate.Parse(hsm.CertificateFor(label)).PublicKey;
        var content = new byte[300];
        Random.Shared.NextBytes(content);
        var signature = key.Sign(scheme, content);
        Assert.True(leaf.Verify(SignatureSchemes.ToAlgorithm(scheme), content, signature));
        content[0] ^= 1;
        Assert.False(leaf.Verify(SignatureSchemes.ToAlgorithm(scheme), content, signature));
    }

    [SkippableFact]
    public void SchemesComeFromKeyTypeAndCurve()
    {
        hsm.Require();
        Assert.Equal([SignatureScheme.EcdsaSecp256r1Sha256], hsm.OpenKey("ec-p256").Schemes);
        Assert.Equal([SignatureScheme.EcdsaSecp384r1Sha384], hsm.OpenKey("ec-p384").Schemes);
        var rsa = hsm.OpenKey("rsa-2048");
        Assert.Equal(new Pkcs11KeyAlgorithm(Pkcs11KeyKind.Rsa, EcCurve.Unknown, 2048), rsa.Algorithm);
        Assert.Equal(SignatureScheme.RsaPssRsaeSha256, rsa.Schemes[0]);
        Assert.DoesNotContain(rsa.Schemes, s => s is SignatureScheme.RsaPkcs1Sha256 or SignatureScheme.RsaPkcs1Sha384 or SignatureScheme.RsaPkcs1Sha512);
        if (hsm.HasEd25519) Assert.Equal([SignatureScheme.Ed25519], hsm.OpenKey("ed25519").Schemes);
    }

    [SkippableFact]
    public void EcdsaSignaturesAreDerAndRsaPssSignaturesAreRandomised()
    {
        hsm.Require();
        var ec = hsm.OpenKey("ec-p256").Sign(SignatureScheme.EcdsaSecp256r1Sha256, "x"u8);
        Assert.Equal(0x30, ec[0]);
        Assert.Equal(ec.Length - 2, ec[1]);
        var rsa = hsm.OpenKey("rsa-2048");
        // PSS with a salt as long as the hash: two signatures of one message differ (never deterministic PKCS#1 v1.5).
        Assert.NotEqual(rsa.Sign(SignatureScheme.RsaPssRsaeSha256, "x"u8), rsa.Sign(SignatureScheme.RsaPssRsaeSha256, "x"u8));
    }

    [SkippableFact]
    public void SchemeTheKeyCannotMakeIsASigningException()
    {
        hsm.Require();
        var key = hsm.OpenKey("ec-p256");
        var e = Assert.Throws<SigningException>(() => key.Sign(SignatureScheme.EcdsaSecp384r1Sha384, "x"u8));
        Assert.Contains("ecdsa_secp384r1_sha384", e.Message);
    }

    [SkippableFact]
    public void CertificateIsReadFromTheTokenBySameId()
    {
        hsm.Require();
        var key = hsm.OpenKey("ec-p256");
        Assert.Equal(hsm.CertificateFor("ec-p256"), key.ReadCertificate());
        var e = Assert.Throws<HsmException>(() => hsm.OpenKey("ec-p384").ReadCertificate());
        Assert.Contains("no certificate", e.Message);
    }

    [SkippableFact]
    public void KeySelectedByIdAlone()
    {
        hsm.Require();
        var key = Pkcs11SigningKey.Open($"pkcs11:token={SoftHsmFixture.Token};id=%03;type=private?pin-source=file:{hsm.PinFile}");
        Assert.Equal("rsa-2048", key.Label);
        Assert.Equal([3], key.Id);
    }

    [SkippableFact]
    public void MissingAndAmbiguousKeysAreClearErrors()
    {
        hsm.Require();
        var missing = Assert.Throws<HsmException>(() => Pkcs11SigningKey.Open(hsm.KeyUri("no-such-key")));
        Assert.Contains("no private key", missing.Message);
        var ambiguous = Assert.Throws<HsmException>(() => Pkcs11SigningKey.Open($"pkcs11:token={SoftHsmFixture.Token}?pin-source=file:{hsm.PinFile}"));
        Assert.Contains("private keys on token 'tls' match", ambiguous.Message);
        var noToken = Assert.Throws<HsmException>(() => Pkcs11SigningKey.Open("pkcs11:token=absent;object=x?pin-value=1"));
        Assert.Contains("no token", noToken.Message);
        Assert.Contains("'tls'", noToken.Message); // lists the tokens present
        var wrongType = Assert.Throws<HsmException>(() => Pkcs11SigningKey.Open($"pkcs11:token={SoftHsmFixture.Token};object=ec-p256;type=cert"));
        Assert.Contains("type=private", wrongType.Message);
    }

    [SkippableFact]
    public void KeyWhoseAllowedMechanismsExcludeCkmEcdsaIsRefusedAtOpen()
    {
        hsm.Require();
        var e = Assert.Throws<HsmException>(() => hsm.OpenKey("restricted-p256"));
        Assert.Contains("allows only CKM_ECDSA_SHA256 (CKA_ALLOWED_MECHANISMS), not CKM_ECDSA", e.Message);
    }

    [SkippableFact]
    public void ToStringNamesKeyAndTokenButNoPin()
    {
        hsm.Require();
        var key = Pkcs11SigningKey.Open($"pkcs11:token={SoftHsmFixture.Token};object=ec-p256?pin-value={SoftHsmFixture.Pin}");
        Assert.Equal("PKCS#11 EC P-256 key 'ec-p256' (id 01) on token 'tls'", key.ToString());
        Assert.DoesNotContain(SoftHsmFixture.Pin, key.Uri.ToString());
        Assert.EndsWith("?pin-value=***", key.Uri.ToString());
    }
}
