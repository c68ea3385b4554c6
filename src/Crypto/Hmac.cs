using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>
/// HMAC (RFC 2104): H((K ^ opad) || H((K ^ ipad) || text)). A TLS 1.3 handshake runs some thirty HMACs per side (every
/// HKDF-Extract, HKDF-Expand-Label and Finished, RFC 8446 §7.1, §4.4.4); the BCL's one-shot HMAC and HKDF set up a new
/// OpenSSL context with a provider lookup on every call, which costs more than the hashing, so the two hashes run on a
/// <see cref="Sha2Context"/> on the stack. Keys longer than the block are hashed first (RFC 2104 §2). The padded key
/// blocks and the hash state are cleared before returning.
/// </summary>
internal static class Hmac
{
    /// <summary>Output length of <paramref name="hash"/> (SHA-256, SHA-384 or SHA-512).</summary>
    public static int HashLength(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA256 ? 32 : hash == HashAlgorithmName.SHA384 ? 48 : hash == HashAlgorithmName.SHA512 ? 64
        : throw new CryptographicException($"HMAC with {hash.Name} is not supported");

    /// <summary>HMAC-<paramref name="hash"/>(<paramref name="key"/>, <paramref name="data"/>) into the first hash-length bytes of <paramref name="mac"/>.</summary>
    public static void Compute(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> mac) =>
        Compute(hash, key, data, default, default, mac);

    /// <summary>HMAC over the concatenation <paramref name="a"/> || <paramref name="b"/> || <paramref name="c"/>, without copying them together.</summary>
    [SkipLocalsInit] // every byte of the two buffers is written before it is read
    public static void Compute(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, Span<byte> mac)
    {
        int length = HashLength(hash);
        if (mac.Length < length) throw new ArgumentException("the MAC buffer is shorter than the hash", nameof(mac));
        int block = length == 32 ? 64 : 128;
        var h = new Sha2Context();
        Span<byte> pad = stackalloc byte[128];
        Span<byte> inner = stackalloc byte[64];
        pad = pad[..block];
        try
        {
            h.Start(hash);
            int keyLength;
            if (key.Length > block)
            {
                h.Append(key);
                keyLength = h.Finish(pad);
                h.Start(hash);
            }
            else
            {
                key.CopyTo(pad);
                keyLength = key.Length;
            }
            pad[keyLength..].Clear();
            // K ^ ipad, then (K ^ ipad) ^ (ipad ^ opad) = K ^ opad, a word at a time (RFC 2104 §2).
            Span<ulong> words = MemoryMarshal.Cast<byte, ulong>(pad);
            foreach (ref ulong w in words) w ^= 0x3636363636363636;
            h.Append(pad);
            h.Append(a);
            h.Append(b);
            h.Append(c);
            h.Finish(inner);
            foreach (ref ulong w in words) w ^= 0x3636363636363636 ^ 0x5C5C5C5C5C5C5C5C;
            h.Start(hash);
            h.Append(pad);
            h.Append(inner[..length]);
            h.Finish(mac);
        }
        finally
        {
            h.Dispose();
            CryptographicOperations.ZeroMemory(pad);
            CryptographicOperations.ZeroMemory(inner);
        }
    }
}
