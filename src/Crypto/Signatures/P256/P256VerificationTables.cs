namespace TlsEngine.Crypto;

/// <summary>
/// When a P-256 public key gets a <see cref="P256VerificationTable"/>: once it has verified
/// <see cref="BuildAfter"/> signatures (a trust anchor after a few handshakes, a peer key kept by the validated-chain
/// cache), built on the thread pool, and no more than <see cref="MaxLive"/> tables at once (256 KiB each), so that a
/// process with many busy keys spends at most 16 MiB on them (a key refused a table for that verifies through libcrypto
/// from then on). A table is counted until it is collected. The AppContext
/// switch <c>TlsEngine.DisableP256VerificationTables</c> turns them off (every verification then goes through
/// libcrypto or the BCL).
/// </summary>
internal static class P256VerificationTables
{
    public const int BuildAfter = 8;
    public const int MaxLive = 64;

    /// <summary>False when the AppContext switch turns the tables off (read once).</summary>
    public static readonly bool Enabled = !(AppContext.TryGetSwitch("TlsEngine.DisableP256VerificationTables", out bool disabled) && disabled);

    private static int s_live;

    /// <summary>
    /// A table for the uncompressed point (0x04 || X || Y), with the generator's table built first; null when
    /// <see cref="MaxLive"/> tables exist or the point is not a P-256 point.
    /// </summary>
    public static P256VerificationTable? TryBuild(ReadOnlySpan<byte> point)
    {
        if (point.Length != 65 || point[0] != 0x04)
            return null;
        if (Interlocked.Increment(ref s_live) > MaxLive)
        {
            Interlocked.Decrement(ref s_live);
            return null;
        }
        try
        {
            _ = P256VerificationTable.Generator;
            var affine = P256Curve.FromCoordinates(U256.FromBigEndian(point.Slice(1, 32)), U256.FromBigEndian(point.Slice(33, 32)));
            return new P256VerificationTable(affine, counted: true);
        }
        catch (Exception e) when (e is ArgumentException or OutOfMemoryException)
        {
            // Not on the curve, or no memory for the table: the key goes on verifying through libcrypto.
            Interlocked.Decrement(ref s_live);
            return null;
        }
    }

    /// <summary>Called once by a counted table's finalizer.</summary>
    internal static void Release() => Interlocked.Decrement(ref s_live);
}
