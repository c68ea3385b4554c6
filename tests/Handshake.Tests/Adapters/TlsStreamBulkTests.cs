using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using TlsEngine.Record;
using TlsEngine.Testing;
using TlsEngine.Tests.Support;

namespace TlsEngine.Tests.Adapters;

/// <summary>
/// <see cref="TlsStream"/> moving bulk data. Write-behind: writes of a full record or more return once queued, a
/// background sender hands the queue to the transport in larger writes, and what was written is sent, in order, before
/// a flush, a shutdown or a later small write completes. Reads decrypt straight into the caller's buffer while whole
/// records fit and keep the rest for the next read. The client's transport is wrapped so tests can hold its writes.
/// </summary>
public sealed class TlsStreamBulkTests : IAsyncLifetime
{
    private const int Record = 16384;
    private readonly CancellationTokenSource _cts = new(TimeSpan.FromSeconds(30));
    private TcpListener _listener = null!;
    private TcpClient _tcp = null!;
    private GatedTransport _transport = null!;
    private TlsStream _client = null!;
    private TlsStream _server = null!;
    private readonly SessionTicketCache _tickets = new();
    private readonly SessionTicketKeys _ticketKeys = SessionTicketKeys.CreateRandom();

    public async Task InitializeAsync()
    {
        var (c, s) = Loopback.MutualOptions();
        c.SessionTickets = _tickets;
        s.SessionTicketKeys = _ticketKeys;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        var accepted = _listener.AcceptSocketAsync(_cts.Token);
        _tcp = new TcpClient { NoDelay = true };
        await _tcp.ConnectAsync((IPEndPoint)_listener.LocalEndpoint, _cts.Token);
        var socket = await accepted;
        var server = TlsStream.AcceptAsync(new NetworkStream(socket, ownsSocket: true), s, _cts.Token);
        _transport = new GatedTransport(_tcp.GetStream());
        _client = await TlsStream.ConnectAsync(_transport, c, _cts.Token);
        _server = await server;
        _transport.Writes.Clear();
    }

    public async Task DisposeAsync()
    {
        _transport.Release();
        await _client.DisposeAsync();
        await _server.DisposeAsync();
        _tcp.Dispose();
        _listener.Stop();
        _ticketKeys.Dispose();
        _cts.Dispose();
    }

    [Fact]
    public async Task BulkWritesReturnOnceQueuedAndReachTheTransportInLargerWrites()
    {
        // A record of 16 KiB is 16,406 bytes on the wire; a writer waits once the queue could not take another full
        // record (16,645 bytes with the largest expansion), so the first record goes to the sender and `fit` more
        // queue behind it before a write waits.
        const int onWire = 5 + Record + 1 + 16;
        int fit = (OutgoingQueue.WriteBehindCapacity - RecordHeader.Size - RecordHeader.MaxCiphertextLength) / onWire;
        int records = fit + 2;
        var data = RandomNumberGenerator.GetBytes(records * Record);
        _transport.Hold();
        await _client.WriteAsync(data.AsMemory(0, Record), _cts.Token);
        await _transport.FirstHeldWrite.WaitAsync(TimeSpan.FromSeconds(5));
        for (int i = 1; i <= fit; i++)
        {
            var write = _client.WriteAsync(data.AsMemory(i * Record, Record), _cts.Token);
            Assert.True(write.IsCompleted, $"bulk write {i + 1} waited with {i - 1} record(s) queued");
            await write;
        }
        var last = _client.WriteAsync(data.AsMemory((records - 1) * Record, Record), _cts.Token).AsTask();
        await Task.Delay(200);
        Assert.False(last.IsCompleted, $"bulk write {records} completed while the transport held the first and {fit} were queued");
        var flush = _client.FlushAsync(_cts.Token);
        Assert.False(flush.IsCompleted);

        _transport.Release();
        await last;
        await flush;
        Assert.Equal(data, await ReadAsync(_server, data.Length));
        // The first record alone, then the rest together; none above the queue's capacity.
        Assert.Equal(records * onWire, _transport.Writes.Sum());
        Assert.Equal([onWire, (records - 1) * onWire], _transport.Writes);
        Assert.All(_transport.Writes, n => Assert.True(n <= OutgoingQueue.WriteBehindCapacity, $"a transport write of {n} bytes"));
    }

