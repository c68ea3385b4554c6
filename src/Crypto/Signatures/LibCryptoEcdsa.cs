using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>
/// ECDSA through libcrypto's EC_KEY interface: verification, and signing with software keys. Importing a public key this way costs about 2 µs, where
/// the BCL's import (which goes through OpenSSL 3's provider decoders and a full key check) costs over 100 µs — and
/// every handshake imports the peer's key. The point is checked to lie on the curve (o2i_ECPublicKey), which is the
/// whole validity check for prime-order curves (cofactor 1, SEC 1 §3.2.2.1). Probed once; when unavailable the BCL
/// path is used. Signing this way writes the DER signature into a caller's buffer with none of the per-call context
/// set-up (and managed allocations) of the BCL's <c>SignData</c>; OpenSSL derives each nonce from fresh randomness,
/// the private key and the digest.
/// </summary>
internal static partial class LibCryptoEcdsa
{
    private const string Library = LibCrypto.Name;
    private static readonly Lazy<nint[]?> Groups = new(LoadGroups);

    public static bool IsAvailable => Groups.Value is not null;

    private static nint[]? LoadGroups()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            // NIDs: X9_62_prime256v1 = 415, secp384r1 = 715, secp521r1 = 716. Groups are immutable and shared.
            nint[] groups = [0, EC_GROUP_new_by_curve_name(415), EC_GROUP_new_by_curve_name(715), EC_GROUP_new_by_curve_name(716)];
            if (groups[1] == 0 || groups[2] == 0 || groups[3] == 0) return null;
            if (!SelfTest(groups)) return null;
            return groups;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return null;
        }
    }

    private static bool SelfTest(nint[] groups)
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(false);
        byte[] point = [0x04, .. p.Q.X!, .. p.Q.Y!];
        var digest = SHA256.HashData("probe"u8);
        var sig = ec.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence);
        using var key = ImportCore(groups[1], point);
        if (key is null) return false;
        bool good = VerifyCore(key, digest, sig);
        sig[^1] ^= 1;
        return good && !VerifyCore(key, digest, sig);
    }

    /// <summary>Imports an uncompressed point on the curve; null when it is not a valid point.</summary>
    public static KeyHandle? Import(EcCurve curve, ReadOnlySpan<byte> point)
    {
        var groups = Groups.Value ?? throw new InvalidOperationException("libcrypto is not available");
        return ImportCore(groups[(int)curve], point);
    }

    private static KeyHandle? ImportCore(nint group, ReadOnlySpan<byte> point)
    {
        var key = new KeyHandle(EC_KEY_new());
        if (key.IsInvalid || EC_KEY_set_group(key.DangerousGetHandle(), group) != 1)
        {
            key.Dispose();
            return null;
        }
        nint handle = key.DangerousGetHandle();
        unsafe
        {
            fixed (byte* p = point)
            {
                nint cursor = (nint)p;
                if (o2i_ECPublicKey(ref handle, ref cursor, point.Length) == 0)
                {
                    key.Dispose();
                    return null;
                }
            }
        }
        return key;
    }

    /// <summary>
    /// Writes the key's point, uncompressed (0x04 || X || Y, as it was imported), to <paramref name="point"/>; false
    /// when it does not fit or libcrypto fails.
    /// </summary>
    public static bool ExportPoint(KeyHandle key, Span<byte> point)
    {
        bool added = false;
        try
        {
            key.DangerousAddRef(ref added); // throws ObjectDisposedException once the key is disposed
            nint handle = key.DangerousGetHandle();
            nint none = 0;
            int length = i2o_ECPublicKey(handle, ref none); // with no buffer: the length alone
            if (length <= 0 || length > point.Length)
                return false;
            unsafe
            {
                fixed (byte* p = point)
                {
                    nint cursor = (nint)p;
                    return i2o_ECPublicKey(handle, ref cursor) == length && p[0] == 0x04;
                }
            }
        }
        finally
        {
            if (added) key.DangerousRelease();
        }
    }

    /// <summary>
    /// Imports a private key (scalar <paramref name="d"/>) with its public point; null when libcrypto refuses it or
    /// the pair does not match (EC_KEY_check_key). The scalar is copied into a BIGNUM that is cleared when freed.
    /// </summary>
    public static KeyHandle? ImportPrivate(EcCurve curve, ReadOnlySpan<byte> point, ReadOnlySpan<byte> d)
    {
        var key = Import(curve, point);
        if (key is null) return null;
        unsafe
        {
            fixed (byte* p = d)
            {
                nint bn = BN_bin2bn(p, d.Length, 0);
                if (bn == 0)
                {
                    key.Dispose();
                    return null;
                }
                int ok = EC_KEY_set_private_key(key.DangerousGetHandle(), bn);
                BN_clear_free(bn);
                if (ok != 1 || EC_KEY_check_key(key.DangerousGetHandle()) != 1)
                {
                    key.Dispose();
                    return null;
                }
            }
        }
        return key;
    }

    /// <summary>Largest DER signature of any supported curve (P-521: 2 × 66-byte INTEGERs with headers).</summary>
    public const int MaxSignatureLength = 141;

    /// <summary>Signs a digest; writes the DER ECDSA-Sig-Value into <paramref name="signature"/> and returns its length.</summary>
    public static int Sign(KeyHandle key, ReadOnlySpan<byte> digest, Span<byte> signature)
    {
        bool added = false;
        try
        {
            key.DangerousAddRef(ref added);
            nint k = key.DangerousGetHandle();
            if (ECDSA_size(k) > signature.Length) throw new CryptographicException("ECDSA signature buffer too small");
            unsafe
            {
                fixed (byte* d = digest)
                fixed (byte* s = signature)
                {
                    uint length = 0;
                    if (ECDSA_sign(0, d, digest.Length, s, &length, k) != 1)
                        throw new CryptographicException("libcrypto ECDSA_sign failed");
                    return (int)length;
                }
            }
        }
        finally
        {
            if (added) key.DangerousRelease();
        }
    }

    /// <summary>Verifies a DER ECDSA-Sig-Value over a digest; libcrypto rejects non-canonical DER and trailing bytes.</summary>
    public static bool Verify(KeyHandle key, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature) => VerifyCore(key, digest, signature);

    private static bool VerifyCore(KeyHandle key, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        bool added = false;
        try
        {
            key.DangerousAddRef(ref added);
            unsafe
            {
                fixed (byte* d = digest)
                fixed (byte* s = signature)
                {
                    return ECDSA_verify(0, d, digest.Length, s, signature.Length, key.DangerousGetHandle()) == 1;
                }
            }
        }
        finally
        {
            if (added) key.DangerousRelease();
        }
    }

    internal sealed class KeyHandle : SafeHandle
    {
        public KeyHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle()
        {
            EC_KEY_free(handle);
            return true;
        }
    }

    [LibraryImport(Library)]
    private static partial nint EC_GROUP_new_by_curve_name(int nid);

    [LibraryImport(Library)]
    private static partial nint EC_KEY_new();

    [LibraryImport(Library)]
    private static partial int EC_KEY_set_group(nint key, nint group);

    [LibraryImport(Library)]
    private static partial nint o2i_ECPublicKey(ref nint key, ref nint input, nint length);

    [LibraryImport(Library)]
    private static partial void EC_KEY_free(nint key);

    [LibraryImport(Library)]
    private static partial int i2o_ECPublicKey(nint key, ref nint output);

    [LibraryImport(Library)]
    private static unsafe partial nint BN_bin2bn(byte* s, int length, nint ret);

    [LibraryImport(Library)]
    private static partial void BN_clear_free(nint bn);

    [LibraryImport(Library)]
    private static partial int EC_KEY_set_private_key(nint key, nint priv);

    [LibraryImport(Library)]
    private static partial int EC_KEY_check_key(nint key);

    [LibraryImport(Library)]
    private static partial int ECDSA_size(nint key);

    [LibraryImport(Library)]
    private static unsafe partial int ECDSA_sign(int type, byte* digest, int digestLength, byte* signature, uint* signatureLength, nint key);

    [LibraryImport(Library)]
    private static unsafe partial int ECDSA_verify(int type, byte* digest, int digestLength, byte* signature, int signatureLength, nint key);
}
