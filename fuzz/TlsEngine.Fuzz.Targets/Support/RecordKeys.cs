using System.Buffers;
using System.Security.Cryptography;
using TlsEngine.Crypto;
using TlsEngine.Record;

namespace TlsEngine.Fuzz.Support;

/// <summary>The fixed traffic keys of the record target, and helpers shared with the seed generator.</summary>
public static class RecordKeys
{
    public static readonly CipherSuite[] Suites =
        [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256];

    public static RecordProtection Protection(CipherSuite suite) =>
        new(suite, Enumerable.Range(1, CipherSuites.KeyLength(suite)).Select(i => (byte)i).ToArray(), new byte[12]);

    /// <summary>Encrypts an arbitrary TLSInnerPlaintext as record 0 under the AES-128-GCM key (the fuzzer picks padding and type).</summary>
    public static byte[] SealInner(ReadOnlySpan<byte> inner)
    {
        var record = new byte[RecordHeader.Size + inner.Length + 16];
        new RecordHeader(ContentType.ApplicationData, 0x0303, inner.Length + 16).Write(record);
        using var aes = new AesGcm(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray(), 16);
        aes.Encrypt(new byte[12], inner, record.AsSpan(RecordHeader.Size, inner.Length), record.AsSpan(RecordHeader.Size + inner.Length), record.AsSpan(0, RecordHeader.Size));
        return record;
    }

    /// <summary>The input as a sequence of two segments split at <paramref name="at"/>, so the scratch-copy path runs too.</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlyMemory<byte> data, int at)
    {
        at = Math.Min(at, data.Length);
        var first = new Segment(data[..at], 0);
        var last = first.Append(data[at..]);
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long index)
        {
            Memory = memory;
            RunningIndex = index;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
