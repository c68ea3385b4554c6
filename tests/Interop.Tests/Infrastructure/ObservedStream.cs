using TlsEngine.Testing;

namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>
/// A transport stream that counts the bytes our engine reads from the socket, so that a test can wait until the peer
/// has sent something it cannot see through the TLS API (a KeyUpdate record) instead of sleeping.
/// </summary>
public sealed class ObservedStream(Stream inner) : PassThroughStream(inner)
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
        Count(await Inner.ReadAsync(buffer, cancellationToken));

    public override int Read(byte[] buffer, int offset, int count) => Count(Inner.Read(buffer, offset, count));
}
