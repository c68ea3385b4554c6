using System.Runtime.InteropServices;
using Perfolizer.Horology;

namespace TlsEngine.Bench.Support;

/// <summary>
/// A BenchmarkDotNet clock that reads this process's CPU time (clock_gettime(CLOCK_PROCESS_CPUTIME_ID), nanoseconds).
/// On a shared, oversubscribed machine wall-clock means include time the benchmark spent descheduled; CPU time does
/// not. Every case here runs single-threaded in memory, so CPU time per operation is the cost of the operation
/// (plus the GC work it causes, which belongs to it).
/// </summary>
internal sealed class CpuClock : IClock
{
    private const int ClockProcessCpuTime = 2;
    private const int ClockThreadCpuTime = 3;

    public static readonly CpuClock Instance = new();

    public string Title => "Process CPU time";

    public bool IsAvailable => OperatingSystem.IsLinux() && Now() > 0;

    public Frequency Frequency => new(1_000_000_000d);

    public long GetTimestamp() => Now();

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
