using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using TlsEngine.Bench.Support;

namespace TlsEngine.Bench;

/// <summary>
/// One configuration for every benchmark, so all libraries run in the same process, job and run: in-process
/// (the CPU-time clock is an object BenchmarkDotNet cannot hand to a child process), CPU-time clock by default,
/// MemoryDiagnoser on every class, and a JSON export that <see cref="Figures"/> reads.
/// </summary>
internal static class BenchConfig
{
    /// <summary>
    /// BenchmarkDotNet's usual out-of-process job (wall clock), for <c>HsmHandshakeBenchmarks</c>: each of its processes
    /// sets up its own SoftHSM token through the environment, which an in-process run cannot repeat.
    /// </summary>
    public static IConfig OutOfProcess(bool quick) =>
        DefaultConfig.Instance
            .AddJob(quick ? Job.ShortRun : Job.Default)
            .AddExporter(JsonExporter.Brief)
            .WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);

    public static IConfig Create(bool quick, bool wallClock)
    {
        IClock clock = wallClock ? Chronometer.BestClock : CpuClock.Instance;
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithClock(clock)
            .WithId(wallClock ? "wall" : "cpu");
        if (quick)
        {
            // About 1 s of CPU per case: a pilot, 1 warm-up and 4 measured iterations of 120 ms. Coarse, but the
            // whole quick run stays under 5 minutes on 2 shared, oversubscribed cores.
            job = job.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(4).WithIterationTime(TimeInterval.FromMilliseconds(120));
        }
        else
        {
            // About 15 s of CPU per case.
            job = job.WithLaunchCount(1).WithWarmupCount(5).WithIterationCount(20).WithIterationTime(TimeInterval.FromMilliseconds(500));
        }
        return DefaultConfig.Instance
            .AddJob(job)
            .AddExporter(JsonExporter.Brief)
            .WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);
    }
}
