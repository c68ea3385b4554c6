using System.Buffers;
using System.Security.Cryptography;
using TlsEngine.Testing;
using TlsEngine.Tests.Support;

namespace TlsEngine.Tests;

/// <summary>
/// <see cref="TlsConnection.Encrypt(in ReadOnlySequence{byte}, IBufferWriter{byte})"/>: plaintext in several buffers
/// becomes full records (records are cut at the record limit, not at segment edges), in order and intact.
/// </summary>
public class SegmentedEncryptTests
{
    private const int Full = 16384;

    /// <summary>Content bytes of each application data record the client sent after <paramref name="from"/> (AES-GCM: 1 type byte, 16-byte tag).</summary>
    private static List<int> SentContentLengths(Loopback loop, int from) =>
        loop.Wire.Skip(from).Where(r => !r.FromServer).SelectMany(r => HandshakeTests.SplitRecords(r.Bytes)).Select(r => r.Length - 5 - 1 - 16).ToList();

    private static (List<int> Records, byte[] Received) Send(ReadOnlySequence<byte> data, Action<TlsClientOptions>? configure = null)
    {
        var (c, s) = Loopback.MutualOptions();
        configure?.Invoke(c);
        using var loop = new Loopback(c, s);
        loop.Handshake();
        int before = loop.Wire.Count;
        var w = new ArrayBufferWriter<byte>();
        loop.Client.Encrypt(data, w);
        loop.Queue(fromServer: false, w.WrittenSpan);
        loop.Pump();
        return (SentContentLengths(loop, before), loop.ServerReceived.WrittenSpan.ToArray());
    }

    [Fact]
    public void FourKibSegmentsBecomeFullRecords()
    {
        var data = RandomNumberGenerator.GetBytes(10 * 4096 + 1234);
        var (records, received) = Send(Segments.Split(data, Enumerable.Repeat(4096, 10).ToArray()));
        Assert.Equal(data, received);
        Assert.Equal([Full, Full, data.Length - 2 * Full], records);
    }

    [Fact]
    public void RaggedSegmentsLargerAndSmallerThanARecordKeepOrderAndFillRecords()
    {
        var data = RandomNumberGenerator.GetBytes(20000 + 1 + 5000 + 7 + 30000 + 3);
        var (records, received) = Send(Segments.Split(data, 20000, 1, 5000, 7, 30000));
        Assert.Equal(data, received);
        // 55,011 bytes: three full records and the rest; no short record where one segment ends and another begins.
        Assert.Equal([Full, Full, Full, data.Length - 3 * Full], records);
    }

    [Fact]
    public void ANegotiatedRecordSizeLimitCutsGatheredRecords()
    {
        var data = RandomNumberGenerator.GetBytes(3000);
        var (records, received) = Send(Segments.Split(data, 100, 900, 1, 999), c => c.RecordSizeLimit = 256);
        Assert.Equal(data, received);
        // RFC 8449 §4: at most 255 bytes of content under a limit of 256 (one byte goes to the inner content type).
        Assert.All(records[..^1], n => Assert.Equal(255, n));
        Assert.Equal(3000 - 255 * (records.Count - 1), records[^1]);
    }

    [Fact]
    public void ASingleSegmentIsEncryptedLikeASpan()
    {
        var data = RandomNumberGenerator.GetBytes(Full + 10);
        var (records, received) = Send(new ReadOnlySequence<byte>(data));
        Assert.Equal(data, received);
        Assert.Equal([Full, 10], records);
    }

    [Fact]
    public void SegmentedDataBeforeTheHandshakeIsRefused()
    {
        var (c, s) = Loopback.MutualOptions();
        using var loop = new Loopback(c, s);
        Assert.Throws<InvalidOperationException>(() => loop.Client.Encrypt(Segments.Split(new byte[10], 5), new ArrayBufferWriter<byte>()));
    }
}
