using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>
/// An ECDSA public key on P-256, P-384 or P-521: verified through libcrypto's EC_KEY interface when available
/// (<see cref="LibCryptoEcdsa"/>, cheap to import), otherwise with the BCL; a P-256 key that has verified
/// <see cref="P256VerificationTables.BuildAfter"/> signatures through its own <see cref="P256VerificationTable"/>.
/// </summary>
internal sealed class EcPublicKey : PublicKey
{
    private readonly ECDsa? _key;
    private readonly LibCryptoEcdsa.KeyHandle? _native;
    private readonly EcCurve _curve;

    // A P-256 key counts its verifications until it has a table (the point is read back from the key to build one: no
    // copy of it is kept, as most keys — a peer's leaf — verify once).
    private int _verifications;
    private P256VerificationTable? _table;

    /// <param name="curve">The key's curve.</param>
    /// <param name="point">The uncompressed point.</param>
    /// <param name="useLibCrypto">False to hold the key in the BCL even where libcrypto is present (the path taken
    /// where it is missing; for tests).</param>
    public EcPublicKey(EcCurve curve, ReadOnlySpan<byte> point, bool useLibCrypto = true)
    {
        int coord = EcCurves.CoordinateLength(curve);
        if (coord == 0)
            throw new CryptographicException("unsupported elliptic curve");
        if (point.Length != 1 + 2 * coord || point[0] != 0x04)
            throw new CryptographicException($"EC point for {curve} must be uncompressed (0x04 || X || Y, {1 + 2 * coord} bytes)");
        _curve = curve;
        if (useLibCrypto && LibCryptoEcdsa.IsAvailable)
        {
            _native = LibCryptoEcdsa.Import(curve, point) ?? throw new CryptographicException($"EC point is not on {curve}");
            return;
        }
        // ECDsa.Create validates that the point lies on the curve.
        _key = ECDsa.Create(new ECParameters
        {
            Curve = EcCurves.ToBcl(curve),
            Q = new ECPoint { X = point.Slice(1, coord).ToArray(), Y = point.Slice(1 + coord, coord).ToArray() },
        });
    }

    public override PublicKeyType Type => PublicKeyType.Ec;
    public override EcCurve Curve => _curve;
    public override int KeySizeBits => EcCurves.CoordinateLength(_curve) == 66 ? 521 : EcCurves.CoordinateLength(_curve) * 8;

    public override bool Verify(SignatureAlgorithm algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (algorithm.Kind != SignatureKind.Ecdsa)
            return false;
        if (algorithm.Curve != EcCurve.Unknown && algorithm.Curve != _curve)
            return false;
        try
        {
            var table = _curve == EcCurve.P256 && P256VerificationTables.Enabled ? VerificationTable() : null;
            if (table is not null || _native is not null)
            {
                Span<byte> digest = stackalloc byte[64];
                int n = HashData(algorithm.Hash, data, digest);
                if (n == 0)
                    return false;
                return table is not null ? table.Verify(digest[..n], signature) : LibCryptoEcdsa.Verify(_native!, digest[..n], signature);
            }
            return _key!.VerifyData(data, signature, algorithm.Hash, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Whether this key verifies through a precomputed table (built in the background once it is busy).</summary>
    internal bool HasVerificationTable => Volatile.Read(ref _table) is not null;

    /// <summary>
    /// This P-256 key's table, or null while it has none. The <see cref="P256VerificationTables.BuildAfter"/>th
    /// verification starts building one on the thread pool; the verifications until it is ready go through libcrypto.
    /// </summary>
    private P256VerificationTable? VerificationTable()
    {
        var table = Volatile.Read(ref _table);
        if (table is null && Volatile.Read(ref _verifications) < P256VerificationTables.BuildAfter
            && Interlocked.Increment(ref _verifications) == P256VerificationTables.BuildAfter)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static key =>
            {
                Span<byte> point = stackalloc byte[65];
                if (key.TryExportPoint(point) && P256VerificationTables.TryBuild(point) is { } built)
                    Volatile.Write(ref key._table, built);
            }, this, preferLocal: false);
        }
        return table;
    }

    /// <summary>The uncompressed point (0x04 || X || Y) of this key, from libcrypto or the BCL.</summary>
    private bool TryExportPoint(Span<byte> point)
    {
        try
        {
            if (_native is not null)
                return LibCryptoEcdsa.ExportPoint(_native, point);
            var q = _key!.ExportParameters(includePrivateParameters: false).Q;
            int coord = EcCurves.CoordinateLength(_curve);
            if (q.X is null || q.Y is null || q.X.Length != coord || q.Y.Length != coord || point.Length < 1 + 2 * coord)
                return false;
            point[0] = 0x04;
            q.X.CopyTo(point[1..]);
            q.Y.CopyTo(point[(1 + coord)..]);
            return true;
        }
        catch (Exception e) when (e is CryptographicException or ObjectDisposedException)
        {
            return false;
        }
    }

    private static int HashData(HashAlgorithmName hash, ReadOnlySpan<byte> data, Span<byte> digest)
    {
        if (hash == HashAlgorithmName.SHA256 || hash == HashAlgorithmName.SHA384 || hash == HashAlgorithmName.SHA512)
            return Sha2Context.HashData(hash, data, digest);
        if (hash == HashAlgorithmName.SHA1) return SHA1.HashData(data, digest);
        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        _key?.Dispose();
        _native?.Dispose();
    }
}

internal static class EcCurves
{
    public static int CoordinateLength(EcCurve c) => c switch
    {
        EcCurve.P256 => 32,
        EcCurve.P384 => 48,
        EcCurve.P521 => 66,
        _ => 0,
    };

    public static ECCurve ToBcl(EcCurve c) => c switch
    {
        EcCurve.P256 => ECCurve.NamedCurves.nistP256,
        EcCurve.P384 => ECCurve.NamedCurves.nistP384,
        EcCurve.P521 => ECCurve.NamedCurves.nistP521,
        _ => throw new CryptographicException("unsupported elliptic curve"),
    };

    public static EcCurve FromBcl(ECCurve c) => c.Oid?.Value switch
    {
        "1.2.840.10045.3.1.7" => EcCurve.P256,
        "1.3.132.0.34" => EcCurve.P384,
        "1.3.132.0.35" => EcCurve.P521,
        _ => c.Oid?.FriendlyName switch
        {
            "nistP256" or "ECDSA_P256" or "prime256v1" => EcCurve.P256,
            "nistP384" or "ECDSA_P384" or "secp384r1" => EcCurve.P384,
            "nistP521" or "ECDSA_P521" or "secp521r1" => EcCurve.P521,
            _ => EcCurve.Unknown,
        },
    };
}
