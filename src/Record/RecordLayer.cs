using System.Buffers;

namespace TlsEngine.Record;

/// <summary>
/// The record layer of one connection (RFC 8446 §5): deframes incoming records, removes protection, and frames and
/// protects outgoing data. It knows nothing of handshake messages; the handshake installs keys into it.
/// </summary>
public sealed class RecordLayer : IDisposable
{
    private byte[]? _scratch;

    /// <summary>Protection of records read from the peer, or null while reading plaintext records.</summary>
    public RecordProtection? ReadProtection { get; private set; }

    /// <summary>Protection of records written to the peer, or null while writing plaintext records.</summary>
    public RecordProtection? WriteProtection { get; private set; }

    /// <summary>
    /// The peer's record_size_limit (RFC 8449 §4): the largest TLSInnerPlaintext (content + type + padding) we may
    /// send in a protected record. Defaults to the protocol maximum 2^14+1.
    /// </summary>
    public int PeerRecordSizeLimit { get; set; } = RecordHeader.MaxInnerPlaintextLength;

    /// <summary>Our own record_size_limit, enforced on protected records we receive once negotiated (RFC 8449 §4).</summary>
    public int LocalRecordSizeLimit { get; set; } = RecordHeader.MaxInnerPlaintextLength;

    /// <summary>Pad every protected record's inner plaintext up to a multiple of this many bytes (0 = no padding, RFC 8446 §5.4).</summary>
    public int PadToMultipleOf { get; set; }

    /// <summary>Largest content we put in one record in the current write state.</summary>
    public int MaxFragmentLength => WriteProtection is null
        ? RecordHeader.MaxPlaintextLength
        : Math.Min(RecordHeader.MaxPlaintextLength, PeerRecordSizeLimit - 1);

    /// <summary>
    /// Installs new read keys; sequence numbers restart at zero (RFC 8446 §5.3). The current protection, rekeyed in
    /// place (<see cref="RecordProtection.Rekey"/>), may be installed again; another one replaces it and is disposed.
    /// </summary>
    public void SetReadProtection(RecordProtection protection)
    {
        if (!ReferenceEquals(ReadProtection, protection)) ReadProtection?.Dispose();
        ReadProtection = protection;
    }

    /// <summary>Installs new write keys, as <see cref="SetReadProtection"/> does for read keys.</summary>
    public void SetWriteProtection(RecordProtection protection)
    {
        if (!ReferenceEquals(WriteProtection, protection)) WriteProtection?.Dispose();
        WriteProtection = protection;
    }

    /// <summary>
    /// Writes <paramref name="data"/> as one or more records of <paramref name="type"/>, fragmenting at
    /// <see cref="MaxFragmentLength"/>. Plaintext records carry <paramref name="legacyVersion"/> (0x0301 is allowed
    /// only for an initial ClientHello, RFC 8446 §5.1). An empty <paramref name="data"/> writes one empty record,
    /// which callers use only for application data.
    /// </summary>
    public void Write(ContentType type, ReadOnlySpan<byte> data, IBufferWriter<byte> output, ushort legacyVersion = 0x0303)
    {
        int max = MaxFragmentLength;
        do
        {
            var fragment = data[..Math.Min(max, data.Length)];
            data = data[fragment.Length..];
            if (WriteProtection is { } protection)
            {
                int padding = Padding(fragment.Length);
                int length = RecordProtection.SealedLength(fragment.Length, padding);
                int written = protection.Seal(type, fragment, padding, output.GetSpan(length));
                output.Advance(written);
            }
            else
            {
                var span = output.GetSpan(RecordHeader.Size + fragment.Length);
                new RecordHeader(type, legacyVersion, fragment.Length).Write(span);
                fragment.CopyTo(span[RecordHeader.Size..]);
                output.Advance(RecordHeader.Size + fragment.Length);
            }
        }
        while (!data.IsEmpty);
    }

    private int Padding(int contentLength)
    {
        if (PadToMultipleOf <= 1)
            return 0;
        int inner = contentLength + 1;
        int padded = (inner + PadToMultipleOf - 1) / PadToMultipleOf * PadToMultipleOf;
        return Math.Min(padded, PeerRecordSizeLimit) - inner;
    }

    /// <summary>
    /// Finds the next complete record at the start of <paramref name="input"/>. Returns false when more bytes are
    /// needed. On success <paramref name="record"/> holds the header and body contiguously (copied into a scratch
    /// buffer when the sequence is fragmented) and <paramref name="consumed"/> is its total length. The header is
    /// checked before the body is awaited, so an oversized record is refused without buffering it.
    /// </summary>
    public bool TryReadRecord(in ReadOnlySequence<byte> input, out RecordHeader header, out ReadOnlySpan<byte> record, out int consumed)
    {
        record = default;
        consumed = 0;
        header = default;
        if (input.Length < RecordHeader.Size)
            return false;
        Span<byte> head = stackalloc byte[RecordHeader.Size];
        input.Slice(0, RecordHeader.Size).CopyTo(head);
        header = RecordHeader.Parse(head);
        int total = RecordHeader.Size + header.Length;
        if (input.Length < total)
            return false;
        if (input.FirstSpan.Length >= total)
        {
            record = input.FirstSpan[..total];
        }
        else
        {
            _scratch ??= ArrayPool<byte>.Shared.Rent(RecordHeader.Size + RecordHeader.MaxCiphertextLength);
            input.Slice(0, total).CopyTo(_scratch);
            record = _scratch.AsSpan(0, total);
        }
        consumed = total;
        return true;
    }

    /// <summary>
    /// Removes protection from a record whose outer type is application_data (RFC 8446 §5.2) into
    /// <paramref name="destination"/> and returns the content length and the inner content type.
    /// </summary>
    public int Unprotect(ReadOnlySpan<byte> record, Span<byte> destination, out ContentType type)
    {
        var protection = ReadProtection ?? throw new InvalidOperationException("no read keys installed");
        return protection.Open(record[..RecordHeader.Size], record[RecordHeader.Size..], destination, LocalRecordSizeLimit, out type);
    }

    /// <summary>Returns the scratch buffer to the pool (an idle connection holds no large buffers).</summary>
    public void ReleaseBuffers()
    {
        if (_scratch is { } s)
        {
            _scratch = null;
            ArrayPool<byte>.Shared.Return(s);
        }
    }

    public void Dispose()
    {
        ReadProtection?.Dispose();
        WriteProtection?.Dispose();
        ReadProtection = null;
        WriteProtection = null;
        ReleaseBuffers();
    }
}
