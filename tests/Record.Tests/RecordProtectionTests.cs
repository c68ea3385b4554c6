using System.Buffers;
using TlsEngine.Crypto;

namespace TlsEngine.Record.Tests;

public class RecordProtectionTests
{
    private static (RecordProtection Seal, RecordProtection Open) Pair(CipherSuite suite)
    {
        var key = new byte[CipherSuites.KeyLength(suite)];
        var iv = new byte[12];
        for (int i = 0; i < key.Length; i++) key[i] = (byte)(i * 7 + 1);
        for (int i = 0; i < iv.Length; i++) iv[i] = (byte)(i * 3 + 5);
        return (new RecordProtection(suite, key, iv), new RecordProtection(suite, key, iv));
    }

    private static byte[] SealOne(RecordProtection p, ContentType type, ReadOnlySpan<byte> content, int padding = 0)
    {
        var buffer = new byte[RecordProtection.SealedLength(content.Length, padding)];
        int n = p.Seal(type, content, padding, buffer);
        Assert.Equal(buffer.Length, n);
        return buffer;
    }

    private static int OpenOne(RecordProtection p, byte[] record, Span<byte> dest, out ContentType type, int max = RecordHeader.MaxInnerPlaintextLength) =>
        p.Open(record.AsSpan(0, 5), record.AsSpan(5), dest, max, out type);

    [Theory]
    [InlineData(CipherSuite.TLS_AES_128_GCM_SHA256)]
    [InlineData(CipherSuite.TLS_AES_256_GCM_SHA384)]
    [InlineData(CipherSuite.TLS_CHACHA20_POLY1305_SHA256)]
    public void SealedRecordOpensWithInnerTypeAndWithoutPadding(CipherSuite suite)
    {
        var (seal, open) = Pair(suite);
        var record = SealOne(seal, ContentType.Handshake, "hello"u8, padding: 10);
        Assert.Equal((byte)ContentType.ApplicationData, record[0]);
        Assert.Equal(0x03, record[1]);
        Assert.Equal(0x03, record[2]);
        Assert.Equal(5 + 1 + 10 + 16, (record[3] << 8) | record[4]);
        var dest = new byte[100];
        int n = OpenOne(open, record, dest, out var type);
        Assert.Equal(ContentType.Handshake, type);
        Assert.Equal("hello"u8.ToArray(), dest[..n]);
        Assert.Equal(1UL, seal.SequenceNumber);
        Assert.Equal(1UL, open.SequenceNumber);
    }

    [Theory]
    [InlineData(CipherSuite.TLS_AES_128_GCM_SHA256, 0)]
    [InlineData(CipherSuite.TLS_AES_128_GCM_SHA256, 3)]
    [InlineData(CipherSuite.TLS_AES_128_GCM_SHA256, 5)]
    [InlineData(CipherSuite.TLS_AES_128_GCM_SHA256, 9)]
    [InlineData(CipherSuite.TLS_CHACHA20_POLY1305_SHA256, 0)]
    [InlineData(CipherSuite.TLS_CHACHA20_POLY1305_SHA256, 5)]
    public void ContentInsideTheOutputSealsAsContentFromElsewhere(CipherSuite suite, int offset)
    {
        // Content already in the output buffer — over the header (offset below 5), in place (5), or further in — is
        // read before anything is written over it.
        var content = new byte[300];
        new Random(offset).NextBytes(content);
        var expected = SealOne(Pair(suite).Seal, ContentType.ApplicationData, content, padding: 4);
        var buffer = new byte[offset + content.Length + 64];
        content.CopyTo(buffer, offset);
        int n = Pair(suite).Seal.Seal(ContentType.ApplicationData, buffer.AsSpan(offset, content.Length), 4, buffer);
        Assert.Equal(expected, buffer[..n]);
    }

