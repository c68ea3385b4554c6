using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>HKDF (RFC 5869) over the BCL's HMAC, span-based and allocation-free.</summary>
public static class Hkdf
{
    /// <summary>HKDF-Extract(salt, IKM) → PRK (RFC 5869 §2.2). <paramref name="prk"/> must be the hash length.</summary>
    public static void Extract(HashAlgorithmName hash, ReadOnlySpan<byte> ikm, ReadOnlySpan<byte> salt, Span<byte> prk) =>
        HKDF.Extract(hash, ikm, salt, prk);

    /// <summary>HKDF-Expand(PRK, info, L) → OKM (RFC 5869 §2.3); L is the length of <paramref name="output"/>.</summary>
    public static void Expand(HashAlgorithmName hash, ReadOnlySpan<byte> prk, Span<byte> output, ReadOnlySpan<byte> info) =>
        HKDF.Expand(hash, prk, output, info);

    public static void HmacData(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        if (hash == HashAlgorithmName.SHA384) HMACSHA384.HashData(key, data, mac);
        else if (hash == HashAlgorithmName.SHA512) HMACSHA512.HashData(key, data, mac);
        else HMACSHA256.HashData(key, data, mac);
    }

    public static void HashData(HashAlgorithmName hash, ReadOnlySpan<byte> data, Span<byte> digest)
    {
        if (hash == HashAlgorithmName.SHA384) SHA384.HashData(data, digest);
        else if (hash == HashAlgorithmName.SHA512) SHA512.HashData(data, digest);
        else SHA256.HashData(data, digest);
    }
}
