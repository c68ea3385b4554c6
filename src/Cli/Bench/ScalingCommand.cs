using System.Buffers;
using System.Diagnostics;
using TlsEngine.Crypto;

namespace TlsEngine.Cli.Bench;

/// <summary>
/// <c>tlsengine bench scaling</c>: full mutual-TLS handshake pairs in memory (no sockets, no kernel) on 1, 2, …
/// threads at once, sharing one client and one server options object (and so their validated-chain cache and ticket
/// keys) as a real server shares them between connections. Handshakes/s with two loops over one loop shows whether
/// anything shared serialises the hot path; on a 2-core machine the target is at least 1.8x. The thread CPU time per
/// pair should not grow with the loops either (it would, with contended locks that spin or cache lines that bounce).
/// On a machine busy with other work the scheduler's share, not the engine, can limit the ratio: the load average is
/// printed with the results.
/// </summary>
internal static class ScalingCommand
{
    public static int Run(CliArgs args, bool cache, bool resume)
    {
        var loops = BenchCommand.Loops(args, Environment.ProcessorCount);
        var duration = BenchCommand.Seconds(args, "duration", 5);
        args.RejectUnknown();
        if (loops.Length == 1 && loops[0] != 1) loops = [1, loops[0]];

        var pki = DemoPki.Create();
        var client = new TlsClientOptions
        {
            Certificate = pki.Client,
            TrustAnchors = pki.Anchors,
            ServerName = "localhost",
            CipherSuites = [CipherSuite.TLS_AES_128_GCM_SHA256],
            Groups = [NamedGroup.X25519],
            SignatureSchemes = [SignatureScheme.EcdsaSecp256r1Sha256],
            ValidatedChains = cache || resume ? new X509.ValidatedChainCache() : null,
            SessionTickets = resume ? new SessionTicketCache(maxServers: 16, maxTicketsPerServer: 65536) : null,
        };
        var server = new TlsServerOptions
        {
            Certificate = pki.Server,
            TrustAnchors = pki.Anchors,
            ClientAuthentication = ClientAuthenticationMode.Required,
            CipherSuites = [CipherSuite.TLS_AES_128_GCM_SHA256],
            Groups = [NamedGroup.X25519],
            SignatureSchemes = [SignatureScheme.EcdsaSecp256r1Sha256],
            ValidatedChains = cache || resume ? new X509.ValidatedChainCache() : null,
            SessionTicketKeys = resume ? SessionTicketKeys.CreateRandom() : null,
        };
        Console.Error.WriteLine($"in-memory mutual TLS handshake pairs, {duration.TotalSeconds:0} s per run, " +
            $"{(resume ? "resumed" : cache ? "full, chain cache on" : "full, no chain cache")}, {Environment.ProcessorCount} cores, " +
            $"load {LoadAverage()}");
        // Warm up (JIT to tier 1, caches, first ticket).
        Measure(client, server, 2, TimeSpan.FromSeconds(2));
        double first = 0;
        foreach (int n in loops)
        {
            var (count, elapsed, cpu) = Measure(client, server, n, duration);
            double rate = count / elapsed.TotalSeconds;
            if (first == 0) first = rate;
            Console.WriteLine($"loops={n}: {count} handshake pairs in {elapsed.TotalSeconds:0.0} s = {rate:0} pairs/s " +
                $"({elapsed.TotalMilliseconds * n / Math.Max(1, count) * 1000:0} us wall per pair per loop, {cpu.TotalMicroseconds / Math.Max(1, count):0} us thread CPU per pair)" +
                (n != loops[0] ? $"; {rate / first:0.00}x {loops[0]} loop{(loops[0] == 1 ? "" : "s")}" : ""));
        }
        Console.Error.WriteLine($"load after: {LoadAverage()}");
        return 0;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "-";
        }
    }

    private static (long Count, TimeSpan Elapsed, TimeSpan Cpu) Measure(TlsClientOptions client, TlsServerOptions server, int loops, TimeSpan duration)
    {
        long count = 0;
        long cpuNs = 0;
        var clock = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, loops).Select(_ => new Thread(() =>
        {
            var pair = new Pair();
            long mine = 0;
            long cpu0 = ThreadCpuNs();
            while (clock.Elapsed < duration)
            {
                pair.Handshake(client, server);
                mine++;
            }
            Interlocked.Add(ref cpuNs, ThreadCpuNs() - cpu0);
            Interlocked.Add(ref count, mine);
        })
        { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return (count, clock.Elapsed, TimeSpan.FromTicks(cpuNs / 100));
    }

    /// <summary>CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), nanoseconds; 0 where unavailable.</summary>
    private static long ThreadCpuNs()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        return ClockGetTime(3, out var ts) == 0 ? ts.Seconds * 1_000_000_000L + ts.Nanoseconds : 0;
    }

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Two connections joined in memory; buffers reused between handshakes.</summary>
    private sealed class Pair
    {
        private readonly ArrayBufferWriter<byte> _toServer = new(64 * 1024);
        private readonly ArrayBufferWriter<byte> _toClient = new(64 * 1024);
        private readonly ArrayBufferWriter<byte> _plain = new(64 * 1024);

        public void Handshake(TlsClientOptions clientOptions, TlsServerOptions serverOptions)
        {
            using var client = TlsConnection.CreateClient(clientOptions);
            using var server = TlsConnection.CreateServer(serverOptions);
            _toServer.ResetWrittenCount();
            _toClient.ResetWrittenCount();
            client.Start(_toServer);
            for (int round = 0; round < 16 && (_toServer.WrittenCount > 0 || _toClient.WrittenCount > 0); round++)
            {
                Deliver(server, _toServer, _toClient);
                Deliver(client, _toClient, _toServer);
            }
            if (!client.IsHandshakeComplete || !server.IsHandshakeComplete)
                throw new InvalidOperationException("in-memory handshake did not complete");
        }

        /// <summary>Feeds everything queued for <paramref name="to"/>; its answers go to <paramref name="answers"/>.</summary>
        private void Deliver(TlsConnection to, ArrayBufferWriter<byte> input, ArrayBufferWriter<byte> answers)
        {
            if (input.WrittenCount == 0) return;
            var data = input.WrittenMemory.ToArray();
            input.ResetWrittenCount();
            _plain.ResetWrittenCount();
            to.Process(data, answers, _plain, out int consumed);
            if (consumed != data.Length) input.Write(data.AsSpan(consumed));
        }
    }
}
