using System.Buffers;
using System.Buffers.Binary;

namespace TlsEngine.Codec;

/// <summary>
/// Writes the TLS presentation language into a growable buffer rented from the array pool, with back-patched vector
/// lengths (<c>var at = BeginVector16(); ...; EndVector16(at)</c>). Dispose (or <see cref="Release"/>) returns the buffer.
/// </summary>
internal sealed class TlsWriter : IDisposable
{
    private readonly int _capacity;
    private byte[] _buffer = [];
    private int _length;

    public TlsWriter(int capacity = 256) => _capacity = capacity;

    public int Length => _length;
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);
    public byte[] ToArray() => WrittenSpan.ToArray();

    public void Clear() => _length = 0;

    /// <summary>Clears and returns the buffer to the pool (a writer kept in an idle connection holds no memory).</summary>
    public void Release()
    {
        _length = 0;
        if (_buffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    public void Dispose() => Release();

    /// <summary>Overwrites bytes already written (PSK binders are filled in after the ClientHello is hashed).</summary>
    public void Patch(int offset, ReadOnlySpan<byte> value) => value.CopyTo(_buffer.AsSpan(offset, _length - offset));

    public void WriteU8(byte v) => Reserve(1)[0] = v;
    public void WriteU16(ushort v) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), v);
    public void WriteU32(uint v) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), v);

    public void WriteU24(int v)
    {
        var s = Reserve(3);
        s[0] = (byte)(v >> 16);
        s[1] = (byte)(v >> 8);
        s[2] = (byte)v;
    }

    public void WriteBytes(ReadOnlySpan<byte> v) => v.CopyTo(Reserve(v.Length));

    /// <summary>Writes <paramref name="count"/> zero bytes (a placeholder patched later, e.g. a PSK binder).</summary>
    public void WriteZeros(int count) => Reserve(count).Clear();

    /// <summary>Writes <paramref name="text"/> as ASCII (non-ASCII characters become '?', as <see cref="System.Text.Encoding.ASCII"/> does).</summary>
    public void WriteAscii(string text) =>
        System.Text.Encoding.ASCII.GetBytes(text, Reserve(System.Text.Encoding.ASCII.GetByteCount(text)));

    public void WriteVector8(ReadOnlySpan<byte> v)
    {
        if (v.Length > 255) throw new ArgumentException("vector too long for a 1-byte length");
        WriteU8((byte)v.Length);
        WriteBytes(v);
    }

    public void WriteVector16(ReadOnlySpan<byte> v)
    {
        if (v.Length > ushort.MaxValue) throw new ArgumentException("vector too long for a 2-byte length");
        WriteU16((ushort)v.Length);
        WriteBytes(v);
    }

    public void WriteVector24(ReadOnlySpan<byte> v)
    {
        WriteU24(v.Length);
        WriteBytes(v);
    }

    public int BeginVector8() { int at = _length; Reserve(1); return at; }
    public int BeginVector16() { int at = _length; Reserve(2); return at; }
    public int BeginVector24() { int at = _length; Reserve(3); return at; }

    public void EndVector8(int at)
    {
        int len = _length - at - 1;
        if (len > 255) throw new InvalidOperationException("vector too long for a 1-byte length");
        _buffer[at] = (byte)len;
    }

    public void EndVector16(int at)
    {
        int len = _length - at - 2;
        if (len > ushort.MaxValue) throw new InvalidOperationException("vector too long for a 2-byte length");
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(at), (ushort)len);
    }

    public void EndVector24(int at)
    {
        int len = _length - at - 3;
        _buffer[at] = (byte)(len >> 16);
        _buffer[at + 1] = (byte)(len >> 8);
        _buffer[at + 2] = (byte)len;
    }

    private Span<byte> Reserve(int n)
    {
        if (_length + n > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(Math.Max(_buffer.Length * 2, _length + n), _capacity));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        var s = _buffer.AsSpan(_length, n);
        _length += n;
        return s;
    }
}
