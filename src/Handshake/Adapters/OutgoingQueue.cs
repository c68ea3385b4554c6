using System.Buffers;
using TlsEngine.Record;

namespace TlsEngine;

/// <summary>
/// Ciphertext waiting to be written to the transport, shared by the reading and writing sides of an adapter.
/// Bytes are appended under the connection lock, so they are in sequence-number order; one sender at a time drains
/// them. A reader that cannot take the send lock leaves its bytes for the current sender, which checks again after
/// releasing (so nothing is stranded and a reader never waits on a blocked writer).
/// <para>
/// Write-behind (<see cref="SendBehindAsync"/>): a writer of bulk data returns once its records are queued and a
/// background sender drains the queue, so the writer encrypts the next records while the transport takes the last
/// ones, and the transport gets several records per write (about <see cref="WriteBehindCapacity"/> bytes; a single
/// larger write goes out whole) instead of one. The writer waits only when the queue could not take another full
/// record.
/// </para>
/// </summary>
internal sealed class OutgoingQueue : IBufferWriter<byte>
{
    /// <summary>
    /// Queue size in write-behind: seven full records (one pooled 128 KiB array; with the one being sent, up to 256 KiB
    /// per connection while it writes in bulk, none when idle). Measured over loopback TCP: 128 KiB transport writes
    /// cost about 10 % less CPU per byte than 64 KiB ones.
    /// </summary>
    internal const int WriteBehindCapacity = 1 << 17;

    private const int FullRecord = RecordHeader.Size + RecordHeader.MaxCiphertextLength;

    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> _send;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private byte[] _buffer = [];
    private int _length;

    // Write-behind state, under Sync: whether a background sender runs, why it stopped, and a writer waiting for room.
    private bool _sendingBehind;
    private Exception? _sendFailure;
    private TaskCompletionSource? _room;

    public OutgoingQueue(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> send) => _send = send;

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
        // For a full-size record, or while a background sender runs, start at the write-behind size so the records
        // of a burst are not copied into a bigger array as they queue up.
        bool bulk = _sendingBehind || sizeHint > RecordHeader.MaxPlaintextLength;
        int size = Math.Max(Math.Max(need, _buffer.Length * 2), bulk ? WriteBehindCapacity : 0);
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    /// <summary>
    /// Writes everything queued to the transport. With <paramref name="wait"/> false, returns at once when another
    /// caller is sending (it will send these bytes too). Throws <see cref="IOException"/> if a background send failed.
    /// </summary>
    public async Task FlushAsync(bool wait, CancellationToken ct)
    {
        ThrowIfSendFailed();
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
                        // The queue is empty again: a writer waiting for room may go on (its continuation runs
                        // elsewhere, after this lock is released).
                        var room = _room;
                        _room = null;
                        room?.TrySetResult();
                    }
                    try
                    {
                        await _send(chunk.AsMemory(0, length), ct).ConfigureAwait(false);
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

    /// <summary>
    /// Hands what was just queued to the background sender (starting it if none runs) and completes at once, unless
    /// the queue cannot take another full record: then when the sender has taken the queue. Throws
    /// <see cref="IOException"/> once a background send has failed.
    /// </summary>
    public ValueTask SendBehindAsync(CancellationToken ct)
    {
        Task? room = null;
        lock (Sync)
        {
            if (_sendFailure is not null) return ValueTask.FromException(SendFailed());
            if (!_sendingBehind)
            {
                _sendingBehind = true;
                ThreadPool.QueueUserWorkItem(static queue => _ = queue.SendBehindLoopAsync(), this, preferLocal: false);
            }
            else if (_length > WriteBehindCapacity - FullRecord)
            {
                _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                room = _room.Task;
            }
        }
        return room is null ? default : new ValueTask(room.WaitAsync(ct));
    }

    private async Task SendBehindLoopAsync()
    {
        try
        {
            while (true)
            {
                await FlushAsync(wait: true, CancellationToken.None).ConfigureAwait(false);
                lock (Sync)
                {
                    // Checked under the lock writers append under: a writer that queues after this starts a new sender.
                    if (_length == 0)
                    {
                        _sendingBehind = false;
                        return;
                    }
                }
            }
        }
        catch (Exception e)
        {
            lock (Sync)
            {
                _sendFailure = e;
                _sendingBehind = false;
                var room = _room;
                _room = null;
                room?.TrySetException(SendFailed());
            }
        }
    }

    private void ThrowIfSendFailed()
    {
        lock (Sync)
        {
            if (_sendFailure is not null) throw SendFailed();
        }
    }

    private IOException SendFailed() =>
        new($"an earlier write to the transport failed: {_sendFailure!.Message}", _sendFailure);

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
