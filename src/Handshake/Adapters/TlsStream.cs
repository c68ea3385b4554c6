using System.Buffers;
using TlsEngine.Record;

namespace TlsEngine;

/// <summary>
/// A <see cref="Stream"/> adapter over a <see cref="TlsConnection"/> and a transport stream (for example a
/// NetworkStream). One reader and one writer may run concurrently. Disposing sends close_notify (RFC 8446 §6.1).
/// <para>
/// Writes of at least one full record (16 KiB) are written behind (<see cref="WriteBehind"/>, on by default):
/// <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/> returns once the records are queued, and a
/// background sender hands everything queued to the transport in one write (several records at a time) while the
/// caller encrypts what comes next. A writer waits only when the queue could not take another full record (about
/// 112 KiB queued; up to 256 KiB of pooled buffers per connection while it writes in bulk, none when idle). A send
/// that fails surfaces as an <see cref="IOException"/> from the next write or flush; a write cancelled while it waits
/// has already queued its records. <see cref="FlushAsync(CancellationToken)"/>, <see cref="ShutdownAsync"/> and
/// disposing send everything written before them. Smaller writes are handed to the transport before they return.
/// </para>
/// <para>
/// A read decrypts straight into the caller's buffer while whole records fit there; what does not fit is kept for the
/// next read.
/// </para>
/// </summary>
public sealed class TlsStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveInnerOpen;
    private readonly OutgoingQueue _out;
    private readonly PooledBufferWriter _plaintext = new();
    private readonly ReadTarget _readTarget;
    private readonly SemaphoreSlim _readLock = new(1, 1);
    private byte[] _in = [];

    /// <summary>The receive buffer rented while reading: three full records and more (one pooled 64 KiB array).</summary>
    private const int ReceiveBufferSize = 1 << 16;

    /// <summary>True while a receive buffer is rented (an idle connection holds none); for tests.</summary>
    internal bool HoldsReceiveBuffer => _in.Length > 0;
    private int _inStart;
    private int _inEnd;
    private int _plainOffset;
    private bool _transportEof;
    private bool _disposed;

    public TlsStream(Stream inner, TlsConnection connection, bool leaveInnerOpen = false)
    {
        _inner = inner;
        Connection = connection;
        _leaveInnerOpen = leaveInnerOpen;
        _out = new OutgoingQueue(inner.WriteAsync);
        _readTarget = new ReadTarget(_plaintext);
    }

    public TlsConnection Connection { get; }

    /// <summary>
    /// Whether writes of 16 KiB or more return once queued (true, the default) or after the transport has taken them
    /// (false, as for smaller writes). See the class remarks.
    /// </summary>
    public bool WriteBehind { get; set; } = true;

    /// <summary>True if the transport ended without the peer's close_notify (possible truncation, RFC 8446 §6.1).</summary>
    public bool ClosedWithoutCloseNotify { get; private set; }

    /// <summary>Connects as a client over <paramref name="transport"/> and completes the handshake.</summary>
    public static Task<TlsStream> ConnectAsync(Stream transport, TlsClientOptions options, CancellationToken ct = default) =>
        HandshakeNewAsync(new TlsStream(transport, TlsConnection.CreateClient(options)), options.HandshakeTimeout, ct);

    /// <summary>Accepts a client over <paramref name="transport"/> and completes the handshake.</summary>
    public static Task<TlsStream> AcceptAsync(Stream transport, TlsServerOptions options, CancellationToken ct = default) =>
        HandshakeNewAsync(new TlsStream(transport, TlsConnection.CreateServer(options)), options.HandshakeTimeout, ct);

    private static async Task<TlsStream> HandshakeNewAsync(TlsStream stream, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await stream.HandshakeAsync(timeout, ct).ConfigureAwait(false);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Runs the handshake to completion. Throws <see cref="TlsAlertException"/> on a TLS failure (after sending the
    /// alert), <see cref="TimeoutException"/> when <paramref name="timeout"/> elapses, <see cref="IOException"/> when
    /// the transport fails or ends.
    /// </summary>
    public async Task HandshakeAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            if (Connection.State == TlsConnectionState.New && !Connection.IsServer)
            {
                lock (_out.Sync) Connection.Start(_out);
                await FlushAsync(wait: true, cts.Token).ConfigureAwait(false);
            }
            while (!Connection.IsHandshakeComplete)
            {
                if (!await ReadAndProcessAsync(_plaintext, cts.Token).ConfigureAwait(false))
                    throw new IOException("the transport closed during the TLS handshake");
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"the TLS handshake did not complete within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>
    /// Reads one chunk from the transport and processes it, application data going to <paramref name="plaintext"/>;
    /// false at transport end of stream.
    /// </summary>
    private async Task<bool> ReadAndProcessAsync(IBufferWriter<byte> plaintext, CancellationToken ct)
    {
        if (_transportEof) return false;
        if (_in.Length == 0)
        {
            // An idle connection holds no receive buffer: wait for data with a zero-byte read, then rent one.
            if (Connection.IsHandshakeComplete)
                await WaitForDataAsync(ct).ConfigureAwait(false);
            _in = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
        }
        if (_inStart > 0 && _inEnd == _in.Length || _inStart == _inEnd)
        {
            Buffer.BlockCopy(_in, _inStart, _in, 0, _inEnd - _inStart);
            _inEnd -= _inStart;
            _inStart = 0;
        }
        int n = await _inner.ReadAsync(_in.AsMemory(_inEnd), ct).ConfigureAwait(false);
        if (n == 0)
        {
            _transportEof = true;
            if (!Connection.PeerClosed) ClosedWithoutCloseNotify = true;
            return false;
        }
        _inEnd += n;
        TlsAlertException? failure = null;
        lock (_out.Sync)
        {
            try
            {
                Connection.Process(_in.AsMemory(_inStart, _inEnd - _inStart), _out, plaintext, out int consumed);
                _inStart += consumed;
                if (_inStart == _inEnd && Connection.IsHandshakeComplete)
                {
                    ArrayPool<byte>.Shared.Return(_in);
                    _in = [];
                    _inStart = _inEnd = 0;
                }
            }
            catch (TlsAlertException e)
            {
                failure = e;
            }
        }
        // Send what processing produced (flights, KeyUpdate answers, close_notify, or the fatal alert).
        try
        {
            await FlushAsync(wait: failure is not null || !Connection.IsHandshakeComplete, ct).ConfigureAwait(false);
        }
        catch (IOException) when (failure is not null)
        {
        }
        if (failure is not null) throw failure;
        return true;
    }

    /// <summary>
    /// A zero-byte read: completes when the transport has data (or ends). A socket can complete it while nothing is
    /// readable (readiness left over from data already read: measured on Linux for about one idle connection in
    /// eight), and the read that follows would then park on a rented receive buffer for as long as the connection is
    /// idle; so for a <see cref="System.Net.Sockets.NetworkStream"/> the wait is repeated (at most twice) while it
    /// reports no data available.
    /// </summary>
    private async ValueTask WaitForDataAsync(CancellationToken ct)
    {
        for (int attempt = 0; ; attempt++)
        {
            await _inner.ReadAsync(Memory<byte>.Empty, ct).ConfigureAwait(false);
            if (attempt == 2 || _inner is not System.Net.Sockets.NetworkStream network || network.DataAvailable)
                return;
        }
    }

    private Task FlushAsync(bool wait, CancellationToken ct) => _out.FlushAsync(wait, ct);

    private void EnsureHandshakeDone()
    {
        if (Connection.Failure is { } failure) throw failure;
        if (!Connection.IsHandshakeComplete)
            throw new InvalidOperationException("complete the handshake (HandshakeAsync, ConnectAsync or AcceptAsync) before reading or writing");
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnsureHandshakeDone();
        await _readLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                int available = _plaintext.WrittenCount - _plainOffset;
                if (available > 0)
                {
                    int n = Math.Min(available, buffer.Length);
                    _plaintext.WrittenSpan.Slice(_plainOffset, n).CopyTo(buffer.Span);
                    _plainOffset += n;
                    if (_plainOffset == _plaintext.WrittenCount)
                    {
                        _plaintext.Release();
                        _plainOffset = 0;
                    }
                    return n;
                }
                if (Connection.PeerClosed || buffer.Length == 0)
                    return 0;
                // Nothing buffered: decrypt into the caller's buffer while whole records fit, the rest into ours.
                _readTarget.Begin(buffer);
                bool more;
                try
                {
                    more = await ReadAndProcessAsync(_readTarget, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _readTarget.End();
                }
                if (_readTarget.Written > 0) return _readTarget.Written;
                if (!more) return 0;
            }
        }
        finally
        {
            _readLock.Release();
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnsureHandshakeDone();
        lock (_out.Sync) Connection.Encrypt(buffer.Span, _out);
        if (WriteBehind && buffer.Length >= RecordHeader.MaxPlaintextLength)
            await _out.SendBehindAsync(cancellationToken).ConfigureAwait(false);
        else
            await FlushAsync(wait: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a KeyUpdate (RFC 8446 §4.6.3), asking the peer to update its keys too when <paramref name="requestPeer"/>.</summary>
    public async Task UpdateKeysAsync(bool requestPeer, CancellationToken ct = default)
    {
        lock (_out.Sync) Connection.UpdateKeys(_out, requestPeer);
        await FlushAsync(wait: true, ct).ConfigureAwait(false);
    }

    /// <summary>Sends close_notify: this side writes nothing more; reading continues until the peer's close_notify.</summary>
    public async Task ShutdownAsync(CancellationToken ct = default)
    {
        lock (_out.Sync) Connection.Close(_out);
        await FlushAsync(wait: true, ct).ConfigureAwait(false);
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Completes when everything written so far has been handed to the transport, and the transport flushed.</summary>
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await FlushAsync(wait: true, cancellationToken).ConfigureAwait(false);
        await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        try
        {
            if (Connection.IsHandshakeComplete && !Connection.LocalClosed && Connection.Failure is null)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await ShutdownAsync(cts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Best effort: the transport may already be gone.
        }
        DisposeCore();
        if (!_leaveInnerOpen) await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            try
            {
                if (Connection.IsHandshakeComplete && !Connection.LocalClosed && Connection.Failure is null)
                {
                    lock (_out.Sync) Connection.Close(_out);
                    FlushAsync(wait: true, CancellationToken.None).Wait(TimeSpan.FromSeconds(5));
                }
            }
            catch (Exception e) when (e is IOException or AggregateException or ObjectDisposedException)
            {
            }
            DisposeCore();
            if (!_leaveInnerOpen) _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    private void DisposeCore()
    {
        _disposed = true;
        lock (_out.Sync) Connection.Dispose();
        _out.Release();
        if (_in.Length > 0) ArrayPool<byte>.Shared.Return(_in);
        _in = [];
        _plaintext.Release();
    }
}
