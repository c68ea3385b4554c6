using System.Buffers;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using TlsEngine.Bench.Support;
using TlsEngine.Crypto;
using TlsEngine.Record;

namespace TlsEngine.Bench;

/// <summary>
/// Our parsers on their own: the record header, finding a whole record in a contiguous or a two-segment input
/// (<see cref="RecordLayer.TryReadRecord"/>, public), and ClientHello processing up to the first public-key operation.
/// </summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private byte[] _record = [];
    private ReadOnlySequence<byte> _contiguous;
    private ReadOnlySequence<byte> _segmented;
    private readonly RecordLayer _layer = new();
    private byte[] _clientHello = [];
    private byte[] _clientHelloMessage = [];
    private TlsServerOptions _retryServer = null!;
    private readonly Wire _sink = new();
    private Func<ReadOnlySpan<byte>, ReadOnlyMemory<byte>, object> _parse = null!;

    [GlobalSetup]
    public void Setup()
    {
        // A 16 KiB application-data record as it appears on the wire (the body is opaque to the parser).
        _record = new byte[RecordHeader.Size + 16384 + 17];
        new RecordHeader(ContentType.ApplicationData, 0x0303, _record.Length - RecordHeader.Size).Write(_record);
        _contiguous = new ReadOnlySequence<byte>(_record);
        _segmented = Segment.Split(_record, 4096);

        // A ClientHello whose only key share (P-256) is for a group the server does not take, so the server answers
        // with HelloRetryRequest (X25519) before any public-key operation.
        var pki = BenchPki.Shared;
        var client = EngineLink.ClientOptions(pki, chainCache: false);
        client.Groups = [NamedGroup.Secp256r1, NamedGroup.X25519];
        client.KeyShareGroups = [NamedGroup.Secp256r1];
        using (var c = TlsConnection.CreateClient(client))
        {
            var w = new Wire();
            c.Start(w);
            _clientHello = w.PendingSpan.ToArray();
        }
        _retryServer = EngineLink.ServerOptions(pki, chainCache: false);
        // Record header (5) and handshake header (type, 24-bit length) precede the ClientHello body; a
        // change_cipher_spec record may follow it in the same flight.
        int bodyLength = _clientHello[6] << 16 | _clientHello[7] << 8 | _clientHello[8];
        // The whole handshake message, as the engine holds it: extension data is sliced from it.
        _clientHelloMessage = _clientHello.AsSpan(RecordHeader.Size, 4 + bodyLength).ToArray();
        _parse = FindClientHelloParse();
        if (ClientHelloParse() != 1) throw new InvalidOperationException("ClientHello.Parse failed");
        if (!RecordRead() || !RecordReadSegmented() || ClientHelloToRetry() == 0)
            throw new InvalidOperationException("parse benchmark setup failed");
    }

    /// <summary>
    /// The internal ClientHello.Parse(body, owner) through reflection (the bench may not use InternalsVisibleTo); a
    /// changed signature fails the setup rather than printing a zero.
    /// </summary>
    private static Func<ReadOnlySpan<byte>, ReadOnlyMemory<byte>, object> FindClientHelloParse()
    {
        var method = typeof(TlsConnection).Assembly.GetType("TlsEngine.Messages.ClientHello")
            ?.GetMethod("Parse", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, [typeof(ReadOnlySpan<byte>), typeof(ReadOnlyMemory<byte>)]);
        if (method is null || method.ReturnType.IsValueType)
            throw new InvalidOperationException("ClientHello.Parse(ReadOnlySpan<byte>, ReadOnlyMemory<byte>) not found: update ParseBenchmarks");
        return method.CreateDelegate<Func<ReadOnlySpan<byte>, ReadOnlyMemory<byte>, object>>();
    }

    [Benchmark]
    public ContentType RecordHeaderParse() => RecordHeader.Parse(_record).Type;

    [Benchmark]
    public bool RecordRead() => _layer.TryReadRecord(_contiguous, out _, out _, out int n) && n == _record.Length;

    /// <summary>The record arrives in 4 KiB segments: the layer copies it into its pooled scratch buffer.</summary>
    [Benchmark]
    public bool RecordReadSegmented() => _layer.TryReadRecord(_segmented, out _, out _, out int n) && n == _record.Length;

    /// <summary>
    /// A fresh server given one ClientHello record: options check, record and handshake framing, ClientHello parse,
    /// negotiation, HelloRetryRequest with its cookie. The public-API way to time ClientHello handling.
    /// </summary>
    [Benchmark]
    public int ClientHelloToRetry()
    {
        using var server = TlsConnection.CreateServer(_retryServer);
        _sink.Clear();
        server.Process(_clientHello, _sink, _sink, out _);
        return _sink.Length;
    }

    /// <summary>ClientHello.Parse alone on the message body, with the message as the owner of its extension data (internal, through a delegate).</summary>
    [Benchmark]
    public int ClientHelloParse() => _parse(_clientHelloMessage.AsSpan(4), _clientHelloMessage) is null ? 0 : 1;

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        private Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public static ReadOnlySequence<byte> Split(byte[] data, int size)
        {
            var first = new Segment(data.AsMemory(0, Math.Min(size, data.Length)), 0);
            var last = first;
            for (int offset = size; offset < data.Length; offset += size)
            {
                var next = new Segment(data.AsMemory(offset, Math.Min(size, data.Length - offset)), offset);
                last.Next = next;
                last = next;
            }
            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }
    }
}
