using System.Security.Cryptography;
using BcEd25519 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace TlsEngine.Crypto;

/// <summary>An ECDSA private key held in memory (BCL). Signs with the scheme bound to its curve (RFC 8446 §4.2.3).</summary>
public sealed class EcdsaSigningKey : ISigningKey, IDisposable
{
    private readonly ECDsa _key;
    private readonly LibCryptoEcdsa.KeyHandle? _native;

    public EcdsaSigningKey(ECDsa key)
    {
        _key = key;
        Curve = EcCurves.FromBcl(key.ExportParameters(false).Curve);
        Schemes = Curve switch
        {
            EcCurve.P256 => [SignatureScheme.EcdsaSecp256r1Sha256],
            EcCurve.P384 => [SignatureScheme.EcdsaSecp384r1Sha384],
            EcCurve.P521 => [SignatureScheme.EcdsaSecp521r1Sha512],
            _ => throw new CryptographicException("ECDSA key is on an unsupported curve"),
        };
        _native = TryImportNative(key, Curve);
    }

    public EcCurve Curve { get; }
    public IReadOnlyList<SignatureScheme> Schemes { get; }

    // The longest DER ECDSA-Sig-Value this type writes (P-521).
    private const int MaxSignatureLength = LibCryptoEcdsa.MaxSignatureLength;

    public byte[] Sign(SignatureScheme scheme, ReadOnlySpan<byte> content)
    {
        Span<byte> signature = stackalloc byte[MaxSignatureLength];
        return signature[..SignInto(scheme, content, signature)].ToArray();
    }

    /// <summary>The DER ECDSA-Sig-Value of RFC 8446 §4.2.3 into <paramref name="destination"/>, when it has room for the longest.</summary>
    public bool TrySign(SignatureScheme scheme, ReadOnlySpan<byte> content, Span<byte> destination, out int written)
    {
        written = destination.Length >= MaxSignatureLength ? SignInto(scheme, content, destination) : 0;
        return written > 0;
    }

    // Signs into signature (at least MaxSignatureLength bytes); returns the length.
    private int SignInto(SignatureScheme scheme, ReadOnlySpan<byte> content, Span<byte> signature)
    {
        if (scheme != Schemes[0])
            throw new SigningException($"an ECDSA {Curve} key cannot sign {SignatureSchemes.Name(scheme)}");
        var hash = SignatureSchemes.ToAlgorithm(scheme).Hash;
        if (_native is null)
        {
            return _key.TrySignData(content, signature, hash, DSASignatureFormat.Rfc3279DerSequence, out int written)
                ? written
                : throw new SigningException("the ECDSA signature did not fit its buffer");
        }
        Span<byte> digest = stackalloc byte[64];
        digest = digest[..Sha2Context.HashData(hash, content, digest)];
        return LibCryptoEcdsa.Sign(_native, digest, signature);
    }

    public void Dispose()
    {
        _native?.Dispose();
        _key.Dispose();
    }

    // The private scalar into libcrypto's EC_KEY when the key can be exported (keys loaded from files can); otherwise,
    // or without libcrypto, signing stays with the BCL.
    private static LibCryptoEcdsa.KeyHandle? TryImportNative(ECDsa key, EcCurve curve)
    {
        if (!LibCryptoEcdsa.IsAvailable) return null;
        ECParameters p;
        try
        {
            p = key.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException)
        {
            return null;
        }
        try
        {
            if (p.D is null || p.Q.X is null || p.Q.Y is null) return null;
            byte[] point = [0x04, .. p.Q.X, .. p.Q.Y];
            return LibCryptoEcdsa.ImportPrivate(curve, point, p.D);
        }
        finally
        {
            if (p.D is not null) CryptographicOperations.ZeroMemory(p.D);
        }
    }
}

/// <summary>
/// An RSA private key held in memory (BCL). TLS 1.3 signs only with RSASSA-PSS, salt length = hash length
/// (RFC 8446 §4.2.3): rsa_pss_rsae_* for rsaEncryption keys, rsa_pss_pss_* for id-RSASSA-PSS keys.
/// </summary>
public sealed class RsaSigningKey : ISigningKey, IDisposable
{
    private readonly RSA _key;

    public RsaSigningKey(RSA key, bool pssKey = false)
    {
        _key = key;
        IsPssKey = pssKey;
        Schemes = pssKey
            ? [SignatureScheme.RsaPssPssSha256, SignatureScheme.RsaPssPssSha384, SignatureScheme.RsaPssPssSha512]
            : [SignatureScheme.RsaPssRsaeSha256, SignatureScheme.RsaPssRsaeSha384, SignatureScheme.RsaPssRsaeSha512];
    }

    /// <summary>True if the key's algorithm is id-RSASSA-PSS rather than rsaEncryption.</summary>
    public bool IsPssKey { get; }
    public IReadOnlyList<SignatureScheme> Schemes { get; }

    public byte[] Sign(SignatureScheme scheme, ReadOnlySpan<byte> content)
    {
        if (!Schemes.Contains(scheme))
            throw new SigningException($"this RSA key cannot sign {SignatureSchemes.Name(scheme)}");
        return _key.SignData(content, SignatureSchemes.ToAlgorithm(scheme).Hash, RSASignaturePadding.Pss);
    }

    public void Dispose() => _key.Dispose();
}

/// <summary>An Ed25519 private key held in memory (RFC 8032), signed with BouncyCastle.</summary>
public sealed class Ed25519SigningKey : ISigningKey, IDisposable
{
    private readonly byte[] _seed;

    /// <param name="seed">The 32-byte private key (RFC 8032 §5.1.5); copied.</param>
    public Ed25519SigningKey(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != BcEd25519.SecretKeySize)
            throw new CryptographicException("Ed25519 private key must be 32 bytes");
        _seed = seed.ToArray();
        PublicKey = new byte[BcEd25519.PublicKeySize];
        BcEd25519.GeneratePublicKey(_seed, 0, PublicKey, 0);
    }

    public byte[] PublicKey { get; }
    public IReadOnlyList<SignatureScheme> Schemes { get; } = [SignatureScheme.Ed25519];

    public byte[] Sign(SignatureScheme scheme, ReadOnlySpan<byte> content)
    {
        if (scheme != SignatureScheme.Ed25519)
            throw new SigningException($"an Ed25519 key cannot sign {SignatureSchemes.Name(scheme)}");
        var sig = new byte[BcEd25519.SignatureSize];
        BcEd25519.Sign(_seed, 0, content.ToArray(), 0, content.Length, sig, 0);
        return sig;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_seed);
}
