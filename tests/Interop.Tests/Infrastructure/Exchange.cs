using System.Text;

namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>Application data over an established connection between our engine and an openssl process.</summary>
public static class Exchange
{
    /// <summary>
    /// Our side writes a line that openssl must print; openssl then writes (from its stdin) a line that we must read.
    /// Proves that both directions decrypt under the current keys.
    /// </summary>
    public static async Task PingPongAsync(TlsStream tls, OpenSslProcess peer, string tag, CancellationToken ct)
    {
        var fromUs = $"from-tlsengine-{tag}";
        await tls.WriteAsync(Encoding.ASCII.GetBytes(fromUs + "\n"), ct);
        await peer.WaitForTextAsync(fromUs, Timeouts.Step);
        var fromThem = $"from-openssl-{tag}";
        await peer.WriteAsync(fromThem + "\n");
        await ReadUntilAsync(tls, fromThem, ct);
    }

    /// <summary>The reverse order: openssl writes first (so that anything it queued, e.g. a KeyUpdate, precedes the data), then us.</summary>
    public static async Task PongPingAsync(TlsStream tls, OpenSslProcess peer, string tag, CancellationToken ct)
    {
        var fromThem = $"from-openssl-{tag}";
        await peer.WriteAsync(fromThem + "\n");
        await ReadUntilAsync(tls, fromThem, ct);
        var fromUs = $"from-tlsengine-{tag}";
        await tls.WriteAsync(Encoding.ASCII.GetBytes(fromUs + "\n"), ct);
        await peer.WaitForTextAsync(fromUs, Timeouts.Step);
    }

    /// <summary>Reads from our stream until <paramref name="marker"/> has arrived; returns everything read.</summary>
    public static async Task<string> ReadUntilAsync(TlsStream tls, string marker, CancellationToken ct)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(Timeouts.Step);
        while (!received.ToString().Contains(marker, StringComparison.Ordinal))
        {
            int n;
            try
            {
                n = await tls.ReadAsync(buffer, cts.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"'{marker}' did not arrive within {Timeouts.Step.TotalSeconds} s; received so far: '{received}'");
            }
            if (n == 0) throw new IOException($"the peer closed before '{marker}' arrived; received: '{received}'");
            received.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }
        return received.ToString();
    }

    /// <summary>
    /// Sends close_notify, reads until the peer's close_notify (or the end of the transport), then closes the socket.
    /// (s_client waits up to 500 ms for the peer's TCP FIN after its own close_notify.)
    /// </summary>
    public static async Task CloseAsync(TlsStream tls, CancellationToken ct)
    {
        await tls.ShutdownAsync(ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(Timeouts.Step);
        var buffer = new byte[4096];
        try
        {
            while (await tls.ReadAsync(buffer, cts.Token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // The peer may reset the connection right after its close_notify.
        }
        await tls.DisposeAsync();
    }
}
