using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>
/// HMAC (RFC 2104): H((K ^ opad) || H((K ^ ipad) || text)). A TLS 1.3 handshake runs some thirty HMACs per side (every
/// HKDF-Extract, HKDF-Expand-Label and Finished, RFC 8446 §7.1, §4.4.4); the BCL's one-shot HMAC and HKDF set up a new
/// OpenSSL context with a provider lookup on every call, which costs more than the hashing, so the two hashes run on
/// <see cref="Sha2Context"/> values on the stack (through <see cref="HmacKey"/>, which keys them once for callers that
/// MAC several times with one key). Key-derived state is cleared before returning.
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
    public static void Compute(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, Span<byte> mac)
    {
        var keyed = new HmacKey();
        try
        {
            keyed.Init(hash, key);
            keyed.ComputeOnce(a, b, c, mac);
        }
        finally
        {
            keyed.Dispose();
        }
    }
}
