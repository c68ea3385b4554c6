using System.Buffers;
using TlsEngine.Messages;
using TlsEngine.Record;

namespace TlsEngine;

/// <summary>
/// Reassembles handshake messages from record fragments (RFC 8446 §5.1): messages may be coalesced in one record or
/// split across several. The buffer is pooled and returned when empty, so an idle connection holds none.
/// </summary>
/// <remarks>
/// A message is handed to its handler as a slice of the pooled buffer, not a copy: it is valid only until
/// <see cref="ReleaseTaken"/>, which clears it (a slice kept by mistake then reads zeros, never a later message or,
/// once the buffer is back in the pool, another connection's data). Handlers copy whatever outlives them: the
/// client's CertificateRequest; the certificates of a Certificate message are copied by the chain validator.
/// </remarks>
internal sealed class HandshakeJoiner : IDisposable
{
    private readonly int _maxMessageSize;
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private int _takenStart;
    private int _taken;

    public HandshakeJoiner(int maxMessageSize) => _maxMessageSize = maxMessageSize;

    /// <summary>True while part of a message (or a whole unprocessed message) is buffered.</summary>
    public bool HasBufferedData => _end > _start;

    public void Add(ReadOnlySpan<byte> fragment)
    {
        // Growing the buffer would return the one the taken message lives in to the pool.
        if (_taken > 0) throw new InvalidOperationException("handshake data added while a message is being handled");
        if (fragment.IsEmpty) return;
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(4096, fragment.Length));
            _start = _end = 0;
        }
        if (_end + fragment.Length > _buffer.Length)
        {
            int live = _end - _start;
            if (live + fragment.Length > _maxMessageSize + HandshakeHeader.Size + RecordHeader.MaxPlaintextLength)
                throw TlsAlert.DecodeError($"handshake data exceeds the {_maxMessageSize}-byte message limit");
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, live + fragment.Length));
            _buffer.AsSpan(_start, live).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
            _start = 0;
            _end = live;
        }
        fragment.CopyTo(_buffer.AsSpan(_end));
        _end += fragment.Length;
    }

    /// <summary>
    /// Takes the next complete message (header and body) if one is buffered, as a slice of the buffer that is valid
    /// until <see cref="ReleaseTaken"/>. The message is refused as soon as its header announces a length over the
    /// limit, before the body arrives.
    /// </summary>
    public bool TryTake(out HandshakeType type, out ReadOnlyMemory<byte> message)
    {
        if (_taken > 0) throw new InvalidOperationException("the previous handshake message was not released");
        type = default;
        message = default;
        int live = _end - _start;
        if (live < HandshakeHeader.Size)
            return false;
        var span = _buffer.AsSpan(_start, live);
        int length = (span[1] << 16) | (span[2] << 8) | span[3];
        if (length > _maxMessageSize)
            throw TlsAlert.DecodeError($"handshake message of type {span[0]} announces {length} bytes; the limit is {_maxMessageSize}");
        int total = HandshakeHeader.Size + length;
        if (live < total)
            return false;
        type = (HandshakeType)span[0];
        message = _buffer.AsMemory(_start, total);
        _takenStart = _start;
        _taken = total;
        _start += total;
        return true;
    }

    /// <summary>
    /// Ends the handling of the message <see cref="TryTake"/> returned: its bytes are cleared, and the buffer goes back
    /// to the pool when nothing else is buffered.
    /// </summary>
    public void ReleaseTaken()
    {
        if (_taken == 0) return;
        _buffer.AsSpan(_takenStart, _taken).Clear();
        _taken = 0;
        if (_start == _end) Release();
    }

    private void Release()
    {
        if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _start = _end = _taken = 0;
    }

    public void Dispose() => Release();
}
