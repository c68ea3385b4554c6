using System.Buffers;
using System.IO.Pipelines;
using TlsEngine.Record;

namespace TlsEngine;

/// <summary>
/// A System.IO.Pipelines adapter: ciphertext on a transport <see cref="IDuplexPipe"/> in, plaintext
/// <see cref="IDuplexPipe"/> out. <see cref="Input"/> yields the peer's application data and completes at its
/// close_notify; completing <see cref="Output"/> sends close_notify and completes the transport output.
/// </summary>
public sealed class TlsPipe : IDuplexPipe, IAsyncDisposable
{
    private readonly IDuplexPipe _transport;
    private readonly Pipe _fromPeer;
    private readonly Pipe _toPeer;
    private readonly OutgoingQueue _out;
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Task? _readLoop;
    private Task? _writeLoop;
    private Stream? _ownedStream;
    private int _disposed;

    public TlsPipe(IDuplexPipe transport, TlsConnection connection, PipeOptions? options = null)
    {
        _transport = transport;
        Connection = connection;
        _fromPeer = new Pipe(options ?? PipeOptions.Default);
        _toPeer = new Pipe(options ?? PipeOptions.Default);
        _out = new OutgoingQueue(WriteToTransportAsync);
    }

    /// <summary>
    /// A TlsPipe over a byte stream (a NetworkStream, say): the transport pipes read up to 64 KiB a call and write
    /// through to the stream. Pipelines' own default reads 4 KiB at a time, which halves bulk throughput over TCP
    /// (measured with <c>tcpbulk ourspipe</c>, bench/README.md). Completing <see cref="Output"/> sends close_notify
    /// and leaves the stream open, so the peer's data can still be read (close_notify, not the transport, ends a
    /// direction, RFC 8446 §6.1); the stream is disposed with the TlsPipe.
    /// </summary>
    public static TlsPipe Create(Stream transport, TlsConnection connection, PipeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var input = PipeReader.Create(transport, new StreamPipeReaderOptions(bufferSize: TransportReadSize, minimumReadSize: TransportReadSize / 4, leaveOpen: true));
        var output = PipeWriter.Create(transport, new StreamPipeWriterOptions(leaveOpen: true));
        return new TlsPipe(new StreamTransport(input, output), connection, options) { _ownedStream = transport };
    }

    /// <summary>Bytes asked of a stream transport per read (<see cref="Create"/>): four full records.</summary>
    private const int TransportReadSize = 1 << 16;

    private sealed record StreamTransport(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    public TlsConnection Connection { get; }

    /// <summary>Plaintext received from the peer.</summary>
    public PipeReader Input => _fromPeer.Reader;

    /// <summary>Plaintext to send to the peer.</summary>
    public PipeWriter Output => _toPeer.Writer;

    /// <summary>
    /// Starts the connection and completes the handshake within <paramref name="timeout"/>; the data loops keep running
    /// afterwards. Throws <see cref="TlsAlertException"/>, <see cref="TimeoutException"/> or <see cref="IOException"/>.
    /// </summary>
    public async Task HandshakeAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        if (_readLoop is null)
        {
            if (!Connection.IsServer)
            {
                lock (_out.Sync) Connection.Start(_out);
                await SendAsync(wait: true, ct).ConfigureAwait(false);
            }
            _readLoop = Task.Run(ReadLoopAsync, CancellationToken.None);
        }
        try
        {
            await _handshake.Task.WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await StopAsync().ConfigureAwait(false);
            throw new TimeoutException($"the TLS handshake did not complete within {timeout.TotalSeconds:0.#} s");
        }
        _writeLoop ??= Task.Run(WriteLoopAsync, CancellationToken.None);
    }

    /// <summary>
    /// Sends a KeyUpdate (RFC 8446 §4.6.3), asking the peer to update its keys too when <paramref name="requestPeer"/>.
    /// Records already sealed go first; plaintext still in <see cref="Output"/> is sealed under the new keys.
    /// Throws <see cref="InvalidOperationException"/> before the handshake completes or after close_notify was sent.
    /// </summary>
    public async Task UpdateKeysAsync(bool requestPeer, CancellationToken ct = default)
    {
        lock (_out.Sync) Connection.UpdateKeys(_out, requestPeer);
        await SendAsync(wait: true, ct).ConfigureAwait(false);
    }

