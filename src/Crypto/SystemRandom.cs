using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>
/// The operating system's random bytes by the shortest path. On Linux that is the getrandom(2) system call (flags 0:
/// the kernel's CSPRNG, blocking only until it is first seeded at boot): measured here at 0.4 us a call whatever the
/// size up to a few hundred bytes, against 0.84 us through <see cref="RandomNumberGenerator"/>, which goes through
/// OpenSSL's RAND_bytes. A handshake pair asks seven times for 4 to 32 bytes, so requests of up to
/// <see cref="MaxPooledRequest"/> bytes are served from a per-thread pool of <see cref="PoolSize"/> bytes that one call
/// fills: each byte is handed out once and cleared from the pool as it is (the pool holds only bytes not yet served,
/// as a DRBG's state holds its future output), and a thread's pool is cleared when it is collected. Elsewhere, when
/// libc lacks the call, or when it fails other than by being interrupted, <see cref="RandomNumberGenerator"/> serves,
/// and after such a failure it serves for good.
/// </summary>
internal static unsafe partial class SystemRandom
{
    private const int EINTR = 4;

    internal const int PoolSize = 256;
    internal const int MaxPooledRequest = 64;

    // Cleared on the first failure of getrandom (or a missing symbol); never set again.
    private static bool s_getRandom = OperatingSystem.IsLinux();

    [ThreadStatic] private static Pool? t_pool;

    /// <summary>Whether <see cref="Fill(Span{byte})"/> still uses getrandom(2).</summary>
    internal static bool UsesGetRandom => s_getRandom;

    /// <summary>Fills <paramref name="destination"/> with cryptographically secure random bytes.</summary>
    public static void Fill(Span<byte> destination)
    {
        if (destination.Length <= MaxPooledRequest && s_getRandom && TryFillFromPool(destination)) return;
        Fill(destination, s_getRandom);
    }

    /// <summary>Serves a short request from this thread's pool, refilling it by getrandom(2) when it runs short; false when that fails.</summary>
    internal static bool TryFillFromPool(Span<byte> destination)
    {
        var pool = t_pool ??= new Pool();
        if (PoolSize - pool.Served < destination.Length)
        {
            // What is left is too short: the refill overwrites it.
            if (!TryGetRandom(pool.Bytes, int.MaxValue))
            {
                CryptographicOperations.ZeroMemory(pool.Bytes);
                pool.Served = PoolSize;
                s_getRandom = false;
                return false;
            }
            pool.Served = 0;
        }
        var served = pool.Bytes.AsSpan(pool.Served, destination.Length);
        served.CopyTo(destination);
        CryptographicOperations.ZeroMemory(served);
        pool.Served += destination.Length;
        return true;
    }

    /// <summary>
    /// Fills <paramref name="destination"/> through getrandom(2) when <paramref name="tryGetRandom"/> is set and the call
    /// succeeds, else through <see cref="RandomNumberGenerator"/> (the fallback, reachable here for tests).
    /// </summary>
    internal static void Fill(Span<byte> destination, bool tryGetRandom)
    {
        if (destination.IsEmpty) return;
        if (tryGetRandom)
        {
            if (TryGetRandom(destination, int.MaxValue)) return;
            s_getRandom = false;
        }
        RandomNumberGenerator.Fill(destination);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> by getrandom(2), asking for at most <paramref name="maxRequest"/> bytes a
    /// call and repeating after short returns and interruptions; false when the call is missing or fails otherwise.
    /// </summary>
    internal static bool TryGetRandom(Span<byte> destination, int maxRequest)
    {
        try
        {
            fixed (byte* start = destination)
            {
                int filled = 0;
                while (filled < destination.Length)
                {
                    nint got = GetRandom(start + filled, (nuint)Math.Min(destination.Length - filled, maxRequest), 0);
                    if (got > 0) filled += (int)got;
                    else if (got < 0 && Marshal.GetLastPInvokeError() == EINTR) continue;
                    else return false;
                }
                return true;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>A thread's random bytes not yet served: Bytes[Served..].</summary>
    private sealed class Pool
    {
        public readonly byte[] Bytes = new byte[PoolSize];
        public int Served = PoolSize;

        ~Pool() => CryptographicOperations.ZeroMemory(Bytes);
    }

    // ssize_t getrandom(void *buf, size_t buflen, unsigned int flags); glibc 2.25+, musl 1.1.20+.
    [LibraryImport("libc", EntryPoint = "getrandom", SetLastError = true)]
    private static partial nint GetRandom(byte* buffer, nuint length, uint flags);
}
