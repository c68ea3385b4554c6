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
    public static IConfig Create(bool quick, bool wallClock)
    {
        IClock clock = wallClock ? Chronometer.BestClock : CpuClock.Instance;
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithClock(clock)
            .WithId(wallClock ? "wall" : "cpu");
        if (quick)
        {
            // About 3 s per case: a pilot, 2 warm-ups and 5 measured iterations of 200 ms.
            job = job.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5).WithIterationTime(TimeInterval.FromMilliseconds(200));
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
