using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>
/// One ephemeral (EC)DHE key pair for a named group (RFC 8446 §4.2.8). The private part never leaves the instance
/// and is cleared on <see cref="Dispose"/>.
/// </summary>
public abstract class KeyShare : IDisposable
{
    public abstract NamedGroup Group { get; }

    /// <summary>The key_exchange value to send (RFC 8446 §4.2.8.2 for secp curves, RFC 7748 §6 for X25519).</summary>
    public abstract ReadOnlySpan<byte> PublicKey { get; }

    /// <summary>
    /// Computes the shared secret with the peer's key_exchange value. Throws <see cref="CryptographicException"/>
    /// when the peer's value is malformed, not on the curve, or yields the all-zero X25519 output (RFC 8446 §7.4.2).
    /// </summary>
    public abstract byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey);

    public abstract void Dispose();
}

/// <summary>
/// X25519 (RFC 7748): the public key from <see cref="X25519FixedBase"/>; the shared secret from the platform libcrypto
/// when present (<see cref="LibCryptoX25519"/>), else BouncyCastle's constant-time implementation. The private key
/// always comes from the provider's randomness.
/// </summary>
internal sealed class X25519KeyShare : KeyShare
{
    private readonly byte[] _private = new byte[32];
    private readonly byte[] _public = new byte[32];
    private readonly bool _native;
    private LibCryptoX25519.PrivateKeyHandle? _key;

    public X25519KeyShare(CryptoProvider provider, bool useLibCrypto = true)
    {
        provider.FillRandom(_private);
        _native = useLibCrypto && LibCryptoX25519.IsAvailable;
        ComputePublic();
    }

    /// <summary>Fixed private key, for test vectors (RFC 8448).</summary>
    internal X25519KeyShare(ReadOnlySpan<byte> privateKey, bool useLibCrypto = true)
    {
        privateKey.CopyTo(_private);
        _native = useLibCrypto && LibCryptoX25519.IsAvailable;
        ComputePublic();
    }

    private void ComputePublic()
    {
        if (_native) _key = LibCryptoX25519.Import(_private, _public);
        else X25519FixedBase.PublicKey(_private, _public);
    }

    public override NamedGroup Group => NamedGroup.X25519;
    public override ReadOnlySpan<byte> PublicKey => _public;

    public override byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey)
    {
        if (peerPublicKey.Length != 32)
            throw new CryptographicException("X25519 key share must be 32 bytes");
        var shared = new byte[32];
        bool ok = _native
            ? LibCryptoX25519.Agree(_key!, peerPublicKey, shared)
            : Org.BouncyCastle.Math.EC.Rfc7748.X25519.CalculateAgreement(_private, 0, peerPublicKey.ToArray(), 0, shared, 0);
        if (!ok)
            throw new CryptographicException("X25519 shared secret is all zeros (RFC 8446 §7.4.2)");
        return shared;
    }

    public override void Dispose()
    {
        CryptographicOperations.ZeroMemory(_private);
        _key?.Dispose();
    }
}

/// <summary>ECDHE over P-256 / P-384 with the BCL (RFC 8446 §7.4.2: the shared secret is the X coordinate).</summary>
internal sealed class EcdhKeyShare : KeyShare
{
    private readonly ECDiffieHellman _key;
    private readonly byte[] _public;
    private readonly NamedGroup _group;
    private readonly EcCurve _curve;

    public EcdhKeyShare(NamedGroup group)
    {
        _group = group;
        _curve = group switch
        {
            NamedGroup.Secp256r1 => EcCurve.P256,
            NamedGroup.Secp384r1 => EcCurve.P384,
            NamedGroup.Secp521r1 => EcCurve.P521,
            _ => throw new ArgumentOutOfRangeException(nameof(group)),
        };
        _key = ECDiffieHellman.Create(EcCurves.ToBcl(_curve));
        var p = _key.ExportParameters(false);
        // UncompressedPointRepresentation (RFC 8446 §4.2.8.2): legacy_form = 4, X, Y.
        _public = [0x04, .. p.Q.X!, .. p.Q.Y!];
    }

    public override NamedGroup Group => _group;
    public override ReadOnlySpan<byte> PublicKey => _public;

    public override byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey)
    {
        int coord = EcCurves.CoordinateLength(_curve);
        if (peerPublicKey.Length != 1 + 2 * coord || peerPublicKey[0] != 0x04)
            throw new CryptographicException($"{NamedGroups.Name(_group)} key share must be an uncompressed point of {1 + 2 * coord} bytes");
        // Importing validates that the point is on the curve (RFC 8446 §4.2.8.2).
        using var peer = ECDiffieHellman.Create(new ECParameters
        {
            Curve = EcCurves.ToBcl(_curve),
            Q = new ECPoint { X = peerPublicKey.Slice(1, coord).ToArray(), Y = peerPublicKey.Slice(1 + coord, coord).ToArray() },
        });
        return _key.DeriveRawSecretAgreement(peer.PublicKey);
    }

    public override void Dispose() => _key.Dispose();
}
