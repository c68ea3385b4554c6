using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TlsEngine.Record;

namespace TlsEngine.Cli.Bench;

/// <summary>
/// <c>tlsengine bench server</c>: a mutual-TLS echo server for load tests. Every client must present a certificate
/// chaining to <c>--ca</c>; each connection gets back what it sends until it closes. Runs for <c>--duration</c>
/// seconds (or until Ctrl+C) and every <c>--report</c> seconds prints handshakes, rate, failures, open connections and
/// memory (RSS and managed heap, with the growth per open connection over the start of the run).
/// </summary>
internal static class LoadServer
{
    public static async Task<int> RunAsync(CliArgs args)
    {
        var options = new TlsServerOptions();
        OptionsBuilder.ApplyCommon(args, options);
        if (options.Certificate is null) throw new UsageException("bench server needs --cert and --key (or --pkcs12)");
        if (options.TrustAnchors is null) throw new UsageException("bench server needs --ca: clients are authenticated");
        options.ClientAuthentication = ClientAuthenticationMode.Required;
        if (!args.Flag("no-tickets"))
            options.SessionTicketKeys = SessionTicketKeys.CreateRandom();
        var host = IPAddress.Parse(args.Value("host") ?? "127.0.0.1");
        int port = args.Int("port", 4433);
        var duration = BenchCommand.Seconds(args, "duration", 300, 86400);
        var report = BenchCommand.Seconds(args, "report", 5);
        args.RejectUnknown();

        var listener = new TcpListener(host, port);
        listener.Start(backlog: 4096);
        Console.Error.WriteLine($"listening on {listener.LocalEndpoint}: mutual TLS echo for {duration.TotalSeconds:0} s" +
            $"{(options.SessionTicketKeys is null ? "" : ", session tickets on")}");
        var stats = new ServerStats();
        using var stop = new CancellationTokenSource(duration);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        var reporter = ReportAsync(stats, report, stop.Token);
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync(stop.Token);
                socket.NoDelay = true;
                connections.Add(ServeAsync(socket, options, stats, stop.Token));
                if (connections.Count > 4096) connections.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            listener.Stop();
            Console.CancelKeyPress -= onCancel;
        }
        await Task.WhenAll(connections);
        await reporter;
        Console.WriteLine($"server: {stats.Handshakes} handshakes ({stats.Resumed} resumed) in {stats.Elapsed.TotalSeconds:0.0} s, " +
            $"{stats.Handshakes / stats.Elapsed.TotalSeconds:0} /s; {stats.Failures} failed handshakes, {stats.ConnectionErrors} connection errors");
        return 0;
    }

    private static async Task ServeAsync(Socket socket, TlsServerOptions options, ServerStats stats, CancellationToken stop)
    {
        await using var network = new NetworkStream(socket, ownsSocket: true);
        TlsStream tls;
        try
        {
            tls = await TlsStream.AcceptAsync(network, options, stop);
        }
        catch (Exception e) when (e is TlsAlertException or IOException or TimeoutException or SocketException or OperationCanceledException)
        {
            if (!stop.IsCancellationRequested) stats.Failed(e);
            return;
        }
        stats.Established(tls.Connection.Resumed);
        try
        {
            await using (tls)
            {
                // Small: an idle connection parks a read on this buffer, and its memory is part of what is measured.
                var buffer = new byte[512];
                int n;
                while ((n = await tls.ReadAsync(buffer, stop)) > 0)
                    await tls.WriteAsync(buffer.AsMemory(0, n), stop);
            }
        }
        catch (Exception e) when (e is TlsAlertException or IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!stop.IsCancellationRequested) stats.ConnectionError();
        }
        finally
        {
            stats.Closed();
        }
    }

    private static async Task ReportAsync(ServerStats stats, TimeSpan every, CancellationToken stop)
    {
        long baseRss = BenchCommand.Rss();
        long baseManaged = GC.GetTotalMemory(forceFullCollection: true);
        long last = 0;
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                long total = stats.Handshakes;
                long open = stats.Open;
                // Between bursts (no new handshake in the interval) a full collection gives the retained heap.
                bool quiet = total == last;
                long managed = GC.GetTotalMemory(forceFullCollection: quiet);
                long rss = BenchCommand.Rss();
                string perConnection = open > 0
                    ? $", per open connection: rss +{(rss - baseRss) / 1024.0 / open:0.0} KiB, managed +{(managed - baseManaged) / 1024.0 / open:0.0} KiB{(quiet ? " (after full GC)" : "")}"
                    : "";
                Console.WriteLine($"t={stats.Elapsed.TotalSeconds:0}s handshakes={total} (+{total - last}, {(total - last) / every.TotalSeconds:0}/s) " +
                    $"resumed={stats.Resumed} failed={stats.Failures} open={open} rss={rss / 1048576.0:0.0} MiB managed={managed / 1048576.0:0.0} MiB{perConnection}");
                last = total;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class ServerStats
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _handshakes;
        private long _resumed;
        private long _failures;
        private long _errors;
        private long _open;
        private int _printed;

        public TimeSpan Elapsed => _clock.Elapsed;
        public long Handshakes => Interlocked.Read(ref _handshakes);
        public long Resumed => Interlocked.Read(ref _resumed);
        public long Failures => Interlocked.Read(ref _failures);
        public long ConnectionErrors => Interlocked.Read(ref _errors);
        public long Open => Interlocked.Read(ref _open);

        public void Established(bool resumed)
        {
            Interlocked.Increment(ref _handshakes);
            Interlocked.Increment(ref _open);
            if (resumed) Interlocked.Increment(ref _resumed);
        }

        public void Closed() => Interlocked.Decrement(ref _open);

        public void ConnectionError() => Interlocked.Increment(ref _errors);

        public void Failed(Exception e)
        {
            Interlocked.Increment(ref _failures);
            // The first few reasons are worth seeing; thousands of copies are not.
            if (Interlocked.Increment(ref _printed) <= 5)
                Console.Error.WriteLine($"handshake failed: {e.GetType().Name}: {e.Message}");
        }
    }
}
