using System.Buffers.Binary;

namespace TlsEngine.Record;

/// <summary>The 5-byte TLSPlaintext / TLSCiphertext header (RFC 8446 §5.1, §5.2).</summary>
public readonly record struct RecordHeader(ContentType Type, ushort LegacyVersion, int Length)
{
    public const int Size = 5;

    /// <summary>Largest TLSPlaintext.fragment (RFC 8446 §5.1).</summary>
    public const int MaxPlaintextLength = 1 << 14;

    /// <summary>Largest TLSInnerPlaintext: content plus the content type byte (RFC 8446 §5.4).</summary>
    public const int MaxInnerPlaintextLength = MaxPlaintextLength + 1;

    /// <summary>Largest TLSCiphertext.encrypted_record (RFC 8446 §5.2).</summary>
    public const int MaxCiphertextLength = MaxPlaintextLength + 256;

    /// <summary>
    /// Parses a header and applies the checks that can be made before the body is buffered:
    /// a known content type (else unexpected_message, RFC 8446 §5) and a length of at most 2^14+256
    /// (else record_overflow, RFC 8446 §5.2). legacy_record_version is ignored as §5.1 requires.
    /// </summary>
    public static RecordHeader Parse(ReadOnlySpan<byte> header)
    {
        var type = (ContentType)header[0];
        int length = BinaryPrimitives.ReadUInt16BigEndian(header.Slice(3, 2));
        if (type is not (ContentType.ChangeCipherSpec or ContentType.Alert or ContentType.Handshake or ContentType.ApplicationData))
            throw TlsAlert.UnexpectedMessage($"record of unknown content type {header[0]}");
        if (length > MaxCiphertextLength)
            throw TlsAlert.RecordOverflow($"record length {length} exceeds 2^14+256");
        return new RecordHeader(type, BinaryPrimitives.ReadUInt16BigEndian(header.Slice(1, 2)), length);
    }

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)Type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], LegacyVersion);
        BinaryPrimitives.WriteUInt16BigEndian(destination[3..], (ushort)Length);
    }
}
