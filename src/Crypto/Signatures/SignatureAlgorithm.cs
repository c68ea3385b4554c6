using System.Security.Cryptography;

namespace TlsEngine.Crypto;

public enum SignatureKind : byte
{
    Ecdsa,
    RsaPkcs1,
    RsaPss,
    Ed25519,
}

/// <summary>Named elliptic curves used by ECDSA keys.</summary>
public enum EcCurve : byte
{
    Unknown,
    P256,
    P384,
    P521,
}

/// <summary>
/// A signature algorithm independent of where it is used: a TLS SignatureScheme (RFC 8446 §4.2.3)
/// or a certificate's signatureAlgorithm (RFC 5280 §4.1.1.2, RFC 4055 for RSASSA-PSS).
/// For ECDSA, <see cref="Curve"/> is the curve TLS 1.3 binds to the scheme, or Unknown when any curve is allowed
/// (certificate signatures).
/// </summary>
public readonly record struct SignatureAlgorithm(SignatureKind Kind, HashAlgorithmName Hash, int SaltLength, EcCurve Curve)
{
    public static SignatureAlgorithm Ecdsa(HashAlgorithmName hash, EcCurve curve = EcCurve.Unknown) => new(SignatureKind.Ecdsa, hash, 0, curve);
    public static SignatureAlgorithm RsaPkcs1(HashAlgorithmName hash) => new(SignatureKind.RsaPkcs1, hash, 0, EcCurve.Unknown);
    public static SignatureAlgorithm RsaPss(HashAlgorithmName hash, int saltLength) => new(SignatureKind.RsaPss, hash, saltLength, EcCurve.Unknown);
    public static SignatureAlgorithm Ed25519 { get; } = new(SignatureKind.Ed25519, default, 0, EcCurve.Unknown);

    public override string ToString() => Kind switch
    {
        SignatureKind.Ecdsa => $"ECDSA-{Hash.Name}",
        SignatureKind.RsaPkcs1 => $"RSA-PKCS1-{Hash.Name}",
        SignatureKind.RsaPss => $"RSA-PSS-{Hash.Name}(salt {SaltLength})",
        _ => "Ed25519",
    };
}
