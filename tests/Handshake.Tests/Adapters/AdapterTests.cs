using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using TlsEngine.Messages;
using TlsEngine.Record;
using TlsEngine.Tests.Support;

namespace TlsEngine.Tests.Adapters;

/// <summary>The Stream adapter over loopback TCP and the Pipelines adapter over in-memory pipes and loopback TCP.</summary>
public class AdapterTests
{
    private static async Task<(TcpListener Listener, IPEndPoint EndPoint)> ListenAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await Task.Yield();
        return (listener, (IPEndPoint)listener.LocalEndpoint);
    }

    /// <summary>A connected loopback TCP pair: the client's TcpClient (Nagle off) and the socket the server accepted.</summary>
    private static async Task<(TcpClient Client, Socket Server)> ConnectedPairAsync(CancellationToken ct)
    {
        var (listener, endpoint) = await ListenAsync();
        try
        {
            var accepted = listener.AcceptSocketAsync(ct);
            var tcp = new TcpClient { NoDelay = true };
            await tcp.ConnectAsync(endpoint, ct);
            return (tcp, await accepted);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task StreamsExchangeDataOverLoopbackAndCloseGracefully()
    {
        var (c, s) = Loopback.MutualOptions();
        s.AnswerCloseNotify = false; // half-close: the server still answers after the client's close_notify
        var (listener, endpoint) = await ListenAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var payload = RandomNumberGenerator.GetBytes(1_000_000);
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(cts.Token);
            await using var tls = await TlsStream.AcceptAsync(new NetworkStream(socket, ownsSocket: false), s, cts.Token);
            var received = new MemoryStream();
            var buffer = new byte[8192];
            int n;
            while ((n = await tls.ReadAsync(buffer, cts.Token)) > 0) received.Write(buffer, 0, n);
            // The client's close_notify ended the data; answer with a digest and our own close_notify.
            await tls.WriteAsync(SHA256.HashData(received.ToArray()), cts.Token);
            return tls.Connection.PeerIdentity!.SpiffeId;
        });
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint, cts.Token);
        await using var client = await TlsStream.ConnectAsync(tcp.GetStream(), c, cts.Token);
        var writer = client.WriteAsync(payload, cts.Token).AsTask();
        await writer;
        await client.ShutdownAsync(cts.Token);
        var digest = new byte[32];
        int got = 0;
        while (got < 32)
        {
            int n = await client.ReadAsync(digest.AsMemory(got), cts.Token);
            Assert.NotEqual(0, n);
            got += n;
        }
        Assert.Equal(SHA256.HashData(payload), digest);
        Assert.Equal(0, await client.ReadAsync(new byte[1], cts.Token));
        Assert.False(client.ClosedWithoutCloseNotify);
        Assert.Equal("spiffe://test.example/client", await server);
        listener.Stop();
    }

    [Fact]
    public async Task IdleServerConnectionsParkTheirReadWithoutAReceiveBuffer()
    {
        // Each server answers one request, then parks a read as an idle server does. A socket may complete the
        // zero-byte wait with nothing to read; the parked read must still not sit on a rented receive buffer.
        var (c, s) = Loopback.MutualOptions();
        var (listener, endpoint) = await ListenAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var servers = new List<TlsStream>();
        var held = new List<IDisposable>();
        var parked = new List<Task<int>>();
        try
        {
            for (int i = 0; i < 150; i++)
            {
                var accepted = listener.AcceptTcpClientAsync(cts.Token);
                var tcp = new TcpClient { NoDelay = true };
                held.Add(tcp);
                await tcp.ConnectAsync(endpoint, cts.Token);
                var serverTcp = await accepted;
                held.Add(serverTcp);
                var serverTls = TlsStream.AcceptAsync(serverTcp.GetStream(), s, cts.Token);
                var client = await TlsStream.ConnectAsync(tcp.GetStream(), c, cts.Token);
                var server = await serverTls;
                servers.Add(server);
                held.Add(client);
                var request = new byte[64];
                await client.WriteAsync(request, cts.Token);
                await server.ReadExactlyAsync(request, cts.Token);
                await server.WriteAsync(request, cts.Token);
                await client.ReadExactlyAsync(request, cts.Token);
                parked.Add(server.ReadAsync(new byte[64], cts.Token).AsTask());
            }
            await Task.Delay(300, cts.Token);
            Assert.All(parked, t => Assert.False(t.IsCompleted));
            Assert.Equal(0, servers.Count(x => x.HoldsReceiveBuffer));
        }
        finally
        {
            cts.Cancel();
            foreach (var x in held) x.Dispose();
            listener.Stop();
        }
    }

    [Fact]
    public async Task CloseNotifyIsAnsweredByDefault()
    {
        var (c, s) = Loopback.MutualOptions();
        var (listener, endpoint) = await ListenAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(cts.Token);
            await using var tls = await TlsStream.AcceptAsync(new NetworkStream(socket, ownsSocket: false), s, cts.Token);
            // Reading to the end answers the client's close_notify with ours.
            Assert.Equal(0, await tls.ReadAsync(new byte[10], cts.Token));
            return tls.Connection.LocalClosed;
        });
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint, cts.Token);
        await using var client = await TlsStream.ConnectAsync(tcp.GetStream(), c, cts.Token);
        await client.ShutdownAsync(cts.Token);
        Assert.Equal(0, await client.ReadAsync(new byte[10], cts.Token));
        Assert.True(client.Connection.PeerClosed);
        Assert.True(await server);
        listener.Stop();
    }

    [Fact]
    public async Task HandshakeTimesOutWhenThePeerNeverAnswers()
    {
        var (c, _) = Loopback.MutualOptions();
        var (listener, endpoint) = await ListenAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint);
        using var accepted = await listener.AcceptSocketAsync();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var stream = new TlsStream(tcp.GetStream(), TlsConnection.CreateClient(c));
        await Assert.ThrowsAsync<TimeoutException>(() => stream.HandshakeAsync(TimeSpan.FromMilliseconds(300)));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5));
        await stream.DisposeAsync();
        listener.Stop();
    }

    [Fact]
    public async Task HandshakeCanBeCancelled()
    {
        var (c, _) = Loopback.MutualOptions();
        var (listener, endpoint) = await ListenAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint);
        using var accepted = await listener.AcceptSocketAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TlsStream.ConnectAsync(tcp.GetStream(), c, cts.Token));
        listener.Stop();
    }

    [Fact]
    public async Task TransportClosedDuringHandshakeIsAnIOException()
    {
        var (c, _) = Loopback.MutualOptions();
        var (listener, endpoint) = await ListenAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint);
        var accepted = await listener.AcceptSocketAsync();
        accepted.Close();
        await Assert.ThrowsAsync<IOException>(() => TlsStream.ConnectAsync(tcp.GetStream(), c));
        listener.Stop();
    }

    [Fact]
    public async Task FailedHandshakeSendsTheAlertToThePeer()
    {
        var (c, s) = Loopback.MutualOptions();
        c.Certificate = null;
        var (listener, endpoint) = await ListenAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(cts.Token);
            return await Assert.ThrowsAsync<TlsAlertException>(() => TlsStream.AcceptAsync(new NetworkStream(socket), s, cts.Token));
        });
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint, cts.Token);
        // TLS 1.3 clients finish first; the server's refusal arrives on the client's first read.
        await using var client = await TlsStream.ConnectAsync(tcp.GetStream(), c, cts.Token);
        var received = await Assert.ThrowsAsync<TlsAlertException>(async () => _ = await client.ReadAsync(new byte[16], cts.Token));
        Assert.Equal(AlertDescription.CertificateRequired, received.Alert);
        Assert.True(received.ReceivedFromPeer);
        Assert.Equal(AlertDescription.CertificateRequired, (await server).Alert);
        listener.Stop();
    }

    [Fact]
    public async Task PipesCarryDataBothWaysAndCompleteOnClose()
    {
        var (c, s) = Loopback.MutualOptions();
        s.AnswerCloseNotify = false; // half-close: the server still answers after the client's close_notify
        var clientToServer = new Pipe();
        var serverToClient = new Pipe();
        var clientTransport = new DuplexPipe(serverToClient.Reader, clientToServer.Writer);
        var serverTransport = new DuplexPipe(clientToServer.Reader, serverToClient.Writer);
        await using var client = new TlsPipe(clientTransport, TlsConnection.CreateClient(c));
        await using var server = new TlsPipe(serverTransport, TlsConnection.CreateServer(s));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await Task.WhenAll(client.HandshakeAsync(TimeSpan.FromSeconds(10), cts.Token), server.HandshakeAsync(TimeSpan.FromSeconds(10), cts.Token));
        Assert.Equal("spiffe://test.example/client", server.Connection.PeerIdentity!.SpiffeId);

        var payload = RandomNumberGenerator.GetBytes(200_000);
        await client.Output.WriteAsync(payload, cts.Token);
        await client.Output.CompleteAsync();
        var received = await ReadAllAsync(server.Input, cts.Token);
        Assert.Equal(payload, received);
        Assert.True(server.Connection.PeerClosed);

        await server.Output.WriteAsync("bye"u8.ToArray(), cts.Token);
        await server.Output.CompleteAsync();
        Assert.Equal("bye"u8.ToArray(), await ReadAllAsync(client.Input, cts.Token));
    }

    [Fact]
    public async Task PipesOverTcpStreamsCarryBulkDataBothWaysAndClose()
    {
        var (c, s) = Loopback.MutualOptions();
        s.AnswerCloseNotify = false; // half-close: the server still answers after the client's close_notify
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var (tcp, socket) = await ConnectedPairAsync(cts.Token);
        var clientStream = tcp.GetStream();
        await using var client = TlsPipe.Create(clientStream, TlsConnection.CreateClient(c));
        await using var server = TlsPipe.Create(new NetworkStream(socket, ownsSocket: true), TlsConnection.CreateServer(s));
        await Task.WhenAll(client.HandshakeAsync(TimeSpan.FromSeconds(10), cts.Token), server.HandshakeAsync(TimeSpan.FromSeconds(10), cts.Token));

        // More than the transport reader's 64 KiB buffer, in writes that do not line up with records.
        var payload = RandomNumberGenerator.GetBytes(1_000_003);
        var reading = ReadAllAsync(server.Input, cts.Token);
        for (int offset = 0; offset < payload.Length; offset += 50_000)
            await client.Output.WriteAsync(payload.AsMemory(offset, Math.Min(50_000, payload.Length - offset)), cts.Token);
        await client.Output.CompleteAsync();
        Assert.Equal(payload, await reading);
        Assert.True(server.Connection.PeerClosed);

        await server.Output.WriteAsync("bye"u8.ToArray(), cts.Token);
        await server.Output.CompleteAsync();
        Assert.Equal("bye"u8.ToArray(), await ReadAllAsync(client.Input, cts.Token));

        // The stream goes with the pipe; disposing twice is harmless.
        await client.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(() => clientStream.ReadByte());
        await client.DisposeAsync();
    }

    [Fact]
    public async Task PipeWritingBehindAnswersKeyUpdatesBetweenItsRecords()
    {
        // Our TlsPipe client writes 2 MB behind while a TlsStream server asks it to update its keys every 256 KiB it
        // receives: the pipe's read loop queues each KeyUpdate answer between the records its write loop seals, and
        // every record must still go out in sequence under the right key. Then the other way round.
        var (c, s) = Loopback.MutualOptions();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (tcp, socket) = await ConnectedPairAsync(cts.Token);
        await using var client = TlsPipe.Create(tcp.GetStream(), TlsConnection.CreateClient(c));
        var serverTask = TlsStream.AcceptAsync(new NetworkStream(socket, ownsSocket: true), s, cts.Token);
        await client.HandshakeAsync(TimeSpan.FromSeconds(10), cts.Token);
        await using var server = await serverTask;

        var toServer = RandomNumberGenerator.GetBytes(2_000_000);
        var writing = Task.Run(async () =>
        {
            for (int at = 0; at < toServer.Length; at += 100_000)
                await client.Output.WriteAsync(toServer.AsMemory(at, Math.Min(100_000, toServer.Length - at)), cts.Token);
        }, cts.Token);
        var received = new byte[toServer.Length];
        int got = 0, updates = 0;
        while (got < received.Length)
        {
            int n = await server.ReadAsync(received.AsMemory(got), cts.Token);
            Assert.NotEqual(0, n);
            got += n;
            if (got / (256 * 1024) > updates)
            {
                updates++;
                await server.UpdateKeysAsync(requestPeer: true, cts.Token);
            }
        }
        await writing;
        Assert.Equal(SHA256.HashData(toServer), SHA256.HashData(received));
        Assert.True(updates >= 7, $"only {updates} KeyUpdates were requested");
        // When the pipe has read "sync", sent after the requests, it has queued its answers; "end" follows them. (On a
        // fast run all 2 MB can be in the socket buffers before the first request arrives: then the answers come after
        // the data rather than between its records.)
        await server.WriteAsync("sync"u8.ToArray(), cts.Token);
        await server.FlushAsync(cts.Token);
        Assert.Equal("sync"u8.ToArray(), await ReadExactlyAsync(client.Input, 4, cts.Token));
        await client.Output.WriteAsync("end"u8.ToArray(), cts.Token);
        var end = new byte[3];
        await server.ReadExactlyAsync(end, cts.Token);
        Assert.Equal("end"u8.ToArray(), end);
        // The pipe answered: the server's read keys changed (sequence numbers restart at each change, RFC 8446 §5.3), so
        // fewer records arrived under the last keys than the 141 the pipe sent (20 writes of 6 full records and a tail,
        // then "end").
        Assert.True(server.Connection.Records.ReadProtection!.SequenceNumber < 141, "the pipe never answered a KeyUpdate");

        // The pipe's own keys changed with each answer; its reads still decrypt what the server sends.
        var toClient = RandomNumberGenerator.GetBytes(300_000);
        await server.WriteAsync(toClient, cts.Token);
        await server.FlushAsync(cts.Token);
        var back = new MemoryStream();
        while (back.Length < toClient.Length)
        {
            var result = await client.Input.ReadAsync(cts.Token);
            foreach (var segment in result.Buffer) back.Write(segment.Span);
            client.Input.AdvanceTo(result.Buffer.End);
            Assert.False(result.IsCompleted && back.Length < toClient.Length, "the pipe's input ended early");
        }
        Assert.Equal(SHA256.HashData(toClient), SHA256.HashData(back.ToArray()));
    }

    [Fact]
    public async Task PipeUpdatesItsKeysOnRequestAndTheDataGoesOnUnderTheNewOnes()
    {
        var (c, s) = Loopback.MutualOptions();
        s.AnswerCloseNotify = false; // half-close: the server still answers after the client's close_notify
        var clientToServer = new Pipe();
        var serverToClient = new Pipe();
        await using var client = new TlsPipe(new DuplexPipe(serverToClient.Reader, clientToServer.Writer), TlsConnection.CreateClient(c));
        await using var server = new TlsPipe(new DuplexPipe(clientToServer.Reader, serverToClient.Writer), TlsConnection.CreateServer(s));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        // Before the handshake there are no keys to update.
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.UpdateKeysAsync(requestPeer: false, cts.Token));
        await Task.WhenAll(client.HandshakeAsync(TimeSpan.FromSeconds(10), cts.Token), server.HandshakeAsync(TimeSpan.FromSeconds(10), cts.Token));

        // One record each way under the first keys.
        await server.Output.WriteAsync("hello"u8.ToArray(), cts.Token);
        Assert.Equal("hello"u8.ToArray(), await ReadExactlyAsync(client.Input, 5, cts.Token));
        await client.Output.WriteAsync("before"u8.ToArray(), cts.Token);
        Assert.Equal("before"u8.ToArray(), await ReadExactlyAsync(server.Input, 6, cts.Token));

        await client.UpdateKeysAsync(requestPeer: true, cts.Token);
        await client.Output.WriteAsync("after"u8.ToArray(), cts.Token);
        await client.Output.CompleteAsync();
        Assert.Equal("after"u8.ToArray(), await ReadAllAsync(server.Input, cts.Token));
        // Sequence numbers restart under new keys (RFC 8446 §5.3): the server read "after" and close_notify under the
        // client's new keys (three records since "before" without the update).
        Assert.Equal(2UL, server.Connection.Records.ReadProtection!.SequenceNumber);
        // The server answered update_requested with its own KeyUpdate (§4.6.3) when it read the client's: its "reply"
        // and close_notify are the first records under its new keys (three since "hello" without the answer).
        await server.Output.WriteAsync("reply"u8.ToArray(), cts.Token);
        await server.Output.CompleteAsync();
        Assert.Equal("reply"u8.ToArray(), await ReadAllAsync(client.Input, cts.Token));
        Assert.Equal(2UL, client.Connection.Records.ReadProtection!.SequenceNumber);
    }

    [Fact]
    public void PipeOverANullStreamIsRefused()
    {
        var (c, _) = Loopback.MutualOptions();
        Assert.Throws<ArgumentNullException>(() => TlsPipe.Create(null!, TlsConnection.CreateClient(c)));
    }

    [Fact]
    public async Task PipeOutputInFourKibSegmentsGoesOutAsFullRecords()
    {
        var (c, s) = Loopback.MutualOptions();
        var clientToTap = new Pipe();
        var tapToServer = new Pipe();
        var serverToClient = new Pipe();
        var wire = new MemoryStream();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        // Records the client's ciphertext on its way to the server.
        var tap = Task.Run(async () =>
        {
            while (true)
            {
                var result = await clientToTap.Reader.ReadAsync(cts.Token);
                foreach (var segment in result.Buffer)
                {
                    lock (wire) wire.Write(segment.Span);
                    await tapToServer.Writer.WriteAsync(segment, cts.Token);
                }
                clientToTap.Reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) break;
            }
            await tapToServer.Writer.CompleteAsync();
        });
        await using var client = new TlsPipe(new DuplexPipe(serverToClient.Reader, clientToTap.Writer), TlsConnection.CreateClient(c));
        await using var server = new TlsPipe(new DuplexPipe(tapToServer.Reader, serverToClient.Writer), TlsConnection.CreateServer(s));
        await Task.WhenAll(client.HandshakeAsync(TimeSpan.FromSeconds(10), cts.Token), server.HandshakeAsync(TimeSpan.FromSeconds(10), cts.Token));
        long before;
        lock (wire) before = wire.Length;

        // One 64 KiB write: the plaintext pipe holds it in 4 KiB segments (its default), the records are still full.
        var payload = RandomNumberGenerator.GetBytes(65536);
        await client.Output.WriteAsync(payload, cts.Token);
        await client.Output.CompleteAsync();
        Assert.Equal(payload, await ReadAllAsync(server.Input, cts.Token));
        await tap;
        byte[] sent;
        lock (wire) sent = wire.ToArray()[(int)before..];
        var lengths = HandshakeTests.SplitRecords(sent).Select(r => r.Length - 5).ToList();
        // Four application data records of 16,384 bytes (+1 content type +16 tag), then the close_notify alert.
        Assert.Equal([16401, 16401, 16401, 16401, 2 + 1 + 16], lengths);
    }

    [Fact]
    public async Task PipeBulkWriteToAGoneTransportFailsTheOutputInsteadOfHanging()
    {
        var (c, s) = Loopback.MutualOptions();
        var clientToServer = new Pipe();
        var serverToClient = new Pipe();
        await using var client = new TlsPipe(new DuplexPipe(serverToClient.Reader, clientToServer.Writer), TlsConnection.CreateClient(c));
        await using var server = new TlsPipe(new DuplexPipe(clientToServer.Reader, serverToClient.Writer), TlsConnection.CreateServer(s));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await Task.WhenAll(client.HandshakeAsync(TimeSpan.FromSeconds(10), cts.Token), server.HandshakeAsync(TimeSpan.FromSeconds(10), cts.Token));
        await server.DisposeAsync();
        // The transport's far end is gone: its writes fail once nobody reads them.
        await clientToServer.Reader.CompleteAsync(new IOException("transport reset"));

        // Full records are written behind; the failure reaches the application's writes (an exception or a completed flush).
        var chunk = new byte[64 * 1024];
        var failed = false;
        for (int i = 0; i < 64 && !failed; i++)
        {
            try
            {
                var flush = await client.Output.WriteAsync(chunk, cts.Token);
                failed = flush.IsCompleted;
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                failed = true;
            }
        }
        Assert.True(failed, "writes to a gone transport kept succeeding");
        Assert.False(cts.IsCancellationRequested);
    }

    [Fact]
    public async Task PipeHandshakeFailureSurfacesTheAlert()
    {
        var (c, s) = Loopback.MutualOptions();
        c.ServerName = "elsewhere.example";
        var clientToServer = new Pipe();
        var serverToClient = new Pipe();
        await using var client = new TlsPipe(new DuplexPipe(serverToClient.Reader, clientToServer.Writer), TlsConnection.CreateClient(c));
        await using var server = new TlsPipe(new DuplexPipe(clientToServer.Reader, serverToClient.Writer), TlsConnection.CreateServer(s));
        var serverTask = server.HandshakeAsync(TimeSpan.FromSeconds(10));
        var e = await Assert.ThrowsAsync<TlsAlertException>(() => client.HandshakeAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(AlertDescription.BadCertificate, e.Alert);
        var peer = await Assert.ThrowsAsync<TlsAlertException>(() => serverTask);
        Assert.Equal(AlertDescription.BadCertificate, peer.Alert);
        Assert.True(peer.ReceivedFromPeer);
    }

    private static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int count, CancellationToken ct)
    {
        var result = await reader.ReadAtLeastAsync(count, ct);
        Assert.True(result.Buffer.Length == count, $"expected {count} bytes, got {result.Buffer.Length}");
        var bytes = result.Buffer.ToArray();
        reader.AdvanceTo(result.Buffer.End);
        return bytes;
    }

    private static async Task<byte[]> ReadAllAsync(PipeReader reader, CancellationToken ct)
    {
        var all = new MemoryStream();
        while (true)
        {
            var result = await reader.ReadAsync(ct);
            foreach (var segment in result.Buffer) all.Write(segment.Span);
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) break;
        }
        return all.ToArray();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}

