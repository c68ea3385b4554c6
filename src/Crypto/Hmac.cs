using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>
/// HMAC (RFC 2104) computed on a hash context kept per thread and reused: H((K ^ opad) || H((K ^ ipad) || text)). A TLS
/// 1.3 handshake runs some thirty HMACs per side (every HKDF-Extract, HKDF-Expand-Label and Finished, RFC 8446 §7.1,
/// §4.4.4); the BCL's one-shot HMAC and HKDF set up a new OpenSSL context with a provider lookup on every call, which
/// costs more than the hashing. Keys longer than the block are hashed first (RFC 2104 §2). The padded key blocks live
/// on the stack and are cleared before returning.
/// </summary>
internal static class Hmac
{
    [ThreadStatic] private static IncrementalHash? t_sha256;
    [ThreadStatic] private static IncrementalHash? t_sha384;
    [ThreadStatic] private static IncrementalHash? t_sha512;

    /// <summary>Output length of <paramref name="hash"/> (SHA-256, SHA-384 or SHA-512).</summary>
    public static int HashLength(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA256 ? 32 : hash == HashAlgorithmName.SHA384 ? 48 : hash == HashAlgorithmName.SHA512 ? 64
        : throw new CryptographicException($"HMAC with {hash.Name} is not supported");

    /// <summary>HMAC-<paramref name="hash"/>(<paramref name="key"/>, <paramref name="data"/>) into the first hash-length bytes of <paramref name="mac"/>.</summary>
    public static void Compute(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> mac) =>
        Compute(hash, key, data, default, default, mac);

    /// <summary>HMAC over the concatenation <paramref name="a"/> || <paramref name="b"/> || <paramref name="c"/>, without copying them together.</summary>
    public static void Compute(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, Span<byte> mac)
    {
        int length = HashLength(hash);
        if (mac.Length < length) throw new ArgumentException("the MAC buffer is shorter than the hash", nameof(mac));
        int block = length == 32 ? 64 : 128;
        IncrementalHash h = Context(hash);
        Span<byte> pad = stackalloc byte[128];
        Span<byte> inner = stackalloc byte[64];
        pad = pad[..block];
        pad.Clear();
        try
        {
            if (key.Length > block)
            {
                h.AppendData(key);
                h.GetHashAndReset(pad);
            }
            else
            {
                key.CopyTo(pad);
            }
            for (int i = 0; i < block; i++) pad[i] ^= 0x36;
            h.AppendData(pad);
            h.AppendData(a);
            h.AppendData(b);
            h.AppendData(c);
            h.GetHashAndReset(inner[..length]);
            for (int i = 0; i < block; i++) pad[i] ^= 0x36 ^ 0x5C;
            h.AppendData(pad);
            h.AppendData(inner[..length]);
            h.GetHashAndReset(mac[..length]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pad);
            CryptographicOperations.ZeroMemory(inner);
        }
    }

    private static IncrementalHash Context(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA256 ? t_sha256 ??= IncrementalHash.CreateHash(hash)
        : hash == HashAlgorithmName.SHA384 ? t_sha384 ??= IncrementalHash.CreateHash(hash)
        : t_sha512 ??= IncrementalHash.CreateHash(hash);
}
