namespace TlsEngine.Cli;

internal static class StreamCopy
{
    /// <summary>Copies what the peer sends to stdout until its close_notify (or end of transport).</summary>
    public static async Task ToStdoutAsync(TlsStream tls)
    {
        using var stdout = Console.OpenStandardOutput();
        var buffer = new byte[16384];
        int n;
        while ((n = await tls.ReadAsync(buffer)) > 0)
        {
            await stdout.WriteAsync(buffer.AsMemory(0, n));
            await stdout.FlushAsync();
        }
    }
}

/// <summary>Reads stdin once for the whole process and hands chunks to whichever connection is current.</summary>
internal sealed class StdinPump
{
    private readonly System.Threading.Channels.Channel<byte[]> _chunks = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();

    public static StdinPump Start()
    {
        var pump = new StdinPump();
        _ = Task.Run(async () =>
        {
            using var stdin = Console.OpenStandardInput();
            var buffer = new byte[16384];
            int n;
            while ((n = await stdin.ReadAsync(buffer)) > 0)
                await pump._chunks.Writer.WriteAsync(buffer[..n]);
        });
        return pump;
    }

    public async Task ForwardAsync(TlsStream tls, CancellationToken ct)
    {
        await foreach (var chunk in _chunks.Reader.ReadAllAsync(ct))
            await tls.WriteAsync(chunk, ct);
    }
}
