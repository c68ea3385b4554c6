using System.Buffers;
using TlsEngine.Crypto;
using TlsEngine.Testing;

namespace TlsEngine.Record.Tests;

public class RecordLayerTests
{
    private static RecordProtection Protection() => new(CipherSuite.TLS_AES_128_GCM_SHA256, new byte[16], new byte[12]);

    private static List<(RecordHeader Header, byte[] Record)> ReadAll(RecordLayer layer, ReadOnlySequence<byte> data)
    {
        var records = new List<(RecordHeader, byte[])>();
        while (layer.TryReadRecord(data, out var h, out var r, out int n))
        {
            records.Add((h, r.ToArray()));
            data = data.Slice(n);
        }
        Assert.Equal(0, data.Length);
        return records;
    }

    [Fact]
    public void HeaderOverTheCiphertextLimitFailsWithRecordOverflow()
    {
        byte[] header = [23, 3, 3, 0x41, 0x01]; // 16641 = 2^14 + 257
        var e = Assert.Throws<TlsAlertException>(() => RecordHeader.Parse(header));
        Assert.Equal(AlertDescription.RecordOverflow, e.Alert);
    }

    [Fact]
    public void HeaderAtTheCiphertextLimitIsAccepted()
    {
        byte[] header = [23, 3, 3, 0x41, 0x00];
        Assert.Equal(16640, RecordHeader.Parse(header).Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    [InlineData(24)]
    [InlineData(255)]
    public void UnknownContentTypeFailsWithUnexpectedMessage(byte type)
    {
        byte[] header = [type, 3, 3, 0, 1];
        var e = Assert.Throws<TlsAlertException>(() => RecordHeader.Parse(header));
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }

    [Fact]
    public void OversizedRecordIsRefusedBeforeItsBodyArrives()
    {
        var layer = new RecordLayer();
        var data = new ReadOnlySequence<byte>(new byte[] { 23, 3, 3, 0xFF, 0xFF });
        var e = Assert.Throws<TlsAlertException>(() => layer.TryReadRecord(data, out _, out _, out _));
        Assert.Equal(AlertDescription.RecordOverflow, e.Alert);
    }

    [Fact]
    public void IncompleteRecordNeedsMoreData()
    {
        var layer = new RecordLayer();
        Assert.False(layer.TryReadRecord(new ReadOnlySequence<byte>(new byte[] { 22, 3, 3 }), out _, out _, out _));
        Assert.False(layer.TryReadRecord(new ReadOnlySequence<byte>(new byte[] { 22, 3, 3, 0, 4, 1, 2 }), out _, out _, out _));
    }

    [Fact]
    public void PlaintextIsFragmentedAt16KiB()
    {
        var layer = new RecordLayer();
        var output = new ArrayBufferWriter<byte>();
        layer.Write(ContentType.Handshake, new byte[40000], output);
        var records = ReadAll(new RecordLayer(), new ReadOnlySequence<byte>(output.WrittenMemory));
        Assert.Equal([16384, 16384, 7232], records.Select(r => r.Header.Length));
    }

    [Fact]
    public void ProtectedRecordsRespectThePeersRecordSizeLimit()
    {
        var writer = new RecordLayer { PeerRecordSizeLimit = 1000 };
        writer.SetWriteProtection(Protection());
        var output = new ArrayBufferWriter<byte>();
        writer.Write(ContentType.ApplicationData, new byte[2500], output);
        var reader = new RecordLayer { LocalRecordSizeLimit = 1000 };
        reader.SetReadProtection(Protection());
        var records = ReadAll(reader, new ReadOnlySequence<byte>(output.WrittenMemory));
        // RFC 8449 §4: the limit counts content + content type + padding, so 999 bytes of content per record.
        Assert.Equal(3, records.Count);
        var dest = new byte[2000];
        Assert.Equal(999, reader.Unprotect(records[0].Record, dest, out var type));
        Assert.Equal(ContentType.ApplicationData, type);
    }

    [Fact]
    public void RecordOverOurAdvertisedLimitFailsWithRecordOverflow()
    {
        var writer = new RecordLayer();
        writer.SetWriteProtection(Protection());
        var output = new ArrayBufferWriter<byte>();
        writer.Write(ContentType.ApplicationData, new byte[500], output);
        var reader = new RecordLayer { LocalRecordSizeLimit = 200 };
        reader.SetReadProtection(Protection());
        var record = ReadAll(reader, new ReadOnlySequence<byte>(output.WrittenMemory))[0].Record;
        var e = Assert.Throws<TlsAlertException>(() => reader.Unprotect(record, new byte[1000], out _));
        Assert.Equal(AlertDescription.RecordOverflow, e.Alert);
    }

    [Fact]
    public void PaddingPolicyPadsToTheBlockSizeAndIsRemoved()
    {
        var writer = new RecordLayer { PadToMultipleOf = 256 };
        writer.SetWriteProtection(Protection());
        var output = new ArrayBufferWriter<byte>();
        writer.Write(ContentType.ApplicationData, "tiny"u8, output);
        Assert.Equal(5 + 256 + 16, output.WrittenCount);
        var reader = new RecordLayer();
        reader.SetReadProtection(Protection());
        var record = ReadAll(reader, new ReadOnlySequence<byte>(output.WrittenMemory))[0].Record;
        var dest = new byte[300];
        int n = reader.Unprotect(record, dest, out _);
        Assert.Equal("tiny"u8.ToArray(), dest[..n]);
    }

    [Fact]
    public void RecordSplitAcrossSegmentsIsJoined()
    {
        var output = new ArrayBufferWriter<byte>();
        new RecordLayer().Write(ContentType.Handshake, [1, 2, 3, 4, 5, 6], output);
        var bytes = output.WrittenMemory.ToArray();
        var seq = Segments.Split(bytes, 3);
        var records = ReadAll(new RecordLayer(), seq);
        Assert.Equal(bytes, records[0].Record);
    }
}
