using System.Buffers;

namespace TlsEngine;

/// <summary>
/// Where a stream read decrypts to: straight into the caller's buffer while a whole record still fits there (no copy
/// afterwards), then into the adapter's own plaintext buffer, which the next reads drain. Used only when that buffer
/// is empty, and once it spills everything after goes there too, so plaintext stays in order.
/// </summary>
internal sealed class ReadTarget(PooledBufferWriter spill) : IBufferWriter<byte>
{
    private Memory<byte> _destination;
    private bool _spilling;

    /// <summary>Bytes written to the caller's buffer since <see cref="Begin"/>.</summary>
    public int Written { get; private set; }

    public void Begin(Memory<byte> destination)
    {
        _destination = destination;
        Written = 0;
        _spilling = false;
    }

    /// <summary>Lets go of the caller's buffer.</summary>
    public void End() => _destination = default;

    public void Advance(int count)
    {
        if (_spilling) spill.Advance(count);
        else Written += count;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        if (!_spilling && _destination.Length - Written >= Math.Max(sizeHint, 1)) return _destination[Written..];
        _spilling = true;
        return spill.GetMemory(sizeHint);
    }
}
