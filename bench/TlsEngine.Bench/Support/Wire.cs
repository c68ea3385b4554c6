using System.Buffers;

namespace TlsEngine.Bench.Support;

/// <summary>
/// A reusable byte queue that is also an <see cref="IBufferWriter{T}"/>: one direction of an in-memory transport, or a
/// plaintext sink. Reused across iterations so the harness itself allocates nothing in steady state.
/// </summary>
internal sealed class Wire(int capacity = 64 * 1024) : IBufferWriter<byte>
{
    private byte[] _buffer = new byte[capacity];
    private int _start;
    private int _end;

    public int Length => _end - _start;
    public ReadOnlyMemory<byte> Pending => _buffer.AsMemory(_start, _end - _start);
    public ReadOnlySpan<byte> PendingSpan => _buffer.AsSpan(_start, _end - _start);

    public void Consume(int count)
    {
        _start += count;
        if (_start == _end) _start = _end = 0;
    }

    public void Clear() => _start = _end = 0;

    public void Advance(int count) => _end += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_end);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_end);
    }

    private void Ensure(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_buffer.Length - _end >= sizeHint) return;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
            if (_buffer.Length - _end >= sizeHint) return;
        }
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _end + sizeHint));
    }
}
