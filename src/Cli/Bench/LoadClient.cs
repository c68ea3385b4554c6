using System.Diagnostics;
using System.Net.Sockets;
using TlsEngine.Record;

namespace TlsEngine.Cli.Bench;

/// <summary>
/// <c>tlsengine bench client</c>: N concurrent loops, each repeating for <c>--duration</c> seconds: TCP connect, mutual
/// TLS handshake, one request of <c>--request</c> bytes ending in a newline and its echo (our <c>bench server</c>,
/// <c>tlsengine server --echo</c>, or <c>openssl s_server -rev</c>, which answers each line reversed), close_notify
/// and waiting for the server to close first (so TIME_WAIT stays on the server side and client ports are reused).
/// Prints handshakes/s, handshake latency percentiles (TCP connected → handshake complete) and errors. With
/// <c>--loops 1,2</c> it runs once per loop count and prints the scaling ratio; with <c>--hold</c> each connection
/// stays open after its request until the end, for memory per connection.
/// </summary>
internal static class LoadClient
{
    public static async Task<int> RunAsync(CliArgs args, bool resume, bool hold)
    {
        var (host, port) = args.RequiredHostPort("connect");
        var options = new TlsClientOptions();
        OptionsBuilder.ApplyCommon(args, options);
        if (options.TrustAnchors is null) throw new UsageException("bench client needs --ca with the trust anchors for the server certificate");
        if (options.Certificate is null) throw new UsageException("bench client needs --cert and --key: the load is mutual TLS");
        options.ServerName = args.Value("servername") ?? host;
        // Staples are not part of the load; a missing one would only add a soft-fail check.
        options.Revocation.Ocsp = OcspPolicy.Off;
        if (resume) options.SessionTickets = new SessionTicketCache(maxServers: 16, maxTicketsPerServer: 65536);
        int connections = args.Int("connections", 1);
        if (connections < 1 || connections > 4096) throw new UsageException("--connections must be within 1..4096");
        var loops = BenchCommand.Loops(args, connections);
        var duration = BenchCommand.Seconds(args, "duration", 10);
        int requestSize = args.Int("request", 64);
        if (requestSize < 1 || requestSize > 16384) throw new UsageException("--request must be within 1..16384 bytes");
        args.RejectUnknown();

        var request = new byte[requestSize];
        request.AsSpan().Fill((byte)'x');
        request[^1] = (byte)'\n';
        Console.Error.WriteLine($"{host}:{port}: {(hold ? "holding" : "looping")} for {duration.TotalSeconds:0} s per run, {requestSize}-byte request" +
            $"{(resume ? ", resuming with tickets" : "")}");
        var rates = new List<(int Loops, double Rate)>();
        bool anyOk = false;
        foreach (int n in loops)
        {
            var run = hold
                ? await HoldAsync(host, port, options, n, duration, request)
                : await LoopAsync(host, port, options, n, duration, request);
            anyOk |= run.Handshakes > 0;
            rates.Add((n, run.Rate));
            Console.WriteLine($"loops={n}: {run.Handshakes} handshakes in {run.Elapsed.TotalSeconds:0.0} s = {run.Rate:0} handshakes/s; " +
                $"latency p50 {LatencyStats.Ms(run.Latency.Percentile(50))} ms, p99 {LatencyStats.Ms(run.Latency.Percentile(99))} ms; " +
                $"resumed {run.Resumed}; errors {run.Errors}{run.Extra}");
        }
        for (int i = 1; i < rates.Count; i++)
            Console.WriteLine($"scaling: {rates[i].Loops} loops = {rates[i].Rate / rates[0].Rate:0.00}x {rates[0].Loops} loop{(rates[0].Loops == 1 ? "" : "s")}");
        return anyOk ? 0 : 1;
    }

    private sealed record Run(long Handshakes, long Resumed, long Errors, TimeSpan Elapsed, LatencyStats Latency, string Extra = "")
    {
        public double Rate => Handshakes / Elapsed.TotalSeconds;
    }

    private sealed class Worker
    {
        public readonly List<double> Latencies = [];
        public long Handshakes;
        public long Resumed;
        public long Errors;
    }

