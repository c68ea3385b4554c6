using System.Security.Cryptography;
using BcEd25519 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace TlsEngine.Crypto;

/// <summary>An Ed25519 public key (RFC 8032), verified with BouncyCastle (the BCL has no Ed25519).</summary>
internal sealed class Ed25519PublicKey : PublicKey
{
    private readonly byte[] _key;

    public Ed25519PublicKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != BcEd25519.PublicKeySize)
            throw new CryptographicException("Ed25519 public key must be 32 bytes");
        _key = key.ToArray();
        if (!BcEd25519.ValidatePublicKeyPartial(_key, 0))
            throw new CryptographicException("Ed25519 public key is not a valid curve point");
    }

    public override PublicKeyType Type => PublicKeyType.Ed25519;
    public override int KeySizeBits => 256;

    public override bool Verify(SignatureAlgorithm algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (algorithm.Kind != SignatureKind.Ed25519 || signature.Length != BcEd25519.SignatureSize)
            return false;
        return BcEd25519.Verify(signature.ToArray(), 0, _key, 0, data.ToArray(), 0, data.Length);
    }
}
