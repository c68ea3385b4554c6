using System.Buffers;
using System.Security.Cryptography;
using TlsEngine.Crypto;
using TlsEngine.Messages;

namespace TlsEngine.KeySchedule;

/// <summary>
/// The running transcript hash (RFC 8446 §4.4.1). Until the cipher suite — and so the hash — is known, messages are
/// buffered (one after the other in a pooled buffer: hashing them concatenated is hashing them in turn); after a
/// HelloRetryRequest the first ClientHello is replaced by a synthetic message_hash message. A client offering a PSK
/// hashes its first ClientHello tentatively with the PSK's hash for the binder (<see cref="AddAndHash"/>); when the
/// server settles on that hash, the tentative state becomes the transcript and the ClientHello is not hashed again.
/// </summary>
internal sealed class Transcript : IDisposable
{
    // A mutable struct, used in place: never copy it out of the field.
    private Sha2Context _hash;
    private bool _hashFixed;
    // _hash runs ahead of the fixed hash, on the pending messages under a hash that may yet be refused.
    private bool _tentative;
    private byte[]? _pending;
    private int _pendingLength;

    public HashAlgorithmName Hash { get; private set; }
    public int HashLength { get; private set; }
    public bool HasHash => _hashFixed;

    /// <summary>Adds a whole handshake message (header and body).</summary>
    public void Add(ReadOnlySpan<byte> message)
    {
        if (_hashFixed)
        {
            _hash.Append(message);
            return;
        }
        if (_tentative) _hash.Append(message);
        if (_pending is null || _pendingLength + message.Length > _pending.Length)
        {
            int length = _pendingLength;
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(512, 2 * (length + message.Length)));
            _pending?.AsSpan(0, length).CopyTo(bigger);
            ReturnPending();
            _pending = bigger;
            _pendingLength = length;
        }
        message.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += message.Length;
    }

    /// <summary>Fixes the hash (on the negotiated suite) and hashes what was buffered.</summary>
    public void SetHash(HashAlgorithmName hash)
    {
        if (_hashFixed)
        {
            if (hash != Hash) throw new InvalidOperationException("transcript hash already fixed");
            return;
        }
        bool adopt = _tentative && hash == Hash;
        _tentative = false;
        Hash = hash;
        if (!adopt)
        {
            _hash.Start(hash);
            if (_pending is not null) _hash.Append(_pending.AsSpan(0, _pendingLength));
        }
        HashLength = _hash.Length;
        ReturnPending();
        _hashFixed = true;
    }

    /// <summary>
    /// Adds <paramref name="part"/> (a ClientHello up to its PSK binders, RFC 8446 §4.2.11.2) and writes the
    /// Transcript-Hash of everything added so far under <paramref name="hash"/>; returns its length. The rest of the
    /// message follows with <see cref="Add"/>. Before the hash is fixed, the messages are hashed tentatively under
    /// <paramref name="hash"/> (and still buffered, should <see cref="SetHash"/> choose another); after, it must be the
    /// fixed hash.
    /// </summary>
    public int AddAndHash(ReadOnlySpan<byte> part, HashAlgorithmName hash, Span<byte> destination)
    {
        if (_hashFixed)
        {
            if (hash != Hash) throw new InvalidOperationException("the binder's hash is not the transcript's");
        }
        else if (!_tentative || hash != Hash)
        {
            Hash = hash;
            _hash.Start(hash);
            if (_pending is not null) _hash.Append(_pending.AsSpan(0, _pendingLength));
            _tentative = true;
        }
        Add(part);
        return _hash.PeekHash(destination);
    }

    // The buffered messages are cleared before the buffer goes back to the pool.
    private void ReturnPending()
    {
        if (_pending is null) return;
        _pending.AsSpan(0, _pendingLength).Clear();
        ArrayPool<byte>.Shared.Return(_pending);
        _pending = null;
        _pendingLength = 0;
    }

    /// <summary>
    /// Replaces the transcript so far (ClientHello1) with message_hash: 0xFE, 00 00 Hash.length, Hash(ClientHello1)
    /// (RFC 8446 §4.4.1).
    /// </summary>
    public void ReplaceWithMessageHash()
    {
        Span<byte> h = stackalloc byte[64];
        int len = GetCurrentHash(h);
        _hash.Start(Hash);
        Span<byte> header = [(byte)HandshakeType.MessageHash, 0, 0, (byte)len];
        _hash.Append(header);
        _hash.Append(h[..len]);
    }

    /// <summary>Writes Transcript-Hash of the messages so far; returns its length.</summary>
    public int GetCurrentHash(Span<byte> destination)
    {
        if (!_hashFixed) throw new InvalidOperationException("transcript hash not yet fixed");
        return _hash.PeekHash(destination);
    }

    public void Dispose()
    {
        _hash.Dispose();
        ReturnPending();
        _hashFixed = true;
    }
}
