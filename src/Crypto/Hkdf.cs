using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>HKDF (RFC 5869) over <see cref="Hmac"/>, span-based and allocation-free.</summary>
public static class Hkdf
{
    /// <summary>HKDF-Extract(salt, IKM) → PRK = HMAC-Hash(salt, IKM) (RFC 5869 §2.2). <paramref name="prk"/> must be the hash length.</summary>
    public static void Extract(HashAlgorithmName hash, ReadOnlySpan<byte> ikm, ReadOnlySpan<byte> salt, Span<byte> prk)
    {
        if (prk.Length != Hmac.HashLength(hash)) throw new ArgumentException("the PRK must be the hash length", nameof(prk));
        // §2.2: salt not provided = HashLen zeros, which HMAC pads exactly as an empty key.
        Hmac.Compute(hash, salt, ikm, prk);
    }

    /// <summary>
    /// HKDF-Expand(PRK, info, L) → OKM (RFC 5869 §2.3); L is the length of <paramref name="output"/>, at most 255 hash
    /// lengths. T(i) = HMAC-Hash(PRK, T(i-1) | info | i).
    /// </summary>
    public static void Expand(HashAlgorithmName hash, ReadOnlySpan<byte> prk, Span<byte> output, ReadOnlySpan<byte> info)
    {
        if (prk.Length < Hmac.HashLength(hash)) throw new ArgumentException("the PRK is shorter than the hash", nameof(prk));
        var key = new HmacKey();
        try
        {
            key.Init(hash, prk);
            if (output.Length > key.Length)
            {
                Expand(in key, output, info);
                return;
            }
            // One block, T(1) = HMAC(PRK, info | 0x01): the keyed states serve it in place.
            Span<byte> t = stackalloc byte[64];
            key.ComputeOnce(info, [1], [], t);
            t[..output.Length].CopyTo(output);
            CryptographicOperations.ZeroMemory(t);
        }
        finally
        {
            key.Dispose();
        }
    }

    /// <summary>HKDF-Expand with a PRK already keyed for HMAC (<see cref="HmacKey"/>), for several expansions of one PRK.</summary>
    internal static void Expand(in HmacKey prk, Span<byte> output, ReadOnlySpan<byte> info)
    {
        int length = prk.Length;
        if (output.Length > 255 * length) throw new ArgumentException("HKDF-Expand output is limited to 255 hash lengths", nameof(output));
        Span<byte> t = stackalloc byte[64];
        Span<byte> counter = stackalloc byte[1];
        int previous = 0;
        try
        {
            for (int done = 0, i = 1; done < output.Length; i++)
            {
                counter[0] = (byte)i;
                prk.Compute(t[..previous], info, counter, t);
                previous = length;
                int n = Math.Min(length, output.Length - done);
                t[..n].CopyTo(output[done..]);
                done += n;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(t);
        }
    }

    public static void HmacData(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> mac) =>
        Hmac.Compute(hash, key, data, mac);
}
