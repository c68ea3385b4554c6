using TlsEngine.Fuzz.Support;
using TlsEngine.Record;

namespace TlsEngine.Fuzz.Targets;

/// <summary>
/// Record deframing and decryption under fixed keys. Byte 0: bit 7 = the rest is a TLSInnerPlaintext that the harness
/// encrypts first (so the fuzzer controls the decrypted content, type and padding), bit 6 = a small record_size_limit,
/// bits 0-1 = the suite. Byte 1 splits the input into two buffers. The rest is a stream of records.
/// </summary>
public static class RecordTarget
{
    public static void Run(byte[] input)
    {
        if (input.Length < 2) return;
        byte control = input[0];
        bool sealInner = (control & 0x80) != 0;
        byte[] data = sealInner ? RecordKeys.SealInner(input.AsSpan(2)) : input[2..];
        using var layer = new RecordLayer();
        layer.SetReadProtection(RecordKeys.Protection(RecordKeys.Suites[sealInner ? 0 : control % 3]));
        if ((control & 0x40) != 0) layer.LocalRecordSizeLimit = 64 + input[1];
        var stream = RecordKeys.Split(data, input[1] * 8);
        var plain = new byte[RecordHeader.MaxCiphertextLength];
        try
        {
            while (layer.TryReadRecord(stream, out var header, out var record, out int consumed))
            {
                if (header.Type == ContentType.ApplicationData
                    && layer.Unprotect(record, plain, out _) is var n && (n < 0 || n > header.Length - 17))
                    throw new InvalidOperationException($"Unprotect returned {n} content bytes for a {header.Length}-byte record");
                stream = stream.Slice(consumed);
            }
        }
        catch (TlsAlertException)
        {
        }
    }
}
