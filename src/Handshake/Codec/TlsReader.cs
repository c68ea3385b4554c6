using System.Buffers.Binary;
using TlsEngine.Record;

namespace TlsEngine.Codec;

/// <summary>
/// Reads the TLS presentation language (RFC 8446 §3) from a span with explicit length checks. Every short read or
/// out-of-range vector length is a decode_error naming the structure and field (RFC 8446 §6).
/// </summary>
internal ref struct TlsReader
{
    private ReadOnlySpan<byte> _data;
    private readonly string _context;
    private readonly string? _outer;
    private readonly string? _field;

    public TlsReader(ReadOnlySpan<byte> data, string context)
    {
        _data = data;
        _context = context;
    }

    // A nested list names itself "{parent}.{field}"; the text is put together only when an error needs it (or when
    // lists nest three deep), not for every list read: a Certificate's entries' extensions are
    // Certificate.certificate_list.extensions.
    private TlsReader(ReadOnlySpan<byte> data, string context, string? outer, string field)
    {
        _data = data;
        _context = context;
        _outer = outer;
        _field = field;
    }

    private readonly TlsReader Nested(ReadOnlySpan<byte> data, string field) =>
        _field is null ? new(data, _context, null, field)
        : _outer is null ? new(data, _context, _field, field)
        : new(data, $"{_context}.{_outer}", _field, field);

    public readonly int Remaining => _data.Length;
    public readonly bool IsEmpty => _data.IsEmpty;

    /// <summary>The structure being read, for error messages: e.g. <c>ClientHello.extensions</c>.</summary>
    public readonly string Context =>
        _field is null ? _context : _outer is null ? $"{_context}.{_field}" : $"{_context}.{_outer}.{_field}";

    public byte ReadU8(string field)
    {
        Need(1, field);
        byte v = _data[0];
        _data = _data[1..];
        return v;
    }

    public ushort ReadU16(string field)
    {
        Need(2, field);
        ushort v = BinaryPrimitives.ReadUInt16BigEndian(_data);
        _data = _data[2..];
        return v;
    }

    public int ReadU24(string field)
    {
        Need(3, field);
        int v = (_data[0] << 16) | (_data[1] << 8) | _data[2];
        _data = _data[3..];
        return v;
    }

    public uint ReadU32(string field)
    {
        Need(4, field);
        uint v = BinaryPrimitives.ReadUInt32BigEndian(_data);
        _data = _data[4..];
        return v;
    }

    public ReadOnlySpan<byte> ReadBytes(int count, string field)
    {
        Need(count, field);
        var v = _data[..count];
        _data = _data[count..];
        return v;
    }

    /// <summary>Reads <c>opaque field&lt;min..max&gt;</c> with a 1-byte length.</summary>
    public ReadOnlySpan<byte> ReadVector8(string field, int min = 0, int max = 255) => ReadVector(ReadU8(field), field, min, max);

    /// <summary>Reads <c>opaque field&lt;min..max&gt;</c> with a 2-byte length.</summary>
    public ReadOnlySpan<byte> ReadVector16(string field, int min = 0, int max = ushort.MaxValue) => ReadVector(ReadU16(field), field, min, max);

    /// <summary>Reads <c>opaque field&lt;min..max&gt;</c> with a 3-byte length.</summary>
    public ReadOnlySpan<byte> ReadVector24(string field, int min = 0, int max = 0xFFFFFF) => ReadVector(ReadU24(field), field, min, max);

    /// <summary>A reader over a length-prefixed sub-structure, for lists whose elements are parsed in turn.</summary>
    public TlsReader ReadList16(string field, int min = 0, int max = ushort.MaxValue) => Nested(ReadVector16(field, min, max), field);

    public TlsReader ReadList8(string field, int min = 0, int max = 255) => Nested(ReadVector8(field, min, max), field);

    public TlsReader ReadList24(string field, int min = 0, int max = 0xFFFFFF) => Nested(ReadVector24(field, min, max), field);

    /// <summary>The structure must end here: trailing bytes are a decode_error.</summary>
    public readonly void ExpectEnd()
    {
        if (!_data.IsEmpty)
            throw TlsAlert.DecodeError($"{Context} has {_data.Length} trailing bytes");
    }

    private ReadOnlySpan<byte> ReadVector(int length, string field, int min, int max)
    {
        if (length < min || length > max)
            throw TlsAlert.DecodeError($"{Context}.{field} length {length} is outside <{min}..{max}>");
        return ReadBytes(length, field);
    }

    private readonly void Need(int count, string field)
    {
        if (_data.Length < count)
            throw TlsAlert.DecodeError($"{Context}.{field} is truncated");
    }
}
