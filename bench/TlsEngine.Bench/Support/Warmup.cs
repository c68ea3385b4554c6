namespace TlsEngine.Bench.Support;

/// <summary>
/// Runs a case until it has used a given amount of thread CPU time, once per process: long enough for tiered
/// compilation (tier 0 → instrumented → tier 1 with dynamic PGO) to finish with the code it exercises. Without it a
/// short job measures the engine half-compiled while the JIT's background thread works (about 1 s of JIT for our
/// handshake, 1.6 s for BouncyCastle's in this process).
/// </summary>
internal static class Warmup
{
    private static readonly HashSet<string> Done = [];

    public static void Once(string key, Action action, double cpuSeconds)
    {
        lock (Done)
        {
            if (!Done.Add(key)) return;
        }
        long end = CpuClock.ThreadNow() + (long)(cpuSeconds * 1e9);
        while (CpuClock.ThreadNow() < end) action();
        // Let the JIT's queue drain before measuring.
        Thread.Sleep(200);
    }
}
