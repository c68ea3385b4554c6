using System.Security.Cryptography;

namespace TlsEngine.Crypto;

public enum PublicKeyType : byte
{
    Ec,
    Rsa,
    /// <summary>An RSA key whose SubjectPublicKeyInfo is id-RSASSA-PSS: it may only make PSS signatures (RFC 4055 §1.2).</summary>
    RsaPss,
    Ed25519,
}

/// <summary>
/// A parsed, imported public key that verifies signatures. Instances are immutable and safe to share
/// between threads, so callers may cache them (trust anchors, chains seen before).
/// </summary>
public abstract class PublicKey : IDisposable
{
    public abstract PublicKeyType Type { get; }

    /// <summary>Key size in bits (modulus size for RSA, field size for EC, 256 for Ed25519).</summary>
    public abstract int KeySizeBits { get; }

    /// <summary>The named curve of an EC key, otherwise <see cref="EcCurve.Unknown"/>.</summary>
    public virtual EcCurve Curve => EcCurve.Unknown;

    /// <summary>
    /// Verifies <paramref name="signature"/> over <paramref name="data"/>. Returns false for a wrong signature,
    /// a malformed signature, or an algorithm this key cannot make; never throws for bad input.
    /// </summary>
    public abstract bool Verify(SignatureAlgorithm algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);

    /// <summary>True if this key can make signatures of the given TLS scheme (key type and, for ECDSA, curve).</summary>
    public bool IsCompatible(SignatureScheme scheme)
    {
        if (!SignatureSchemes.IsSupported(scheme) && scheme is not (SignatureScheme.RsaPkcs1Sha256 or SignatureScheme.RsaPkcs1Sha384 or SignatureScheme.RsaPkcs1Sha512))
            return false;
        var alg = SignatureSchemes.ToAlgorithm(scheme);
        return Type switch
        {
            PublicKeyType.Ec => alg.Kind == SignatureKind.Ecdsa && alg.Curve == Curve,
            PublicKeyType.Rsa => alg.Kind is SignatureKind.RsaPss or SignatureKind.RsaPkcs1 && !SignatureSchemes.RequiresPssKey(scheme),
            PublicKeyType.RsaPss => alg.Kind == SignatureKind.RsaPss && SignatureSchemes.RequiresPssKey(scheme),
            PublicKeyType.Ed25519 => alg.Kind == SignatureKind.Ed25519,
            _ => false,
        };
    }

    /// <summary>Imports an EC public key from its uncompressed point (0x04 || X || Y, SEC 1 §2.3.3).</summary>
    /// <exception cref="CryptographicException">The point is malformed or not on the curve.</exception>
    public static PublicKey CreateEc(EcCurve curve, ReadOnlySpan<byte> uncompressedPoint) => new EcPublicKey(curve, uncompressedPoint);

    /// <summary>Imports an RSA public key from its big-endian modulus and exponent.</summary>
    public static PublicKey CreateRsa(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> exponent, bool pssOnly) =>
        new RsaPublicKey(modulus, exponent, pssOnly);

    /// <summary>Imports an Ed25519 public key (32 bytes, RFC 8032 §5.1.5).</summary>
    public static PublicKey CreateEd25519(ReadOnlySpan<byte> key) => new Ed25519PublicKey(key);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
