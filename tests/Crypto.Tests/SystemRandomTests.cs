using System.Reflection;

namespace TlsEngine.Crypto.Tests;

/// <summary>
/// The engine's random source fills whole buffers of any size, through getrandom(2) on Linux and through the
/// RandomNumberGenerator fallback alike.
/// </summary>
public class SystemRandomTests
{
    public static TheoryData<int> Sizes => [0, 1, 4, 32, 64, 65, 256, 257, 4096, 70000];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void DefaultProviderFillsEveryByte(int size) => AssertFillsEveryByte(size, CryptoProvider.Default.FillRandom);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void FallbackFillsEveryByte(int size) => AssertFillsEveryByte(size, b => SystemRandom.Fill(b, tryGetRandom: false));

    [Theory]
    [MemberData(nameof(Sizes))]
    public void GetRandomFillsEveryByte(int size)
    {
        if (!OperatingSystem.IsLinux()) return;
        AssertFillsEveryByte(size, b => Assert.True(SystemRandom.TryGetRandom(b, int.MaxValue)));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void GetRandomInShortRequestsFillsEveryByte(int size)
    {
        if (!OperatingSystem.IsLinux()) return;
        // Short requests take the path of a short return: the rest is asked for again, after what was filled.
        AssertFillsEveryByte(size, b => Assert.True(SystemRandom.TryGetRandom(b, 7)));
    }

    [Fact]
    public void GetRandomServesOnLinux()
    {
        CryptoProvider.Default.FillRandom(new byte[32]);
        Assert.Equal(OperatingSystem.IsLinux(), SystemRandom.UsesGetRandom);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EmptySpansWriteNothing(bool tryGetRandom)
    {
        var buffer = new byte[16];
        SystemRandom.Fill(buffer.AsSpan(8, 0), tryGetRandom);
        Assert.True(SystemRandom.TryGetRandom(buffer.AsSpan(8, 0), int.MaxValue));
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    /// <summary>
    /// Short requests come from the thread's pool: across many refills no two 32-byte answers repeat, and every byte
    /// the pool has served is cleared in it (only bytes not yet served stay in memory).
    /// </summary>
    [Fact]
    public void PooledRequestsAreDistinctAndClearedFromThePool()
    {
        if (!OperatingSystem.IsLinux()) return;
        var seen = new HashSet<string>();
        for (int i = 0; i < 200; i++)
        {
            // Sizes that do not divide the pool, so that refills happen with bytes left over.
            var small = new byte[1 + i % SystemRandom.MaxPooledRequest];
            Assert.True(SystemRandom.TryFillFromPool(small));
            var answer = new byte[32];
            Assert.True(SystemRandom.TryFillFromPool(answer));
            Assert.True(seen.Add(Convert.ToHexString(answer)), "a pooled answer repeated");
            var (bytes, served) = PoolOfThisThread();
            Assert.True(served >= 32 && served <= SystemRandom.PoolSize);
            Assert.True(bytes.AsSpan(0, served).IndexOfAnyExcept((byte)0) < 0, $"served bytes left in the pool (served {served})");
        }
    }

    [Fact]
    public void LongRequestsBypassThePool()
    {
        if (!OperatingSystem.IsLinux()) return;
        var first = new byte[8];
        SystemRandom.Fill(first);
        var (_, servedBefore) = PoolOfThisThread();
        SystemRandom.Fill(new byte[SystemRandom.MaxPooledRequest + 1]);
        Assert.Equal(servedBefore, PoolOfThisThread().Served);
    }

    private static (byte[] Bytes, int Served) PoolOfThisThread()
    {
        var pool = typeof(SystemRandom).GetField("t_pool", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
        var type = pool.GetType();
        return ((byte[])type.GetField("Bytes")!.GetValue(pool)!, (int)type.GetField("Served")!.GetValue(pool)!);
    }

    /// <summary>
    /// Each byte, zero before every fill, is non-zero after at least one of eight fills (an unwritten byte never is;
    /// a written one stays zero eight times with probability 2^-64), and two fills of 16 bytes or more differ.
    /// </summary>
    private static void AssertFillsEveryByte(int size, FillAction fill)
    {
        var written = new bool[size];
        byte[]? previous = null;
        for (int round = 0; round < 8; round++)
        {
            var buffer = new byte[size];
            fill(buffer);
            for (int i = 0; i < size; i++) written[i] |= buffer[i] != 0;
            if (size >= 16 && previous is not null) Assert.False(buffer.AsSpan().SequenceEqual(previous), "two fills gave the same bytes");
            previous = buffer;
        }
        int unwritten = Array.IndexOf(written, false);
        Assert.True(unwritten < 0, $"byte {unwritten} of {size} was never written");
    }

    private delegate void FillAction(Span<byte> destination);
}
