using TlsEngine.Crypto;
using TlsEngine.Fuzz.Support;

namespace TlsEngine.Fuzz.Targets;

/// <summary>
/// The engine's table-based P-256 ECDSA verification (<see cref="P256VerificationTable"/>) against libcrypto's, on the
/// key of fuzz/pki/ca-p256.pem: the first byte picks the digest length (20, 32, 48 or 64 bytes, from the bytes that
/// follow it), the rest is the DER signature. A verdict that differs from libcrypto's is a finding (thrown).
/// </summary>
public static class P256VerifyTarget
{
    private static readonly Lazy<(P256VerificationTable Table, LibCryptoEcdsa.KeyHandle? Native)> s_key = new(() =>
    {
        var spki = FuzzPki.Cert("ca-p256.pem").SubjectPublicKeyInfo.Span;
        var point = spki[^65..];
        var table = new P256VerificationTable(P256Curve.FromCoordinates(U256.FromBigEndian(point.Slice(1, 32)), U256.FromBigEndian(point.Slice(33, 32))), counted: false);
        return (table, LibCryptoEcdsa.IsAvailable ? LibCryptoEcdsa.Import(EcCurve.P256, point) : null);
    });

    private static readonly int[] s_digestLengths = [20, 32, 48, 64];

    public static void Run(byte[] input)
    {
        if (input.Length == 0) return;
        int digestLength = s_digestLengths[input[0] & 3];
        if (input.Length < 1 + digestLength) return;
        var digest = input.AsSpan(1, digestLength);
        var signature = input.AsSpan(1 + digestLength);
        var (table, native) = s_key.Value;
        bool ours = table.Verify(digest, signature);
        if (native is not null && ours != LibCryptoEcdsa.Verify(native, digest, signature))
            throw new InvalidOperationException($"P-256 verdicts differ: ours {ours}, libcrypto {!ours}");
    }
}
