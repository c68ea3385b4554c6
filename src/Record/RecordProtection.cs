using System.Buffers.Binary;
using TlsEngine.Crypto;

namespace TlsEngine.Record;

/// <summary>
/// Record protection for one direction under one traffic key at a time (RFC 8446 §5.2–§5.4): AEAD with the per-record
/// nonce iv XOR sequence number (§5.3), TLSInnerPlaintext with the real content type and zero padding (§5.4). When the
/// direction moves to its next traffic key (handshake to application keys, KeyUpdate), <see cref="Rekey"/> replaces key
/// and iv in place and restarts the sequence number.
/// </summary>
public sealed class RecordProtection : IDisposable
{
    private readonly Aead _aead;
    // The 12-byte write_iv held inline (no array per key): its first 4 bytes, and its last 8 bytes, which the
    // sequence number is XORed into (§5.3: the 64-bit sequence number is left-padded with zeros to iv_length).
    private uint _ivHead;
    private ulong _ivTail;
    private bool _unusable;

    public RecordProtection(CipherSuite suite, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        CheckIv(iv);
        Suite = suite;
        _aead = Aead.Create(suite, key);
        SetIv(iv);
        RecordLimit = CipherSuites.RecordLimit(suite);
    }

    /// <summary>
    /// Replaces key and iv with the direction's next ones, of the same suite (RFC 8446 §7.3), and restarts the sequence
    /// number at zero (§5.3: "set to zero ... whenever the key is changed"). If the AEAD refuses the key, this
    /// protection fails every later record instead of using a half-changed state.
    /// </summary>
    public void Rekey(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        CheckIv(iv);
        if (key.Length != CipherSuites.KeyLength(Suite))
            throw new ArgumentException($"{Suite} keys are {CipherSuites.KeyLength(Suite)} bytes", nameof(key));
        try
        {
            _aead.Rekey(key);
        }
        catch
        {
            _unusable = true;
            throw;
        }
        SetIv(iv);
        SequenceNumber = 0;
    }

    private static void CheckIv(ReadOnlySpan<byte> iv)
    {
        if (iv.Length != CipherSuites.IvLength)
            throw new ArgumentException("iv must be 12 bytes", nameof(iv));
    }

    private void SetIv(ReadOnlySpan<byte> iv)
    {
        _ivHead = BinaryPrimitives.ReadUInt32BigEndian(iv);
        _ivTail = BinaryPrimitives.ReadUInt64BigEndian(iv[4..]);
    }

    public CipherSuite Suite { get; }

    /// <summary>The sequence number of the next record (RFC 8446 §5.3).</summary>
    public ulong SequenceNumber { get; private set; }

    /// <summary>Records this key may protect before it must be updated (RFC 8446 §5.5).</summary>
    public ulong RecordLimit { get; }

    /// <summary>Total on-the-wire length of a protected record for the given content and padding.</summary>
    public static int SealedLength(int contentLength, int padding) =>
        RecordHeader.Size + contentLength + 1 + padding + Aead.TagLength;

    /// <summary>
    /// Writes one protected record (header and encrypted TLSInnerPlaintext) to <paramref name="destination"/>,
    /// which must hold <see cref="SealedLength"/> bytes. Returns the number of bytes written.
    /// </summary>
    public int Seal(ContentType type, ReadOnlySpan<byte> content, int padding, Span<byte> destination)
    {
        if (SequenceNumber == ulong.MaxValue)
            throw TlsAlert.InternalError("write sequence number would wrap; the key must be updated (RFC 8446 §5.3)");
        if (_unusable)
            throw TlsAlert.InternalError("the write key could not be changed");
        int inner = content.Length + 1 + padding;
        int total = RecordHeader.Size + inner + Aead.TagLength;
        var body = destination.Slice(RecordHeader.Size, inner);
        // TLSInnerPlaintext = content || ContentType || zeros (§5.2): the type and padding are written in place and
        // sealed after the content, which is read from where it is (moved into place first, before anything else is
        // written, only if it overlaps the output).
        if (content.Overlaps(destination[..total]))
        {
            content.CopyTo(body);
            content = body[..content.Length];
        }
        var header = destination[..RecordHeader.Size];
        new RecordHeader(ContentType.ApplicationData, 0x0303, inner + Aead.TagLength).Write(header);
        body[content.Length] = (byte)type;
        body[(content.Length + 1)..].Clear();
        Span<byte> nonce = stackalloc byte[CipherSuites.IvLength];
        MakeNonce(nonce);
        _aead.SealWithHead(nonce, content, body, destination.Slice(RecordHeader.Size + inner, Aead.TagLength), header);
        SequenceNumber++;
        return total;
    }

    /// <summary>
    /// Decrypts and authenticates one TLSCiphertext (RFC 8446 §5.2) into <paramref name="destination"/>
    /// (at least <c>encrypted.Length - 16</c> bytes), removes padding (§5.4), and returns the content length.
    /// Throws bad_record_mac on authentication failure, record_overflow when the inner plaintext exceeds
    /// <paramref name="maxInnerPlaintext"/>, unexpected_message when no content type is found.
    /// </summary>
    public int Open(ReadOnlySpan<byte> header, ReadOnlySpan<byte> encrypted, Span<byte> destination, int maxInnerPlaintext, out ContentType type)
    {
        if (encrypted.Length < Aead.TagLength + 1)
            throw TlsAlert.BadRecordMac($"protected record of {encrypted.Length} bytes is too short to hold a tag and content type");
        int inner = encrypted.Length - Aead.TagLength;
        if (inner > maxInnerPlaintext)
            throw TlsAlert.RecordOverflow($"protected record carries {inner} bytes of inner plaintext; the limit is {maxInnerPlaintext}");
        if (SequenceNumber == ulong.MaxValue)
            throw TlsAlert.UnexpectedMessage("read sequence number would wrap (RFC 8446 §5.3)");
        if (_unusable)
            throw TlsAlert.InternalError("the read key could not be changed");
        Span<byte> nonce = stackalloc byte[CipherSuites.IvLength];
        MakeNonce(nonce);
        var plain = destination[..inner];
        if (!_aead.Open(nonce, encrypted[..inner], encrypted[inner..], plain, header))
            throw TlsAlert.BadRecordMac("record failed authentication");
        SequenceNumber++;
        // §5.4: scan from the end for the first non-zero octet; it is the content type.
        int i = inner - 1;
        while (i >= 0 && plain[i] == 0) i--;
        if (i < 0)
            throw TlsAlert.UnexpectedMessage("protected record holds only padding and no content type (RFC 8446 §5.4)");
        type = (ContentType)plain[i];
        return i;
    }

    // §5.3: the per-record nonce is write_iv XOR the sequence number left-padded to 12 bytes, so only the last 8
    // bytes change.
    private void MakeNonce(Span<byte> nonce)
    {
        BinaryPrimitives.WriteUInt32BigEndian(nonce, _ivHead);
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], _ivTail ^ SequenceNumber);
    }

    public void Dispose()
    {
        _aead.Dispose();
        _ivHead = 0;
        _ivTail = 0;
    }
}
