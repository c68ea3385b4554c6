using System.Globalization;
using System.Text.Json;

namespace TlsEngine.Bench;

/// <summary>
/// Turns the newest BenchmarkDotNet JSON report (and the extra-*.json files of <see cref="Extra"/>) into one line per
/// figure: <c>NAME (UNIT): ours X, sslstream Y, bouncycastle Z</c>, with <c>-</c> where a library cannot do the work
/// (or the case did not run).
/// </summary>
internal static class Figures
{
    private sealed record Case(double MeanNs, double? AllocatedBytes);

    public static int Run(string directory)
    {
        var report = Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*-report-brief.json").OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        var cases = report is null ? [] : Load(report);
        var extra = LoadExtra(directory);
        if (report is not null) Console.WriteLine($"# from {Path.GetFileName(report)} and extra-*.json ({cases.Count} cases)");

        double? Mean(string type, string method, string? parameters = null) =>
            cases.TryGetValue(Key(type, method, parameters), out var c) ? c.MeanNs : null;
        double? Alloc(string type, string method, string? parameters = null) =>
            cases.TryGetValue(Key(type, method, parameters), out var c) ? c.AllocatedBytes : null;
        double? X(string key) => extra.TryGetValue(key, out var v) ? v : null;
        static double? Us(double? ns) => ns / 1e3;
        static double? KiB(double? bytes) => bytes / 1024;
        double? MBps(string method, int size) => Mean("BulkBenchmarks", method, $"Size={size}") is { } ns ? size / ns * 1e3 : null;
        static double? Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : null;

        const string H = "HandshakeBenchmarks";
        const string R = "ResumedHandshakeBenchmarks";
        double? floor = Mean("FloorBenchmarks", "PublicKeyFloor");
        double? aes16 = MBps("AesGcmRaw", 16384);

        Line("handshake.pair.cpu", "us", Us(Mean(H, "OursPair")), Us(Mean(H, "SslStreamPair")), Us(Mean(H, "BouncyCastlePair")));
        Line("handshake.pair.vs.floor", "x", Ratio(Mean(H, "OursPair"), floor), Ratio(Mean(H, "SslStreamPair"), floor), Ratio(Mean(H, "BouncyCastlePair"), floor));
        double? medianFloor = X("floor_median_us");
        Line("handshake.pair.median.cpu", "us", X("ours_pair_median_us"), X("sslstream_pair_median_us"), X("bouncycastle_pair_median_us"));
        Line("handshake.pair.median.vs.floor", "x", Ratio(X("ours_pair_median_us"), medianFloor), Ratio(X("sslstream_pair_median_us"), medianFloor),
            Ratio(X("bouncycastle_pair_median_us"), medianFloor));
        Line("handshake.resumed.median.cpu", "us", X("ours_resumed_median_us"), X("sslstream_resumed_median_us"), null);
        Line("handshake.pair.cached.cpu", "us", Us(Mean(H, "OursPairCachedChains")), null, null);
        Line("handshake.pair.defaultsuites.cpu", "us", null, Us(Mean(H, "SslStreamPairDefaultSuites")), null);
        Line("handshake.server.cpu", "us", X("ours_server_us"), null, X("bouncycastle_server_us"));
        Line("handshake.client.cpu", "us", X("ours_client_us"), null, X("bouncycastle_client_us"));
        Line("handshake.server.cached.cpu", "us", X("ours_server_us_cached"), null, null);
        Line("handshake.server.firstflight.cpu", "us", Us(Mean(H, "OursServerFirstFlight")), null, null);
        Line("handshake.resumed.cpu", "us", Us(Mean(R, "OursResumed")), Us(Mean(R, "SslStreamResumed")), null);
        Line("handshake.resumed.speedup", "x", Ratio(Mean(H, "OursPair"), Mean(R, "OursResumed")),
            Ratio(Mean(H, "SslStreamPairDefaultSuites"), Mean(R, "SslStreamResumed")), null);
        Line("handshake.alloc", "KiB", KiB(Alloc(H, "OursPair")), KiB(Alloc(H, "SslStreamPair")), KiB(Alloc(H, "BouncyCastlePair")));
        Line("handshake.resumed.alloc", "KiB", KiB(Alloc(R, "OursResumed")), KiB(Alloc(R, "SslStreamResumed")), null);
        Line("bulk.16k", "MB/s", MBps("Ours", 16384), MBps("SslStream", 16384), MBps("BouncyCastle", 16384));
        Line("bulk.1k", "MB/s", MBps("Ours", 1024), MBps("SslStream", 1024), MBps("BouncyCastle", 1024));
        Line("bulk.tcp.16k", "MB/s", X("tcpbulk-ours.mbps"), X("tcpbulk-sslstream.mbps"), X("tcpbulk-bouncycastle.mbps"));
        Line("bulk.tcp.16k.vs.sslstream", "x", Ratio(X("tcpbulk-ours.mbps"), X("tcpbulk-sslstream.mbps")), Ratio(X("tcpbulk-sslstream.mbps"), X("tcpbulk-sslstream.mbps")),
            Ratio(X("tcpbulk-bouncycastle.mbps"), X("tcpbulk-sslstream.mbps")));
        Line("bulk.tcp.16k.pipelines", "MB/s", X("tcpbulk-ourspipe.mbps"), null, null);
        // The same transfer without TLS (16 KiB writes and reads on the sockets), in the "ours" column, for comparison.
        Line("bulk.tcp.16k.without.tls", "MB/s", X("tcpbulk-tcp.mbps"), null, null);
        Line("aesgcm.16k", "MB/s", aes16, null, null);
        Line("bulk.16k.vs.aesgcm", "%", Ratio(MBps("Ours", 16384), aes16) * 100, Ratio(MBps("SslStream", 16384), aes16) * 100,
            Ratio(MBps("BouncyCastle", 16384), aes16) * 100);
        Line("record.alloc", "B", Alloc("BulkBenchmarks", "Ours", "Size=16384"), Alloc("BulkBenchmarks", "SslStream", "Size=16384"),
            Alloc("BulkBenchmarks", "BouncyCastle", "Size=16384"));
        Line("record.alloc.1k", "B", Alloc("BulkBenchmarks", "Ours", "Size=1024"), Alloc("BulkBenchmarks", "SslStream", "Size=1024"),
            Alloc("BulkBenchmarks", "BouncyCastle", "Size=1024"));
        Line("conn.idle", "KiB", KiB(X("idle-ours.managed_bytes_per_connection")), KiB(X("idle-sslstream.managed_bytes_per_connection")),
            KiB(X("idle-bouncycastle.managed_bytes_per_connection")));
        Line("conn.idle.rss", "KiB", KiB(X("idle-ours.rss_bytes_per_connection")), KiB(X("idle-sslstream.rss_bytes_per_connection")),
            KiB(X("idle-bouncycastle.rss_bytes_per_connection")));
        Line("conn.idle.tcp", "KiB", KiB(X("tcpidle-ours.managed_bytes_per_endpoint")), KiB(X("tcpidle-sslstream.managed_bytes_per_endpoint")), null);
        Line("floor.pubkey", "us", Us(floor), null, null);
        Line("floor.pubkey.median", "us", medianFloor, null, null);
        Line("chain.validate.cold", "us", Us(Mean("ChainValidationBenchmarks", "TlsEngineCold")), Us(Mean("ChainValidationBenchmarks", "DotNetX509Chain")), null);
        Line("chain.validate.cached", "us", Us(Mean("ChainValidationBenchmarks", "TlsEngineCached")), null, null);
        Line("clienthello.retry", "us", Us(Mean("ParseBenchmarks", "ClientHelloToRetry")), null, null);
        Line("clienthello.parse", "us", Us(Mean("ParseBenchmarks", "ClientHelloParse")), null, null);
        Line("record.parse", "ns", Mean("ParseBenchmarks", "RecordRead"), null, null);
        return 0;
    }

