using System.Security.Cryptography;
using TlsEngine.Crypto;

namespace TlsEngine.Fuzz.Support;

/// <summary>
/// Randomness and ephemeral keys that are the same on every run: random values are a fixed byte pattern, X25519
/// private keys come from it, and P-256/P-384 shares use fixed scalars. With an Ed25519 certificate (deterministic
/// signatures) a whole handshake is byte-for-byte reproducible, so a flight recorded once decrypts under replay.
/// Fuzzing only: no security.
/// </summary>
public sealed class DeterministicProvider : CryptoProvider
{
    private readonly byte _seed;

    public DeterministicProvider(byte seed) => _seed = seed;

    public override void FillRandom(Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = (byte)(_seed + i);
    }

    public override KeyShare GenerateKeyShare(NamedGroup group) => group switch
    {
        NamedGroup.Secp256r1 => new FixedEcdhKeyShare(group, ECCurve.NamedCurves.nistP256, 32, _seed),
        NamedGroup.Secp384r1 => new FixedEcdhKeyShare(group, ECCurve.NamedCurves.nistP384, 48, _seed),
        _ => base.GenerateKeyShare(group),
    };
}