    [Fact]
    public void EachRecordUsesANewNonce()
    {
        var (seal, _) = Pair(CipherSuite.TLS_AES_128_GCM_SHA256);
        var a = SealOne(seal, ContentType.ApplicationData, "same"u8);
        var b = SealOne(seal, ContentType.ApplicationData, "same"u8);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void RecordOpenedOutOfOrderFailsWithBadRecordMac()
    {
        var (seal, open) = Pair(CipherSuite.TLS_AES_128_GCM_SHA256);
        SealOne(seal, ContentType.ApplicationData, "first"u8);
        var second = SealOne(seal, ContentType.ApplicationData, "second"u8);
        var e = Assert.Throws<TlsAlertException>(() => OpenOne(open, second, new byte[64], out _));
        Assert.Equal(AlertDescription.BadRecordMac, e.Alert);
    }

    [Fact]
    public void TamperedHeaderFailsWithBadRecordMac()
    {
        var (seal, open) = Pair(CipherSuite.TLS_CHACHA20_POLY1305_SHA256);
        var record = SealOne(seal, ContentType.ApplicationData, "data"u8);
        record[2] = 0x01; // the header is the AEAD's additional data (RFC 8446 §5.2)
        var e = Assert.Throws<TlsAlertException>(() => OpenOne(open, record, new byte[64], out _));
        Assert.Equal(AlertDescription.BadRecordMac, e.Alert);
    }

    [Fact]
    public void InnerPlaintextOfOnlyPaddingFailsWithUnexpectedMessage()
    {
        var (seal, open) = Pair(CipherSuite.TLS_AES_128_GCM_SHA256);
        // Content type 0 followed by zeros: after decryption no non-zero octet is found (RFC 8446 §5.4).
        var record = SealOne(seal, ContentType.Invalid, [], padding: 5);
        var e = Assert.Throws<TlsAlertException>(() => OpenOne(open, record, new byte[64], out _));
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }

    [Fact]
    public void InnerPlaintextOverTheLimitFailsWithRecordOverflow()
    {
        var (seal, open) = Pair(CipherSuite.TLS_AES_128_GCM_SHA256);
        var record = SealOne(seal, ContentType.ApplicationData, new byte[100]);
        var e = Assert.Throws<TlsAlertException>(() => OpenOne(open, record, new byte[200], out _, max: 64));
        Assert.Equal(AlertDescription.RecordOverflow, e.Alert);
    }

    [Fact]
    public void RecordShorterThanTagFailsWithBadRecordMac()
    {
        var (_, open) = Pair(CipherSuite.TLS_AES_128_GCM_SHA256);
        var record = new byte[5 + 10];
        record[0] = 23;
        record[1] = 3;
        record[2] = 3;
        record[4] = 10;
        var e = Assert.Throws<TlsAlertException>(() => OpenOne(open, record, new byte[64], out _));
        Assert.Equal(AlertDescription.BadRecordMac, e.Alert);
    }

    [Theory]
    [InlineData(CipherSuite.TLS_AES_128_GCM_SHA256)]
    [InlineData(CipherSuite.TLS_AES_256_GCM_SHA384)]
    [InlineData(CipherSuite.TLS_CHACHA20_POLY1305_SHA256)]
    public void RekeyedProtectionRestartsTheSequenceAndMatchesANewOne(CipherSuite suite)
    {
        var (seal, open) = Pair(suite);
        SealOne(seal, ContentType.Handshake, "under the first key"u8);
        SealOne(seal, ContentType.Handshake, "and again"u8);
        Assert.Equal(2UL, seal.SequenceNumber);
        var key = new byte[CipherSuites.KeyLength(suite)];
        var iv = new byte[12];
        for (int i = 0; i < key.Length; i++) key[i] = (byte)(200 - i);
        for (int i = 0; i < iv.Length; i++) iv[i] = (byte)(i * 11 + 1);
        seal.Rekey(key, iv);
        Assert.Equal(0UL, seal.SequenceNumber);
        using var fresh = new RecordProtection(suite, key, iv);
        // Same key, iv and sequence numbers: byte-identical records (the nonce is iv XOR sequence number, RFC 8446 §5.3).
        for (int n = 0; n < 3; n++)
            Assert.Equal(SealOne(fresh, ContentType.ApplicationData, "data"u8), SealOne(seal, ContentType.ApplicationData, "data"u8));

        // The reader, still on the old key, cannot open them; rekeyed the same way, it can, from sequence number 0.
        var record = SealOne(fresh, ContentType.ApplicationData, "next"u8);
        var dest = new byte[64];
        Assert.Throws<TlsAlertException>(() => OpenOne(open, record, dest, out _));
        open.Rekey(key, iv);
        using var sealer = new RecordProtection(suite, key, iv);
        int length = OpenOne(open, SealOne(sealer, ContentType.ApplicationData, "first"u8), dest, out var type);
        Assert.Equal("first"u8.ToArray(), dest[..length]);
        Assert.Equal(1UL, open.SequenceNumber);
    }

    [Fact]
    public void RekeyWithTheWrongKeyOrIvLengthIsRefusedAndKeepsTheKey()
    {
        var (seal, open) = Pair(CipherSuite.TLS_AES_128_GCM_SHA256);
        Assert.Throws<ArgumentException>(() => seal.Rekey(new byte[32], new byte[12]));
        Assert.Throws<ArgumentException>(() => seal.Rekey(new byte[16], new byte[8]));
        var dest = new byte[16];
        int length = OpenOne(open, SealOne(seal, ContentType.ApplicationData, "ok"u8), dest, out _);
        Assert.Equal("ok"u8.ToArray(), dest[..length]);
    }
}
