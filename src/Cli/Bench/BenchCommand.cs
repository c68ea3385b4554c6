namespace TlsEngine.Cli.Bench;

/// <summary>
/// <c>tlsengine bench server|client|scaling</c>: a loopback load tool for mutual TLS. The server terminates
/// connections and echoes; the client drives N concurrent connections (handshake, one small request/response, close,
/// repeat) for a bounded time and prints handshakes/s, latency percentiles and errors; <c>scaling</c> runs in-memory
/// handshake loops on 1..N threads to show whether the engine scales across cores.
/// </summary>
internal static class BenchCommand
{
    public const string Usage = """
        usage: tlsengine bench server --port P --cert FILE --key FILE --ca FILE [--host ADDR] [--no-tickets]
                                      [--duration SECONDS] [--report SECONDS] [common options]
               tlsengine bench client --connect HOST:PORT --cert FILE --key FILE --ca FILE [--connections N]
                                      [--duration SECONDS] [--loops 1,2] [--resume] [--hold] [--servername NAME]
                                      [--request BYTES] [common options]
               tlsengine bench scaling [--loops 1,2] [--duration SECONDS] [--cache] [--resume]
        """;

    /// <summary>Flags this command adds to the shared parser's (which would otherwise read the next word as their value).</summary>
    private static readonly string[] OwnFlags = ["resume", "hold", "cache"];

    public static Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return Task.FromResult(args.Length == 0 ? 2 : 0);
        }
        var flags = new HashSet<string>();
        var rest = new List<string>();
        foreach (var a in args[1..])
        {
            if (a.StartsWith("--", StringComparison.Ordinal) && OwnFlags.Contains(a[2..])) flags.Add(a[2..]);
            else rest.Add(a);
        }
        var parsed = CliArgs.Parse(rest.ToArray());
        return args[0] switch
        {
            "server" => LoadServer.RunAsync(parsed),
            "client" => LoadClient.RunAsync(parsed, flags.Contains("resume"), flags.Contains("hold")),
            "scaling" => Task.FromResult(ScalingCommand.Run(parsed, flags.Contains("cache"), flags.Contains("resume"))),
            _ => throw new UsageException($"unknown bench command '{args[0]}'\n\n{Usage}"),
        };
    }

    /// <summary>Comma-separated loop counts, e.g. <c>1,2</c>.</summary>
    public static int[] Loops(CliArgs args, int fallback)
    {
        var v = args.Value("loops");
        if (v is null) return [fallback];
        try
        {
            var loops = v.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
            if (loops.Length == 0 || loops.Any(l => l < 1 || l > 4096)) throw new FormatException();
            return loops;
        }
        catch (FormatException)
        {
            throw new UsageException($"--loops expects counts separated by commas, e.g. 1,2; got '{v}'");
        }
    }

    public static TimeSpan Seconds(CliArgs args, string name, int fallback, int max = 3600)
    {
        int s = args.Int(name, fallback);
        if (s < 1 || s > max) throw new UsageException($"--{name} must be within 1..{max} seconds");
        return TimeSpan.FromSeconds(s);
    }

    /// <summary>Resident set size of this process (VmRSS), in bytes.</summary>
    public static long Rss() => Environment.WorkingSet;
}
