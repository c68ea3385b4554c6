using System.Security.Cryptography;
using TlsEngine.Messages;

namespace TlsEngine.KeySchedule;

/// <summary>
/// The running transcript hash (RFC 8446 §4.4.1). Until the cipher suite — and so the hash — is known, messages are
/// buffered; after a HelloRetryRequest the first ClientHello is replaced by a synthetic message_hash message.
/// </summary>
internal sealed class Transcript : IDisposable
{
    private IncrementalHash? _hash;
    private List<byte[]>? _pending = [];

    public HashAlgorithmName Hash { get; private set; }
    public int HashLength { get; private set; }
    public bool HasHash => _hash is not null;

    /// <summary>Adds a whole handshake message (header and body).</summary>
    public void Add(ReadOnlySpan<byte> message)
    {
        if (_hash is not null) _hash.AppendData(message);
        else _pending!.Add(message.ToArray());
    }

    /// <summary>Fixes the hash (on the negotiated suite) and hashes what was buffered.</summary>
    public void SetHash(HashAlgorithmName hash)
    {
        if (_hash is not null)
        {
            if (hash != Hash) throw new InvalidOperationException("transcript hash already fixed");
            return;
        }
        Hash = hash;
        HashLength = hash == HashAlgorithmName.SHA384 ? 48 : 32;
        _hash = IncrementalHash.CreateHash(hash);
        foreach (var m in _pending!) _hash.AppendData(m);
        _pending = null;
    }

    /// <summary>
    /// Replaces the transcript so far (ClientHello1) with message_hash: 0xFE, 00 00 Hash.length, Hash(ClientHello1)
    /// (RFC 8446 §4.4.1).
    /// </summary>
    public void ReplaceWithMessageHash()
    {
        Span<byte> h = stackalloc byte[64];
        int len = GetCurrentHash(h);
        _hash!.Dispose();
        _hash = IncrementalHash.CreateHash(Hash);
        Span<byte> header = [(byte)HandshakeType.MessageHash, 0, 0, (byte)len];
        _hash.AppendData(header);
        _hash.AppendData(h[..len]);
    }

    /// <summary>Writes Transcript-Hash of the messages so far; returns its length.</summary>
    public int GetCurrentHash(Span<byte> destination)
    {
        if (_hash is null) throw new InvalidOperationException("transcript hash not yet fixed");
        return _hash.GetCurrentHash(destination);
    }

    /// <summary>Transcript-Hash of the messages so far followed by <paramref name="extra"/>, without adding it (PSK binders, RFC 8446 §4.2.11.2).</summary>
    public byte[] HashWith(ReadOnlySpan<byte> extra)
    {
        if (_hash is null) throw new InvalidOperationException("transcript hash not yet fixed");
        using var copy = _hash.Clone();
        copy.AppendData(extra);
        return copy.GetHashAndReset();
    }

    public void Dispose()
    {
        _hash?.Dispose();
        _hash = null;
        _pending = null;
    }
}
