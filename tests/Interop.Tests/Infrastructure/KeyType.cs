using TlsEngine.Crypto;

namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>The certificate key types of the test PKI (interop/gen-certs.sh).</summary>
public enum KeyType
{
    P256,
    P384,
    Rsa2048,
    Ed25519,
}

public static class KeyTypes
{
    public static readonly KeyType[] All = [KeyType.P256, KeyType.P384, KeyType.Rsa2048, KeyType.Ed25519];

    /// <summary>The file-name part gen-certs.sh uses (ca-p256.pem, server-rsa.key, ...).</summary>
    public static string FilePart(this KeyType k) => k switch
    {
        KeyType.P256 => "p256",
        KeyType.P384 => "p384",
        KeyType.Rsa2048 => "rsa",
        KeyType.Ed25519 => "ed25519",
        _ => throw new ArgumentOutOfRangeException(nameof(k)),
    };

    /// <summary>
    /// CertificateVerify schemes TLS 1.3 allows for a key of this type (RFC 8446 §4.2.3): ECDSA schemes are bound to
    /// their curve; an rsaEncryption key signs only with rsa_pss_rsae_*.
    /// </summary>
    public static IReadOnlyList<SignatureScheme> AllowedSchemes(this KeyType k) => k switch
    {
        KeyType.P256 => [SignatureScheme.EcdsaSecp256r1Sha256],
        KeyType.P384 => [SignatureScheme.EcdsaSecp384r1Sha384],
        KeyType.Rsa2048 => [SignatureScheme.RsaPssRsaeSha256, SignatureScheme.RsaPssRsaeSha384, SignatureScheme.RsaPssRsaeSha512],
        KeyType.Ed25519 => [SignatureScheme.Ed25519],
        _ => throw new ArgumentOutOfRangeException(nameof(k)),
    };

    /// <summary>The SPIFFE ID gen-certs.sh puts in client-ALG.pem.</summary>
    public static string ClientSpiffeId(this KeyType k) => $"spiffe://interop.test/client-{k.FilePart()}";
}
