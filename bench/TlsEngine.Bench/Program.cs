using BenchmarkDotNet.Running;
using TlsEngine.Bench;

// TlsEngine.Bench [--quick] [--wall] [BenchmarkDotNet args]   the benchmarks (bench/run.sh wraps this)
// TlsEngine.Bench idle ours|sslstream|bouncycastle N          memory per idle connection
// TlsEngine.Bench split N                                     server/client CPU split of a handshake, per step
// TlsEngine.Bench interleaved N                              headline handshakes and floor in rounds, thread-CPU medians
// TlsEngine.Bench allocs N [cached|resumed]                   our handshake allocations by type (sampled)
// TlsEngine.Bench tcpbulk ours|ourspipe|sslstream|bouncycastle MB [ROUND]  bulk over loopback TCP (wall clock; median of rounds)
// TlsEngine.Bench tcpidle ours|sslstream N                   managed memory per idle TLS endpoint over loopback TCP
// TlsEngine.Bench figures [DIR]                               the summary lines from the latest results
switch (args.FirstOrDefault())
{
    case "idle" or "split" or "allocs" or "interleaved" or "loop":
        return Extra.Run(args);
    case "tcpidle" when args is [_, var lib, var n]:
        return TcpIdle.Run(lib, int.Parse(n, System.Globalization.CultureInfo.InvariantCulture));
    case "tcpbulk" when args is [_, var lib, var mb]:
        return TcpBulk.Run(lib, int.Parse(mb, System.Globalization.CultureInfo.InvariantCulture));
    case "tcpbulk" when args is [_, var lib, var mb, var round]:
        return TcpBulk.Run(lib, int.Parse(mb, System.Globalization.CultureInfo.InvariantCulture), int.Parse(round, System.Globalization.CultureInfo.InvariantCulture));
    case "figures":
        return Figures.Run(args.Length > 1 ? args[1] : Extra.ResultsDirectory);
}
bool quick = args.Contains("--quick");
bool wall = args.Contains("--wall");
var rest = args.Where(a => a is not "--quick" and not "--wall").ToArray();
// The SoftHSM benchmarks need a process per case (see BenchConfig.OutOfProcess); everything else runs in this one.
bool hsm = rest.Any(a => a.Contains("Hsm", StringComparison.OrdinalIgnoreCase));
var config = hsm ? BenchConfig.OutOfProcess(quick) : BenchConfig.Create(quick, wall);
var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(rest, config);
return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