    private static void Line(string name, string unit, double? ours, double? ssl, double? bc) =>
        Console.WriteLine($"{name} ({unit}): ours {Format(ours)}, sslstream {Format(ssl)}, bouncycastle {Format(bc)}");

    private static string Format(double? value) => value switch
    {
        null => "-",
        { } v when double.IsNaN(v) || double.IsInfinity(v) => "-",
        { } v when Math.Abs(v) >= 100 => v.ToString("0", CultureInfo.InvariantCulture),
        { } v when Math.Abs(v) >= 10 => v.ToString("0.0", CultureInfo.InvariantCulture),
        { } v => v.ToString("0.00", CultureInfo.InvariantCulture),
    };

    private static string Key(string type, string method, string? parameters) => $"{type}.{method}|{parameters ?? ""}";

    private static Dictionary<string, Case> Load(string path)
    {
        var cases = new Dictionary<string, Case>();
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var b in doc.RootElement.GetProperty("Benchmarks").EnumerateArray())
        {
            if (!b.TryGetProperty("Statistics", out var stats) || stats.ValueKind != JsonValueKind.Object) continue;
            double mean = stats.GetProperty("Mean").GetDouble();
            double? allocated = b.TryGetProperty("Memory", out var memory) && memory.ValueKind == JsonValueKind.Object
                && memory.TryGetProperty("BytesAllocatedPerOperation", out var a) && a.ValueKind == JsonValueKind.Number
                ? a.GetDouble() : null;
            string parameters = b.TryGetProperty("Parameters", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
            cases[Key(b.GetProperty("Type").GetString()!, b.GetProperty("Method").GetString()!, parameters)] = new Case(mean, allocated);
        }
        return cases;
    }

    private static Dictionary<string, double> LoadExtra(string directory)
    {
        var values = new Dictionary<string, double>();
        if (!Directory.Exists(directory)) return values;
        foreach (var file in Directory.GetFiles(directory, "extra-*.json"))
        {
            string name = Path.GetFileNameWithoutExtension(file)["extra-".Length..];
            foreach (var (k, v) in JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(file))!)
                values[name is "split" or "interleaved" ? k : $"{name}.{k}"] = v;
        }
        return values;
    }
}
