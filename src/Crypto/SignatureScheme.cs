using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>Signature schemes (RFC 8446 §4.2.3).</summary>
public enum SignatureScheme : ushort
{
    RsaPkcs1Sha256 = 0x0401,
    RsaPkcs1Sha384 = 0x0501,
    RsaPkcs1Sha512 = 0x0601,
    EcdsaSecp256r1Sha256 = 0x0403,
    EcdsaSecp384r1Sha384 = 0x0503,
    EcdsaSecp521r1Sha512 = 0x0603,
    RsaPssRsaeSha256 = 0x0804,
    RsaPssRsaeSha384 = 0x0805,
    RsaPssRsaeSha512 = 0x0806,
    Ed25519 = 0x0807,
    Ed448 = 0x0808,
    RsaPssPssSha256 = 0x0809,
    RsaPssPssSha384 = 0x080a,
    RsaPssPssSha512 = 0x080b,
    RsaPkcs1Sha1 = 0x0201,
    EcdsaSha1 = 0x0203,
}

public static class SignatureSchemes
{
    /// <summary>Schemes this engine signs and verifies in CertificateVerify, in default preference order.</summary>
    public static IReadOnlyList<SignatureScheme> Supported { get; } =
    [
        SignatureScheme.EcdsaSecp256r1Sha256, SignatureScheme.EcdsaSecp384r1Sha384, SignatureScheme.Ed25519,
        SignatureScheme.RsaPssRsaeSha256, SignatureScheme.RsaPssRsaeSha384, SignatureScheme.RsaPssRsaeSha512,
        SignatureScheme.RsaPssPssSha256, SignatureScheme.RsaPssPssSha384, SignatureScheme.RsaPssPssSha512,
    ];

    /// <summary>
    /// Schemes accepted in certificate signatures (signature_algorithms_cert, RFC 8446 §4.2.3):
    /// the above plus RSASSA-PKCS1-v1_5, which TLS 1.3 allows only there.
    /// </summary>
    public static IReadOnlyList<SignatureScheme> SupportedInCertificates { get; } =
    [
        .. Supported, SignatureScheme.RsaPkcs1Sha256, SignatureScheme.RsaPkcs1Sha384, SignatureScheme.RsaPkcs1Sha512,
    ];

    public static bool IsSupported(SignatureScheme s)
    {
        // Indexed: a foreach over the interface would box the array's enumerator on every signature check.
        var supported = Supported;
        for (int i = 0; i < supported.Count; i++)
        {
            if (supported[i] == s) return true;
        }
        return false;
    }

    /// <summary>The signature algorithm a scheme stands for.</summary>
    public static SignatureAlgorithm ToAlgorithm(SignatureScheme s) => s switch
    {
        SignatureScheme.EcdsaSecp256r1Sha256 => SignatureAlgorithm.Ecdsa(HashAlgorithmName.SHA256, EcCurve.P256),
        SignatureScheme.EcdsaSecp384r1Sha384 => SignatureAlgorithm.Ecdsa(HashAlgorithmName.SHA384, EcCurve.P384),
        SignatureScheme.EcdsaSecp521r1Sha512 => SignatureAlgorithm.Ecdsa(HashAlgorithmName.SHA512, EcCurve.P521),
        SignatureScheme.RsaPssRsaeSha256 or SignatureScheme.RsaPssPssSha256 => SignatureAlgorithm.RsaPss(HashAlgorithmName.SHA256, 32),
        SignatureScheme.RsaPssRsaeSha384 or SignatureScheme.RsaPssPssSha384 => SignatureAlgorithm.RsaPss(HashAlgorithmName.SHA384, 48),
        SignatureScheme.RsaPssRsaeSha512 or SignatureScheme.RsaPssPssSha512 => SignatureAlgorithm.RsaPss(HashAlgorithmName.SHA512, 64),
        SignatureScheme.RsaPkcs1Sha256 => SignatureAlgorithm.RsaPkcs1(HashAlgorithmName.SHA256),
        SignatureScheme.RsaPkcs1Sha384 => SignatureAlgorithm.RsaPkcs1(HashAlgorithmName.SHA384),
        SignatureScheme.RsaPkcs1Sha512 => SignatureAlgorithm.RsaPkcs1(HashAlgorithmName.SHA512),
        SignatureScheme.Ed25519 => SignatureAlgorithm.Ed25519,
        _ => throw new ArgumentOutOfRangeException(nameof(s), $"signature scheme 0x{(ushort)s:x4} is not supported"),
    };

    /// <summary>True for rsa_pss_pss_* (the key's SubjectPublicKeyInfo is id-RSASSA-PSS, RFC 8446 §4.2.3).</summary>
    public static bool RequiresPssKey(SignatureScheme s) =>
        s is SignatureScheme.RsaPssPssSha256 or SignatureScheme.RsaPssPssSha384 or SignatureScheme.RsaPssPssSha512;

    /// <summary>Name as OpenSSL's -sigalgs option spells it.</summary>
    public static string Name(SignatureScheme s) => s switch
    {
        SignatureScheme.EcdsaSecp256r1Sha256 => "ecdsa_secp256r1_sha256",
        SignatureScheme.EcdsaSecp384r1Sha384 => "ecdsa_secp384r1_sha384",
        SignatureScheme.EcdsaSecp521r1Sha512 => "ecdsa_secp521r1_sha512",
        SignatureScheme.RsaPssRsaeSha256 => "rsa_pss_rsae_sha256",
        SignatureScheme.RsaPssRsaeSha384 => "rsa_pss_rsae_sha384",
        SignatureScheme.RsaPssRsaeSha512 => "rsa_pss_rsae_sha512",
        SignatureScheme.RsaPssPssSha256 => "rsa_pss_pss_sha256",
        SignatureScheme.RsaPssPssSha384 => "rsa_pss_pss_sha384",
        SignatureScheme.RsaPssPssSha512 => "rsa_pss_pss_sha512",
        SignatureScheme.Ed25519 => "ed25519",
        SignatureScheme.Ed448 => "ed448",
        SignatureScheme.RsaPkcs1Sha256 => "rsa_pkcs1_sha256",
        SignatureScheme.RsaPkcs1Sha384 => "rsa_pkcs1_sha384",
        SignatureScheme.RsaPkcs1Sha512 => "rsa_pkcs1_sha512",
        SignatureScheme.RsaPkcs1Sha1 => "rsa_pkcs1_sha1",
        SignatureScheme.EcdsaSha1 => "ecdsa_sha1",
        _ => $"0x{(ushort)s:x4}",
    };

    public static bool TryParse(string name, out SignatureScheme scheme)
    {
        foreach (var s in SupportedInCertificates)
        {
            if (string.Equals(Name(s), name, StringComparison.OrdinalIgnoreCase))
            {
                scheme = s;
                return true;
            }
        }
        scheme = default;
        return false;
    }
}
