using System.Text.Json;
using TlsEngine.Bench.Support;

namespace TlsEngine.Bench;

/// <summary>
/// Measurements that are not a mean per operation, run outside BenchmarkDotNet and written as JSON next to its
/// results for <see cref="Figures"/>:
/// <list type="bullet">
/// <item><c>idle LIB N</c> — memory retained per idle established server connection (run once per library, each in a fresh process).</item>
/// <item><c>allocs N [cached]</c> — our handshake's allocations by type (sampled with GCAllocationTick).</item>
/// <item><c>split N</c> — a full handshake pair's CPU split between server and client, from the thread CPU time spent inside each side's calls.</item>
/// </list>
/// </summary>
internal static class Extra
{
    public static string ResultsDirectory => Path.Combine("BenchmarkDotNet.Artifacts", "results");

    public static int Run(string[] args)
    {
        switch (args)
        {
            case ["idle", var lib, var n]:
                return Idle(lib, int.Parse(n));
            case ["split", var n]:
                return Split(int.Parse(n));
            case ["allocs", var n, .. var rest]:
                return Allocations(int.Parse(n), mode: rest is [var m] ? m : "cold");
            case ["interleaved", var n, .. var only]:
                return Interleaved(int.Parse(n), only is [var names] ? names.Split(',') : null);
            case ["loop", var what, var n]:
                return Loop(what, int.Parse(n));
            default:
                Console.Error.WriteLine("usage: TlsEngine.Bench idle ours|sslstream|bouncycastle N | split N");
                return 2;
        }
    }