    private async Task ReadLoopAsync()
    {
        var reader = _transport.Input;
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = buffer.Start;
                TlsStatus status;
                try
                {
                    lock (_out.Sync)
                        status = Connection.Process(buffer, _out, _fromPeer.Writer, out consumed);
                }
                finally
                {
                    reader.AdvanceTo(consumed, buffer.End);
                }
                await SendAsync(wait: !Connection.IsHandshakeComplete, _stop.Token).ConfigureAwait(false);
                if ((status & TlsStatus.HandshakeComplete) != 0) _handshake.TrySetResult();
                if ((status & TlsStatus.ApplicationData) != 0)
                {
                    var flush = await _fromPeer.Writer.FlushAsync(_stop.Token).ConfigureAwait(false);
                    if (flush.IsCompleted) break;
                }
                if (Connection.PeerClosed) break;
                if (result.IsCompleted)
                {
                    if (!Connection.IsHandshakeComplete)
                        throw new IOException("the transport closed during the TLS handshake");
                    throw new IOException("the transport closed without close_notify (possible truncation, RFC 8446 §6.1)");
                }
            }
        }
        catch (TlsAlertException e)
        {
            error = e;
            try
            {
                await SendAsync(wait: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception)
            {
            }
        }
        catch (Exception e)
        {
            error = e;
        }
        if (error is not null) _handshake.TrySetException(error);
        else _handshake.TrySetResult();
        await reader.CompleteAsync().ConfigureAwait(false);
        await _fromPeer.Writer.CompleteAsync(error).ConfigureAwait(false);
        if (error is not null) await _toPeer.Reader.CompleteAsync(error).ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _toPeer.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                long length = result.Buffer.Length;
                if (length > 0)
                {
                    lock (_out.Sync) Connection.Encrypt(result.Buffer, _out);
                }
                reader.AdvanceTo(result.Buffer.End);
                // A full record or more is written behind: the transport takes these records while this loop seals the
                // next (OutgoingQueue.SendBehindAsync); less waits for the transport, so small messages go out at once.
                if (length >= RecordHeader.MaxPlaintextLength && !result.IsCompleted)
                    await _out.SendBehindAsync(_stop.Token).ConfigureAwait(false);
                else
                    await SendAsync(wait: true, _stop.Token).ConfigureAwait(false);
                if (result.IsCompleted) break;
            }
            lock (_out.Sync) Connection.Close(_out);
            await SendAsync(wait: true, _stop.Token).ConfigureAwait(false);
            await reader.CompleteAsync().ConfigureAwait(false);
            await _transport.Output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is TlsAlertException or IOException or OperationCanceledException or InvalidOperationException)
        {
            await reader.CompleteAsync(e).ConfigureAwait(false);
        }
    }

    private Task SendAsync(bool wait, CancellationToken ct) => _out.FlushAsync(wait, ct);

    private async ValueTask WriteToTransportAsync(ReadOnlyMemory<byte> ciphertext, CancellationToken ct)
    {
        var result = await _transport.Output.WriteAsync(ciphertext, ct).ConfigureAwait(false);
        if (result.IsCompleted) throw new IOException("the transport output was completed");
    }

    private async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            if (_readLoop is not null) await _readLoop.ConfigureAwait(false);
            if (_writeLoop is not null) await _writeLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Stops both loops and releases the connection's secrets (and disposes the stream of <see cref="Create"/>).
    /// Complete <see cref="Output"/> first for a graceful close. Calls after the first do nothing.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_writeLoop is not null && !_writeLoop.IsCompleted)
        {
            await _toPeer.Writer.CompleteAsync().ConfigureAwait(false);
            await Task.WhenAny(_writeLoop, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }
        await StopAsync().ConfigureAwait(false);
        lock (_out.Sync) Connection.Dispose();
        _out.Release();
        _stop.Dispose();
        if (_ownedStream is not null) await _ownedStream.DisposeAsync().ConfigureAwait(false);
    }
}