    [Theory]
    [InlineData(100, true)]
    [InlineData(Record - 1, true)]
    [InlineData(Record, false)]
    public async Task SmallWritesAndWritesWithWriteBehindOffReturnAfterTheTransportTookThem(int size, bool writeBehind)
    {
        _client.WriteBehind = writeBehind;
        var data = RandomNumberGenerator.GetBytes(size);
        _transport.Hold();
        var write = _client.WriteAsync(data, _cts.Token).AsTask();
        await Task.Delay(200);
        Assert.False(write.IsCompleted, $"a {size}-byte write completed while the transport held it");
        _transport.Release();
        await write;
        Assert.Equal(data, await ReadAsync(_server, size));
    }

    [Fact]
    public async Task MixedWritesAndKeyUpdatesArriveInOrder()
    {
        int[] sizes = [1, Record, 70_000, 3, 200_000, Record - 1, Record + 1, 5, 3 * Record, 64];
        var sent = new MemoryStream();
        var reader = Task.Run(async () =>
        {
            var received = new MemoryStream();
            var buffer = new byte[8192];
            int n;
            while ((n = await _server.ReadAsync(buffer, _cts.Token)) > 0) received.Write(buffer, 0, n);
            return received.ToArray();
        });
        for (int round = 0; round < 4; round++)
        {
            foreach (int size in sizes)
            {
                var data = RandomNumberGenerator.GetBytes(size);
                sent.Write(data);
                await _client.WriteAsync(data, _cts.Token);
            }
            await _client.UpdateKeysAsync(requestPeer: round % 2 == 0, _cts.Token);
        }
        await _client.ShutdownAsync(_cts.Token);
        Assert.Equal(SHA256.HashData(sent.ToArray()), SHA256.HashData(await reader));
    }

    [Fact]
    public async Task ReadsOfEverySizeReturnTheDataInOrder()
    {
        // Records of up to 16 KiB read into buffers from 1 byte to 70,000: some records go straight to the caller's
        // buffer, some spill into the stream's own, in every combination.
        var sent = RandomNumberGenerator.GetBytes(3_000_000);
        var writer = Task.Run(async () =>
        {
            var random = new Random(7);
            for (int at = 0; at < sent.Length;)
            {
                int n = Math.Min(sent.Length - at, random.Next(1, 3) == 1 ? random.Next(1, 2000) : random.Next(Record, 5 * Record));
                await _client.WriteAsync(sent.AsMemory(at, n), _cts.Token);
                at += n;
            }
            await _client.ShutdownAsync(_cts.Token);
        });
        var received = new MemoryStream();
        var sizes = new Random(11);
        var buffer = new byte[70_000];
        int got;
        while ((got = await _server.ReadAsync(buffer.AsMemory(0, sizes.Next(4) switch
        {
            0 => sizes.Next(1, 100),
            1 => sizes.Next(Record - 10, Record + 30),
            _ => sizes.Next(2 * Record, buffer.Length + 1),
        }), _cts.Token)) > 0)
            received.Write(buffer, 0, got);
        await writer;
        Assert.Equal(sent.Length, received.Length);
        Assert.Equal(SHA256.HashData(sent), SHA256.HashData(received.ToArray()));
    }

