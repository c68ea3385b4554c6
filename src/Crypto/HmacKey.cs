using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>
/// An HMAC key made ready for several MACs (RFC 2104 §4, "Implementation Note"): the hash states after the padded key
/// blocks K ^ ipad and K ^ opad are computed once, and each MAC forks them, so it costs two compression functions
/// fewer than keying afresh. The TLS 1.3 key schedule derives several secrets from each of its secrets (RFC 8446
/// §7.1) and a key and an IV from each traffic secret (§7.3). A mutable struct holding two <see cref="Sha2Context"/>
/// values: keep it in a field or a local, never copy it, and dispose it (which clears both states, derived from the key).
/// </summary>
internal struct HmacKey : IDisposable
{
    private Sha2Context _inner;
    private Sha2Context _outer;
    private int _length;

    /// <summary>True once <see cref="Init"/> has run (and until <see cref="Dispose"/>).</summary>
    public readonly bool IsSet => _length != 0;

    /// <summary>MAC length: the hash's output length.</summary>
    public readonly int Length => _length;

    /// <summary>Keys the two hash states; keys longer than the hash block are hashed first (RFC 2104 §2).</summary>
    [SkipLocalsInit] // every byte of the pad is written before it is read
    public void Init(HashAlgorithmName hash, ReadOnlySpan<byte> key)
    {
        if (IsSet) Dispose();
        int length = Hmac.HashLength(hash);
        int block = length == 32 ? 64 : 128;
        Span<byte> pad = stackalloc byte[128];
        pad = pad[..block];
        try
        {
            int keyLength;
            if (key.Length > block)
            {
                _inner.Start(hash);
                _inner.Append(key);
                keyLength = _inner.Finish(pad);
            }
            else
            {
                key.CopyTo(pad);
                keyLength = key.Length;
            }
            pad[keyLength..].Clear();
            // K ^ ipad, then (K ^ ipad) ^ (ipad ^ opad) = K ^ opad, a word at a time.
            Span<ulong> words = MemoryMarshal.Cast<byte, ulong>(pad);
            foreach (ref ulong w in words) w ^= 0x3636363636363636;
            _inner.Start(hash);
            _inner.Append(pad);
            foreach (ref ulong w in words) w ^= 0x3636363636363636 ^ 0x5C5C5C5C5C5C5C5C;
            _outer.Start(hash);
            _outer.Append(pad);
            _length = length;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pad);
        }
    }

    /// <summary>HMAC over <paramref name="a"/> || <paramref name="b"/> || <paramref name="c"/> into the first <see cref="Length"/> bytes of <paramref name="mac"/>.</summary>
    public readonly void Compute(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, Span<byte> mac)
    {
        CheckReady(mac);
        var inner = _inner.Fork();
        var outer = _outer.Fork();
        try
        {
            Finish(ref inner, ref outer, _length, a, b, c, mac);
        }
        finally
        {
            inner.Dispose();
            outer.Dispose();
        }
    }

    /// <summary>The one MAC of a key used once: computed on the keyed states themselves (no fork), then cleared as by <see cref="Dispose"/>.</summary>
    public void ComputeOnce(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, Span<byte> mac)
    {
        CheckReady(mac);
        try
        {
            Finish(ref _inner, ref _outer, _length, a, b, c, mac);
        }
        finally
        {
            Dispose();
        }
    }

    private readonly void CheckReady(Span<byte> mac)
    {
        if (_length == 0) throw new InvalidOperationException("the HMAC key is not set");
        if (mac.Length < _length) throw new ArgumentException("the MAC buffer is shorter than the hash", nameof(mac));
    }

    // H((K ^ opad) || H((K ^ ipad) || text)) on states already past their padded key blocks.
    [SkipLocalsInit]
    private static void Finish(ref Sha2Context inner, ref Sha2Context outer, int length,
        ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, Span<byte> mac)
    {
        Span<byte> innerHash = stackalloc byte[64];
        try
        {
            inner.Append(a);
            inner.Append(b);
            inner.Append(c);
            inner.Finish(innerHash);
            outer.Append(innerHash[..length]);
            outer.Finish(mac);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(innerHash);
        }
    }

    public void Dispose()
    {
        _inner.Dispose();
        _outer.Dispose();
        _length = 0;
    }
}
