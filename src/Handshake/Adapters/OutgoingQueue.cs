using System.Buffers;

namespace TlsEngine;

/// <summary>
/// Ciphertext waiting to be written to the transport, shared by the reading and writing sides of an adapter.
/// Bytes are appended under the connection lock, so they are in sequence-number order; one sender at a time drains
/// them. A reader that cannot take the send lock leaves its bytes for the current sender, which checks again after
/// releasing (so nothing is stranded and a reader never waits on a blocked writer).
/// </summary>
internal sealed class OutgoingQueue : IBufferWriter<byte>
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private byte[] _buffer = [];
    private int _length;

    /// <summary>The lock protecting the connection and this buffer.</summary>
    public object Sync { get; } = new();

    public bool IsEmpty
    {
        get
        {
            lock (Sync) return _length == 0;
        }
    }

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_length);
    }

    private void Ensure(int sizeHint)
    {
        int need = _length + Math.Max(sizeHint, 256);
        if (need <= _buffer.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(need, _buffer.Length * 2));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    /// <summary>
    /// Writes everything queued to <paramref name="send"/>. With <paramref name="wait"/> false, returns at once when
    /// another caller is sending (it will send these bytes too).
    /// </summary>
    public async Task FlushAsync(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> send, bool wait, CancellationToken ct)
    {
        while (true)
        {
            if (wait) await _sendLock.WaitAsync(ct).ConfigureAwait(false);
            else if (!_sendLock.Wait(0)) return;
            try
            {
                while (true)
                {
                    byte[] chunk;
                    int length;
                    lock (Sync)
                    {
                        if (_length == 0) break;
                        chunk = _buffer;
                        length = _length;
                        _buffer = [];
                        _length = 0;
                    }
                    try
                    {
                        await send(chunk.AsMemory(0, length), ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(chunk);
                    }
                }
            }
            finally
            {
                _sendLock.Release();
            }
            // Bytes appended by a caller that found the lock taken are sent by this loop.
            if (IsEmpty) return;
            wait = false;
        }
    }

    public void Release()
    {
        lock (Sync)
        {
            if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _length = 0;
        }
    }
}
