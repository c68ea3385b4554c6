using System.Runtime.InteropServices;
using Perfolizer.Horology;

namespace TlsEngine.Bench.Support;

/// <summary>
/// A BenchmarkDotNet clock that reads the CPU time of the benchmark's thread (clock_gettime(CLOCK_THREAD_CPUTIME_ID),
/// nanoseconds). On a shared, oversubscribed machine wall-clock means include time the benchmark spent descheduled;
/// CPU time does not. Every case here runs on one thread in memory (SslStream too: its pipes run continuations
/// inline, and no other thread accumulates CPU), so the thread's CPU time per operation is the cost of the operation,
/// including the gen0/gen1 collections it triggers (workstation GC collects on the allocating thread). It leaves out
/// the runtime's own threads — background JIT above all, which a process clock charged to the first seconds of every
/// case (up to +60 % in a short job) — and background gen2 collections and finalizers, which are rare here.
/// </summary>
internal sealed class CpuClock : IClock
{
    private const int ClockProcessCpuTime = 2;
    private const int ClockThreadCpuTime = 3;

    public static readonly CpuClock Instance = new();

    public string Title => "Thread CPU time";

    public bool IsAvailable => OperatingSystem.IsLinux() && ThreadNow() > 0;

    public Frequency Frequency => new(1_000_000_000d);

    public long GetTimestamp() => ThreadNow();

    /// <summary>CPU time of the calling thread, in nanoseconds (CLOCK_THREAD_CPUTIME_ID).</summary>
    public static long ThreadNow() => ClockGetTime(ClockThreadCpuTime, out var ts) == 0 ? ts.Seconds * 1_000_000_000L + ts.Nanoseconds : 0;

    public static long Now() => ClockGetTime(ClockProcessCpuTime, out var ts) == 0 ? ts.Seconds * 1_000_000_000L + ts.Nanoseconds : 0;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