/// <summary>Post-handshake messages the client must accept.</summary>
public class PostHandshakeTests
{
    [Fact]
    public void ClientAcceptsNewSessionTickets()
    {
        var (c, s) = Loopback.MutualOptions();
        using var loop = new Loopback(c, s);
        loop.Handshake();
        var w = new ArrayBufferWriter<byte>();
        var nst = new NewSessionTicket { Lifetime = 3600, AgeAdd = 7, Nonce = [0], Ticket = [1, 2, 3], Extensions = new Extensions.ExtensionList([]) };
        var msg = new Codec.TlsWriter();
        nst.Write(msg);
        loop.Server.Records.Write(ContentType.Handshake, msg.WrittenSpan, w);
        loop.Queue(true, w.WrittenSpan);
        loop.Pump();
        loop.ServerSends("still fine"u8);
        Assert.Equal("still fine"u8.ToArray(), loop.ClientReceived.WrittenSpan.ToArray());
    }

    [Fact]
    public void TicketLifetimeOverSevenDaysFailsWithIllegalParameter()
    {
        var (c, s) = Loopback.MutualOptions();
        using var loop = new Loopback(c, s);
        loop.Handshake();
        var nst = new NewSessionTicket { Lifetime = 604801, Ticket = [1], Extensions = new Extensions.ExtensionList([]) };
        var msg = new Codec.TlsWriter();
        nst.Write(msg);
        var w = new ArrayBufferWriter<byte>();
        loop.Server.Records.Write(ContentType.Handshake, msg.WrittenSpan, w);
        var e = Assert.Throws<TlsAlertException>(() => loop.Client.Process(w.WrittenMemory, new ArrayBufferWriter<byte>(), new ArrayBufferWriter<byte>(), out _));
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
    }

    [Fact]
    public void PostHandshakeCertificateRequestWithoutOfferFailsWithUnexpectedMessage()
    {
        var (c, s) = Loopback.MutualOptions();
        using var loop = new Loopback(c, s);
        loop.Handshake();
        var w = new ArrayBufferWriter<byte>();
        loop.Server.Records.Write(ContentType.Handshake, Support.Flights.Message(HandshakeType.CertificateRequest, [1, 5, 0, 6, 0, 13, 0, 2, 4, 3]), w);
        var e = Assert.Throws<TlsAlertException>(() => loop.Client.Process(w.WrittenMemory, new ArrayBufferWriter<byte>(), new ArrayBufferWriter<byte>(), out _));
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }
}