    [Fact]
    public async Task BothSidesWriteBehindWhileEachAsksThePeerToUpdateItsKeys()
    {
        // Each side's reader answers the peer's update_requested with its own KeyUpdate, queued between the records
        // its writer is sending behind: every record must still go out in sequence under the right key.
        var toServer = RandomNumberGenerator.GetBytes(2_000_000);
        var toClient = RandomNumberGenerator.GetBytes(2_000_000);
        async Task WriteAsync(TlsStream stream, byte[] data)
        {
            for (int at = 0, n = 0; at < data.Length; at += 65536, n++)
            {
                await stream.WriteAsync(data.AsMemory(at, Math.Min(65536, data.Length - at)), _cts.Token);
                if (n % 5 == 4) await stream.UpdateKeysAsync(requestPeer: true, _cts.Token);
            }
            await stream.FlushAsync(_cts.Token);
        }
        async Task<byte[]> ReadAllAsync(TlsStream stream, int length)
        {
            var buffer = new byte[length];
            await stream.ReadExactlyAsync(buffer, _cts.Token);
            return buffer;
        }
        var reads = Task.WhenAll(ReadAllAsync(_server, toServer.Length), ReadAllAsync(_client, toClient.Length));
        await Task.WhenAll(WriteAsync(_client, toServer), WriteAsync(_server, toClient));
        var received = await reads;
        Assert.Equal(SHA256.HashData(toServer), SHA256.HashData(received[0]));
        Assert.Equal(SHA256.HashData(toClient), SHA256.HashData(received[1]));
    }

    [Fact]
    public async Task AMessageDecryptedIntoTheCallersBufferIsClearedUnlessItIsData()
    {
        // The server's NewSessionTicket (over a kilobyte: the client's chain is inside) reaches the client's first
        // read and is decrypted where application data would go, the caller's buffer. Only the data may remain there.
        var buffer = new byte[65536];
        buffer.AsSpan().Fill(0xAA);
        await _server.WriteAsync("hello"u8.ToArray(), _cts.Token);
        int n = await _client.ReadAsync(buffer, _cts.Token);
        Assert.Equal("hello"u8.ToArray(), buffer[..n]);
        Assert.Equal(1, _tickets.Count);
        // After the data, its record's inner content type (RFC 8446 §5.2); after that nothing decrypted.
        Assert.Equal((byte)ContentType.ApplicationData, buffer[n]);
        int stray = buffer.AsSpan(n + 1).IndexOfAnyExcept((byte)0, (byte)0xAA);
        Assert.True(stray < 0, $"a decrypted byte was left at offset {n + 1 + stray} of the caller's buffer");
    }

    [Fact]
    public async Task AFailedBackgroundSendSurfacesOnTheNextWriteAndFlush()
    {
        _transport.Fail(new IOException("transport write refused"));
        var data = new byte[Record];
        await _client.WriteAsync(data, _cts.Token); // queued: the sender fails afterwards
        IOException? failure = null;
        for (int i = 0; i < 200 && failure is null; i++)
        {
            try
            {
                await _client.WriteAsync(data, _cts.Token);
                await Task.Delay(10);
            }
            catch (IOException e)
            {
                failure = e;
            }
        }
        Assert.NotNull(failure);
        Assert.Equal("transport write refused", failure.InnerException?.Message);
        var flush = await Assert.ThrowsAsync<IOException>(() => _client.FlushAsync(_cts.Token));
        Assert.Contains("transport write refused", flush.Message);
    }

    private async Task<byte[]> ReadAsync(TlsStream stream, int length)
    {
        var buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer, _cts.Token);
        return buffer;
    }

    /// <summary>A transport whose writes can be held (until released), made to fail, and are counted by size.</summary>
    private sealed class GatedTransport(Stream inner) : PassThroughStream(inner)
    {
        private readonly TaskCompletionSource _firstHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource _gate = Opened();
        private Exception? _failure;

        /// <summary>Completes when a write reaches the transport while it is held.</summary>
        public Task FirstHeldWrite => _firstHeld.Task;

        public List<int> Writes { get; } = [];

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        public void Fail(Exception failure) => _failure = failure;

        private static TaskCompletionSource Opened()
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            gate.SetResult();
            return gate;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_gate.Task.IsCompleted) _firstHeld.TrySetResult();
            await _gate.Task.WaitAsync(cancellationToken);
            if (_failure is not null) throw _failure;
            lock (Writes) Writes.Add(buffer.Length);
            await Inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }
}
