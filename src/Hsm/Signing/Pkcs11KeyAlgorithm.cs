using Net.Pkcs11Interop.Common;
using TlsEngine.Crypto;

namespace TlsEngine.Hsm;

/// <summary>The kinds of private key this library signs with.</summary>
public enum Pkcs11KeyKind
{
    /// <summary>CKK_EC on P-256 or P-384.</summary>
    Ecdsa,

    /// <summary>CKK_RSA.</summary>
    Rsa,

    /// <summary>CKK_EC_EDWARDS on edwards25519.</summary>
    Ed25519,
}

/// <summary>
/// What a private key object is, from its CKA_KEY_TYPE and CKA_EC_PARAMS or CKA_MODULUS (PKCS#11 v2.40 §4.8–4.9), and
/// the TLS 1.3 signature schemes it can make (RFC 8446 §4.2.3).
/// </summary>
public sealed record Pkcs11KeyAlgorithm(Pkcs11KeyKind Kind, EcCurve Curve, int SizeBits)
{
    /// <summary>Bytes of r and of s in an ECDSA signature: the curve order's length.</summary>
    public int EcScalarLength => Curve switch
    {
        EcCurve.P256 => 32,
        EcCurve.P384 => 48,
        _ => 0,
    };

    /// <summary>
    /// The schemes in preference order. An EC key signs only the scheme bound to its curve; an RSA key signs
    /// rsa_pss_rsae_* and rsa_pss_pss_* (the same PSS operation, the certificate decides which one applies), leaving out
    /// hashes too long for the modulus (RFC 8017 §9.1.1: emLen ≥ hLen + sLen + 2); Ed25519 signs ed25519. Never
    /// RSASSA-PKCS1-v1_5, which TLS 1.3 forbids in CertificateVerify.
    /// </summary>
    public IReadOnlyList<SignatureScheme> Schemes => Kind switch
    {
        Pkcs11KeyKind.Ecdsa => Curve == EcCurve.P256 ? [SignatureScheme.EcdsaSecp256r1Sha256] : [SignatureScheme.EcdsaSecp384r1Sha384],
        Pkcs11KeyKind.Ed25519 => [SignatureScheme.Ed25519],
        _ => new[]
        {
            SignatureScheme.RsaPssRsaeSha256, SignatureScheme.RsaPssRsaeSha384, SignatureScheme.RsaPssRsaeSha512,
            SignatureScheme.RsaPssPssSha256, SignatureScheme.RsaPssPssSha384, SignatureScheme.RsaPssPssSha512,
        }.Where(s => RsaFits(s)).ToArray(),
    };

    /// <summary>The PKCS#11 mechanism the key signs with.</summary>
    internal CKM Mechanism => Kind switch
    {
        Pkcs11KeyKind.Ecdsa => CKM.CKM_ECDSA,
        Pkcs11KeyKind.Rsa => CKM.CKM_RSA_PKCS_PSS,
        _ => Pkcs11Constants.CKM_EDDSA,
    };

    /// <summary>"EC P-256", "RSA 2048", "Ed25519".</summary>
    public override string ToString() => Kind switch
    {
        Pkcs11KeyKind.Ecdsa => Curve == EcCurve.P256 ? "EC P-256" : "EC P-384",
        Pkcs11KeyKind.Rsa => $"RSA {SizeBits}",
        _ => "Ed25519",
    };

    private bool RsaFits(SignatureScheme s)
    {
        int hashLength = SignatureSchemes.ToAlgorithm(s).SaltLength; // salt length = hash length
        int emLength = (SizeBits - 1 + 7) / 8;
        return emLength >= 2 * hashLength + 2;
    }

    /// <summary>Classifies a private key from its attributes.</summary>
    /// <exception cref="HsmException">The key type or curve is not one TLS 1.3 signing here supports.</exception>
    internal static Pkcs11KeyAlgorithm From(CKK keyType, byte[]? ecParams, byte[]? modulus, string keyName)
    {
        if (keyType == CKK.CKK_RSA)
        {
            if (modulus is null || modulus.Length == 0)
                throw new HsmException($"{keyName}: the RSA key's CKA_MODULUS cannot be read");
            return new Pkcs11KeyAlgorithm(Pkcs11KeyKind.Rsa, EcCurve.Unknown, BitLength(modulus));
        }
        if (keyType == CKK.CKK_EC)
        {
            var p = ecParams ?? [];
            if (p.AsSpan().SequenceEqual(Pkcs11Constants.P256Params)) return new Pkcs11KeyAlgorithm(Pkcs11KeyKind.Ecdsa, EcCurve.P256, 256);
            if (p.AsSpan().SequenceEqual(Pkcs11Constants.P384Params)) return new Pkcs11KeyAlgorithm(Pkcs11KeyKind.Ecdsa, EcCurve.P384, 384);
            var curve = p.AsSpan().SequenceEqual(Pkcs11Constants.P521Params) ? "P-521" : "an unknown curve (CKA_EC_PARAMS " + Convert.ToHexString(p) + ")";
            throw new HsmException($"{keyName}: EC key on {curve}; TLS 1.3 signing here supports P-256 and P-384");
        }
        if (keyType == Pkcs11Constants.CKK_EC_EDWARDS)
        {
            var p = ecParams ?? [];
            if (p.AsSpan().SequenceEqual(Pkcs11Constants.Ed25519Params) || p.AsSpan().SequenceEqual(Pkcs11Constants.Ed25519NameParams))
                return new Pkcs11KeyAlgorithm(Pkcs11KeyKind.Ed25519, EcCurve.Unknown, 256);
            var curve = p.AsSpan().SequenceEqual(Pkcs11Constants.Ed448Params) ? "Ed448" : "an unknown Edwards curve";
            throw new HsmException($"{keyName}: {curve} key; only Ed25519 is supported");
        }
        throw new HsmException($"{keyName}: key type {keyType} cannot sign TLS 1.3 CertificateVerify (EC, RSA or Ed25519 needed)");
    }

    private static int BitLength(byte[] bigEndian)
    {
        int i = 0;
        while (i < bigEndian.Length && bigEndian[i] == 0) i++;
        if (i == bigEndian.Length) return 0;
        return (bigEndian.Length - i - 1) * 8 + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)bigEndian[i]));
    }
}
