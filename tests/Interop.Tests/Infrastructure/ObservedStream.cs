namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>
/// A transport stream that counts the bytes our engine reads from the socket, so that a test can wait until the peer
/// has sent something it cannot see through the TLS API (a KeyUpdate record) instead of sleeping.
/// </summary>
public sealed class ObservedStream(Stream inner) : Stream
{
    private long _bytesRead;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Waits until more than <paramref name="mark"/> bytes have been read in total.</summary>
    public async Task WaitForBytesBeyondAsync(long mark, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (BytesRead <= mark)
        {
            var changed = Volatile.Read(ref _changed).Task;
            if (BytesRead > mark) break;
            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the peer sent nothing more within {timeout.TotalSeconds} s (read {BytesRead} bytes in total)");
            }
        }
    }

    private int Count(int n)
    {
        Interlocked.Add(ref _bytesRead, n);
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
