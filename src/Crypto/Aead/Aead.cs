using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>
/// An AEAD instance bound to one key (RFC 5116 interface as used by RFC 8446 §5.2). Not thread-safe:
/// each record-protection direction owns its own instance.
/// </summary>
public abstract class Aead : IDisposable
{
    public const int TagLength = 16;

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (same length) and writes the tag.</summary>
    public abstract void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData);

    /// <summary>
    /// Encrypts a plaintext given in two parts — <paramref name="head"/>, followed by the bytes already in
    /// <paramref name="ciphertext"/> after <c>head.Length</c> — into <paramref name="ciphertext"/> (encrypting that
    /// rest in place) and writes the tag. A record's TLSInnerPlaintext (RFC 8446 §5.2) is the caller's content followed
    /// by the content type and padding, which are written in place: the content need not be copied there first. This
    /// default copies the head into place and seals the whole.
    /// </summary>
    public virtual void SealWithHead(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> head, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        head.CopyTo(ciphertext);
        Seal(nonce, ciphertext, ciphertext, tag, associatedData);
    }

    /// <summary>Decrypts and authenticates; returns false (and leaves <paramref name="plaintext"/> cleared) when authentication fails.</summary>
    public abstract bool Open(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData);

    /// <summary>
    /// Replaces the key with <paramref name="key"/>, of the same length (a direction's next traffic key, RFC 8446 §7.3).
    /// On failure the instance must not be used again.
    /// </summary>
    public abstract void Rekey(ReadOnlySpan<byte> key);

    public abstract void Dispose();

    /// <summary>Creates the AEAD a TLS 1.3 suite names, keyed with <paramref name="key"/>.</summary>
    public static Aead Create(CipherSuite suite, ReadOnlySpan<byte> key) => suite switch
    {
        CipherSuite.TLS_AES_128_GCM_SHA256 or CipherSuite.TLS_AES_256_GCM_SHA384 => CreateAesGcm(key),
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256 => new ChaCha20Poly1305Aead(key),
        _ => throw new ArgumentOutOfRangeException(nameof(suite)),
    };

    /// <summary>AES-GCM with a 16- or 32-byte key, 12-byte nonces and 16-byte tags: libcrypto directly when present, else the BCL.</summary>
    public static Aead CreateAesGcm(ReadOnlySpan<byte> key) =>
        LibCryptoAesGcm.IsAvailable ? new LibCryptoAesGcmAead(key) : new AesGcmAead(key);
}

internal sealed class LibCryptoAesGcmAead(ReadOnlySpan<byte> key) : Aead
{
    private readonly LibCryptoAesGcm.Context _context = LibCryptoAesGcm.Create(key);
    private readonly int _keyLength = key.Length;

    public override void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData) =>
        LibCryptoAesGcm.Seal(_context, nonce, plaintext, ciphertext, tag, associatedData);

    public override void SealWithHead(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> head, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData) =>
        LibCryptoAesGcm.SealWithHead(_context, nonce, head, ciphertext, tag, associatedData);

    public override bool Open(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData) =>
        LibCryptoAesGcm.Open(_context, nonce, ciphertext, tag, plaintext, associatedData);

    public override void Rekey(ReadOnlySpan<byte> key)
    {
        if (key.Length != _keyLength) throw new ArgumentException($"the new key must be {_keyLength} bytes like the old one", nameof(key));
        LibCryptoAesGcm.Rekey(_context, key);
    }

    public override void Dispose() => _context.Dispose();
}

internal sealed class AesGcmAead(ReadOnlySpan<byte> key) : Aead
{
    private AesGcm _gcm = new(key, TagLength);

    public override void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData) =>
        _gcm.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);

    public override bool Open(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        try
        {
            _gcm.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    // The BCL's AesGcm cannot change its key: a new instance replaces the old one once it exists.
    public override void Rekey(ReadOnlySpan<byte> key)
    {
        var next = new AesGcm(key, TagLength);
        _gcm.Dispose();
        _gcm = next;
    }

    public override void Dispose() => _gcm.Dispose();
}

internal sealed class ChaCha20Poly1305Aead(ReadOnlySpan<byte> key) : Aead
{
    private ChaCha20Poly1305 _aead = new(key);

    public override void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData) =>
        _aead.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);

    public override bool Open(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        try
        {
            _aead.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    // The BCL's ChaCha20Poly1305 cannot change its key: a new instance replaces the old one once it exists.
    public override void Rekey(ReadOnlySpan<byte> key)
    {
        var next = new ChaCha20Poly1305(key);
        _aead.Dispose();
        _aead = next;
    }

    public override void Dispose() => _aead.Dispose();
}