    /// <summary>The values an earlier <see cref="Write"/> stored under <paramref name="name"/>, or null.</summary>
    internal static Dictionary<string, double>? TryRead(string name)
    {
        string path = Path.Combine(ResultsDirectory, $"extra-{name}.json");
        return File.Exists(path) ? JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(path)) : null;
    }

    internal static void Write(string name, Dictionary<string, double> values)
    {
        Directory.CreateDirectory(ResultsDirectory);
        File.WriteAllText(Path.Combine(ResultsDirectory, $"extra-{name}.json"), JsonSerializer.Serialize(values));
        foreach (var (k, v) in values) Console.WriteLine($"{name}: {k} = {v:0.##}");
    }

    /// <summary>
    /// Establishes <paramref name="count"/> in-memory connection pairs, moves 16 KiB client → server on each (so buffers
    /// were used), drops the client side and the bytes in flight, and keeps only the server endpoint (for SslStream,
    /// with its in-memory transport, whose own cost is measured first and subtracted). Reports the managed heap growth
    /// after a full blocking GC, and the RSS growth, per connection.
    /// </summary>
    private static int Idle(string lib, int count)
    {
        var pki = BenchPki.Shared;
        var data = new byte[16384];
        var buffer = new byte[32768];
        Func<object> establish;
        Func<object>? transportOnly = null;
        switch (lib)
        {
            case "ours":
                {
                    var client = EngineLink.ClientOptions(pki, chainCache: true);
                    var server = EngineLink.ServerOptions(pki, chainCache: true);
                    establish = () =>
                    {
                        var link = new EngineLink();
                        link.Handshake(client, server);
                        link.Client.Encrypt(data, link.ToServer);
                        link.Pump();
                        link.Client.Dispose();
                        return link.Server;
                    };
                    break;
                }
            case "sslstream":
                {
                    var server = SslStreamLink.ServerOptions(pki);
                    var client = SslStreamLink.ClientOptions(pki);
                    establish = () =>
                    {
                        var link = new SslStreamLink();
                        link.Handshake(server, client);
                        link.Client.Write(data);
                        int got = 0;
                        while (got < data.Length) got += link.Server.Read(buffer, got, buffer.Length - got);
                        link.DrainToClient();
                        link.Client.Dispose();
                        return link.Server;
                    };
                    transportOnly = () =>
                    {
                        var a = new System.IO.Pipelines.Pipe();
                        var b = new System.IO.Pipelines.Pipe();
                        var s = new PipeStream(a.Reader, b.Writer);
                        var c = new PipeStream(b.Reader, a.Writer);
                        c.Write(data);
                        int got = 0;
                        while (got < data.Length) got += s.Read(buffer, got, buffer.Length - got);
                        return s;
                    };
                    break;
                }
            case "bouncycastle":
                {
                    establish = () =>
                    {
                        var link = new BouncyCastleLink(pki);
                        link.Handshake();
                        link.Client.WriteApplicationData(data, 0, data.Length);
                        link.Pump();
                        int got = 0;
                        while (got < data.Length) got += link.Server.ReadInput(buffer, got, buffer.Length - got);
                        return link.Server;
                    };
                    break;
                }
            default:
                Console.Error.WriteLine($"unknown library '{lib}'");
                return 2;
        }

        for (int i = 0; i < 50; i++) establish();
        // Process-wide state that the warm-up starts in the background — the P-256 verification tables of busy keys
        // (the anchor's, the cached peer leaves') — is not per connection: let it be built before the baseline.
        Thread.Sleep(1000);
        double transportManaged = 0, transportRss = 0;
        if (transportOnly is not null)
            (transportManaged, transportRss) = Retained(transportOnly, count);
        var (managed, rss) = Retained(establish, count);
        Write($"idle-{lib}", new()
        {
            ["connections"] = count,
            ["managed_bytes_per_connection"] = managed - transportManaged,
            ["rss_bytes_per_connection"] = rss - transportRss,
            ["transport_managed_bytes_subtracted"] = transportManaged,
        });
        return 0;
    }

    private static (double Managed, double Rss) Retained(Func<object> make, int count)
    {
        var keep = new object[count];
        FullGc();
        long managed0 = GC.GetTotalMemory(true);
        long rss0 = Environment.WorkingSet;
        for (int i = 0; i < count; i++) keep[i] = make();
        FullGc();
        long managed1 = GC.GetTotalMemory(true);
        long rss1 = Environment.WorkingSet;
        GC.KeepAlive(keep);
        var result = ((managed1 - managed0) / (double)count, (rss1 - rss0) / (double)count);
        foreach (var k in keep) (k as IDisposable)?.Dispose();
        Array.Clear(keep);
        FullGc();
        return result;
    }

    private static void FullGc()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
    }

    /// <summary>Server-only and client-only CPU of a full handshake pair (ours cold and with the chain cache; BouncyCastle).</summary>
    private static int Split(int count)
    {
        var pki = BenchPki.Shared;
        var results = new Dictionary<string, double>();
        foreach (string mode in new[] { "cold", "cached", "resumed" })
        {
            bool cache = mode != "cold";
            bool resumed = mode == "resumed";
            var client = EngineLink.ClientOptions(pki, cache, resumed ? new LatestTicketStore() : null);
            var server = EngineLink.ServerOptions(pki, cache, resumed ? SessionTicketKeys.CreateRandom() : null);
            var link = new EngineLink();
            Warmup.Once($"split.ours.{cache}", () =>
            {
                link.Handshake(client, server);
                link.Dispose();
            }, 1.0);
            link.Timed = true;
            for (int i = 0; i < count; i++)
            {
                link.Handshake(client, server);
                link.Dispose();
            }
            string suffix = mode == "cold" ? "" : "_" + mode;
            results[$"ours_server_us{suffix}"] = Micros(link.ServerCpuNs, count);
            results[$"ours_client_us{suffix}"] = Micros(link.ClientCpuNs, count);
            Console.WriteLine($"ours, {mode switch { "cold" => "no chain cache", "cached" => "validated-chain cache on", _ => "resumed (PSK with X25519)" }}: per handshake step (CPU us, allocated KiB)");
            for (int i = 0; i < EngineLink.MaxSteps; i++)
            {
                if (link.StepSide[i] is not { } side) continue;
                string what = i == EngineLink.MaxSteps - 1 ? "dispose both" : i == 0 ? "create + ClientHello" : i == 1 ? "create + ClientHello -> first flight" : $"Process #{i}";
                Console.WriteLine($"  {i,2} {side,-6} {what,-40} {Micros(link.StepCpuNs[i], count),8:0.0} us {link.StepBytes[i] / 1024.0 / count,8:0.0} KiB");
            }
        }
        var bc = new BouncyCastleLink(pki);
        Warmup.Once("split.bouncycastle", () =>
        {
            bc.Handshake();
            bc.Close();
        }, 1.0);
        bc.Timed = true;
        for (int i = 0; i < count; i++)
        {
            bc.Handshake();
            bc.Close();
        }
        results["bouncycastle_server_us"] = Micros(bc.ServerCpuNs, count);
        results["bouncycastle_client_us"] = Micros(bc.ClientCpuNs, count);
        Write("split", results);
        return 0;
    }

    /// <summary>
    /// The headline handshakes and the public-key floor measured in rounds — one of each per round, in turn — each by
    /// the thread CPU time it took, and summarised by the median. On a shared machine whose load changes from minute
    /// to minute, cases run back to back see the same conditions, so their ratios are steadier than those of means
    /// taken minutes apart; medians also shed the rounds that a neighbour's burst spoilt.
    /// </summary>
    private static int Interleaved(int rounds, string[]? only)
    {
        var hs = new HandshakeBenchmarks();
        hs.Setup();
        var resumed = new ResumedHandshakeBenchmarks();
        resumed.Setup();
        var floor = new FloorBenchmarks();
        floor.Setup();
        (string Name, Action Run)[] cases =
        [
            ("floor", () => floor.PublicKeyFloor()),
            ("ours_pair", hs.OursPair),
            ("sslstream_pair", hs.SslStreamPair),
            ("bouncycastle_pair", hs.BouncyCastlePair),
            ("ours_resumed", resumed.OursResumed),
            ("sslstream_resumed", resumed.SslStreamResumed),
        ];
        if (only is not null)
        {
            cases = cases.Where(c => only.Contains(c.Name)).ToArray();
            if (cases.Length == 0) throw new ArgumentException($"interleaved: no case among {string.Join(',', only)}");
        }
        var samples = cases.Select(_ => new List<double>(rounds)).ToArray();
        for (int r = -100; r < rounds; r++)
        {
            for (int i = 0; i < cases.Length; i++)
            {
                long t = CpuClock.ThreadNow();
                cases[i].Run();
                if (r >= 0) samples[i].Add((CpuClock.ThreadNow() - t) / 1e3);
            }
        }
        var results = new Dictionary<string, double>();
        for (int i = 0; i < cases.Length; i++)
        {
            samples[i].Sort();
            results[$"{cases[i].Name}_median_us"] = samples[i][samples[i].Count / 2];
        }
        Write("interleaved", results);
        return 0;
    }

    /// <summary>Runs one case N times and nothing else: a target for a profiler (<c>dotnet-trace collect -- … loop pair 5000</c>).</summary>
    private static int Loop(string what, int count)
    {
        var hs = new HandshakeBenchmarks();
        hs.Setup();
        var resumed = new ResumedHandshakeBenchmarks();
        resumed.Setup();
        Action run = what switch
        {
            "pair" => hs.OursPair,
            "cached" => hs.OursPairCachedChains,
            "resumed" => resumed.OursResumed,
            "firstflight" => hs.OursServerFirstFlight,
            "sslstream" => hs.SslStreamPair,
            "sslstream-resumed" => resumed.SslStreamResumed,
            "bouncycastle" => hs.BouncyCastlePair,
            _ => throw new ArgumentException($"loop: pair, cached, resumed, firstflight, sslstream, sslstream-resumed or bouncycastle, not '{what}'"),
        };
        long cpu = CpuClock.ThreadNow();
        long process = CpuClock.Now();
        long chunk = cpu;
        int per = Math.Max(1, count / 10);
        for (int i = 1; i <= count; i++)
        {
            run();
            if (i % per == 0)
            {
                long now = CpuClock.ThreadNow();
                Console.WriteLine($"  {i,7}: {(now - chunk) / 1e3 / per:0.0} us, gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, heap {GC.GetTotalMemory(false) / 1048576.0:0.0} MiB");
                chunk = now;
            }
        }
        Console.WriteLine($"loop {what}: {(CpuClock.ThreadNow() - cpu) / 1e3 / count:0.0} us thread CPU each, " +
            $"{(CpuClock.Now() - process) / 1e3 / count:0.0} us process CPU each (other threads: GC, finalizers, JIT); " +
            $"{GC.GetTotalPauseDuration().TotalMilliseconds:0} ms GC pauses in all");
        // Which threads did the rest: utime+stime per thread from /proc (clock ticks of 10 ms).
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                string name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                long ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
                if (ticks > 0) Console.WriteLine($"  thread {name,-20} {ticks * 10} ms");
            }
            catch (IOException)
            {
            }
        }
        return 0;
    }

    /// <summary>Allocation by type over N full handshake pairs (ours, with or without the chain cache), sampled.</summary>
    private static int Allocations(int count, string mode)
    {
        var pki = BenchPki.Shared;
        bool resumed = mode == "resumed", chainCache = mode != "cold";
        var client = EngineLink.ClientOptions(pki, chainCache, resumed ? new LatestTicketStore() : null);
        var server = EngineLink.ServerOptions(pki, chainCache, resumed ? SessionTicketKeys.CreateRandom() : null);
        var link = new EngineLink();
        for (int i = 0; i < 50; i++)
        {
            link.Handshake(client, server);
            link.Dispose();
        }
        using var sampler = new AllocationSampler();
        long before = GC.GetAllocatedBytesForCurrentThread();
        sampler.Start();
        for (int i = 0; i < count; i++)
        {
            link.Handshake(client, server);
            link.Dispose();
        }
        sampler.Stop();
        long total = GC.GetAllocatedBytesForCurrentThread() - before;
        Console.WriteLine($"ours ({mode}): {total / 1024.0 / count:0.0} KiB allocated per handshake pair; by type ({sampler.Samples} samples of ~100 KB):");
        foreach (var (type, bytes) in sampler.Top(25))
            Console.WriteLine($"  {bytes * 100.0 / Math.Max(1, sampler.Top(1000).Sum(t => t.Bytes)),5:0.0} %  {bytes / 1024.0 / count,7:0.0} KiB  {type}");
        return 0;
    }

    private static double Micros(long nanoseconds, int count) => nanoseconds / 1e3 / count;
}
