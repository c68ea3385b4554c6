using System.Security.Cryptography;
using TlsEngine.Crypto;

namespace TlsEngine.Fuzz.Support;

/// <summary>An ECDHE share with a fixed private scalar (fuzzing only), behaving as the engine's own EC share does.</summary>
internal sealed class FixedEcdhKeyShare : KeyShare
{
    private readonly ECDiffieHellman _key;
    private readonly ECCurve _curve;
    private readonly int _coord;
    private readonly byte[] _public;

    public FixedEcdhKeyShare(NamedGroup group, ECCurve curve, int coordinateLength, byte seed)
    {
        Group = group;
        _curve = curve;
        _coord = coordinateLength;
        var d = new byte[coordinateLength];
        d[^1] = seed;
        d[0] = 0x01;
        _key = ECDiffieHellman.Create(new ECParameters { Curve = curve, D = d });
        var p = _key.ExportParameters(false);
        _public = [0x04, .. p.Q.X!, .. p.Q.Y!];
    }

    public override NamedGroup Group { get; }

    public override ReadOnlySpan<byte> PublicKey => _public;

    public override byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey)
    {
        if (peerPublicKey.Length != 1 + 2 * _coord || peerPublicKey[0] != 0x04)
            throw new CryptographicException("key share must be an uncompressed point");
        using var peer = ECDiffieHellman.Create(new ECParameters
        {
            Curve = _curve,
            Q = new ECPoint { X = peerPublicKey.Slice(1, _coord).ToArray(), Y = peerPublicKey.Slice(1 + _coord, _coord).ToArray() },
        });
        return _key.DeriveRawSecretAgreement(peer.PublicKey);
    }

    public override void Dispose() => _key.Dispose();
}