    private static async Task<Run> LoopAsync(string host, int port, TlsClientOptions options, int loops, TimeSpan duration, byte[] request)
    {
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, loops).Select(_ => new Worker()).ToArray();
        // Bounded: no new connection starts after the duration; one in progress gets its handshake timeout at most.
        using var abort = new CancellationTokenSource(duration + options.HandshakeTimeout);
        var printed = new StrongBox();
        await Task.WhenAll(workers.Select(w => Task.Run(async () =>
        {
            var buffer = new byte[request.Length + 256];
            while (clock.Elapsed < duration)
            {
                try
                {
                    await using var _ = await OneAsync(host, port, options, request, buffer, w, keepOpen: false, abort.Token);
                }
                catch (Exception e) when (e is TlsAlertException or IOException or TimeoutException or SocketException or OperationCanceledException)
                {
                    w.Errors++;
                    if (Interlocked.Increment(ref printed.Value) <= 5) Console.Error.WriteLine($"error: {e.GetType().Name}: {e.Message}");
                    if (abort.IsCancellationRequested) break;
                    if (e is SocketException) await Task.Delay(10);
                }
            }
        })));
        var elapsed = clock.Elapsed;
        var latency = new LatencyStats();
        foreach (var w in workers) latency.Add(w.Latencies);
        return new Run(workers.Sum(w => w.Handshakes), workers.Sum(w => w.Resumed), workers.Sum(w => w.Errors), elapsed, latency);
    }

    /// <summary>Opens <paramref name="count"/> connections (at most 64 handshakes at a time), keeps them until the end of the duration.</summary>
    private static async Task<Run> HoldAsync(string host, int port, TlsClientOptions options, int count, TimeSpan duration, byte[] request)
    {
        GC.Collect();
        long baseRss = BenchCommand.Rss();
        long baseManaged = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        var worker = new Worker();
        var open = new List<IAsyncDisposable>();
        using var abort = new CancellationTokenSource(duration + options.HandshakeTimeout);
        using var gate = new SemaphoreSlim(64);
        var buffer = new byte[request.Length + 256];
        var tasks = Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync(abort.Token);
            try
            {
                var w = new Worker();
                var c = await OneAsync(host, port, options, request, new byte[buffer.Length], w, keepOpen: true, abort.Token);
                lock (open)
                {
                    open.Add(c);
                    worker.Handshakes += w.Handshakes;
                    worker.Resumed += w.Resumed;
                    worker.Latencies.AddRange(w.Latencies);
                }
            }
            catch (Exception e) when (e is TlsAlertException or IOException or TimeoutException or SocketException or OperationCanceledException)
            {
                Interlocked.Increment(ref worker.Errors);
                if (worker.Errors <= 5) Console.Error.WriteLine($"error: {e.GetType().Name}: {e.Message}");
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed;
        long managed = GC.GetTotalMemory(forceFullCollection: true);
        long rss = BenchCommand.Rss();
        int n = Math.Max(1, open.Count);
        string extra = $"; holding {open.Count} connections: client rss +{(rss - baseRss) / 1024.0 / n:0.0} KiB, managed +{(managed - baseManaged) / 1024.0 / n:0.0} KiB per connection";
        var rest = duration - clock.Elapsed;
        if (rest > TimeSpan.Zero) await Task.Delay(rest);
        foreach (var c in open)
        {
            try
            {
                await c.DisposeAsync();
            }
            catch (Exception e) when (e is TlsAlertException or IOException or SocketException or OperationCanceledException)
            {
            }
        }
        var latency = new LatencyStats();
        latency.Add(worker.Latencies);
        return new Run(worker.Handshakes, worker.Resumed, worker.Errors, elapsed, latency, extra);
    }

    /// <summary>One connection: connect, handshake (timed), request and echo, then close (unless kept open).</summary>
    private static async Task<IAsyncDisposable> OneAsync(string host, int port, TlsClientOptions options, byte[] request, byte[] buffer,
        Worker w, bool keepOpen, CancellationToken ct)
    {
        var tcp = new TcpClient { NoDelay = true };
        TlsStream? tls = null;
        try
        {
            await tcp.ConnectAsync(host, port, ct);
            long start = Stopwatch.GetTimestamp();
            tls = await TlsStream.ConnectAsync(tcp.GetStream(), options, ct);
            w.Latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            w.Handshakes++;
            if (tls.Connection.Resumed) w.Resumed++;
            await tls.WriteAsync(request, ct);
            int got = 0;
            while (got < request.Length)
            {
                int n = await tls.ReadAsync(buffer.AsMemory(got), ct);
                if (n == 0) throw new IOException($"the server closed after {got} of {request.Length} echoed bytes");
                got += n;
                if (buffer[got - 1] == (byte)'\n') break;
            }
            if (keepOpen)
            {
                var held = new Held(tcp, tls);
                tls = null;
                tcp = null!;
                return held;
            }
            // close_notify, then wait for the server's close so that the server closes the TCP connection first.
            await tls.ShutdownAsync(ct);
            using var closing = CancellationTokenSource.CreateLinkedTokenSource(ct);
            closing.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                while (await tls.ReadAsync(buffer, closing.Token) > 0)
                {
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // A server that does not close after close_notify: close from this side.
            }
            return new Held(null, null);
        }
        finally
        {
            if (tls is not null) await tls.DisposeAsync();
            tcp?.Dispose();
        }
    }

    private sealed class Held(TcpClient? tcp, TlsStream? tls) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (tls is not null) await tls.DisposeAsync();
            tcp?.Dispose();
        }
    }

    private sealed class StrongBox
    {
        public int Value;
    }
}
